package org.knng.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.Algorithm;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.testing.NaiveKnn;
import org.knng.vectors.Vectors;

/**
 * A cluster of points a few 1e-22 apart inside data of ordinary scale: float32 squares of their
 * differences underflow, so every engine's float32 choice ties them all, and only the search in
 * double ({@link UnderflowRows}) gives their true nearest. The reference is {@link NaiveKnn}
 * (double, from the definition).
 */
class UnderflowRowsTest {
  static Stream<Arguments> cases() {
    return Stream.of(Algorithm.EXACT, Algorithm.KDTREE, Algorithm.NNDESCENT, Algorithm.LSH)
        .flatMap(a -> Stream.of(Metric.EUCLIDEAN, Metric.SQEUCLIDEAN)
            .flatMap(m -> Stream.of(3, 24).flatMap(d -> Stream.of(false, true)
                .map(self -> Arguments.of(a, m, d, self)))))
        .filter(c -> c.get()[0] != Algorithm.KDTREE || (int) c.get()[2] <= 16);
  }

  /** 120 points in [0, 1)^d, then 40 of at most 1e-22 (three of them equal), then 120 more. */
  static float[][] points(int d, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[280][d];
    for (int i = 0; i < rows.length; i++) {
      boolean tiny = i >= 120 && i < 160;
      for (int j = 0; j < d; j++) {
        rows[i][j] = (float) (random.nextDouble() * (tiny ? 1e-22 : 1));
      }
    }
    rows[125] = rows[123].clone();
    rows[126] = rows[123].clone();
    return rows;
  }

  @ParameterizedTest(name = "{0} {1} d={2} include-self={3}")
  @MethodSource("cases")
  void theTinyClusterGetsItsTrueNearest(Algorithm algorithm, Metric metric, int d, boolean self) {
    float[][] rows = points(d, 7 + d);
    int k = 5;
    KnnOptions options = KnnOptions.defaults().withMetric(metric).withK(k).withIncludeSelf(self)
        .withThreads(2).withSeed(3);
    KnnResult result = algorithm.engine(options).graph(Vectors.of(rows));
    NaiveKnn.Ranking truth = NaiveKnn.rank(rows, rows, metric, true);
    for (int r = 120; r < 160; r++) {
      int[] expected = truth.expectedIds(r, k, self);
      int[] got = result.neighbors(r);
      if (metric == Metric.EUCLIDEAN) { // distances of 1e-23 are ordinary floats: the order too
        assertArrayEquals(expected, got, "row " + r);
      } else { // squares of 1e-46 round to float32 zeros or steps: the set, ordered as stored
        assertArrayEquals(sorted(expected), sorted(got), "row " + r);
      }
    }
  }

  @ParameterizedTest(name = "{0} queries")
  @MethodSource("searchEngines")
  void queriesInTheTinyClusterGetTheirTrueNearest(Algorithm algorithm) {
    float[][] queries = Arrays.copyOfRange(points(8, 12), 115, 165); // tiny ones and a few others
    Vectors base = Vectors.of(points(8, 11));
    assertSearchIsExact(algorithm, base, Vectors.of(queries), 4);
  }

  /** The same vectors as base and queries: a search, so each query finds itself at distance 0. */
  @ParameterizedTest(name = "{0} queries are the base")
  @MethodSource("searchEngines")
  void aSearchOfTheBaseItselfKeepsEachPointInItsRow(Algorithm algorithm) {
    Vectors v = Vectors.of(points(4, 13));
    assertSearchIsExact(algorithm, v, v, 3);
  }

  /** Every query's k nearest base points are the reference's (double, from the definition). */
  private static void assertSearchIsExact(Algorithm algorithm, Vectors base, Vectors queries, int k) {
    KnnResult result = algorithm.engine(KnnOptions.defaults().withK(k).withThreads(2)).search(base, queries);
    NaiveKnn.Ranking truth = NaiveKnn.rank(rows(queries), rows(base), Metric.EUCLIDEAN, false);
    for (int r = 0; r < queries.size(); r++) {
      assertArrayEquals(truth.expectedIds(r, k, false), result.neighbors(r), "query " + r);
    }
  }

  private static float[][] rows(Vectors v) {
    float[][] out = new float[v.size()][];
    for (int r = 0; r < v.size(); r++) {
      out[r] = Arrays.copyOfRange(v.data(), r * v.dimension(), (r + 1) * v.dimension());
    }
    return out;
  }

  /**
   * 5,000 points of 1e-22 in 64-D and a few ordinary ones: about 25 million pairs to search in
   * double, above the 32 per point and 2^30 / 64 allowed: refused.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("searchEngines")
  void aLargeClusterTooCloseForFloat32IsRefusedNotSearchedForHours(Algorithm algorithm) {
    float[][] rows = ordinaryThenTiny(10, 5_000, 64, 9);
    KnnEngine engine = algorithm.engine(KnnOptions.defaults().withK(5).withThreads(2));
    org.knng.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
        org.knng.InvalidInputException.class, () -> engine.graph(Vectors.of(rows)));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("rows (the first: row 10) have"
        + " neighbours closer than float32 squares can rank") && e.getMessage().endsWith("scale the data up"),
        e.getMessage());
  }

  /**
   * 2,000 points of 1e-22 in 16-D among 1,000 ordinary ones: about 4 million pairs in double,
   * within what is searched (the first budget, 32 pairs per point and a million, refused it).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("searchEngines")
  void aClusterOfThousandsIsSearchedInFull(Algorithm algorithm) {
    float[][] rows = ordinaryThenTiny(1_000, 2_000, 16, 21);
    KnnResult result = algorithm.engine(KnnOptions.defaults().withK(4).withThreads(2)).graph(Vectors.of(rows));
    NaiveKnn.Ranking truth = NaiveKnn.rank(rows, rows, Metric.EUCLIDEAN, true);
    for (int r = 1_000; r < rows.length; r += 7) {
      assertArrayEquals(truth.expectedIds(r, 4, false), result.neighbors(r), "row " + r);
    }
  }

  /** {@code ordinary} points in [0, 1)^d, then {@code tiny} of at most 1e-22. */
  private static float[][] ordinaryThenTiny(int ordinary, int tiny, int d, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[ordinary + tiny][d];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < d; j++) {
        rows[i][j] = (float) (random.nextDouble() * (i < ordinary ? 1 : 1e-22));
      }
    }
    return rows;
  }

  static Stream<Algorithm> searchEngines() {
    return Stream.of(Algorithm.EXACT, Algorithm.KDTREE);
  }

  @ParameterizedTest(name = "ordinary {0}")
  @MethodSource("searchEngines")
  void ordinaryDataAndExactDuplicatesAreNotSearchedAgain(Algorithm algorithm) {
    float[][] rows = new float[60][3];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < 3; j++) {
        rows[i][j] = i < 20 ? 0.5f : (float) random.nextDouble(); // 20 copies of one point
      }
    }
    KnnResult result = algorithm.engine(KnnOptions.defaults().withK(6)).graph(Vectors.of(rows));
    float[] data = Vectors.of(rows).data();
    int[] ids = result.ids().clone();
    float[] dist = result.distances().clone();
    assertEquals(0, UnderflowRows.research(Metric.EUCLIDEAN, 6, false, ids, dist, data, null, data,
        null, 3, rows.length, true, 1));
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, result.neighbors(0)); // copies: smallest ids
    assertEquals(0f, result.distance(0, 5));
  }

  private static int[] sorted(int[] ids) {
    int[] copy = ids.clone();
    Arrays.sort(copy);
    return copy;
  }
}
