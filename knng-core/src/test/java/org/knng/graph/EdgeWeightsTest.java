package org.knng.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.knng.graph.EdgeMaps.assertGraph;
import static org.knng.graph.EdgeMaps.key;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.InvalidInputException;
import org.knng.exact.BruteForceEngine;
import org.knng.metric.Metric;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * Each weight mode against the formulas written out here in double precision, over the neighbours
 * and distances of real results on data with duplicate points (zero distances) and asymmetric
 * neighbourhoods; UMAP rows also sum to log2(k), and its special rows behave as documented.
 */
class EdgeWeightsTest {
  private static final double TOLERANCE = 1e-5;

  static Stream<Arguments> results() {
    List<Arguments> out = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      float[][] p = TestData.plantDuplicates(TestData.gaussian(seed, 60, 3, 0f), seed + 10, 5, 2);
      for (boolean self : new boolean[] {false, true}) {
        for (int k : new int[] {1, 2, 6}) {
          if (self && k == 1) {
            continue;
          }
          KnnResult r = BruteForceEngine.builder().metric(Metric.EUCLIDEAN).k(k).includeSelf(self)
              .build().graph(Vectors.of(p));
          out.add(Arguments.of("seed " + seed + " k=" + k + (self ? " with self" : ""), r));
        }
      }
    }
    return out.stream();
  }

  /** (row, column) to distance, as listed by the result. */
  private static Map<Long, Double> distances(KnnResult r) {
    Map<Long, Double> d = new HashMap<>();
    for (int i = 0; i < r.rows(); i++) {
      for (int j = 0; j < r.k(); j++) {
        d.put(key(i, r.neighbor(i, j)), (double) r.distance(i, j));
      }
    }
    return d;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("results")
  void connectivityAndDistance(String name, KnnResult r) {
    Map<Long, Double> d = distances(r);
    Map<Long, Double> ones = new HashMap<>();
    d.keySet().forEach(key -> ones.put(key, 1.0));
    assertGraph(ones, EdgeWeights.connectivity().apply(r), 0, "connectivity");
    assertGraph(d, EdgeWeights.distance().apply(r), 0, "distance");
    assertGraph(d, r.toGraph(GraphMode.DISTANCE), 0, "toGraph(distance)");
    assertTrue(d.containsValue(0.0), "the data should have duplicates");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("results")
  void gaussian(String name, KnnResult r) {
    for (double sigma : new double[] {0.3, 1.7}) {
      Map<Long, Double> expected = new HashMap<>();
      distances(r).forEach((key, d) -> expected.put(key, Math.exp(-d * d / (2 * sigma * sigma))));
      assertGraph(expected, EdgeWeights.gaussian(sigma).apply(r), TOLERANCE, "gaussian " + sigma);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("results")
  void selfTuning(String name, KnnResult r) {
    for (int m = 1; m <= r.k(); m++) {
      double[] scale = new double[r.rows()];
      for (int i = 0; i < r.rows(); i++) {
        scale[i] = r.distance(i, m - 1);
      }
      Map<Long, Double> expected = new HashMap<>();
      distances(r).forEach((key, d) -> {
        double product = scale[EdgeMaps.row(key)] * scale[EdgeMaps.column(key)];
        // Documented limits: identical points weigh 1, a positive distance over a zero scale 0.
        expected.put(key, d == 0 ? 1.0 : product == 0 ? 0.0 : Math.exp(-d * d / product));
      });
      EdgeWeights w = m == r.k() && m % 2 == 0 ? EdgeWeights.selfTuning() : EdgeWeights.selfTuning(m);
      assertGraph(expected, w.apply(r), TOLERANCE, "self-tuning m=" + m);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("results")
  void umap(String name, KnnResult r) {
    Map<Long, Double> expected = new HashMap<>();
    double target = Math.log(r.k()) / Math.log(2);
    List<Integer> ordinaryRows = new ArrayList<>();
    for (int i = 0; i < r.rows(); i++) {
      List<Double> ds = new ArrayList<>();
      for (int j = 0; j < r.k(); j++) {
        if (!(r.includesSelf() && r.neighbor(i, j) == i)) {
          ds.add((double) r.distance(i, j));
        }
      }
      double rho = ds.stream().filter(d -> d > 0).mapToDouble(d -> d).min().orElse(0);
      long ones = ds.stream().filter(d -> d <= rho).count();
      double sigma = ones >= target ? 0 : referenceSigma(ds, rho, target);
      if (ones < target) {
        ordinaryRows.add(i);
      }
      for (int j = 0; j < r.k(); j++) {
        int id = r.neighbor(i, j);
        double x = id == i ? 0 : Math.max(0, r.distance(i, j) - rho);
        expected.put(key(i, id), x == 0 ? 1 : sigma == 0 ? 0 : Math.exp(-x / sigma));
      }
    }
    SparseGraph g = EdgeWeights.umap().apply(r);
    assertGraph(expected, g, 1e-4, "umap");
    assertEquals(g.edgeCount(), r.toGraph(GraphMode.UMAP).edgeCount());
    for (int i : ordinaryRows) {
      double sum = 0;
      for (int p = g.indptr()[i]; p < g.indptr()[i + 1]; p++) {
        sum += g.indices()[p] == i ? 0 : g.weights()[p];
      }
      assertEquals(target, sum, 1e-4, "row " + i + " weights sum");
    }
    assertTrue(r.k() < 6 || ordinaryRows.size() > r.rows() / 2, "most rows are ordinary");
  }

  /** Bisection on log σ, written independently of the production search. */
  private static double referenceSigma(List<Double> ds, double rho, double target) {
    double lo = Math.log(1e-12);
    double hi = Math.log(1e12);
    for (int step = 0; step < 200; step++) {
      double mid = 0.5 * (lo + hi);
      double s = 0;
      for (double d : ds) {
        s += Math.exp(-Math.max(0, d - rho) / Math.exp(mid));
      }
      if (s > target) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return Math.exp(0.5 * (lo + hi));
  }

  /** All neighbours at distance 0: weight 1 on every edge. Many duplicates: the σ → 0 limit. */
  @Test
  void umapSpecialRows() {
    // Points 0-3 are one point four times; 4 and 5 are elsewhere. k=3: log2(3) = 1.58.
    float[][] p = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {1, 0}, {3, 0}};
    KnnResult r = BruteForceEngine.builder().k(3).build().graph(Vectors.of(p));
    SparseGraph g = EdgeWeights.umap().apply(r);
    for (int i = 0; i < 4; i++) {
      assertEquals(3, g.degree(i));
      for (int p2 = g.indptr()[i]; p2 < g.indptr()[i + 1]; p2++) {
        assertEquals(1f, g.weights()[p2], "row " + i + " is all duplicates");
      }
    }
    // k=4 (target 2): row 0 sees 3 duplicates (weight 1) and point 4, beyond rho = 1 ... but rho
    // is the nearest positive distance, 1, so point 4 weighs 1 too; row 4 is ordinary.
    KnnResult r4 = BruteForceEngine.builder().k(4).build().graph(Vectors.of(p));
    SparseGraph g4 = EdgeWeights.umap().apply(r4);
    assertEquals(1f, g4.weight(0, 4));
    // Two duplicates plus the nearest positive = 3 ones >= 2: the limit sigma -> 0 gives 0 to the
    // farther neighbour, kept as an explicit edge.
    float[][] q = {{0, 0}, {0, 0}, {0, 0}, {1, 0}, {2, 0}, {9, 0}};
    KnnResult rq = BruteForceEngine.builder().k(4).build().graph(Vectors.of(q));
    SparseGraph gq = EdgeWeights.umap().apply(rq);
    assertEquals(1f, gq.weight(0, 1));
    assertEquals(1f, gq.weight(0, 2));
    assertEquals(1f, gq.weight(0, 3));
    assertTrue(gq.hasEdge(0, 4));
    assertEquals(0f, gq.weight(0, 4));
  }

  @Test
  void selfTuningZeroScale() {
    // Row 0's first neighbour is its duplicate: with m = 1 its scale is 0.
    float[][] p = {{0, 0}, {0, 0}, {2, 0}, {5, 0}};
    KnnResult r = BruteForceEngine.builder().k(2).build().graph(Vectors.of(p));
    SparseGraph g = EdgeWeights.selfTuning(1).apply(r);
    assertEquals(1f, g.weight(0, 1));
    assertTrue(g.hasEdge(0, 2));
    assertEquals(0f, g.weight(0, 2));
    // m = 2: sigma_0 = 2 (its neighbours: 1 at 0, 2 at 2), sigma_3 = 5 (2 at 3, 0 at 5).
    SparseGraph g2 = EdgeWeights.selfTuning(2).apply(r);
    assertEquals(Math.exp(-25.0 / (5 * 2)), g2.weight(3, 0), 1e-6);
  }

  /**
   * Inner-product distances (-dot) can be negative, where the kernels mean nothing (self-tuning's
   * product of two scales of opposite signs gave weights above 1): the kernels are refused for
   * them, distances and connectivity kept.
   */
  @Test
  void kernelsRefuseNegativeDistances() {
    float[][] p = {{1, 0}, {1, 1}, {0.5f, -3}};
    KnnResult r = BruteForceEngine.builder().k(2).metric(Metric.INNER_PRODUCT).build().graph(Vectors.of(p));
    assertTrue(r.distances()[0] < 0, "row 0's nearest is at -dot < 0");
    for (EdgeWeights kernel : new EdgeWeights[] {EdgeWeights.umap(), EdgeWeights.selfTuning(),
        EdgeWeights.gaussian(1)}) {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> kernel.apply(r));
      assertTrue(e.getMessage().startsWith(kernel.mode().id() + " weights are a kernel of distances >= 0,"
          + " and inner-product distances (-dot) can be negative"), e.getMessage());
    }
    assertEquals(r.distances()[0], EdgeWeights.distance().apply(r).weight(0, r.ids()[0]));
    assertEquals(1f, EdgeWeights.connectivity().apply(r).weight(0, r.ids()[0]));
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> EdgeWeights.gaussian(0));
    assertThrows(IllegalArgumentException.class, () -> EdgeWeights.gaussian(-1));
    assertThrows(IllegalArgumentException.class, () -> EdgeWeights.gaussian(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> EdgeWeights.gaussian(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> EdgeWeights.selfTuning(0));
    assertThrows(IllegalArgumentException.class, () -> EdgeWeights.of(GraphMode.GAUSSIAN));
    KnnResult r = BruteForceEngine.builder().k(2).build().graph(Vectors.of(new float[][] {{0}, {1}, {3}}));
    assertThrows(IllegalArgumentException.class, () -> EdgeWeights.selfTuning(3).apply(r));
    KnnResult search = BruteForceEngine.builder().k(1).build()
        .search(Vectors.of(new float[][] {{0}, {1}, {3}}), Vectors.of(new float[][] {{2}}));
    assertThrows(IllegalArgumentException.class, () -> EdgeWeights.selfTuning().apply(search));
    assertEquals("EdgeWeights[gaussian, sigma=2.0]", EdgeWeights.gaussian(2).toString());
  }
}
