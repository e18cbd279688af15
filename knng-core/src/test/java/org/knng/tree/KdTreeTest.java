package org.knng.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.knng.vectors.Vectors;

/** The tree: a permutation of the points, the same whatever the threads, with boxes that hold them. */
class KdTreeTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 16})
  void theTreeIsTheSameForAnyThreadCountAndItsBoxesHoldTheirPoints(int leaf) {
    Random r = new Random(leaf);
    int n = 20_011;
    int d = 3;
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < d; c++) {
        // A quarter of the points repeat earlier ones: splits through runs of equal values.
        x[i * d + c] = i % 4 == 0 && i > 0 ? x[(i / 2) * d + c] : (float) r.nextGaussian() * (c + 1);
      }
    }
    Vectors points = Vectors.wrap(x, d);
    KdTree one = KdTree.build(points, leaf, 1);
    int[] sorted = one.points().clone();
    Arrays.sort(sorted);
    for (int i = 0; i < n; i++) {
      assertEquals(i, sorted[i], "a permutation of the points");
    }
    for (int threads : new int[] {2, 3, 8}) {
      KdTree many = KdTree.build(points, leaf, threads);
      assertArrayEquals(one.points(), many.points(), threads + " threads");
      assertEquals(one.nodes(), many.nodes());
    }
    float[] low = one.low();
    float[] high = one.high();
    for (int node = 0; node < one.nodes(); node++) {
      for (int p = one.start(node); p < one.end(node); p++) {
        for (int c = 0; c < d; c++) {
          float v = x[one.point(p) * d + c];
          assertTrue(low[node * d + c] <= v && v <= high[node * d + c], "node " + node + " box");
        }
      }
      if (one.isLeaf(node)) {
        assertTrue(one.end(node) - one.start(node) <= leaf);
      }
    }
  }
}
