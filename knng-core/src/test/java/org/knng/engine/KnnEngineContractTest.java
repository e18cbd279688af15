package org.knng.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.Algorithm;
import org.knng.InvalidInputException;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.testing.EngineChecks;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * What every engine named by {@link Algorithm} must do through {@link KnnEngine}, checked with the
 * shared {@link EngineChecks}: exact graphs and searches in every metric, with duplicates and
 * include-self, the same output on 1 and 2 threads, and bad input refused with {@link
 * InvalidInputException}. A new engine is covered by adding it to {@link Algorithm}. The
 * approximate engines are exact on inputs this small (they hand them to the exact engine); their
 * recall on larger data is tested with each engine.
 */
class KnnEngineContractTest {

  static Stream<Arguments> engines() {
    List<Arguments> out = new ArrayList<>();
    for (Algorithm a : Algorithm.values()) {
      for (Metric m : Metric.values()) {
        for (boolean self : new boolean[] {false, true}) {
          out.add(Arguments.of(a, m, self));
        }
      }
    }
    return out.stream();
  }

  static Stream<Arguments> searches() {
    List<Arguments> out = new ArrayList<>();
    for (Algorithm a : Algorithm.values()) {
      for (Metric m : Metric.values()) {
        out.add(Arguments.of(a, m));
      }
    }
    return out.stream();
  }

  private static KnnEngine engine(Algorithm a, Metric m, int k, boolean includeSelf) {
    return a.engine(KnnOptions.defaults().withMetric(m).withK(k).withIncludeSelf(includeSelf));
  }

  @ParameterizedTest(name = "{0} {1} include-self={2}")
  @MethodSource("engines")
  void graphsAreExactAndThreadIndependent(Algorithm a, Metric m, boolean includeSelf) {
    // Grid points with planted duplicates: many equal distances, so ties are exercised.
    float[][] rows = TestData.plantDuplicates(TestData.grid(5, 400, 6, 3), 7, 10, 3);
    KnnEngine engine = engine(a, m, 7, includeSelf);
    assertEquals(a.id(), engine.name());
    if (!ranks(a, m)) {
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> engine.graph(Vectors.of(rows)));
      assertTrue(e.getMessage().contains(m.id()), e.getMessage());
      return;
    }
    EngineChecks.assertExactGraph(engine, rows);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("searches")
  void searchesAreExact(Algorithm a, Metric m) {
    float[][] base = TestData.gaussian(3, 500, 9, 0.5f);
    float[][] queries = TestData.queriesWithHits(base, TestData.gaussian(4, 60, 9, 0.5f), 5, 6);
    if (!ranks(a, m)) {
      assertThrows(InvalidInputException.class,
          () -> engine(a, m, 5, false).search(Vectors.of(base), Vectors.of(queries)));
      return;
    }
    EngineChecks.assertExactSearch(engine(a, m, 5, false), base, queries);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("searches")
  void radiusSearchesFindEveryBasePointWithinTheRadius(Algorithm a, Metric m) {
    // Queries that copy base rows (found at distance 0, nothing excluded) among random ones, and
    // base duplicates: for each query, every base point within the radius, by the definition.
    float[][] base = TestData.plantDuplicates(TestData.gaussian(5, 400, 5, 0.5f), 9, 20, 2);
    float[][] queries = TestData.queriesWithHits(base, TestData.gaussian(6, 50, 5, 0.5f), 7, 10);
    if (!ranks(a, m)) {
      assertThrows(InvalidInputException.class,
          () -> engine(a, m, 1, false).radiusSearch(Vectors.of(base), Vectors.of(queries), 1.0));
      return;
    }
    // A radius that keeps about 15 of the 400 points per query.
    double[] all = new double[base.length];
    double total = 0;
    for (float[] q : queries) {
      for (int j = 0; j < base.length; j++) {
        all[j] = org.knng.testing.NaiveKnn.distance(m, q, base[j]);
      }
      java.util.Arrays.sort(all);
      total += all[15];
    }
    // (The inner product can be negative; any positive radius is a valid test of it.)
    double radius = total > 0 ? total / queries.length : 0.5;
    for (int threads : new int[] {1, 2}) {
      KnnEngine engine = a.engine(KnnOptions.defaults().withMetric(m).withThreads(threads));
      org.knng.graph.SparseGraph g = engine.radiusSearch(Vectors.of(base), Vectors.of(queries), radius);
      assertEquals(queries.length, g.rows());
      assertEquals(base.length, g.columns());
      int edges = 0;
      for (int i = 0; i < queries.length; i++) {
        List<Integer> expected = new ArrayList<>();
        for (int j = 0; j < base.length; j++) {
          if (org.knng.testing.NaiveKnn.distance(m, queries[i], base[j]) <= radius) {
            expected.add(j);
          }
        }
        List<Integer> found = new ArrayList<>();
        for (int e = g.indptr()[i]; e < g.indptr()[i + 1]; e++) {
          found.add(g.indices()[e]);
          assertEquals(org.knng.testing.NaiveKnn.distance(m, queries[i], base[g.indices()[e]]),
              g.weights()[e], 1e-6 * Math.max(1, radius), a + " " + m + " query " + i);
        }
        assertEquals(expected, found, a + " " + m + " query " + i + " (threads " + threads + ")");
        edges += found.size();
      }
      assertTrue(edges > 5 * queries.length, "the radius finds something: " + edges);
    }
  }

  /** The tree engine needs a distance: it refuses the inner product, every other pair works. */
  private static boolean ranks(Algorithm a, Metric m) {
    return !(a == Algorithm.KDTREE && m == Metric.INNER_PRODUCT);
  }

  @Test
  void recallOfTheExactEngineIsOneAndCountsReplacedNeighbours() {
    float[][] rows = TestData.gaussian(11, 300, 12, 0f);
    KnnEngine engine = engine(Algorithm.EXACT, Metric.EUCLIDEAN, 10, false);
    assertEquals(1.0, EngineChecks.assertRecallAtLeast(engine, rows, 1.0));
    // Replace the last neighbour of 30 rows with the farthest point: recall 1 - 30 / 3000.
    KnnResult exact = engine.graph(Vectors.of(rows));
    int[] ids = exact.ids().clone();
    for (int row = 0; row < 30; row++) {
      int far = farthest(rows, row);
      ids[row * 10 + 9] = far;
    }
    KnnResult worse = new KnnResult(300, 300, 10, ids, exact.distances(), Metric.EUCLIDEAN, false);
    assertEquals(0.99, EngineChecks.recall(worse, exact, rows, rows), 1e-12);
    // A repeated id and a -1 count for nothing.
    ids[40 * 10 + 1] = ids[40 * 10];
    ids[41 * 10 + 2] = -1;
    assertEquals(0.99 - 2.0 / 3000, EngineChecks.recall(worse, exact, rows, rows), 1e-12);
  }

  private static int farthest(float[][] rows, int row) {
    int best = -1;
    double far = -1;
    for (int j = 0; j < rows.length; j++) {
      double d = org.knng.testing.NaiveKnn.distance(Metric.EUCLIDEAN, rows[row], rows[j]);
      if (d > far) {
        far = d;
        best = j;
      }
    }
    return best;
  }

  @Test
  void badInputIsInvalidInputNamingTheValue() {
    for (Algorithm a : Algorithm.values()) {
      Vectors points = Vectors.of(new float[][] {{0, 0}, {1, 0}, {0, 1}});
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> engine(a, Metric.EUCLIDEAN, 3, false).graph(points));
      assertTrue(e.getMessage().startsWith("k=3 is too large for 3 points"), e.getMessage());
      Vectors zero = Vectors.of(new float[][] {{0, 0}, {1, 0}, {0, 1}});
      e = assertThrows(InvalidInputException.class,
          () -> engine(a, Metric.COSINE, 1, false).graph(zero));
      assertTrue(e.getMessage().startsWith("row 0 is all zeros"), e.getMessage());
      // A norm whose inverse float32 cannot hold: refused, not a graph of empty rows.
      Vectors tiny = Vectors.of(new float[][] {{1, 0}, {1e-39f, 1e-40f}, {0, 1}, {1, 1}});
      e = assertThrows(InvalidInputException.class, () -> engine(a, Metric.COSINE, 1, false).graph(tiny));
      assertTrue(e.getMessage().startsWith("row 1 has a norm of 1.00")
          && e.getMessage().contains("too small for cosine in float32"), a + ": " + e.getMessage());
      Vectors small = Vectors.of(new float[][] {{1, 0}, {3e-39f, 1e-40f}, {0, 1}, {1, 1}});
      assertEquals(0, engine(a, Metric.COSINE, 1, false).graph(small).neighbor(1, 0), a + ": a norm of 3e-39 is fine");
      e = assertThrows(InvalidInputException.class, () -> engine(a, Metric.EUCLIDEAN, 1, false)
          .search(points, Vectors.of(new float[][] {{1, 2, 3}})));
      assertTrue(e.getMessage().contains("dimension 3"), e.getMessage());
      e = assertThrows(InvalidInputException.class,
          () -> engine(a, Metric.EUCLIDEAN, 1, false).radiusGraph(points, Double.NaN));
      assertTrue(e.getMessage().startsWith("radius must be a finite number"), e.getMessage());
      e = assertThrows(InvalidInputException.class,
          () -> engine(a, Metric.EUCLIDEAN, 1, false).radiusSearch(points, points, -1));
      assertTrue(e.getMessage().startsWith("radius must be a finite number"), e.getMessage());
      e = assertThrows(InvalidInputException.class, () -> engine(a, Metric.EUCLIDEAN, 1, false)
          .radiusSearch(points, Vectors.of(new float[][] {{1, 2, 3}}), 1.0));
      assertTrue(e.getMessage().contains("dimension 3"), e.getMessage());
    }
    assertThrows(InvalidInputException.class, () -> KnnOptions.defaults().withK(0));
    assertThrows(InvalidInputException.class, () -> KnnOptions.defaults().withThreads(0));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Algorithm.parse("hnsw"));
    assertEquals("unknown algorithm 'hnsw' (expected one of auto, exact, kdtree, nndescent, lsh)", e.getMessage());
    assertThrows(InvalidInputException.class, () -> KnnOptions.defaults().withTargetRecall(0));
    assertThrows(InvalidInputException.class, () -> KnnOptions.defaults().withTargetRecall(1.01));
    assertEquals(1.0, KnnOptions.defaults().withTargetRecall(1).targetRecall());
  }

  /**
   * The approximate algorithms are named as the exact engine where their engines hand the graph to
   * it: below 20,000 points, or for a target recall of 1.
   */
  @Test
  void approximateAlgorithmsChooseTheExactEngineWhereTheyHandOver() {
    KnnOptions options = KnnOptions.defaults();
    for (Algorithm a : new Algorithm[] {Algorithm.NNDESCENT, Algorithm.LSH}) {
      assertEquals(Algorithm.EXACT, a.choose(options, 19_999, 64));
      assertEquals(a, a.choose(options, 20_000, 64));
      assertEquals(Algorithm.EXACT, a.choose(options.withTargetRecall(1), 1_000_000, 64));
      assertEquals(a, a.choose(options.withTargetRecall(0.99), 1_000_000, 64));
      assertEquals(Algorithm.EXACT, a.choose(options.withK(1).withIncludeSelf(true), 1_000_000, 64));
    }
    assertEquals(Algorithm.KDTREE, Algorithm.KDTREE.choose(options, 10, 3));
    assertEquals(Algorithm.EXACT, Algorithm.EXACT.choose(options, 1_000_000, 64));
  }

  /**
   * NN-Descent's work per point grows with k much faster than the exact engine's: the sizes from
   * which {@code auto} and the approximate algorithms take it (150,000 and 20,000 points at k = 10)
   * grow by {@code (k / 10)^1.25}, and never shrink below them.
   */
  @Test
  void theSizeFromWhichAnApproximateGraphPaysGrowsWithK() {
    KnnOptions k10 = KnnOptions.defaults().withK(10);
    assertEquals(Algorithm.EXACT, Algorithm.AUTO.choose(k10, 149_999, 64));
    assertEquals(Algorithm.NNDESCENT, Algorithm.AUTO.choose(k10, 150_000, 64));
    for (KnnOptions k5 : new KnnOptions[] {k10.withK(5), k10.withK(1)}) {
      assertEquals(Algorithm.NNDESCENT, Algorithm.AUTO.choose(k5, 150_000, 64));
      assertEquals(Algorithm.NNDESCENT, Algorithm.NNDESCENT.choose(k5, 20_000, 64));
    }
    // 3^1.25 = 3.948...; with include-self, k = 31 keeps 30 others.
    for (KnnOptions k30 : new KnnOptions[] {k10.withK(30), k10.withK(31).withIncludeSelf(true)}) {
      assertEquals(Algorithm.EXACT, Algorithm.AUTO.choose(k30, 592_232, 64));
      assertEquals(Algorithm.NNDESCENT, Algorithm.AUTO.choose(k30, 592_233, 64));
      for (Algorithm a : new Algorithm[] {Algorithm.NNDESCENT, Algorithm.LSH}) {
        assertEquals(Algorithm.EXACT, a.choose(k30, 78_963, 64));
        assertEquals(a, a.choose(k30, 78_964, 64));
      }
    }
    // k = 100: 10^1.25 = 17.78 times; a k whose size passes an int stays exact at every size.
    assertEquals(Algorithm.EXACT, Algorithm.AUTO.choose(k10.withK(100), 2_667_418, 64));
    assertEquals(Algorithm.NNDESCENT, Algorithm.AUTO.choose(k10.withK(100), 2_667_419, 64));
    assertEquals(Algorithm.EXACT, Algorithm.AUTO.choose(k10.withK(1_000_000), Integer.MAX_VALUE - 1, 64));
    assertEquals(Algorithm.EXACT, Algorithm.AUTO.choose(k10.withK(1).withIncludeSelf(true), 1_000_000, 64));
  }
}
