package org.knng.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.testing.Kernels.Kernel;

/**
 * {@link VectorOps#squaredDistance(byte[], int, byte[], int, int)}: every pair has the bits of the
 * float kernel on the bytes' values, at every dimension across the vector loop and its tail, at
 * offsets that are not multiples of the lanes, for bytes across their whole range (so differences
 * of up to 255 and chains long enough to round), one pair at a time and in batches.
 */
class ByteDistancesTest {
  /** Both kernels at the dimensions of the integer kernels' test. */
  @ParameterizedTest(name = "{0} d={1}")
  @MethodSource("org.knng.simd.IntegerSumsTest#cases")
  void bytesHaveTheBitsOfTheirFloats(Kernel kernel, int d) {
    VectorOps ops = kernel.ops();
    Random random = new Random(17L * d + 3);
    int n = 9;
    byte[] a = new byte[n * d + 3];
    byte[] b = new byte[n * d + 1];
    random.nextBytes(a);
    random.nextBytes(b);
    // The first vectors at the two ends of the range: the largest differences, the longest sums.
    Arrays.fill(a, 3, 3 + d, Byte.MAX_VALUE);
    Arrays.fill(b, 1, 1 + d, Byte.MIN_VALUE);
    float[] x = floats(a);
    float[] y = floats(b);
    int[] aOffsets = new int[n];
    int[] bOffsets = new int[n];
    float[] expected = new float[n];
    for (int p = 0; p < n; p++) {
      aOffsets[p] = 3 + random.nextInt(n) * d;
      bOffsets[p] = 1 + random.nextInt(n) * d;
      expected[p] = ops.squaredDistance(x, aOffsets[p], y, bOffsets[p], d);
      float got = ops.squaredDistance(a, aOffsets[p], b, bOffsets[p], d);
      assertEquals(Float.floatToRawIntBits(expected[p]), Float.floatToRawIntBits(got),
          "pair " + p + ": " + got + " against " + expected[p]);
    }
    float[] batch = new float[n];
    ops.squaredDistances(a, aOffsets, b, bOffsets, n, d, batch);
    for (int p = 0; p < n; p++) {
      assertEquals(Float.floatToRawIntBits(expected[p]), Float.floatToRawIntBits(batch[p]), "batch pair " + p);
    }
  }

  private static float[] floats(byte[] bytes) {
    float[] out = new float[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i];
    }
    return out;
  }
}
