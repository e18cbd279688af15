package org.knng.approx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.knng.InvalidInputException;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.testing.EngineChecks;
import org.knng.testing.KnnAssertions;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/** LSH on small seeded data, run as on large data: recall floors, thread independence, capped buckets. */
class LshEngineTest {
  private static final float[][] CLUSTERS = TestData.clusters(3, 3000, 24, 12, 4);

  private static LshEngine.Builder lsh(Metric metric, int threads) {
    return LshEngine.builder().metric(metric).k(10).threads(threads).seed(2).exactBelow(0);
  }

  @ParameterizedTest
  @EnumSource(value = Metric.class, names = {"EUCLIDEAN", "SQEUCLIDEAN", "COSINE", "MANHATTAN"})
  void manyTablesReachARecallFloor(Metric metric) {
    EngineChecks.assertRecallAtLeast(lsh(metric, 2).tables(48).build(), CLUSTERS, 0.9);
  }

  @Test
  void moreTablesGiveAHigherRecallAndTheTargetIsReached() {
    Vectors points = Vectors.of(CLUSTERS);
    KnnResult exact = BruteForceEngine.create(KnnOptions.defaults().withK(10)).graph(points);
    double few = EngineChecks.recall(lsh(Metric.EUCLIDEAN, 2).tables(2).build().graph(points), exact,
        CLUSTERS, CLUSTERS);
    KnnResult targeted = lsh(Metric.EUCLIDEAN, 2).tables(2).targetRecall(0.98).build().graph(points);
    double more = EngineChecks.recall(targeted, exact, CLUSTERS, CLUSTERS);
    assertTrue(few < more, few + " vs " + more);
    assertTrue(targeted.recall().orElseThrow().low() >= 0.98, targeted.recall().orElseThrow().describe());
  }

  @Test
  void theSameSeedGivesTheSameGraphOnOneAndTwoThreads() {
    Vectors points = Vectors.of(TestData.gaussian(4, 4000, 32, 0f));
    KnnResult one = lsh(Metric.COSINE, 1).build().graph(points);
    KnnResult two = lsh(Metric.COSINE, 2).build().graph(points);
    assertArrayEquals(one.ids(), two.ids());
    assertArrayEquals(one.distances(), two.distances());
  }

  @Test
  void duplicatesFillOneBucketWithoutBreakingIt() {
    // 2000 copies of one point and 1000 others: the copies' bucket is split into capped pieces.
    float[][] rows = new float[3000][];
    float[][] others = TestData.gaussian(6, 1000, 8, 0f);
    for (int i = 0; i < 3000; i++) {
      rows[i] = i < 2000 ? new float[] {1, 2, 3, 4, 5, 6, 7, 8} : others[i - 2000];
    }
    KnnResult graph = lsh(Metric.EUCLIDEAN, 2).build().graph(Vectors.of(rows));
    KnnAssertions.assertWellFormed(graph, rows.length, rows.length, 10, true, false);
    for (int r = 0; r < 2000; r++) {
      assertEquals(0f, graph.distance(r, 9), "row " + r + " has ten copies of itself at distance 0");
      int row = r;
      assertEquals(10, Arrays.stream(graph.neighbors(r)).filter(id -> id != row).distinct().count());
    }
  }

  @Test
  void badTablesAreRefused() {
    assertThrows(InvalidInputException.class, () -> LshEngine.builder().tables(0));
    assertThrows(InvalidInputException.class, () -> LshEngine.builder().tables(LshEngine.MAX_TABLES + 1));
  }
}
