package org.knng.tile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.knng.vectors.Vectors;

/**
 * {@link ByteRows}: data of small integers becomes bytes whose differences are the values'
 * differences, in the order asked for, on one thread or several; anything else (a value that is
 * not an integer, wherever it is, or a span of more than 256 integers) gives null.
 */
class ByteRowsTest {
  private static float[] integers(Random random, int count, int lo, int hi) {
    float[] x = new float[count];
    for (int i = 0; i < x.length; i++) {
      x[i] = lo + random.nextInt(hi - lo + 1);
    }
    return x;
  }

  /** Every span of 256 integers: the differences of the bytes are those of the values, in row order. */
  @Test
  void smallIntegersBecomeBytesWithTheirDifferences() {
    Random random = new Random(5);
    int n = 3000;
    int d = 7;
    for (int lo : new int[] {0, -128, -255, 1000, -70_000}) {
      float[] x = integers(random, n * d, lo, lo + 255);
      x[0] = lo; // both ends present
      x[x.length - 1] = lo + 255;
      if (lo == 0) {
        x[1] = -0f; // an integer too
      }
      int first = 0;
      int[] order = new int[n];
      for (int r = 0; r < n; r++) {
        order[r] = (r * 7 + 3) % n; // 7 is prime to 3000: a permutation
      }
      for (int threads : new int[] {1, 2}) {
        for (int[] o : new int[][] {null, order}) {
          byte[] bytes = ByteRows.of(Vectors.wrap(x, d), o, threads);
          first = o == null ? 0 : inverse(o, 0); // the row of point 0
          assertNotNull(bytes, "values " + lo + " to " + (lo + 255));
          assertEquals(n * d, bytes.length);
          for (int r = 0; r < n; r++) {
            int point = o == null ? r : o[r];
            for (int a = 0; a < d; a++) {
              // Against the first value: a difference of bytes is the difference of the values.
              // (+ 0f: a difference of -0 and 0 is -0, which squares as 0 does)
              assertEquals(x[point * d + a] - x[0] + 0f, (float) bytes[r * d + a] - (float) bytes[first * d],
                  "row " + r + ", value " + a);
            }
          }
        }
      }
    }
  }

  private static int inverse(int[] order, int point) {
    for (int r = 0; r < order.length; r++) {
      if (order[r] == point) {
        return r;
      }
    }
    throw new AssertionError("point " + point + " not in the order");
  }

  @Test
  void anythingElseIsNull() {
    Random random = new Random(9);
    int n = 40_000; // more than one task of the check
    int d = 4;
    float[] base = integers(random, n * d, 0, 255);
    base[5] = 0f; // the whole span present: one more integer either way is too many
    base[6] = 255f;
    assertNotNull(ByteRows.of(Vectors.wrap(base, d), null, 2));
    // (NaN and the infinities never get this far: Vectors rejects them.)
    for (float odd : new float[] {0.5f, 254.999f, -0.25f, 256f, -1f, 1e30f}) {
      for (int at : new int[] {0, n * d / 2 + 1, n * d - 1}) {
        float[] x = base.clone();
        x[at] = odd;
        for (int threads : new int[] {1, 2}) {
          assertNull(ByteRows.of(Vectors.wrap(x, d), null, threads), odd + " at " + at);
        }
      }
    }
  }
}
