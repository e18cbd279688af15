package org.knng.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link GraphStatistics} on small graphs whose numbers are worked out by hand in the comments. */
class GraphStatisticsTest {
  /** Builds a graph from rows of (column, weight) pairs, columns ascending. */
  private static SparseGraph graph(int n, float[][] rows) {
    int[] indptr = new int[n + 1];
    int nnz = 0;
    for (int r = 0; r < n; r++) {
      nnz += rows[r].length / 2;
      indptr[r + 1] = nnz;
    }
    int[] indices = new int[nnz];
    float[] weights = new float[nnz];
    int p = 0;
    for (float[] row : rows) {
      for (int i = 0; i < row.length; i += 2) {
        indices[p] = (int) row[i];
        weights[p++] = row[i + 1];
      }
    }
    return new SparseGraph(n, n, indptr, indices, weights);
  }

  @Test
  void weightsAreSummedOverTheFiniteOnesAndTheOthersCounted() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    // Weights 0.5, -2, NaN, +inf, 3, -inf: finite ones -2, 0.5, 3 (mean 0.5); negative -2 and
    // -inf; NaN and both infinities not finite.
    SparseGraph g = graph(3, new float[][] {{1, 0.5f, 2, -2}, {0, nan, 2, inf}, {0, 3, 1, -inf}});
    GraphStatistics s = GraphStatistics.of(g);
    assertEquals(-2.0, s.minWeight());
    assertEquals(0.5, s.meanWeight(), 1e-15);
    assertEquals(3.0, s.maxWeight());
    assertEquals(2, s.negativeWeights());
    assertEquals(3, s.nonFiniteWeights());
    GraphStatistics none = GraphStatistics.of(graph(2, new float[][] {{1, nan}, {0, inf}}));
    assertTrue(Double.isNaN(none.minWeight()) && Double.isNaN(none.meanWeight())
        && Double.isNaN(none.maxWeight()));
    assertEquals(2, none.nonFiniteWeights());
    assertEquals(0, none.negativeWeights());
    GraphStatistics empty = GraphStatistics.of(graph(2, new float[][] {{}, {}}));
    assertTrue(Double.isNaN(empty.meanWeight()));
    assertEquals(0, empty.nonFiniteWeights());
  }

  @Test
  void twoComponentsWithASelfLoop() {
    // 0 -> 1, 1 -> 2, 3 -> 4, 4 -> 4 (self-loop); 5 isolated. Components {0,1,2}, {3,4}, {5}.
    SparseGraph g = graph(6, new float[][] {{1, 1}, {2, 1}, {}, {4, 1}, {4, 1}, {}});
    GraphStatistics s = GraphStatistics.of(g);
    assertEquals(6, s.nodes());
    assertEquals(4, s.edges());
    assertEquals(1, s.selfLoops());
    assertFalse(s.symmetric());
    assertEquals(3, s.components());
    assertEquals(3, s.largestComponent());
    // Out-degrees 1,1,0,1,1,0; in-degrees 0,1,1,0,2,0.
    assertEquals(0, s.minOutDegree());
    assertEquals(1, s.maxOutDegree());
    assertEquals(4.0 / 6, s.meanOutDegree(), 1e-12);
    assertEquals(0, s.minInDegree());
    assertEquals(2, s.maxInDegree());
    assertEquals(4.0 / 6, s.meanInDegree(), 1e-12);
    assertArrayEquals(new long[] {3, 2, 1}, s.inDegreeHistogram());
    // In-degrees 0,1,1,0,2,0: mean 2/3, deviations -2/3 (x3), 1/3 (x2), 4/3.
    // m2 = (3*4/9 + 2*1/9 + 16/9) / 6 = 30/54 = 5/9; m3 = (3*(-8/27) + 2/27 + 64/27) / 6 = 42/162 = 7/27.
    assertEquals((7.0 / 27) / Math.pow(5.0 / 9, 1.5), s.hubness(), 1e-12);
  }

  @Test
  void symmetricNeedsEqualWeightsAndCountsExplicitZeros() {
    // 0 <-> 1 with weight 2 both ways, 1 <-> 2 with an explicit 0 both ways.
    SparseGraph sym = graph(3, new float[][] {{1, 2}, {0, 2, 2, 0}, {1, 0}});
    GraphStatistics s = GraphStatistics.of(sym);
    assertTrue(s.symmetric());
    assertEquals(4, s.edges());
    assertEquals(1, s.components());
    assertEquals(3, s.largestComponent());

    // Same structure, one weight differs: not symmetric.
    assertFalse(GraphStatistics.of(graph(3, new float[][] {{1, 2}, {0, 3, 2, 0}, {1, 0}})).symmetric());
    // The explicit zero 2 -> 1 dropped: structure differs, not symmetric.
    assertFalse(GraphStatistics.of(graph(3, new float[][] {{1, 2}, {0, 2, 2, 0}, {}})).symmetric());
  }

  @Test
  void equalInDegreesHaveHubnessZero() {
    // A directed 4-cycle: every in-degree is 1, std 0, hubness defined as 0.
    GraphStatistics s = GraphStatistics.of(graph(4, new float[][] {{1, 1}, {2, 1}, {3, 1}, {0, 1}}));
    assertEquals(0.0, s.hubness());
    assertEquals(1, s.components());
    assertFalse(s.symmetric());
    assertArrayEquals(new long[] {0, 4}, s.inDegreeHistogram());
  }

  @Test
  void aHubHasPositiveSkew() {
    // Everyone points at 0: in-degrees 4,0,0,0,0; skew of one large value among zeros is +1.5.
    GraphStatistics s = GraphStatistics.of(graph(5, new float[][] {{}, {0, 1}, {0, 1}, {0, 1}, {0, 1}}));
    assertEquals(1.5, s.hubness(), 1e-12);
    assertEquals(4, s.maxInDegree());
    assertEquals(1, s.components());
  }

  @Test
  void emptyGraphsAreZeroEverywhere() {
    GraphStatistics none = GraphStatistics.of(new SparseGraph(0, 0, new int[] {0}, new int[0], new float[0]));
    assertEquals(0, none.nodes());
    assertEquals(0, none.components());
    assertEquals(0, none.largestComponent());
    assertEquals(0.0, none.hubness());
    assertEquals(0, none.inDegreeHistogram().length);
    assertTrue(none.symmetric());

    GraphStatistics isolated = GraphStatistics.of(new SparseGraph(3, 3, new int[4], new int[0], new float[0]));
    assertEquals(3, isolated.components());
    assertEquals(1, isolated.largestComponent());
    assertArrayEquals(new long[] {3}, isolated.inDegreeHistogram());
  }

  @Test
  void rejectsNonSquareGraphs() {
    SparseGraph g = new SparseGraph(2, 3, new int[] {0, 1, 1}, new int[] {2}, new float[] {1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphStatistics.of(g));
    assertTrue(e.getMessage().contains("2 x 3"), e.getMessage());
  }
}
