package org.knng.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.exact.BruteForceEngine;
import org.knng.metric.Metric;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * {@link KnnResult} accessors and {@link KnnResult#toGraph}: canonical CSR (indices strictly
 * increasing per row), one edge per neighbour, weights 1 or the result's distances, explicit zero
 * weights kept, diagonal present exactly when the result includes self, padding skipped.
 */
class KnnResultTest {

  static Stream<Arguments> engineResults() {
    List<Arguments> out = new ArrayList<>();
    float[][] p = TestData.plantDuplicates(TestData.grid(5, 120, 3, 2), 9, 4, 3);
    for (Metric metric : Metric.values()) {
      for (boolean includeSelf : new boolean[] {false, true}) {
        for (GraphMode mode : new GraphMode[] {GraphMode.CONNECTIVITY, GraphMode.DISTANCE}) {
          out.add(Arguments.of(p, metric, includeSelf, mode));
        }
      }
    }
    return out.stream();
  }

  /** Every edge of the graph is one neighbour of the result with the right weight, and back. */
  @ParameterizedTest(name = "{1} include-self={2} {3}")
  @MethodSource("engineResults")
  void graphHoldsExactlyTheNeighbours(float[][] p, Metric metric, boolean includeSelf, GraphMode mode) {
    int k = 7;
    KnnResult r = BruteForceEngine.builder().metric(metric).k(k).includeSelf(includeSelf).build()
        .graph(Vectors.of(p));
    SparseGraph g = r.toGraph(mode);
    int n = p.length;
    assertEquals(n, g.rows());
    assertEquals(n, g.columns());
    assertEquals(n * k, g.edgeCount());
    assertEquals(0, g.indptr()[0]);
    for (int row = 0; row < n; row++) {
      assertEquals(k, g.degree(row), "row " + row);
      int[] ind = g.indices();
      for (int e = g.indptr()[row] + 1; e < g.indptr()[row + 1]; e++) {
        assertTrue(ind[e - 1] < ind[e], "row " + row + ": indices not strictly increasing");
      }
      for (int j = 0; j < k; j++) {
        int id = r.neighbor(row, j);
        assertTrue(g.hasEdge(row, id), "row " + row + " lacks the edge to " + id);
        float expected = mode == GraphMode.CONNECTIVITY ? 1f : r.distance(row, j);
        assertEquals(expected, g.weight(row, id), "row " + row + " -> " + id);
      }
      assertEquals(includeSelf, g.hasEdge(row, row), "diagonal of row " + row);
    }
    if (mode == GraphMode.CONNECTIVITY) {
      for (float w : g.weights()) {
        assertEquals(1f, w);
      }
    }
  }

  /** Duplicates are at distance 0: in distance mode that is a stored edge of weight exactly 0. */
  @Test
  void zeroDistancesAreExplicitEdges() {
    float[][] p = {{0, 0}, {5, 5}, {0, 0}, {6, 6}};
    KnnResult r = BruteForceEngine.builder().k(1).build().graph(Vectors.of(p));
    SparseGraph g = r.toGraph(GraphMode.DISTANCE);
    assertEquals(4, g.edgeCount());
    assertTrue(g.hasEdge(0, 2));
    assertEquals(0f, g.weight(0, 2));
    assertTrue(g.hasEdge(2, 0));
    assertEquals(0f, g.weight(2, 0));
    assertFalse(g.hasEdge(0, 0));

    KnnResult withSelf = BruteForceEngine.builder().k(2).includeSelf(true).build().graph(Vectors.of(p));
    SparseGraph gs = withSelf.toGraph(GraphMode.DISTANCE);
    for (int i = 0; i < 4; i++) {
      assertTrue(gs.hasEdge(i, i), "diagonal " + i);
      assertEquals(0f, gs.weight(i, i));
    }
    SparseGraph gc = withSelf.toGraph(GraphMode.CONNECTIVITY);
    assertEquals(1f, gc.weight(3, 3));
  }

  /** A hand-made result with rows out of column order: the CSR row is sorted by column, weights follow. */
  @Test
  void rowsAreSortedByColumnWithTheirWeights() {
    KnnResult r = new KnnResult(2, 8, 3, new int[] {5, 2, 7, 0, 6, 1},
        new float[] {0.1f, 0.2f, 0.3f, 1f, 2f, 3f}, Metric.EUCLIDEAN, false);
    SparseGraph g = r.toGraph(GraphMode.DISTANCE);
    assertArrayEquals(new int[] {0, 3, 6}, g.indptr());
    assertArrayEquals(new int[] {2, 5, 7, 0, 1, 6}, g.indices());
    assertArrayEquals(new float[] {0.2f, 0.1f, 0.3f, 1f, 3f, 2f}, g.weights());
    assertEquals(8, g.columns());
  }

  /** Padding (id -1) is not an edge. */
  @Test
  void paddingIsSkipped() {
    float inf = Float.POSITIVE_INFINITY;
    KnnResult r = new KnnResult(3, 4, 2, new int[] {3, -1, -1, -1, 1, 0},
        new float[] {1f, inf, inf, inf, 0.5f, 2f}, Metric.SQEUCLIDEAN, false);
    SparseGraph g = r.toGraph(GraphMode.DISTANCE);
    assertArrayEquals(new int[] {0, 1, 1, 3}, g.indptr());
    assertArrayEquals(new int[] {3, 0, 1}, g.indices());
    assertArrayEquals(new float[] {1f, 2f, 0.5f}, g.weights());
    assertEquals(0, g.degree(1));
  }

  /** A search result's graph is queries x base. */
  @Test
  void searchGraphHasBaseColumns() {
    Vectors base = Vectors.of(TestData.gaussian(1, 9, 2, 0f));
    Vectors queries = Vectors.of(TestData.gaussian(2, 4, 2, 0f));
    KnnResult r = BruteForceEngine.builder().k(3).build().search(base, queries);
    SparseGraph g = r.toGraph(GraphMode.CONNECTIVITY);
    assertEquals(4, g.rows());
    assertEquals(9, g.columns());
    assertEquals(12, g.edgeCount());
  }

  @Test
  void accessors() {
    KnnResult r = new KnnResult(2, 5, 2, new int[] {1, 4, 0, 3}, new float[] {1f, 2f, 3f, 4f},
        Metric.MANHATTAN, true);
    assertEquals(2, r.rows());
    assertEquals(5, r.columns());
    assertEquals(2, r.k());
    assertEquals(Metric.MANHATTAN, r.metric());
    assertTrue(r.includesSelf());
    assertEquals(3, r.neighbor(1, 1));
    assertEquals(3f, r.distance(1, 0));
    int[] row = r.neighbors(1);
    assertArrayEquals(new int[] {0, 3}, row);
    row[0] = 99;
    assertEquals(0, r.neighbor(1, 0), "neighbors() returns a copy");
    assertThrows(IndexOutOfBoundsException.class, () -> r.neighbor(2, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> r.neighbor(0, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> r.distance(0, -1));
  }

  @Test
  void mismatchedArraysAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new KnnResult(2, 5, 2, new int[3], new float[3], Metric.EUCLIDEAN, false));
    assertThrows(IllegalArgumentException.class,
        () -> new KnnResult(2, 5, 2, new int[4], new float[3], Metric.EUCLIDEAN, false));
  }

  @Test
  void modeNamesParse() {
    assertEquals(GraphMode.CONNECTIVITY, GraphMode.parse("connectivity"));
    assertEquals(GraphMode.DISTANCE, GraphMode.parse(" Distance "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphMode.parse("weight"));
    assertTrue(e.getMessage().contains("weight") && e.getMessage().contains("connectivity, distance"),
        e.getMessage());
  }

  /**
   * Rows of a self-join graph from a search of those rows with one neighbour more are the
   * self-join's rows, on data full of duplicates (a row's own index may be beyond the searched
   * list, behind copies of smaller index), with and without include-self.
   */
  @org.junit.jupiter.api.Test
  void selfJoinRowsFromASearchAreTheGraphsRows() {
    java.util.Random random = new java.util.Random(5);
    float[][] rows = new float[400][3];
    for (float[] r : rows) {
      for (int j = 0; j < 3; j++) {
        r[j] = random.nextInt(3);
      }
    }
    org.knng.vectors.Vectors points = org.knng.vectors.Vectors.of(rows);
    for (int k : new int[] {1, 5, 30}) {
      for (boolean self : new boolean[] {false, true}) {
        org.knng.engine.KnnOptions options = org.knng.engine.KnnOptions.defaults().withK(k).withIncludeSelf(self);
        KnnResult want = org.knng.exact.BruteForceEngine.create(options).graph(points);
        org.knng.exact.BruteForceEngine search = org.knng.exact.BruteForceEngine.create(
            options.withIncludeSelf(false).withK(self ? k : k + 1));
        for (int from = 0; from < 400; from += 150) {
          int n = Math.min(150, 400 - from);
          KnnResult got = KnnResult.selfJoinRows(search.search(points, points.rows(from, n)), from, self);
          assertEquals(self, got.includesSelf());
          assertEquals(k, got.k());
          assertArrayEquals(java.util.Arrays.copyOfRange(want.ids(), from * k, (from + n) * k), got.ids(),
              "k=" + k + " self " + self + " rows " + from);
          assertArrayEquals(java.util.Arrays.copyOfRange(want.distances(), from * k, (from + n) * k),
              got.distances());
        }
      }
    }
  }
}
