package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
    int[][] runs = {{150, 0}, {n / 2, 0}, {n - 2, 0}, {n - 1, 0}, {n / 2, 1}, {n, 1}};
    for (int[] run : runs) {
      int k = run[0];
      boolean includeSelf = run[1] == 1;
      KnnResult one = graph(p, screening, metric, k, includeSelf, 1);
      KnnResult two = graph(p, screening, metric, k, includeSelf, 2);
      String what = "k=" + k + ", include-self=" + includeSelf;
      assertArrayEquals(one.ids(), two.ids(), what + ": ids differ between 1 and 2 threads");
      assertArrayEquals(one.distances(), two.distances(), what + ": distances differ");
      KnnAssertions.assertWellFormed(one, n, n, k, true, includeSelf);
      if (data.equals("grid") && metric != Metric.COSINE) {
        KnnAssertions.assertExact(one, ref, includeSelf);
      }
      KnnAssertions.assertTieTolerant(one, ref, includeSelf, p, p, metric, true);
    }
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
      KnnResult one = BruteForceEngine.builder().metric(metric).k(k).threads(1)
          .screening(screening).vectorOps(Kernels.panama()).build()
          .search(Vectors.of(base), Vectors.of(queries));
      KnnResult two = BruteForceEngine.builder().metric(metric).k(k).threads(2)
          .screening(screening).vectorOps(Kernels.panama()).build()
          .search(Vectors.of(base), Vectors.of(queries));
      assertArrayEquals(one.ids(), two.ids(), "k=" + k + ": ids differ between 1 and 2 threads");
      KnnAssertions.assertWellFormed(one, queries.length, n, k, false, false);
      if (data.equals("grid") && metric != Metric.COSINE) {
        KnnAssertions.assertExact(one, ref, false);
      }
      KnnAssertions.assertTieTolerant(one, ref, false, queries, base, metric, false);
    }
  }
}
