package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.ProgressListener;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.testing.Kernels;
import org.knng.testing.KnnAssertions;
import org.knng.testing.NaiveKnn;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * The exact engine at large k, where each row's candidate list fills and is partitioned many times
 * over: k from a few hundred to N - 1 (and N with include-self), on data whose ties cross the k-th
 * place (a small integer grid with planted duplicates) and on gaussian data, against the naive
 * double-precision reference, with one and two threads (identical arrays), through both screens
 * (the projected one reorders the rows, which are put back in place).
 */
class LargeKTest {

  private static final float[][] GRID = TestData.plantDuplicates(TestData.grid(71, 640, 5, 2), 72, 6, 5);
  private static final float[][] GAUSS =
      TestData.plantDuplicates(TestData.gaussian(73, 700, 24, 0f), 74, 4, 3);

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Screening screening : new Screening[] {Screening.FULL, Screening.PROJECTED}) {
      for (Metric metric : Metric.values()) {
        out.add(Arguments.of("grid", screening, metric));
        out.add(Arguments.of("gauss", screening, metric));
      }
    }
    return out.stream();
  }

  private static KnnResult graph(float[][] p, Screening screening, Metric metric, int k,
      boolean includeSelf, int threads) {
    return BruteForceEngine.builder().metric(metric).k(k).includeSelf(includeSelf).threads(threads)
        .screening(screening).vectorOps(Kernels.panama()).build().graph(Vectors.of(p));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void largeKMatchesTheReference(String data, Screening screening, Metric metric) {
    float[][] p = data.equals("grid") ? GRID : GAUSS;
    int n = p.length;
    NaiveKnn.Ranking ref = NaiveKnn.rank(p, p, metric, true);
    int[][] runs = {{n / 2, 0}, {n - 1, 0}, {n, 1}};
    for (int[] run : runs) {
      int k = run[0];
      boolean includeSelf = run[1] == 1;
      KnnResult one = graph(p, screening, metric, k, includeSelf, 1);
      KnnResult two = graph(p, screening, metric, k, includeSelf, 2);
      assertGraph(one, two, ref, p, data.equals("grid"), metric, includeSelf);
    }
  }

  /**
   * One and two threads give the same arrays, and the graph is the reference's: exactly on the
   * grid (float32 is exact there; cosine's normalisation is not), within ties elsewhere.
   */
  private static void assertGraph(KnnResult one, KnnResult two, NaiveKnn.Ranking ref, float[][] p,
      boolean grid, Metric metric, boolean includeSelf) {
    int n = p.length;
    String what = "k=" + one.k() + ", include-self=" + includeSelf;
    assertArrayEquals(one.ids(), two.ids(), what + ": ids differ between 1 and 2 threads");
    assertArrayEquals(one.distances(), two.distances(), what + ": distances differ");
    KnnAssertions.assertWellFormed(one, n, n, one.k(), true, includeSelf);
    if (grid && metric != Metric.COSINE) {
      KnnAssertions.assertExact(one, ref, includeSelf);
    }
    KnnAssertions.assertTieTolerant(one, ref, includeSelf, p, p, metric, true);
  }

  /** A search at k up to the whole base, queries including exact copies of base points. */
  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void largeKSearchMatchesTheReference(String data, Screening screening, Metric metric) {
    float[][] base = data.equals("grid") ? GRID : GAUSS;
    int n = base.length;
    float[][] fresh = data.equals("grid") ? TestData.grid(75, 30, 5, 2)
        : TestData.gaussian(75, 30, 24, 0f);
    float[][] queries = TestData.queriesWithHits(base, fresh, 76, 10);
    NaiveKnn.Ranking ref = NaiveKnn.rank(queries, base, metric, false);
    for (int k : new int[] {300, n}) {
      assertSearch(BruteForceEngine.builder().metric(metric).k(k).screening(screening), base,
          queries, ref, data.equals("grid"), metric);
    }
  }

  /** The search of {@code queries} with one and two threads: identical, well formed, exact. */
  private static void assertSearch(BruteForceEngine.Builder builder, float[][] base,
      float[][] queries, NaiveKnn.Ranking ref, boolean grid, Metric metric) {
    KnnResult one = builder.threads(1).vectorOps(Kernels.panama()).build()
        .search(Vectors.of(base), Vectors.of(queries));
    KnnResult two = builder.threads(2).build().search(Vectors.of(base), Vectors.of(queries));
    int k = one.k();
    assertArrayEquals(one.ids(), two.ids(), "k=" + k + ": ids differ between 1 and 2 threads");
    KnnAssertions.assertWellFormed(one, queries.length, base.length, k, false, false);
    if (grid && metric != Metric.COSINE) {
      KnnAssertions.assertExact(one, ref, false);
    }
    KnnAssertions.assertTieTolerant(one, ref, false, queries, base, metric, false);
  }

  private static final float[][] WIDE_GRID =
      TestData.plantDuplicates(TestData.grid(77, 1000, 4, 2), 78, 5, 4);
  private static final float[][] WIDE_GAUSS =
      TestData.plantDuplicates(TestData.gaussian(79, 1000, 8, 0f), 80, 5, 4);

  static Stream<Arguments> thresholdCases() {
    List<Arguments> out = new ArrayList<>();
    // Every metric with the default thresholds; rows made to fail on the three screened kinds
    // of value (a squared distance, an inner product, a direct sum).
    for (Metric metric : Metric.values()) {
      out.add(Arguments.of("grid", metric, StartingThresholds.SIGMAS));
    }
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.INNER_PRODUCT, Metric.MANHATTAN}) {
      out.add(Arguments.of("grid", metric, -2.0));
      out.add(Arguments.of("gauss", metric, -2.0));
    }
    return out.stream();
  }

  /**
   * k of 100 and more on 1,000 points: the join starts from sampled thresholds. With thresholds
   * taken below their expected place (sigmas -2) most rows end short and are searched again; the
   * graph is exact either way, the same on one and two threads.
   */
  @ParameterizedTest(name = "{0} {1} sigmas {2}")
  @MethodSource("thresholdCases")
  void sampledThresholdsKeepTheGraphExact(String data, Metric metric, double sigmas) {
    float[][] p = data.equals("grid") ? WIDE_GRID : WIDE_GAUSS;
    int n = p.length;
    NaiveKnn.Ranking ref = NaiveKnn.rank(p, p, metric, true);
    // k = 100 (a few sampled hits, on the full width only); 520 and more on the projected screen
    // too, which joins near blocks first (its sample is searched on its own projection).
    int[][] runs = {{100, 0, 0}, {520, 0, 0}, {900, 0, 0}, {700, 1, 0}, {520, 0, 1}, {700, 1, 1}};
    for (int[] run : runs) {
      int k = run[0];
      boolean includeSelf = run[1] == 1;
      Screening screening = run[2] == 1 ? Screening.PROJECTED : Screening.FULL;
      if (screening == Screening.PROJECTED && !Screening.projects(metric)) {
        continue;
      }
      List<String> notes = new ArrayList<>();
      KnnResult one = BruteForceEngine.builder().metric(metric).k(k).includeSelf(includeSelf)
          .threads(1).startingSigmas(sigmas).vectorOps(Kernels.panama()).screening(screening)
          .progress(ProgressListener.notes(notes::add)).build().graph(Vectors.of(p));
      KnnResult two = BruteForceEngine.builder().metric(metric).k(k).includeSelf(includeSelf)
          .threads(2).startingSigmas(sigmas).vectorOps(Kernels.panama()).screening(screening)
          .build().graph(Vectors.of(p));
      assertGraph(one, two, ref, p, data.equals("grid"), metric, includeSelf);
      int again = notes.stream().filter(m -> m.contains("rows searched again"))
          .mapToInt(m -> Integer.parseInt(m.replaceAll(".*\\((\\d+) rows searched again.*", "$1")))
          .findFirst().orElseThrow(() -> new AssertionError(
              "k=" + k + " " + screening + ": no sampled thresholds: " + notes));
      if (sigmas < 0) {
        assertTrue(again > n / 10, "k=" + k + ": thresholds below the mean leave rows short, got " + again);
      }
    }
  }

  /** A search at large k starts from sampled thresholds too, and stays exact when they fail. */
  @ParameterizedTest(name = "{0} {1} sigmas {2}")
  @MethodSource("thresholdCases")
  void sampledThresholdsKeepTheSearchExact(String data, Metric metric, double sigmas) {
    float[][] base = data.equals("grid") ? WIDE_GRID : WIDE_GAUSS;
    float[][] fresh = data.equals("grid") ? TestData.grid(81, 60, 4, 2)
        : TestData.gaussian(81, 60, 8, 0f);
    float[][] queries = TestData.queriesWithHits(base, fresh, 82, 10);
    NaiveKnn.Ranking ref = NaiveKnn.rank(queries, base, metric, false);
    for (int k : new int[] {100, 600}) {
      assertSearch(BruteForceEngine.builder().metric(metric).k(k).startingSigmas(sigmas), base,
          queries, ref, data.equals("grid"), metric);
    }
  }
}
