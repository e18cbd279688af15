package org.knng.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.knng.metric.Metric;

/**
 * The reference itself, on hand-worked cases: if it were wrong, the property tests would compare
 * the engine against a wrong answer (and could agree with the same mistake).
 */
class NaiveKnnTest {

  @Test
  void distancesFromTheDefinitions() {
    float[] o = {0, 0};
    float[] p = {3, 4};
    assertEquals(5.0, NaiveKnn.distance(Metric.EUCLIDEAN, o, p));
    assertEquals(25.0, NaiveKnn.distance(Metric.SQEUCLIDEAN, o, p));
    assertEquals(7.0, NaiveKnn.distance(Metric.MANHATTAN, o, p));
    assertEquals(-25.0, NaiveKnn.distance(Metric.INNER_PRODUCT, p, p));
    assertEquals(2.0, NaiveKnn.distance(Metric.COSINE, new float[] {1, 0}, new float[] {-3, 0}));
    assertEquals(1.0, NaiveKnn.distance(Metric.COSINE, new float[] {1, 0}, new float[] {0, 2}), 1e-15);
    assertEquals(0.0, NaiveKnn.distance(Metric.COSINE, new float[] {1, 0}, new float[] {2, 0}));
  }

  /** Self excluded by index (its duplicates kept), ties by the smaller index. */
  @Test
  void rankingExcludesSelfByIndexAndBreaksTiesBySmallerIndex() {
    float[][] p = {{0}, {1}, {0}, {-1}, {0}};
    NaiveKnn.Ranking r = NaiveKnn.rank(p, p, Metric.EUCLIDEAN, true);
    assertArrayEquals(new int[] {2, 4, 1, 3}, r.ids(0));
    assertArrayEquals(new int[] {0, 4, 1, 3}, r.ids(2));
    assertArrayEquals(new double[] {0, 0, 1, 1}, r.distances(2));
    assertArrayEquals(new int[] {0, 2, 4, 3}, r.ids(1));
    assertArrayEquals(new int[] {2, 0, 4}, r.expectedIds(2, 3, true));
    assertArrayEquals(new double[] {0, 0, 0}, r.expectedDistances(2, 3, true));
    assertArrayEquals(new int[] {0, 4, 1}, r.expectedIds(2, 3, false));
  }

  /** A search keeps every base point, including an exact copy of the query. */
  @Test
  void searchRankingKeepsEverything() {
    float[][] base = {{5, 5}, {1, 1}, {1, 1}};
    NaiveKnn.Ranking r = NaiveKnn.rank(new float[][] {{1, 1}}, base, Metric.SQEUCLIDEAN, false);
    assertArrayEquals(new int[] {1, 2, 0}, r.ids(0));
    assertArrayEquals(new double[] {0, 0, 32}, r.distances(0));
  }

  /** Inner product ranks the largest dot product first (most negative distance). */
  @Test
  void innerProductRanking() {
    float[][] p = {{1, 0}, {5, 0}, {-2, 0}, {2, 0}};
    NaiveKnn.Ranking r = NaiveKnn.rank(p, p, Metric.INNER_PRODUCT, true);
    assertArrayEquals(new int[] {1, 3, 2}, r.ids(0));
    assertArrayEquals(new double[] {-5, -2, 2}, r.distances(0));
  }
}
