package org.knng.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.metric.Metric;
import org.knng.testing.Kernels;
import org.knng.testing.Kernels.Kernel;

/**
 * {@link VectorOps#integerSquaredEuclidean} and {@link VectorOps#integerDots}: on vectors of
 * integers within their bound ({@code ceil(d / 16) m^2 <= 2^24}) every pair has the bits of the
 * double-precision definition, at every dimension across the vector loop and the masked last
 * round, up to the largest dimension the bound allows for values of 0 to 255 (4,128), with the
 * extreme vectors whose chains reach 2^24 exactly, and for any number of pairs (two at a time and
 * an odd last one). Values past the vectors are NaN, so a kernel that read beyond one would show.
 */
class IntegerSumsTest {
  /**
   * Both kernels, at every dimension from 1 to 40 (across the vector loops and their tails) and at
   * 97, 784, 1031 and 4128 (also {@link ByteDistancesTest}'s).
   */
  static Stream<Arguments> cases() {
    int[] dims = IntStream.concat(IntStream.rangeClosed(1, 40), IntStream.of(97, 784, 1031, 4128))
        .toArray();
    return Kernels.both().stream().flatMap(k -> Arrays.stream(dims).mapToObj(d -> Arguments.of(k, d)));
  }

  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void squaredDifferencesOfIntegersHaveTheBitsOfTheDefinition(Kernel kernel, int d) {
    Random random = new Random(13L * d + 1);
    int n = 12;
    float[] a = integers(random, n, d, 3, 0, 255);
    float[] b = integers(random, n, d, 1, 0, 255);
    // The first vectors as far apart as the values can be, and one difference odd, so that the
    // sums are odd: a chain that added more terms than the bound allows would round them.
    Arrays.fill(a, 3, 3 + d, 255f);
    a[3 + d / 2] = 254f;
    Arrays.fill(b, 1, 1 + d, 0f);
    assertDefinitionBits(kernel.ops(), random, a, b, n, d, true);
  }

  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("cases")
  void productsOfIntegersHaveTheBitsOfTheDefinition(Kernel kernel, int d) {
    Random random = new Random(29L * d + 5);
    int n = 12;
    float[] a = integers(random, n, d, 3, -255, 255);
    float[] b = integers(random, n, d, 1, -255, 255);
    Arrays.fill(a, 3, 3 + d, -255f); // chains of the largest magnitude, and odd
    a[3 + d / 2] = -254f;
    Arrays.fill(b, 1, 1 + d, 255f);
    for (int i = d; i < n * d; i += 5) {
      a[3 + i] = 0f; // products +0 and -0 (not in the first vector)
    }
    assertDefinitionBits(kernel.ops(), random, a, b, n, d, false);
    double[] norm = new double[1];
    kernel.ops().integerDots(a, new int[] {3}, a, 3, 1, d, norm);
    assertEquals(Metric.dot(a, 3, a, 3, d), norm[0], "a squared norm");
  }

  /**
   * The kernel's sums of 1 to 7 pairs, the first always the extreme vectors at offsets 3 and 1,
   * the others drawn, against the definition's bits ({@link Metric#squaredEuclidean} or {@link
   * Metric#dot}).
   */
  private static void assertDefinitionBits(VectorOps ops, Random random, float[] a, float[] b,
      int n, int d, boolean squares) {
    for (int count = 1; count <= 7; count++) {
      int[] aOffsets = ExactSquaredEuclideanTest.firsts(random, count, n, d);
      aOffsets[0] = 3;
      int bOffset = 1 + (count == 1 ? 0 : random.nextInt(n)) * d;
      double[] out = new double[count + 1];
      out[count] = -1;
      if (squares) {
        ops.integerSquaredEuclidean(a, aOffsets, b, bOffset, count, d, out);
      } else {
        ops.integerDots(a, aOffsets, b, bOffset, count, d, out);
      }
      for (int p = 0; p < count; p++) {
        double defined = squares ? Metric.squaredEuclidean(a, aOffsets[p], b, bOffset, d)
            : Metric.dot(a, aOffsets[p], b, bOffset, d);
        assertEquals(Double.doubleToRawLongBits(defined), Double.doubleToRawLongBits(out[p]),
            "pair " + p + " of " + count);
      }
      assertEquals(-1, out[count], "wrote past the pairs asked for");
    }
  }

  /**
   * {@code n} vectors of integers in {@code [low, high]} from {@code offset}, NaN past the last
   * one.
   */
  private static float[] integers(Random random, int n, int d, int offset, int low, int high) {
    float[] v = new float[n * d + offset + 17];
    Arrays.fill(v, Float.NaN);
    for (int i = offset; i < offset + n * d; i++) {
      v[i] = low + random.nextInt(high - low + 1);
    }
    return v;
  }
}
