package org.knng.tile;

import java.util.concurrent.atomic.AtomicInteger;
import org.knng.engine.IntegerRange;
import org.knng.engine.Parallel;
import org.knng.vectors.Vectors;

/**
 * Vectors of small integers (pixels, SIFT descriptors) held as bytes, a quarter of the memory a
 * pair's full-width value reads: each value {@code v} as the byte {@code v - c}, one integer
 * {@code c} for all, which needs every value to be an integer and all of them to span at most 256
 * consecutive integers. A difference of two bytes is then exactly the difference of the two
 * values, so the squared distances computed from the bytes ({@link
 * org.knng.simd.VectorOps#squaredDistance(byte[], int, byte[], int, int)}) have the bits of those
 * computed from the floats.
 */
public final class ByteRows {
  /** Values per task of the copy. */
  private static final int CHUNK = 1 << 16;

  private ByteRows() {}

  /**
   * The points as bytes, row {@code r} being point {@code order[r]} (point {@code r} without an
   * order), if they are small integers; else null, after reading no further than the first block
   * with a value that is not an integer ({@link IntegerRange}: float data cost next to nothing).
   *
   * @param points the points
   * @param order the point of each row, or null for point order
   * @param threads threads of the two passes (the check, then the copy)
   * @return the rows as bytes ({@code n x d}), or null
   */
  public static byte[] of(Vectors points, int[] order, int threads) {
    float[] x = points.data();
    int d = points.dimension();
    int n = points.size();
    long length = (long) n * d;
    if (length == 0 || length > Integer.MAX_VALUE - 8) {
      return null;
    }
    IntegerRange range = IntegerRange.of(x, (int) length, threads);
    if (range == null || !(range.max() - range.min() <= 255) || Math.abs(range.min()) > 1 << 24) {
      return null;
    }
    int offset = (int) range.min() + 128;
    byte[] out = new byte[(int) length];
    int rowsPerTask = Math.max(1, CHUNK / Math.max(1, d));
    AtomicInteger nextRow = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(threads, (n + rowsPerTask - 1) / rowsPerTask)), () -> {
      for (int r0; (r0 = nextRow.getAndAdd(rowsPerTask)) < n; ) {
        for (int r = r0; r < Math.min(n, r0 + rowsPerTask); r++) {
          int from = (order == null ? r : order[r]) * d;
          int to = r * d;
          for (int a = 0; a < d; a++) {
            out[to + a] = (byte) ((int) x[from + a] - offset);
          }
        }
      }
    });
    return out;
  }
}
