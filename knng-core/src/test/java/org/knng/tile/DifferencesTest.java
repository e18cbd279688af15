package org.knng.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.testing.Kernels;
import org.knng.vectors.Vectors;

/**
 * The values of pairs of integer rows ({@link Differences}), and {@link Differences#integerSum}:
 * the exact sums of squared differences (counted in {@code long}) for integers as large as sums
 * below 2^53 allow, up to 2^24, with the extremes {@code -m} and {@code m} against each other and
 * differences that float32 could not hold (2^24 + 1), at every dimension across the four chains and
 * their tail.
 */
class DifferencesTest {
  static IntStream dimensions() {
    return IntStream.concat(IntStream.rangeClosed(1, 20), IntStream.of(97, 784, 4128));
  }

  @ParameterizedTest(name = "d={0}")
  @MethodSource("dimensions")
  void integerSumsAreExact(int d) {
    Random random = new Random(41L * d + 3);
    int m = (int) Math.min(1 << 24, Math.floor(Math.sqrt(0x1p51 / d)));
    int n = 6;
    float[] a = integers(random, n * d + 2, -m, m);
    float[] b = integers(random, n * d + 5, -m, m);
    Arrays.fill(a, 2, 2 + d, -m);
    Arrays.fill(b, 5, 5 + d, m);
    if (m == 1 << 24) {
      a[2] = -1; // 2^24 + 1 from b's 2^24: float32 would round the difference
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int x = 2 + i * d;
        int y = 5 + j * d;
        long squares = 0;
        for (int c = 0; c < d; c++) {
          long e = (long) a[x + c] - (long) b[y + c];
          squares += e * e;
        }
        assertEquals((double) squares, Differences.integerSum(a, x, b, y, d),
            "squares of pair " + i + ", " + j);
      }
    }
  }

  /**
   * Pairs of integer rows valued together ({@link Differences#values}) from the vectors and from
   * their copies as bytes ({@link ByteRows}, stored signed around an offset), and one at a time
   * ({@link Differences#value}), on both kernels: each the exact squared distance rounded once
   * where it reaches 2^24 (400 values of 0 to 255, the two ends of the bytes' range).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.knng.testing.Kernels#both")
  void integerRowsAreValuedExactlyFromVectorsAndBytes(Kernels.Kernel kernel) {
    int n = 30;
    int d = 400;
    Random random = new Random(5);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextInt(8) == 0 ? random.nextInt(256) : (i / d) % 2 == 0 ? 0 : 255;
    }
    Vectors points = Vectors.wrap(x, d);
    byte[] bytes = ByteRows.of(points, null, 1);
    Side side = new Side(x, d, n, null, null, null);
    Differences fromVectors = new Differences(kernel.ops(), points, null, points, null);
    Differences fromBytes = new Differences(kernel.ops(), points, null, points, null, bytes, bytes);
    Hits viaVectors = new Hits(n * n);
    Hits viaBytes = new Hits(n * n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        viaVectors.add(i, j, 0f, Float.POSITIVE_INFINITY);
        viaBytes.add(i, j, 0f, Float.POSITIVE_INFINITY);
      }
    }
    fromVectors.values(viaVectors, side, side);
    fromBytes.values(viaBytes, side, side);
    int reached = 0;
    for (int p = 0; p < n * n; p++) {
      int i = p / n;
      int j = p % n;
      long exact = 0;
      for (int c = 0; c < d; c++) {
        long e = (long) x[i * d + c] - (long) x[j * d + c];
        exact += e * e;
      }
      String what = "pair " + i + ", " + j;
      if (exact >= 1 << 24) {
        reached++;
        assertEquals((float) exact, viaVectors.values[p], what + " from the vectors");
        assertEquals((float) exact, viaBytes.values[p], what + " from the bytes");
        assertEquals((float) exact, fromVectors.value(i, j), what + " alone");
      }
    }
    assertTrue(reached > n * n / 3, "pairs past 2^24: " + reached);
  }

  private static float[] integers(Random random, int length, int low, int high) {
    float[] v = new float[length + 17];
    Arrays.fill(v, Float.NaN); // a sum that read past a vector would show
    for (int i = 0; i < length; i++) {
      v[i] = low + random.nextInt(high - low + 1);
    }
    return v;
  }
}
