package org.knng.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.metric.Metric;
import org.knng.testing.Kernels;
import org.knng.testing.Kernels.Kernel;

/**
 * The double-precision squared euclidean distance the engines re-score with: {@link
 * Metric#squaredEuclidean} follows its documented order of sixteen chains (checked against a
 * plain transcription of that order), so does its overload on vectors widened to double, and
 * both {@link VectorOps#squaredEuclidean} implementations (several first vectors against one
 * second, all widened) give its bits for every pair, at every dimension across the vector loop,
 * the masked last round and the pairs taken two at a time. The same for {@link Metric#dot}, the
 * sum of cosine and the inner product, and {@link VectorOps#dots}.
 */
class ExactSquaredEuclideanTest {
  static Stream<Arguments> cases() {
    int[] dims = IntStream.concat(IntStream.rangeClosed(1, 70), IntStream.of(97, 128, 131, 784, 1031))
        .toArray();
    return Kernels.both().stream().flatMap(k -> Arrays.stream(dims).mapToObj(d -> Arguments.of(k, d)));
  }

  /** The order as the documentation states it, with an array of chains. */
  private static double transcribed(float[] a, int x, float[] b, int y, int d) {
    double[] c = new double[16];
    for (int i = 0; i < d; i++) {
      double t = (double) a[x + i] - b[y + i];
      c[i % 16] = c[i % 16] + t * t;
    }
    double[] l = new double[4];
    for (int j = 0; j < 4; j++) {
      l[j] = (c[j] + c[j + 8]) + (c[j + 4] + c[j + 12]);
    }
    return (l[0] + l[2]) + (l[1] + l[3]);
  }

  /** Values of very different sizes (and some shared), so that the order of additions shows in the bits. */
  private static float[] values(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4));
    }
    return v;
  }

  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void everyPairHasTheBitsOfTheDefinition(Kernel kernel, int d) {
    Random random = new Random(31L * d + 7);
    int n = 24;
    float[] a = padded(random, n, d, 3);
    float[] b = padded(random, n, d, 1);
    for (int i = 0; i < n * d; i += 5) {
      b[1 + i] = a[3 + i]; // some equal values: differences of exactly zero
    }
    double[] wide = widened(a); // NaN past the last vector as well
    double[] wideB = widened(b);
    for (int count = 1; count <= 9; count++) {
      int[] aOffsets = firsts(random, count, n, d);
      int bOffset = 1 + random.nextInt(n) * d;
      double[] out = new double[count + 1];
      out[count] = -1;
      kernel.ops().squaredEuclidean(wide, aOffsets, wideB, bOffset, count, d, out);
      for (int p = 0; p < count; p++) {
        double expected = transcribed(a, aOffsets[p], b, bOffset, d);
        double defined = Metric.squaredEuclidean(a, aOffsets[p], b, bOffset, d);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(defined),
            "definition, pair " + p + " of " + count);
        assertEquals(Double.doubleToRawLongBits(expected),
            Double.doubleToRawLongBits(Metric.squaredEuclidean(wide, aOffsets[p], wideB, bOffset, d)),
            "definition on widened vectors, pair " + p + " of " + count);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(out[p]),
            "kernel, pair " + p + " of " + count);
        assertEquals(expected, Metric.SQEUCLIDEAN.distance(a, aOffsets[p], b, bOffset, d));
        assertEquals(Math.sqrt(expected), Metric.EUCLIDEAN.distance(a, aOffsets[p], b, bOffset, d));
      }
      assertEquals(-1, out[count], "wrote past the pairs asked for");
    }
  }

  /** The dot product's order as the documentation states it. */
  private static double transcribedDot(float[] a, int x, float[] b, int y, int d) {
    double[] c = new double[16];
    for (int i = 0; i < d; i++) {
      c[i % 16] = c[i % 16] + (double) a[x + i] * b[y + i];
    }
    double[] l = new double[4];
    for (int j = 0; j < 4; j++) {
      l[j] = (c[j] + c[j + 8]) + (c[j + 4] + c[j + 12]);
    }
    return (l[0] + l[2]) + (l[1] + l[3]);
  }

  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void everyDotHasTheBitsOfTheDefinition(Kernel kernel, int d) {
    Random random = new Random(17L * d + 3);
    int n = 24;
    float[] a = padded(random, n, d, 3);
    float[] b = padded(random, n, d, 1);
    for (int i = 0; i < n * d; i += 3) {
      a[3 + i] = 0f; // products of -0 and +0
    }
    for (int i = 0; i < n * d; i += 7) {
      b[1 + i] = -a[3 + i]; // some negative products
    }
    double[] wide = widened(a);
    double[] wideB = widened(b);
    for (int count = 1; count <= 9; count++) {
      int[] aOffsets = firsts(random, count, n, d);
      int bOffset = 1 + random.nextInt(n) * d;
      double[] out = new double[count + 1];
      out[count] = -1;
      kernel.ops().dots(wide, aOffsets, wideB, bOffset, count, d, out);
      for (int p = 0; p < count; p++) {
        double expected = transcribedDot(a, aOffsets[p], b, bOffset, d);
        assertEquals(Double.doubleToRawLongBits(expected),
            Double.doubleToRawLongBits(Metric.dot(a, aOffsets[p], b, bOffset, d)),
            "definition, pair " + p + " of " + count);
        assertEquals(Double.doubleToRawLongBits(expected),
            Double.doubleToRawLongBits(Metric.dot(wide, aOffsets[p], wideB, bOffset, d)),
            "definition on widened vectors, pair " + p + " of " + count);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(out[p]),
            "kernel, pair " + p + " of " + count);
        assertEquals(Double.doubleToRawLongBits(-expected), Double.doubleToRawLongBits(
            Metric.INNER_PRODUCT.distance(a, aOffsets[p], b, bOffset, d)));
        assertEquals(Metric.cosine(expected, transcribedDot(a, aOffsets[p], a, aOffsets[p], d),
                transcribedDot(b, bOffset, b, bOffset, d)),
            Metric.COSINE.distance(a, aOffsets[p], b, bOffset, d));
      }
      assertEquals(-1, out[count], "wrote past the pairs asked for");
    }
  }

  /**
   * {@code n} vectors from {@code offset} (not a multiple of the vector length), NaN past the last
   * one, so that a kernel reading beyond a vector changes the bits.
   */
  private static float[] padded(Random random, int n, int d, int offset) {
    float[] v = Arrays.copyOf(values(random, n * d + offset), n * d + offset + 5);
    Arrays.fill(v, n * d + offset, v.length, Float.NaN);
    return v;
  }

  /**
   * Where {@code count} first vectors of {@link #padded} (offset 3) start, drawn with repeats (the
   * integer kernels' test lays its vectors out alike).
   */
  static int[] firsts(Random random, int count, int n, int d) {
    int[] offsets = new int[count];
    for (int p = 0; p < count; p++) {
      offsets[p] = 3 + random.nextInt(n) * d;
    }
    return offsets;
  }

  private static double[] widened(float[] v) {
    double[] wide = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      wide[i] = v[i];
    }
    return wide;
  }

  @Test
  void theOrderOfTheChainsShowsInTheBits() {
    // A sum in one chain and the sixteen-chain sum differ for some of these vectors, so the
    // bit-for-bit comparisons above could tell an implementation that summed in another order.
    Random random = new Random(5);
    int differ = 0;
    for (int t = 0; t < 200; t++) {
      float[] a = values(random, 784);
      float[] b = values(random, 784);
      double one = 0;
      for (int i = 0; i < 784; i++) {
        double x = (double) a[i] - b[i];
        one += x * x;
      }
      if (one != Metric.squaredEuclidean(a, 0, b, 0, 784)) {
        differ++;
      }
    }
    assertEquals(true, differ > 20, "only " + differ + " of 200 sums depend on the order");
  }
}
