package org.knng.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The median split: a permutation whose leaves are separated on the split coordinates. */
class MedianSplitTest {

  /** On one coordinate every split is on it, so each leaf's values are at most the next leaf's. */
  @ParameterizedTest
  @ValueSource(ints = {1, 3, 16, 100, 1000})
  void leavesOfOneCoordinateAreOrderedAndAPermutation(int leaf) {
    Random r = new Random(leaf);
    int n = 1237;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextInt(50); // many duplicates
    }
    float[] moved = x.clone();
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    new MedianSplit(moved, 1, 1).order(order, 0, n, leaf);
    for (int i = 0; i < n; i++) {
      assertEquals(x[order[i]], moved[i], "row " + i + " moved with its entry");
    }
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    int[] identity = new int[n];
    Arrays.setAll(identity, i -> i);
    assertArrayEquals(identity, sorted, "a permutation");
    for (int b = leaf; b < n; b += leaf) {
      float maxBefore = Float.NEGATIVE_INFINITY;
      for (int i = b - leaf; i < b; i++) {
        maxBefore = Math.max(maxBefore, x[order[i]]);
      }
      for (int i = b; i < Math.min(n, b + leaf); i++) {
        assertTrue(x[order[i]] >= maxBefore, "leaf at " + b + " holds a smaller value");
      }
    }
  }

  @Test
  void splitsTheWidestCoordinate() {
    // Coordinate 1 spans 100, coordinate 0 spans 1: the first split separates on coordinate 1.
    int n = 64;
    float[] p = new float[2 * n];
    for (int i = 0; i < n; i++) {
      p[2 * i] = (i % 7) / 7f;
      p[2 * i + 1] = (i * 37 % n) * 100f / n;
    }
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    float[] original = p.clone();
    MedianSplit split = new MedianSplit(p, 2, 2);
    assertEquals(1, split.widest(0, n));
    split.order(order, 0, n, n / 2);
    p = original;
    for (int i = 0; i < n / 2; i++) {
      for (int j = n / 2; j < n; j++) {
        assertTrue(p[2 * order[i] + 1] <= p[2 * order[j] + 1]);
      }
    }
  }
}
