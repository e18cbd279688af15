package org.knng.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.testing.Kernels;
import org.knng.testing.Kernels.Kernel;

/**
 * Both {@link VectorOps} implementations against a double-precision sum, for every dimension 1..70
 * (below, at and across one and two SIMD widths, so the unrolled loop, the single-vector step and
 * the scalar tail all run) and some primes up to 1031, at non-zero offsets that differ between the
 * two arrays. The values around each slice are NaN, so reading one element too many (or at the
 * wrong offset) poisons the result.
 */
class VectorOpsTest {
  private static final int A_OFFSET = 5;
  private static final int B_OFFSET = 13;

  static int[] dimensions() {
    return IntStream.concat(IntStream.rangeClosed(1, 70), IntStream.of(97, 131, 257, 1031)).toArray();
  }

  static Stream<Arguments> cases() {
    return Kernels.both().stream().flatMap(k -> Arrays.stream(dimensions()).mapToObj(d -> Arguments.of(k, d)));
  }

  /** {@code d} values at {@code offset} in an array padded with NaN on both sides. */
  private static float[] padded(float[] values, int offset) {
    float[] out = new float[offset + values.length + 7];
    Arrays.fill(out, Float.NaN);
    System.arraycopy(values, 0, out, offset, values.length);
    return out;
  }

  private static double exactDot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static double exactSquared(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double diff = (double) a[i] - b[i];
      s += diff * diff;
    }
    return s;
  }

  private static double exactManhattan(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += Math.abs((double) a[i] - b[i]);
    }
    return s;
  }

  /**
   * Worst-case float32 error of summing {@code d} terms whose absolute values sum to {@code
   * absSum}, plus the rounding of each term: {@code (d + 2) * 2^-24 * absSum}, doubled for margin.
   */
  private static double bound(int d, double absSum) {
    return 2.0 * (d + 2) * Math.ulp(1.0f) / 2 * absSum + Float.MIN_NORMAL;
  }

  /** Gaussian values: results within the float32 summation error bound of the exact sum. */
  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void gaussianAgreesWithDoubleWithinFloatTolerance(Kernel kernel, int d) {
    Random rnd = new Random(1000 + d);
    for (int trial = 0; trial < 3; trial++) {
      float[] a = new float[d];
      float[] b = new float[d];
      double dotAbs = 0;
      for (int i = 0; i < d; i++) {
        a[i] = (float) (rnd.nextGaussian() * (trial + 1));
        b[i] = (float) (rnd.nextGaussian() + (trial == 2 ? 50 : 0));
        dotAbs += Math.abs((double) a[i] * b[i]);
      }
      float[] pa = padded(a, A_OFFSET);
      float[] pb = padded(b, B_OFFSET);
      VectorOps ops = kernel.ops();
      double sq = exactSquared(a, b);
      double l1 = exactManhattan(a, b);
      double dot = exactDot(a, b);
      assertWithin(dot, ops.dot(pa, A_OFFSET, pb, B_OFFSET, d), bound(d, dotAbs), "dot");
      assertWithin(sq, ops.squaredDistance(pa, A_OFFSET, pb, B_OFFSET, d), bound(d, sq), "squaredDistance");
      assertWithin(l1, ops.manhattan(pa, A_OFFSET, pb, B_OFFSET, d), bound(d, l1), "manhattan");
    }
  }

  private static void assertWithin(double expected, float actual, double tolerance, String what) {
    assertTrue(Math.abs(actual - expected) <= tolerance,
        what + ": " + actual + " vs exact " + expected + " (tolerance " + tolerance + ")");
  }

  /**
   * Small integers: every partial sum is an integer below 2^24, so float32 is exact and each kernel
   * must return exactly the true value — a skipped, doubled or misplaced element shows up.
   */
  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void smallIntegersAreExact(Kernel kernel, int d) {
    Random rnd = new Random(d);
    float[] a = new float[d];
    float[] b = new float[d];
    for (int i = 0; i < d; i++) {
      a[i] = rnd.nextInt(33) - 16;
      b[i] = rnd.nextInt(33) - 16;
    }
    float[] pa = padded(a, A_OFFSET);
    float[] pb = padded(b, B_OFFSET);
    VectorOps ops = kernel.ops();
    assertEquals((float) exactDot(a, b), ops.dot(pa, A_OFFSET, pb, B_OFFSET, d), "dot");
    assertEquals((float) exactSquared(a, b), ops.squaredDistance(pa, A_OFFSET, pb, B_OFFSET, d), "squaredDistance");
    assertEquals((float) exactManhattan(a, b), ops.manhattan(pa, A_OFFSET, pb, B_OFFSET, d), "manhattan");
  }

  /**
   * Position-sensitive check: a[i] = 1 only at one index i, b[j] = 2^(j mod 20); the dot product
   * must be exactly b[i]. Catches an implementation that reads the wrong lane or offset even
   * where sums would hide it.
   */
  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void eachPositionIsReadFromTheRightPlace(Kernel kernel, int d) {
    float[] b = new float[d];
    for (int j = 0; j < d; j++) {
      b[j] = (float) (1 << (j % 20));
    }
    float[] pb = padded(b, B_OFFSET);
    VectorOps ops = kernel.ops();
    for (int i = 0; i < d; i += Math.max(1, d / 23)) {
      float[] a = new float[d];
      a[i] = 1;
      float[] pa = padded(a, A_OFFSET);
      assertEquals(b[i], ops.dot(pa, A_OFFSET, pb, B_OFFSET, d), "dot picks element " + i);
      float[] zero = padded(new float[d], A_OFFSET);
      float[] onlyI = padded(a, B_OFFSET);
      assertEquals(1f, ops.squaredDistance(zero, A_OFFSET, onlyI, B_OFFSET, d), "squared at " + i);
      assertEquals(1f, ops.manhattan(zero, A_OFFSET, onlyI, B_OFFSET, d), "manhattan at " + i);
    }
  }

  /** A vector against itself: squared distance and manhattan exactly 0, dot its squared norm. */
  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void selfComparison(Kernel kernel, int d) {
    Random rnd = new Random(7 * d);
    float[] a = new float[d];
    for (int i = 0; i < d; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
    float[] pa = padded(a, A_OFFSET);
    float[] pb = padded(a, B_OFFSET);
    VectorOps ops = kernel.ops();
    assertEquals(0f, ops.squaredDistance(pa, A_OFFSET, pb, B_OFFSET, d));
    assertEquals(0f, ops.manhattan(pa, A_OFFSET, pb, B_OFFSET, d));
    double norm = exactDot(a, a);
    assertWithin(norm, ops.dot(pa, A_OFFSET, pb, B_OFFSET, d), bound(d, norm), "dot with itself");
  }

  /** The same call twice gives the same bits (results must not depend on state). */
  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void deterministic(Kernel kernel, int d) {
    Random rnd = new Random(3 * d);
    float[] a = new float[d + A_OFFSET];
    float[] b = new float[d + B_OFFSET];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) rnd.nextGaussian();
    }
    VectorOps ops = kernel.ops();
    assertEquals(Float.floatToIntBits(ops.dot(a, A_OFFSET, b, B_OFFSET, d)),
        Float.floatToIntBits(ops.dot(a, A_OFFSET, b, B_OFFSET, d)));
    assertEquals(Float.floatToIntBits(ops.squaredDistance(a, A_OFFSET, b, B_OFFSET, d)),
        Float.floatToIntBits(ops.squaredDistance(a, A_OFFSET, b, B_OFFSET, d)));
  }

  /**
   * Pairs listed by offsets, for 1 to 40 pairs at offsets that differ per pair in one array padded
   * with NaN: {@link VectorOps#squaredDistances} gives every pair the bits of {@link
   * VectorOps#squaredDistance} on its own (runs side by side and the rest one by one); {@link
   * VectorOps#squaredDistancesAnyOrder} every pair a value within the float32 error bound of a sum
   * in any order of the exact value (what the projected screen's margin assumes; groups of sixteen
   * side by side), each in its own pair's place. Neither writes past the pairs.
   */
  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void squaredDistancesOfListedPairs(Kernel kernel, int d) {
    Random rnd = new Random(77 + d);
    int vectors = 20;
    int[] starts = new int[vectors];
    float[] x = vectorsBetweenNaN(rnd, vectors, d, starts);
    VectorOps ops = kernel.ops();
    for (int count = 1; count <= 40; count++) {
      int[] a = new int[count];
      int[] b = new int[count];
      for (int p = 0; p < count; p++) {
        a[p] = starts[rnd.nextInt(vectors)];
        b[p] = starts[rnd.nextInt(vectors)];
      }
      float[] out = new float[count + 2];
      float[] anyOrder = new float[count + 2];
      Arrays.fill(out, Float.NaN);
      Arrays.fill(anyOrder, Float.NaN);
      ops.squaredDistances(x, a, x, b, count, d, out);
      ops.squaredDistancesAnyOrder(x, a, x, b, count, d, anyOrder);
      for (int p = 0; p < count; p++) {
        assertEquals(Float.floatToIntBits(ops.squaredDistance(x, a[p], x, b[p], d)),
            Float.floatToIntBits(out[p]), count + " pairs, pair " + p);
        double exact = exactSquared(Arrays.copyOfRange(x, a[p], a[p] + d),
            Arrays.copyOfRange(x, b[p], b[p] + d));
        assertWithin(exact, anyOrder[p], bound(d, exact) / 2, "any order, " + count + " pairs, pair " + p);
      }
      assertTrue(Float.isNaN(out[count]), "nothing written past the pairs");
      assertTrue(Float.isNaN(anyOrder[count]), "nothing written past the pairs, any order");
    }
  }

  /**
   * {@code vectors} random vectors in one array, each after a NaN gap (so offsets differ per
   * vector and a kernel that reads past one poisons its sum); their offsets go into {@code starts}.
   */
  private static float[] vectorsBetweenNaN(Random rnd, int vectors, int d, int[] starts) {
    float[] x = new float[3 + vectors * (d + 1) + 7];
    Arrays.fill(x, Float.NaN);
    for (int v = 0; v < vectors; v++) {
      starts[v] = 3 + v * (d + 1);
      for (int c = 0; c < d; c++) {
        x[starts[v] + c] = (float) (rnd.nextGaussian() * 100);
      }
    }
    return x;
  }

  /**
   * The scaled {@link VectorOps#squaredDistances} (cosine's differences of unit vectors): every
   * pair with the bits of the scaled {@link VectorOps#squaredDistance} on its own, for 1 to 9 pairs
   * (two side by side and the last alone), each pair with its own factors.
   */
  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void scaledSquaredDistancesHaveTheBitsOfEachPair(Kernel kernel, int d) {
    Random rnd = new Random(91 + d);
    int vectors = 12;
    int[] starts = new int[vectors];
    float[] x = vectorsBetweenNaN(rnd, vectors, d, starts);
    float[] scales = new float[vectors];
    for (int v = 0; v < vectors; v++) {
      scales[v] = (float) (0.01 + rnd.nextDouble());
    }
    VectorOps ops = kernel.ops();
    for (int count = 1; count <= 9; count++) {
      int[] a = new int[count];
      int[] b = new int[count];
      float[] aScales = new float[count];
      float[] bScales = new float[count];
      for (int p = 0; p < count; p++) {
        int i = rnd.nextInt(vectors);
        int j = rnd.nextInt(vectors);
        a[p] = starts[i];
        b[p] = starts[j];
        aScales[p] = scales[i];
        bScales[p] = scales[j];
      }
      float[] out = new float[count + 2];
      Arrays.fill(out, Float.NaN);
      ops.squaredDistances(x, a, aScales, x, b, bScales, count, d, out);
      for (int p = 0; p < count; p++) {
        assertEquals(Float.floatToIntBits(ops.squaredDistance(x, a[p], aScales[p], x, b[p], bScales[p], d)),
            Float.floatToIntBits(out[p]), count + " pairs, pair " + p);
      }
      assertTrue(Float.isNaN(out[count]), "nothing written past the pairs");
    }
  }

  /**
   * The tile kernels on packed operands, through {@link VectorOps#stripTiles} (three strips, so
   * dimensions above {@link VectorOps#CHUNK} run in chunks that continue each other's sums): every
   * entry is the in-order fused multiply-add chain (or in-order sum of absolute differences, or
   * their maximum) over {@code d} that the contract names, bit for bit, so both implementations
   * agree exactly. The strips and the panel sit at non-zero offsets between NaN, and the output
   * starts as NaN, so a
   * kernel that reads outside its operands, in the wrong layout, or from stale output, poisons or
   * changes entries.
   */
  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void tilesAreInOrderChainsOverPackedOperands(Kernel kernel, int d) {
    VectorOps ops = kernel.ops();
    int w = ops.tileWidth();
    int rows = 3 * VectorOps.TILE_ROWS;
    Random rnd = new Random(7 * d + 1);
    float[][] x = new float[rows][d];
    float[][] y = new float[w][d];
    for (float[] v : x) {
      for (int i = 0; i < d; i++) {
        v[i] = (float) rnd.nextGaussian();
      }
    }
    for (float[] v : y) {
      for (int i = 0; i < d; i++) {
        v[i] = (float) rnd.nextGaussian();
      }
    }
    float[] strips = new float[A_OFFSET + rows * d + 7];
    float[] panel = new float[B_OFFSET + w * d + 7];
    Arrays.fill(strips, Float.NaN);
    Arrays.fill(panel, Float.NaN);
    for (int r = 0; r < rows; r++) {
      int strip = A_OFFSET + r / VectorOps.TILE_ROWS * VectorOps.TILE_ROWS * d;
      for (int i = 0; i < d; i++) {
        strips[strip + i * VectorOps.TILE_ROWS + r % VectorOps.TILE_ROWS] = x[r][i];
      }
    }
    for (int c = 0; c < w; c++) {
      for (int i = 0; i < d; i++) {
        panel[B_OFFSET + i * w + c] = y[c][i];
      }
    }
    float[] dots = new float[rows * w];
    float[] manhattan = new float[rows * w];
    float[] chebyshev = new float[rows * w];
    Arrays.fill(dots, Float.NaN);
    Arrays.fill(manhattan, Float.NaN);
    Arrays.fill(chebyshev, Float.NaN);
    ops.stripTiles(VectorOps.Kernel.DOT, strips, A_OFFSET, 3, d, panel, B_OFFSET, dots);
    ops.stripTiles(VectorOps.Kernel.MANHATTAN, strips, A_OFFSET, 3, d, panel, B_OFFSET, manhattan);
    ops.stripTiles(VectorOps.Kernel.CHEBYSHEV, strips, A_OFFSET, 3, d, panel, B_OFFSET, chebyshev);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < w; c++) {
        float dot = 0f;
        float sum = 0f;
        double max = 0;
        for (int i = 0; i < d; i++) {
          dot = Math.fma(x[r][i], y[c][i], dot);
          sum += Math.abs(x[r][i] - y[c][i]);
          max = Math.max(max, Math.abs((float) (x[r][i] - y[c][i])));
        }
        assertEquals(Float.floatToIntBits(dot), Float.floatToIntBits(dots[r * w + c]),
            "dot, row " + r + ", column " + c);
        assertEquals(Float.floatToIntBits(sum), Float.floatToIntBits(manhattan[r * w + c]),
            "manhattan, row " + r + ", column " + c);
        assertEquals(Float.floatToIntBits((float) max), Float.floatToIntBits(chebyshev[r * w + c]),
            "chebyshev, row " + r + ", column " + c);
      }
    }
  }
}
