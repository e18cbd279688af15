package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.knng.Algorithm;
import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.testing.NaiveKnn;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * Radius graphs against the naive double-precision reference: exactly the other points within the
 * radius (duplicates included at distance 0, never the point itself unless include-self), for any
 * thread count; and the nearest k within a radius from a k-NN result.
 */
class RadiusGraphTest {

  @ParameterizedTest
  @EnumSource(Metric.class)
  void everyOtherPointWithinTheRadiusAndNoOther(Metric metric) {
    float[][] rows = TestData.plantDuplicates(TestData.gaussian(21, 700, 11, 0.5f), 4, 10, 2);
    double radius = radiusFor(metric, rows);
    for (int threads : new int[] {1, 2}) {
      SparseGraph g = BruteForceEngine.builder().metric(metric).threads(threads).build()
          .radiusGraph(Vectors.of(rows), radius);
      for (int i = 0; i < rows.length; i++) {
        List<Integer> want = new ArrayList<>();
        for (int j = 0; j < rows.length; j++) {
          double d = NaiveKnn.distance(metric, rows[i], rows[j]);
          // Skip pairs within a hair of the boundary: float32 candidates may fall either side.
          if (j != i && Math.abs(d - radius) > 1e-4 * Math.max(1, Math.abs(radius)) && d <= radius) {
            want.add(j);
          }
        }
        List<Integer> got = new ArrayList<>();
        for (int p = g.indptr()[i]; p < g.indptr()[i + 1]; p++) {
          int j = g.indices()[p];
          double d = NaiveKnn.distance(metric, rows[i], rows[j]);
          assertEquals(d, g.weights()[p], 1e-5 * Math.max(1, Math.abs(d)), "weight of " + i + "->" + j);
          if (Math.abs(d - radius) > 1e-4 * Math.max(1, Math.abs(radius))) {
            got.add(j);
          }
        }
        assertEquals(want, got, metric + ", threads " + threads + ", row " + i);
      }
    }
  }

  /** A radius that gives each point a few dozen neighbours: the 3% quantile of row 0's distances. */
  private static double radiusFor(Metric metric, float[][] rows) {
    double[] d = new double[rows.length - 1];
    for (int j = 1; j < rows.length; j++) {
      d[j - 1] = NaiveKnn.distance(metric, rows[0], rows[j]);
    }
    java.util.Arrays.sort(d);
    double r = d[d.length * 3 / 100];
    return r > 0 ? r : 1.0; // inner product can be negative: any positive radius is a valid test
  }

  @Test
  void includeSelfAddsTheDiagonalAtZero() {
    Vectors v = Vectors.of(new float[][] {{0, 0}, {1, 0}, {5, 0}, {1, 0}});
    SparseGraph g = BruteForceEngine.builder().includeSelf(true).build().radiusGraph(v, 1.5);
    assertArrayEquals(new int[] {0, 3, 6, 7, 10}, g.indptr());
    assertArrayEquals(new int[] {0, 1, 3, 0, 1, 3, 2, 0, 1, 3}, g.indices());
    assertEquals(0f, g.weight(1, 3)); // the duplicate pair: an explicit zero edge
    assertEquals(0f, g.weight(2, 2));
  }

  @Test
  void withinRadiusKeepsTheNearestKInsideTheRadius() {
    Vectors v = Vectors.of(new float[][] {{0}, {1}, {2}, {3}, {10}});
    KnnResult knn = BruteForceEngine.builder().k(3).build().graph(v).withinRadius(1.5, v);
    assertArrayEquals(new int[] {1, -1, -1}, knn.neighbors(0));
    assertArrayEquals(new int[] {0, 2, -1}, knn.neighbors(1)); // 0 and 2 tie at 1: both inside
    assertArrayEquals(new int[] {-1, -1, -1}, knn.neighbors(4));
    assertEquals(5, knn.rowsWithFewerThanK()); // no point has three others within 1.5
    KnnResult wide = knn.padded(5);
    assertEquals(5, wide.k());
    assertArrayEquals(new int[] {0, 2, -1, -1, -1}, wide.neighbors(1));
    assertEquals(1f, wide.distance(1, 1));
    assertEquals(Float.POSITIVE_INFINITY, wide.distance(1, 3));
    assertSame(knn, knn.padded(3));
    assertThrows(IllegalArgumentException.class, () -> knn.padded(2));
  }

  /**
   * A radius between a distance and its float32 rounding: sqrt(5) in double is below the float32
   * 2.236068 reported for the pair (0, 0)-(1, 2), and above the pair's double distance, which the
   * radius graph compares. The nearest k within the radius keep what the radius graph keeps.
   */
  @Test
  void withinRadiusDecidesAsTheRadiusGraphAtTheBoundary() {
    Vectors v = Vectors.of(new float[][] {{0, 0}, {1, 2}, {5, 5}});
    Vectors q = Vectors.of(new float[][] {{1, 2}, {2, 4}});
    double r = Math.sqrt(5);
    assertTrue((float) r > r, "the pair's float32 distance is above the radius");
    BruteForceEngine e = BruteForceEngine.builder().k(1).build();
    assertEquals(2, e.radiusGraph(v, r).edgeCount());
    assertArrayEquals(new int[] {1}, e.graph(v).withinRadius(r, v).neighbors(0));
    assertArrayEquals(new int[] {0}, e.graph(v).withinRadius(r, v).neighbors(1));
    assertArrayEquals(new int[] {-1}, e.graph(v).withinRadius(r, v).neighbors(2));
    // Searches: (1, 2) is its own base point at 0; (2, 4) is sqrt(5) from (1, 2).
    assertEquals(List.of(1), columns(e.radiusSearch(v, q, r), 1));
    assertArrayEquals(new int[] {1}, e.search(v, q).withinRadius(r, v, q).neighbors(1));
    // Just below the double distance, nothing: the one float32 step is decided in double too.
    double below = Math.nextDown(r);
    assertEquals(0, e.radiusGraph(v, below).edgeCount());
    assertArrayEquals(new int[] {-1}, e.graph(v).withinRadius(below, v).neighbors(0));
    assertArrayEquals(new int[] {-1}, e.search(v, q).withinRadius(below, v, q).neighbors(1));
  }

  /**
   * Two points at one float32 distance from the origin, the one with the smaller index farther in
   * double: a radius between them keeps the second, and the row moves it up (no -1 before an id).
   */
  @Test
  void withinRadiusKeepsARowsEntriesTogether() {
    float[] far = {0.0897989422082901f, 0.013315292075276375f, 0.3757723867893219f}; // 0.3865825056803806
    float[] near = {0.2159939408302307f, 0.18916679918766022f, 0.25886011123657227f}; // 0.386582484833041
    Vectors v = Vectors.of(new float[][] {{0, 0, 0}, far, near});
    double dFar = Metric.EUCLIDEAN.distance(v.data(), 0, v.data(), 3, 3);
    double dNear = Metric.EUCLIDEAN.distance(v.data(), 0, v.data(), 6, 3);
    assertTrue(dNear < dFar && (float) dNear == (float) dFar, dNear + " " + dFar);
    double r = (dNear + dFar) / 2;
    BruteForceEngine e = BruteForceEngine.builder().k(2).build();
    assertEquals(List.of(2), columns(e.radiusGraph(v, r), 0));
    KnnResult knn = e.graph(v);
    assertArrayEquals(new int[] {1, 2}, knn.neighbors(0)); // one float32 distance: by index
    assertArrayEquals(new int[] {2, -1}, knn.withinRadius(r, v).neighbors(0));
    assertEquals((float) dNear, knn.withinRadius(r, v).distance(0, 0));
  }

  @Test
  void radiusMustBeFiniteAndAtLeastZero() {
    BruteForceEngine e = BruteForceEngine.builder().build();
    Vectors v = Vectors.of(new float[][] {{0}, {1}});
    for (double bad : new double[] {-1, -Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> e.radiusGraph(v, bad), "radius " + bad);
    }
  }

  /** Radius 0 (scikit-learn's too): the points at distance 0, exact duplicates, and no other. */
  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = {"EXACT", "KDTREE"})
  void radiusZeroFindsTheDuplicates(Algorithm algorithm) {
    Vectors v = Vectors.of(new float[][] {{0, 1}, {1, 1}, {0, 1}, {0, 1.0000001f}, {1, 1}});
    KnnEngine e = algorithm.engine(KnnOptions.defaults());
    SparseGraph g = e.radiusGraph(v, 0);
    assertEquals(4, g.edgeCount());
    assertEquals(List.of(2), columns(g, 0));
    assertEquals(List.of(4), columns(g, 1));
    assertEquals(List.of(0), columns(g, 2));
    assertEquals(List.of(), columns(g, 3));
    assertEquals(List.of(1), columns(g, 4));
    SparseGraph q = e.radiusSearch(v, Vectors.of(new float[][] {{0, 1}}), 0);
    assertEquals(List.of(0, 2), columns(q, 0));
    KnnResult within = BruteForceEngine.builder().k(2).build().graph(v).withinRadius(0, v);
    assertArrayEquals(new int[] {2, -1}, within.neighbors(0));
  }

  private static List<Integer> columns(SparseGraph g, int row) {
    List<Integer> out = new ArrayList<>();
    for (int e = g.indptr()[row]; e < g.indptr()[row + 1]; e++) {
      out.add(g.indices()[e]);
    }
    return out;
  }
}
