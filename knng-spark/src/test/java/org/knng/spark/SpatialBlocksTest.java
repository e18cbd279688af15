package org.knng.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.knng.testing.TestData;

/**
 * Dealing points into blocks: every block gets a fair share, also when all points are equal (a
 * split of equal projections goes by id, so duplicates cannot pile into one task), and near
 * points share a block far more often than random dealing would make them.
 */
class SpatialBlocksTest {

  @Test
  void equalPointsSpreadOverEveryBlock() {
    int n = 8000;
    int d = 5;
    float[] x = TestData.flatten(TestData.constant(n, d, 3f));
    SpatialBlocks tree = SpatialBlocks.fit(x, 500, d, 4, false, 7);
    int[] sizes = new int[4];
    for (int i = 0; i < n; i++) {
      sizes[tree.block(i, x, i * d)]++;
    }
    for (int s : sizes) {
      assertTrue(s > n / 4 * 0.8 && s < n / 4 * 1.2, Arrays.toString(sizes));
    }
  }

  @Test
  void clustersStayTogetherAndBlocksAreBalanced() {
    // 6 well separated clusters: a point's block is its cluster's block far more often than 1 in 6.
    int n = 6000;
    int d = 16;
    float[][] rows = TestData.clusters(3, n, d, 6, 4);
    float[] x = TestData.flatten(rows);
    SpatialBlocks tree = SpatialBlocks.fit(x, n, d, 3, false, 1);
    int[] sizes = new int[3];
    int[] block = new int[n];
    for (int i = 0; i < n; i++) {
      block[i] = tree.block(i, x, i * d);
      sizes[block[i]]++;
    }
    for (int s : sizes) {
      assertTrue(s > n / 3 * 0.7 && s < n / 3 * 1.3, Arrays.toString(sizes));
    }
    // Each point's nearest other point (brute force on a subset) usually shares its block.
    int same = 0;
    int checked = 300;
    for (int i = 0; i < checked; i++) {
      int best = -1;
      double bestDist = Double.MAX_VALUE;
      for (int j = 0; j < n; j++) {
        if (j == i) {
          continue;
        }
        double s = 0;
        for (int c = 0; c < d; c++) {
          double t = rows[i][c] - rows[j][c];
          s += t * t;
        }
        if (s < bestDist) {
          bestDist = s;
          best = j;
        }
      }
      same += block[best] == block[i] ? 1 : 0;
    }
    assertTrue(same > checked * 0.8, same + " of " + checked + " nearest neighbours share a block");
    assertEquals(0, SpatialBlocks.fit(x, n, d, 1, false, 1).block(5, x, 5 * d));
  }
}
