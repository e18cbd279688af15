package org.knng.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Four distances at once give, pair by pair, the bits of one at a time. */
class SquaredEuclidean4Test {
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 16, 127, 784})
  void eachPairHasTheBitsOfTheSingleDistance(int d) {
    Random random = new Random(d);
    int n = 40;
    float[] a = new float[n * d];
    float[] b = new float[n * d];
    for (int i = 0; i < a.length; i++) {
      // Values of very different sizes, so that the order of the additions shows in the bits.
      a[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
      b[i] = random.nextInt(5) == 0 ? a[i] : (float) (random.nextGaussian() * 100);
    }
    double[] out = new double[4];
    for (int t = 0; t < 200; t++) {
      int[] aOffsets = new int[4];
      int[] bOffsets = new int[4];
      for (int l = 0; l < 4; l++) {
        aOffsets[l] = random.nextInt(n) * d;
        bOffsets[l] = random.nextInt(n) * d;
      }
      Metric.squaredEuclidean4(a, aOffsets, b, bOffsets, d, out);
      for (int l = 0; l < 4; l++) {
        double one = Metric.SQEUCLIDEAN.distance(a, aOffsets[l], b, bOffsets[l], d);
        assertEquals(Double.doubleToRawLongBits(one), Double.doubleToRawLongBits(out[l]),
            "pair " + l + " of trial " + t);
        assertEquals(Math.sqrt(out[l]), Metric.EUCLIDEAN.distance(a, aOffsets[l], b, bOffsets[l], d));
      }
    }
  }
}
