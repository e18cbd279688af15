package org.knng.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;

/**
 * Checks any {@link KnnEngine} can be put through: exactness against the naive reference, the same
 * output for 1 and 2 threads, and recall@k against the exact engine, for the engines to come
 * (approximate ones assert a recall floor with {@link #assertRecallAtLeast}).
 */
public final class EngineChecks {
  private EngineChecks() {}

  /**
   * The engine's graph of {@code rows} is exact: well formed, and every neighbour within the
   * naive reference's k-th distance with the reference's distances (tie-tolerant), the same with 1
   * and 2 threads.
   *
   * @param engine the engine (its k, metric and include-self are used)
   * @param rows the points
   * @return the graph
   */
  public static KnnResult assertExactGraph(KnnEngine engine, float[][] rows) {
    KnnOptions o = engine.options();
    KnnResult one = engine.with(o.withThreads(1)).graph(Vectors.of(rows));
    KnnResult two = engine.with(o.withThreads(2)).graph(Vectors.of(rows));
    assertSame(one, two, "1 and 2 threads");
    KnnAssertions.assertWellFormed(one, rows.length, rows.length, o.k(), true, o.includeSelf());
    NaiveKnn.Ranking ref = NaiveKnn.rank(rows, rows, o.metric(), true);
    KnnAssertions.assertTieTolerant(one, ref, o.includeSelf(), rows, rows, o.metric(), true);
    return one;
  }

  /**
   * The engine's search of {@code queries} against {@code base} is exact, as {@link
   * #assertExactGraph}.
   *
   * @param engine the engine
   * @param base the points searched
   * @param queries the queries
   * @return the result
   */
  public static KnnResult assertExactSearch(KnnEngine engine, float[][] base, float[][] queries) {
    KnnOptions o = engine.options();
    KnnResult one = engine.with(o.withThreads(1)).search(Vectors.of(base), Vectors.of(queries));
    KnnResult two = engine.with(o.withThreads(2)).search(Vectors.of(base), Vectors.of(queries));
    assertSame(one, two, "1 and 2 threads");
    KnnAssertions.assertWellFormed(one, queries.length, base.length, o.k(), false, false);
    NaiveKnn.Ranking ref = NaiveKnn.rank(queries, base, o.metric(), false);
    KnnAssertions.assertTieTolerant(one, ref, false, queries, base, o.metric(), false);
    return one;
  }

  /**
   * Recall@k of {@code candidate} against the exact result of the same rows, tie-tolerant: a
   * neighbour counts if it is a real point other than the row itself, not a repeat within the row,
   * and its exact distance is at most the true k-th distance (within {@link
   * KnnAssertions#tolerance}).
   *
   * @param candidate the result to grade
   * @param exact the exact result of the same rows and k
   * @param queries the row vectors
   * @param base the vectors the ids index
   * @return the fraction of the {@code rows x k} entries that count
   */
  public static double recall(KnnResult candidate, KnnResult exact, float[][] queries, float[][] base) {
    Metric metric = exact.metric();
    int k = exact.k();
    long good = 0;
    for (int row = 0; row < exact.rows(); row++) {
      double kth = exact.distance(row, k - 1);
      boolean[] seen = new boolean[base.length];
      for (int j = 0; j < k; j++) {
        int id = candidate.neighbor(row, j);
        if (id < 0 || seen[id] || (!exact.includesSelf() && exact.rows() == exact.columns() && id == row)) {
          continue;
        }
        seen[id] = true;
        double d = NaiveKnn.distance(metric, queries[row], base[id]);
        if (d <= kth + KnnAssertions.tolerance(metric, kth)) {
          good++;
        }
      }
    }
    return (double) good / ((long) exact.rows() * k);
  }

  /**
   * The engine's graph of {@code rows} reaches at least {@code floor} recall@k against the exact
   * engine with the same options.
   *
   * @param engine the engine
   * @param rows the points
   * @param floor the least recall accepted
   * @return the recall reached
   */
  public static double assertRecallAtLeast(KnnEngine engine, float[][] rows, double floor) {
    KnnResult got = engine.graph(Vectors.of(rows));
    KnnResult exact = BruteForceEngine.create(engine.options()).graph(Vectors.of(rows));
    double recall = recall(got, exact, rows, rows);
    assertTrue(recall >= floor, engine.name() + ": recall " + recall + " below the floor " + floor);
    return recall;
  }

  private static void assertSame(KnnResult a, KnnResult b, String what) {
    assertArrayEquals(a.ids(), b.ids(), what + ": ids differ");
    assertArrayEquals(a.distances(), b.distances(), what + ": distances differ");
  }
}
