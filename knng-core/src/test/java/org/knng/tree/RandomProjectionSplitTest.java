package org.knng.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.knng.simd.VectorOpsProvider;
import org.knng.testing.TestData;

class RandomProjectionSplitTest {
  private static int[] identity(int n) {
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    return order;
  }

  /** The order is a permutation cut into leaves of more than leaf / 2 and at most leaf entries. */
  private static int split(float[] data, int d, int n, int leaf, long seed, int[] order, int[] starts) {
    RandomProjectionSplit split = new RandomProjectionSplit(VectorOpsProvider.get(), data, d, null);
    int leaves = split.order(order, n, leaf, seed, starts);
    assertEquals(0, starts[0]);
    assertEquals(n, starts[leaves]);
    for (int l = 0; l < leaves; l++) {
      int size = starts[l + 1] - starts[l];
      assertTrue(size <= leaf && (n <= leaf || size >= leaf / 2), "leaf " + l + " has " + size);
    }
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(identity(n), sorted);
    return leaves;
  }

  @Test
  void leavesAreBalancedAndTheOrderDependsOnlyOnTheSeed() {
    int n = 5000;
    int d = 12;
    float[] data = TestData.flatten(TestData.gaussian(1, n, d, 0f));
    int[] a = identity(n);
    int[] b = identity(n);
    int[] starts = new int[RandomProjectionSplit.startsLength(n, 40)];
    int leaves = split(data, d, n, 40, 7, a, starts);
    assertTrue(leaves >= n / 40 && leaves <= 2 * n / 40 + 1);
    split(data, d, n, 40, 7, b, new int[starts.length]);
    assertArrayEquals(a, b);
    int[] c = identity(n);
    split(data, d, n, 40, 8, c, new int[starts.length]);
    assertTrue(!Arrays.equals(a, c));
  }

  @Test
  void leavesHoldNearPoints() {
    // Two far clusters: no leaf mixes them.
    int n = 2000;
    float[][] rows = TestData.gaussian(2, n, 8, 0f);
    for (int i = n / 2; i < n; i++) {
      rows[i][0] += 1000;
    }
    int[] order = identity(n);
    int[] starts = new int[RandomProjectionSplit.startsLength(n, 50)];
    int leaves = split(TestData.flatten(rows), 8, n, 50, 3, order, starts);
    int mixed = 0;
    for (int l = 0; l < leaves; l++) {
      boolean low = false;
      boolean high = false;
      for (int p = starts[l]; p < starts[l + 1]; p++) {
        low |= order[p] < n / 2;
        high |= order[p] >= n / 2;
      }
      mixed += low && high ? 1 : 0;
    }
    assertEquals(0, mixed);
  }

  @Test
  void duplicatesAndIdenticalPointsStillSplitEvenly() {
    int n = 3000;
    float[] same = new float[n * 4];
    Arrays.fill(same, 2.5f);
    split(same, 4, n, 30, 1, identity(n), new int[RandomProjectionSplit.startsLength(n, 30)]);
    float[] half = TestData.flatten(TestData.gaussian(4, n, 4, 0f));
    for (int i = n / 2; i < n; i++) {
      System.arraycopy(half, 0, half, i * 4, 4); // half the rows copies of row 0
    }
    split(half, 4, n, 30, 1, identity(n), new int[RandomProjectionSplit.startsLength(n, 30)]);
  }
}
