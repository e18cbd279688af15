package org.knng.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IntegerRangeTest {
  /** Three tasks' worth of values and a part of a fourth. */
  private static final int LENGTH = 3 * (1 << 16) + 1234;

  private static float[] integers(long seed) {
    Random random = new Random(seed);
    float[] x = new float[LENGTH];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextInt(2001) - 1000;
    }
    return x;
  }

  @Test
  void theRangeOfIntegersOnAnyThreadCount() {
    float[] x = integers(1);
    // The ends in the last, partial task and in the first: every task's range counts.
    x[LENGTH - 1] = -4096;
    x[5] = 3000;
    for (int threads = 1; threads <= 3; threads++) {
      IntegerRange range = IntegerRange.of(x, LENGTH, threads);
      assertNotNull(range);
      assertEquals(-4096f, range.min());
      assertEquals(3000f, range.max());
      assertFalse(range.isEmpty());
      // Only the first values are read.
      IntegerRange head = IntegerRange.of(x, 5, threads);
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < 5; i++) {
        lo = Math.min(lo, x[i]);
        hi = Math.max(hi, x[i]);
      }
      assertEquals(new IntegerRange(lo, hi), head);
    }
  }

  @Test
  void anyValueThatIsNoFiniteIntegerGivesNone() {
    float[] odd = {0.5f, -1e-3f, 1e6f + 0.5f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY};
    for (float v : odd) {
      for (int at : new int[] {0, 1 << 16, LENGTH / 2, LENGTH - 1}) {
        for (int threads = 1; threads <= 2; threads++) {
          float[] x = integers(at);
          x[at] = v;
          assertNull(IntegerRange.of(x, LENGTH, threads), v + " at " + at);
          // ... unless it lies past the values read.
          assertNotNull(IntegerRange.of(x, at, threads), v + " past " + at);
        }
      }
    }
    // Integers too large for an int are integers all the same.
    assertEquals(new IntegerRange(-3e9f, 1e30f), IntegerRange.of(new float[] {1e30f, -3e9f}, 2, 1));
  }

  @Test
  void noValuesIsAnEmptyRangeThatWidensToTheOther() {
    IntegerRange none = IntegerRange.of(new float[0], 0, 2);
    assertTrue(none.isEmpty());
    IntegerRange some = new IntegerRange(-2, 7);
    assertEquals(some, none.with(some));
    assertEquals(new IntegerRange(-2, 9), some.with(new IntegerRange(3, 9)));
  }
}
