package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.knng.UnrankableVectorsException;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;

/**
 * Bad input to {@link BruteForceEngine} is rejected up front with an {@link
 * IllegalArgumentException} whose message names the offending value, row or option.
 */
class BruteForceEngineValidationTest {
  private static final Vectors FIVE = Vectors.of(new float[][] {{1, 0}, {0, 1}, {1, 1}, {2, 0}, {0, 2}});

  private static void assertMessageContains(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage() != null && e.getMessage().contains(part),
          "message '" + e.getMessage() + "' should mention '" + part + "'");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void kBelowOneIsRejected(int k) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BruteForceEngine.builder().k(k));
    assertMessageContains(e, "k", String.valueOf(k));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -3})
  void threadsBelowOneAreRejected(int threads) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BruteForceEngine.builder().threads(threads));
    assertMessageContains(e, "threads", String.valueOf(threads));
  }

  /** Without include-self a point has only N − 1 others: k = N and above are rejected. */
  @ParameterizedTest
  @ValueSource(ints = {5, 6, 100})
  void graphRejectsKOfAtLeastN(int k) {
    BruteForceEngine engine = BruteForceEngine.builder().k(k).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.graph(FIVE));
    assertMessageContains(e, "k=" + k, "5");
  }

  /** With include-self k = N is the limit; k = N + 1 is rejected. */
  @Test
  void graphWithIncludeSelfAllowsKEqualToNOnly() {
    assertDoesNotThrow(() -> BruteForceEngine.builder().k(5).includeSelf(true).build().graph(FIVE));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BruteForceEngine.builder().k(6).includeSelf(true).build().graph(FIVE));
    assertMessageContains(e, "k=6", "5");
  }

  @Test
  void singlePointWithoutIncludeSelfHasNoNeighbour() {
    assertThrows(IllegalArgumentException.class,
        () -> BruteForceEngine.builder().k(1).build().graph(Vectors.of(new float[][] {{1}})));
  }

  /** A search may ask for every base point, not more. */
  @Test
  void searchRejectsKAboveBaseSize() {
    Vectors queries = Vectors.of(new float[][] {{1, 1}});
    assertDoesNotThrow(() -> BruteForceEngine.builder().k(5).build().search(FIVE, queries));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BruteForceEngine.builder().k(6).build().search(FIVE, queries));
    assertMessageContains(e, "k=6", "5");
  }

  @Test
  void searchRejectsDimensionMismatch() {
    Vectors queries = Vectors.of(new float[][] {{1, 1, 1}});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BruteForceEngine.builder().k(1).build().search(FIVE, queries));
    assertMessageContains(e, "3", "2");
  }

  /** Cosine is undefined for a zero vector: the error names the row (graph). */
  @Test
  void cosineRejectsAZeroRowInAGraph() {
    Vectors p = Vectors.of(new float[][] {{1, 0}, {0, 1}, {2, 2}, {0, 0}, {1, 1}});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BruteForceEngine.builder().metric(Metric.COSINE).k(2).build().graph(p));
    assertMessageContains(e, "row 3", "zero");
  }

  /** Cosine search: the error says whether the zero vector is a base or a query row, and which. */
  @Test
  void cosineRejectsZeroRowsInASearch() {
    BruteForceEngine engine = BruteForceEngine.builder().metric(Metric.COSINE).k(1).build();
    Vectors good = Vectors.of(new float[][] {{1, 0}, {0, 1}});
    Vectors zeroSecond = Vectors.of(new float[][] {{1, 0}, {0, 0}});
    UnrankableVectorsException base = assertThrows(UnrankableVectorsException.class,
        () -> engine.search(zeroSecond, good));
    assertMessageContains(base, "base row 1");
    assertFalse(base.queries(), "the base's row");
    UnrankableVectorsException query = assertThrows(UnrankableVectorsException.class,
        () -> engine.search(good, zeroSecond));
    assertMessageContains(query, "query row 1");
    assertTrue(query.queries(), "a query's row");
    Vectors huge = Vectors.of(new float[][] {{1, 0}, {0, 1e30f}});
    BruteForceEngine euclidean = BruteForceEngine.builder().k(1).build();
    assertFalse(assertThrows(UnrankableVectorsException.class, () -> euclidean.search(huge, good)).queries());
    assertTrue(assertThrows(UnrankableVectorsException.class, () -> euclidean.search(good, huge)).queries());
    Vectors tiny = Vectors.of(new float[][] {{1e-30f, 0}, {0, 1e-30f}});
    assertFalse(assertThrows(UnrankableVectorsException.class, () -> euclidean.search(tiny, good)).queries());
    // Tiny queries against an ordinary base are ranked by the base's values (below).
    assertDoesNotThrow(() -> euclidean.search(good, tiny));
  }

  /** Other metrics accept zero vectors. */
  @Test
  void zeroRowsAreFineForOtherMetrics() {
    Vectors p = Vectors.of(new float[][] {{0, 0}, {0, 0}, {1, 1}});
    for (Metric m : Metric.values()) {
      if (m != Metric.COSINE) {
        assertDoesNotThrow(() -> BruteForceEngine.builder().metric(m).k(2).build().graph(p), m.id());
      }
    }
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThrows(NullPointerException.class, () -> BruteForceEngine.builder().metric(null));
    assertThrows(NullPointerException.class, () -> BruteForceEngine.builder().vectorOps(null));
    assertThrows(NullPointerException.class, () -> BruteForceEngine.builder().progress(null));
  }

  /** Values whose squares overflow float32 would make every distance infinite: a clear error instead. */
  @org.junit.jupiter.api.Test
  void valuesThatWouldOverflowFloat32AreRejectedNamingTheRow() {
    float[][] rows = {{1, 2}, {3, 4}, {1e19f, 0}, {0, 1}}; // the limit at D = 2 is about 6.5e18
    for (Metric m : new Metric[] {Metric.EUCLIDEAN, Metric.SQEUCLIDEAN, Metric.INNER_PRODUCT}) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> BruteForceEngine.builder().metric(m).k(1).build().graph(Vectors.of(rows)));
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("row 2, column 0: value 1.0E19"),
          e.getMessage());
    }
    // Cosine handles the same data: the largest point's nearest is the one most aligned.
    KnnResult cosine = BruteForceEngine.builder().metric(Metric.COSINE).k(1).build().graph(Vectors.of(rows));
    org.junit.jupiter.api.Assertions.assertEquals(1, cosine.neighbor(2, 0));
    // Manhattan sums D differences of up to twice the largest value: 3e38 / 2D at D = 1. Point 0's
    // true distances are 5e38 and 4e38; in float32 both were infinite and the smaller index won.
    float[][] huge = {{2e38f}, {-3e38f}, {-2e38f}};
    for (Metric m : new Metric[] {Metric.MANHATTAN, Metric.CHEBYSHEV}) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> BruteForceEngine.builder().metric(m).k(1).build().graph(Vectors.of(huge)));
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("row 0, column 0: value 2.0E38 is"
          + " too large for " + m.id()) && e.getMessage().endsWith("scale the data down"), e.getMessage());
    }
    KnnResult manhattan = BruteForceEngine.builder().metric(Metric.MANHATTAN).k(1).build()
        .graph(Vectors.of(new float[][] {{1e38f}, {-1e38f}, {-0.5e38f}}));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 2, 1}, manhattan.ids());
    // Just below the limit the euclidean ranking is still right.
    float big = 1e18f;
    KnnResult ok = BruteForceEngine.builder().k(1).build()
        .graph(Vectors.of(new float[][] {{big, 0}, {0, 0}, {big, 1}}));
    org.junit.jupiter.api.Assertions.assertEquals(2, ok.neighbor(0, 0));
  }

  /**
   * Values so small that their squares underflow float32 would make every distance tie at 0 (points
   * of 1e-24 took the point three times farther than the nearest): a clear error naming the
   * largest, unless all are 0 (every distance exactly 0) or the metric squares nothing.
   */
  @org.junit.jupiter.api.Test
  void valuesThatWouldUnderflowFloat32AreRejectedNamingTheLargest() {
    float[][] rows = {{0}, {3e-24f}, {-5e-24f}, {1e-24f}};
    for (Metric m : new Metric[] {Metric.EUCLIDEAN, Metric.SQEUCLIDEAN, Metric.INNER_PRODUCT}) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> BruteForceEngine.builder().metric(m).k(1).build().graph(Vectors.of(rows)));
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("every value is too small for "
          + m.id() + " in float32: the largest, -5.0E-24 (row 2, column 0), is below 8.6736174E-19"),
          e.getMessage());
    }
    // Manhattan takes no squares: the nearest are right.
    KnnResult manhattan = BruteForceEngine.builder().metric(Metric.MANHATTAN).k(1).build()
        .graph(Vectors.of(rows));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {3, 3, 0, 0}, manhattan.ids());
    // All zeros: every distance is 0, ties by the smaller index.
    KnnResult zeros = BruteForceEngine.builder().k(1).build()
        .graph(Vectors.of(new float[][] {{0, 0}, {0, 0}, {0, 0}}));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 0, 0}, zeros.ids());
    // At the bound the squares are normal floats and the euclidean ranking is right.
    float u = (float) 0x1p-60;
    KnnResult small = BruteForceEngine.builder().k(1).build()
        .graph(Vectors.of(new float[][] {{0}, {3 * u / 4}, {u / 4}, {u}}));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 3, 0, 1}, small.ids());
  }

  /**
   * Only the base's values can be too small in a search: queries of 1e-20 against points of
   * ordinary size have distances of that size (the nearest base points of (1e-20, 0) among (1, 0),
   * (0, 2), (3, 3) are (1, 0) then (0, 2)), on every search path; a tiny base is refused.
   */
  @org.junit.jupiter.api.Test
  void tinyQueriesAgainstAnOrdinaryBaseAreSearched() throws java.io.IOException {
    Vectors base = Vectors.of(new float[][] {{1, 0}, {0, 2}, {3, 3}});
    Vectors queries = Vectors.of(new float[][] {{0, 0}, {1e-20f, 0}, {0, 3e-20f}});
    Vectors tinyBase = Vectors.of(new float[][] {{1e-20f, 0}, {0, 2e-20f}, {3e-20f, 3e-20f}});
    org.knng.engine.KnnOptions options = org.knng.engine.KnnOptions.defaults().withK(2);
    for (org.knng.engine.KnnEngine engine : new org.knng.engine.KnnEngine[] {
        BruteForceEngine.create(options), org.knng.kdtree.KdTreeEngine.builder().k(2).build()}) {
      KnnResult found = engine.search(base, queries);
      org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1}, found.ids(),
          engine.name());
      org.knng.graph.SparseGraph within = engine.radiusSearch(base, queries, 1.5);
      org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1, 2, 3}, within.indptr(),
          engine.name());
      UnrankableVectorsException e = assertThrows(UnrankableVectorsException.class,
          () -> engine.search(tinyBase, queries), engine.name());
      assertTrue(e.getMessage().startsWith("every value is too small for euclidean in float32: the"
          + " largest, 3.0E-20 (base row 2, column 0)"), e.getMessage());
    }
    KnnResult blocked = BlockedJoin.search(base, queries, options, 2);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1}, blocked.ids());
    assertThrows(UnrankableVectorsException.class, () -> BlockedJoin.search(tinyBase, queries, options, 2));
    // The inner product's scores -q.y shrink with the query: tiny queries are refused by name.
    org.knng.engine.KnnOptions inner = options.withMetric(Metric.INNER_PRODUCT);
    Vectors tinyQueries = Vectors.of(new float[][] {{1e-20f, 0}, {0, 3e-20f}});
    for (org.junit.jupiter.api.function.Executable search : java.util.List.<org.junit.jupiter.api.function.Executable>of(
        () -> BruteForceEngine.create(inner).search(base, tinyQueries),
        () -> BlockedJoin.search(base, tinyQueries, inner, 2))) {
      UnrankableVectorsException e = assertThrows(UnrankableVectorsException.class, search);
      assertTrue(e.getMessage().startsWith("every value is too small for inner-product in float32: the"
          + " largest, 3.0E-20 (query row 1, column 1)"), e.getMessage());
      assertTrue(e.queries(), "the queries' fault");
    }
  }
}
