package org.knng.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.knng.exact.BruteForceEngine;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/** {@code edge_index} against the CSR it came from, in both flows. */
class EdgeIndexTest {
  @Test
  void smallGraphByHand() {
    // 0 -> {1, 2}, 1 -> {}, 2 -> {0}; the 2 -> 0 edge has weight 0 and is listed all the same.
    SparseGraph g = new SparseGraph(3, 3, new int[] {0, 2, 2, 3}, new int[] {1, 2, 0}, new float[] {1, 1, 0});
    assertArrayEquals(new long[] {1, 2, 0, /* centres */ 0, 0, 2}, EdgeIndex.of(g, Flow.SOURCE_TO_TARGET));
    assertArrayEquals(new long[] {0, 0, 2, /* neighbours */ 1, 2, 0}, EdgeIndex.of(g, Flow.TARGET_TO_SOURCE));
  }

  @Test
  void everyCsrEntryInOrderBothFlows() {
    KnnResult r = BruteForceEngine.builder().k(5).build()
        .graph(Vectors.of(TestData.plantDuplicates(TestData.gaussian(3, 70, 4, 0f), 2, 3, 2)));
    SparseGraph g = Symmetrization.UNION.apply(r.toGraph(GraphMode.DISTANCE));
    long[] st = EdgeIndex.of(g, Flow.SOURCE_TO_TARGET);
    long[] ts = EdgeIndex.of(g, Flow.TARGET_TO_SOURCE);
    int e = g.edgeCount();
    assertEquals(2 * e, st.length);
    int p = 0;
    for (int i = 0; i < g.rows(); i++) {
      for (int q = g.indptr()[i]; q < g.indptr()[i + 1]; q++, p++) {
        int j = g.indices()[q];
        assertEquals(j, st[p], "source-to-target row 0 is the neighbour");
        assertEquals(i, st[e + p], "source-to-target row 1 is the centre");
        assertEquals(i, ts[p]);
        assertEquals(j, ts[e + p]);
      }
    }
    assertEquals(e, p);
  }

  @Test
  void flowNames() {
    assertEquals(Flow.SOURCE_TO_TARGET, Flow.parse("source_to_target"));
    assertEquals(Flow.TARGET_TO_SOURCE, Flow.parse("Target-To-Source"));
    assertThrows(IllegalArgumentException.class, () -> Flow.parse("both"));
  }
}
