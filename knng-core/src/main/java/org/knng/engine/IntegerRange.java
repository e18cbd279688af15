package org.knng.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The smallest and largest of values that are all finite integers (pixels, SIFT descriptors): what
 * decides whether the kernels may read them as bytes ({@code ByteRows}) or sum them exactly in
 * float32 lanes ({@link Rescoring.Distances#integerSums}). One pass on several threads, stopped at
 * the first block with a value that is not an integer, so that float data cost next to nothing.
 *
 * @param min the smallest value ({@code +infinity} for no values)
 * @param max the largest value ({@code -infinity} for no values)
 */
public record IntegerRange(float min, float max) {
  /** Values per task (Fashion-MNIST's 47 million values: about 20-30 ms on two threads). */
  private static final int CHUNK = 1 << 16;

  /**
   * @param values the values
   * @param length how many of them, from the first, to read
   * @param threads threads for the pass
   * @return the range of {@code values[0, length)}, or null if one of them is not a finite
   *     integer (NaN, an infinity, a fraction)
   */
  public static IntegerRange of(float[] values, int length, int threads) {
    int chunks = (int) (((long) length + CHUNK - 1) / CHUNK);
    float[] min = new float[chunks];
    float[] max = new float[chunks];
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean integers = new AtomicBoolean(true);
    Parallel.run(Math.max(1, Math.min(threads, chunks)), () -> {
      for (int c; integers.get() && (c = next.getAndIncrement()) < chunks; ) {
        int from = c * CHUNK;
        int to = (int) Math.min(length, from + (long) CHUNK);
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
          float v = values[i];
          if (v != Math.rint(v)) { // a fraction, or NaN
            integers.set(false);
            return;
          }
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        min[c] = lo;
        max[c] = hi;
      }
    });
    if (!integers.get()) {
      return null;
    }
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < chunks; c++) {
      lo = Math.min(lo, min[c]);
      hi = Math.max(hi, max[c]);
    }
    // rint keeps the infinities: they would be the range's ends.
    return lo == Float.NEGATIVE_INFINITY || hi == Float.POSITIVE_INFINITY ? null
        : new IntegerRange(lo, hi);
  }

  /**
   * @param other another range
   * @return the smallest range holding both
   */
  public IntegerRange with(IntegerRange other) {
    return new IntegerRange(Math.min(min, other.min), Math.max(max, other.max));
  }

  /** @return whether the range holds no values */
  public boolean isEmpty() {
    return min > max;
  }
}
