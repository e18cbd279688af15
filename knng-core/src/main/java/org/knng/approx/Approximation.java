package org.knng.approx;

import java.util.Locale;
import org.knng.ProgressListener;
import org.knng.engine.InputChecks;
import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.engine.Rescoring;
import org.knng.eval.RecallSample;
import org.knng.exact.BruteForceEngine;
import org.knng.exact.Screening;
import org.knng.graph.KnnResult;
import org.knng.graph.RecallEstimate;
import org.knng.simd.VectorOps;
import org.knng.tile.FullWidthScreen;
import org.knng.tile.Screen;
import org.knng.tile.Side;
import org.knng.vectors.Vectors;

/**
 * What the approximate engines share around their own search: the screen their lists are joined
 * through, the result (lists put back in point order, completed, re-scored exactly), and the
 * recall: estimated on a sample of rows against the exact engine ({@link RecallSample}) and, for a
 * target recall, raised step by step until the estimate's lower end reaches it, or handed to the
 * exact engine where more effort would cost more.
 */
final class Approximation {
  /**
   * An estimate further below the target than this goes to the exact engine at once: a raise of
   * the effort gains a few hundredths (mixture 200,000 x 96: 0.83, 0.90, 0.95 at efforts 1.5,
   * 2.25, 3.4, each step costing more than the last, before the exact engine was needed anyway).
   */
  static final double HOPELESS = 0.05;
  /**
   * Data of a higher local intrinsic dimension ({@link RecallSample#intrinsicDimension}) goes to
   * the exact engine at once when a recall is asked for: neighbours of neighbours are rarely
   * neighbours there, and no effort an approximate engine can afford reaches 0.99 (random 100,000 x
   * 128: about 70; the real datasets measured: 14 to 26). Below it, separate clusters of a high
   * dimension (a mixture of 1,000 full 96-dimensional Gaussians: 44 at 200,000 points, 50 at
   * 1,000,000) are NN-Descent's: its lists fall apart into the clusters, which it joins in full.
   */
  static final double HIGH_DIMENSION = 55;
  /**
   * Rows of the recall sample drawn before the search (its pilot) when there is a target recall,
   * on which the intrinsic dimension is estimated: 100 rows gave 21.0 on Fashion-MNIST, 68.6 on
   * random 50,000 x 128 and 44.5 on the 200,000-point mixture, where 1,000 gave 20.5, 69.1 and
   * 44.4.
   */
  static final int PILOT_ROWS = 100;

  /** One more step of effort: the better lists, or null when the exact engine should take over. */
  interface Raise {
    /**
     * @param step 1 for the first raise
     * @param estimate the recall reached so far
     * @return the lists after more work, or null
     */
    NeighborLists next(int step, RecallEstimate estimate);
  }

  private final String name;
  private final KnnOptions options;
  private final VectorOps ops;
  private final Vectors points;
  private final int kept;
  private Screen screen;
  /** Rows of the recall sample, and the sample (its pilot until there is a graph, or null). */
  private int sampleRows;
  private RecallSample sample;

  Approximation(String name, KnnOptions options, VectorOps ops, Vectors points) {
    this.name = name;
    this.options = options;
    this.ops = ops;
    this.points = points;
    this.kept = options.includeSelf() ? options.k() - 1 : options.k();
  }

  /** Neighbours to find per row, besides the point itself. */
  int kept() {
    return kept;
  }

  /**
   * The checks every engine makes, then the exact engine's graph where it is the better choice
   * before anything is known of the data ({@link #exactIsBetter}), or null.
   *
   * @param below fewer points go to the exact engine
   * @return the exact graph, or null
   */
  KnnResult exactInstead(int below) {
    InputChecks.graphK(options, points.size());
    InputChecks.rankable(points, options.metric(), "row");
    return exactIsBetter(below) ? exact().graph(points) : null;
  }

  /**
   * With a target recall, draws the first rows of the recall sample (its pilot) once the screen is
   * made ({@link #screen}: the sample's exact search uses its projection), and returns the exact
   * engine's graph where the pilot says so ({@link #pilotSaysExact}), else null: the approximate
   * search should run. The rest of the sample (without a target, all of it) is drawn once there is
   * a graph ({@link #measured}).
   *
   * @param sampleRows rows of the recall sample (0 for none)
   * @return the exact graph, or null
   */
  KnnResult sampled(int sampleRows) {
    this.sampleRows = sampleRows;
    return pilotSaysExact() ? exactMeasured() : null;
  }

  /**
   * Whether the exact engine should build this graph: no neighbour to find but the point itself,
   * fewer points than {@code below}, or a target recall of 1.
   */
  private boolean exactIsBetter(int below) {
    if (kept == 0 || points.size() < below || options.targetRecall() == 1) {
      options.progress().note(name + ": " + points.size() + " points, k " + options.k()
          + ", target recall " + options.targetRecall() + ": the exact engine");
      return true;
    }
    return false;
  }

  KnnEngine exact() {
    return BruteForceEngine.create(options);
  }

  /**
   * The exact engine's screen where its blocks hold {@code block} rows (the projected screen on
   * data with a few dominant directions: fewer values per pair, and near points stored near each
   * other), else the full width.
   */
  Screen screen(int block) {
    long start = System.nanoTime();
    Screen chosen = Screening.AUTO.selfJoin(points, options.metric(), ops, options.threads());
    if (chosen.block() < block) {
      chosen = FullWidthScreen.lists(options.metric(), ops, points, block);
    }
    options.progress().note(String.format(Locale.ROOT, "%s: kernels %s, screen %s (%.2f s)", name,
        ops.name(), chosen.describe(), (System.nanoTime() - start) / 1e9));
    screen = chosen;
    return chosen;
  }

  /** The nearest {@code kept} of each list (rows of the screen), in point order, completed and re-scored. */
  KnnResult result(NeighborLists lists) {
    int[] ids = inPointOrder(screen.rows(), lists.firstIds(kept), kept);
    completeRows(ids);
    return new Rescoring(options).graph(points, ids);
  }

  /**
   * With a target recall, finds the exact neighbours of the first {@link #PILOT_ROWS} rows of the
   * recall sample, on the screen's projection: data of too high an intrinsic dimension goes to the
   * exact engine at once. The other rows (without a target, all of them: nothing needs them
   * sooner) wait for the approximate graph, whose distances bound their search (Fashion-MNIST,
   * whole process: 1,000 rows in 0.87-0.98 s before the search; 100 in 0.37-0.46 s, most of it the
   * first compilation of the kernels, and 900 in 0.18-0.23 s after it).
   *
   * @return whether the exact engine should build the graph
   */
  private boolean pilotSaysExact() {
    if (sampleRows == 0 || Double.isNaN(options.targetRecall())) {
      return false;
    }
    long start = System.nanoTime();
    int pilot = Math.min(sampleRows, PILOT_ROWS);
    sample = RecallSample.draw(points, options.withProgress(ProgressListener.NONE), pilot,
        options.seed(), screen);
    double seconds = (System.nanoTime() - start) / 1e9;
    double dimension = sample.intrinsicDimension();
    options.progress().note(String.format(Locale.ROOT, "%s: exact neighbours of %d sampled rows in"
        + " %.2f s; local intrinsic dimension %.1f", name, pilot, seconds, dimension));
    if (dimension > HIGH_DIMENSION) {
      options.progress().note(name + ": intrinsic dimension above " + HIGH_DIMENSION
          + ": the exact engine reaches the target recall sooner");
      return true;
    }
    return false;
  }

  /** The exact graph, with its recall measured on the sample (1 unless a bug). */
  private KnnResult exactMeasured() {
    KnnResult result = exact().graph(points);
    return sampleRows == 0 ? result
        : result.withRecall(grownSample(result).measure(result.ids(), options.k()));
  }

  /**
   * The whole recall sample, its rows past the pilot (all, without one) searched within the
   * distances of {@code graph} (the first graph of the search).
   */
  private RecallSample grownSample(KnnResult graph) {
    long start = System.nanoTime();
    if (sample == null) {
      sample = RecallSample.draw(points, options.withProgress(ProgressListener.NONE), sampleRows,
          options.seed(), screen, graph);
      options.progress().note(String.format(Locale.ROOT, "%s: exact neighbours of %d sampled rows"
          + " in %.2f s", name, sample.rows().length, (System.nanoTime() - start) / 1e9));
    } else if (sample.rows().length < Math.min(sampleRows, points.size())) {
      int pilot = sample.rows().length;
      sample = sample.grow(sampleRows, screen, graph);
      options.progress().note(String.format(Locale.ROOT, "%s: exact neighbours of %d more sampled"
          + " rows in %.2f s", name, sample.rows().length - pilot, (System.nanoTime() - start) / 1e9));
    }
    return sample;
  }

  /**
   * The result with its recall estimate (on the recall sample, begun by {@link #pilotSaysExact}
   * where there is a target; none without a sample), raised until it reaches the options' target
   * recall (if any).
   */
  KnnResult measured(KnnResult first, Raise raise) {
    if (sampleRows == 0) {
      return first;
    }
    double target = options.targetRecall();
    KnnResult result = first;
    RecallEstimate estimate = grownSample(first).measure(result.ids(), options.k());
    for (int step = 1; !Double.isNaN(target) && estimate.low() < target; step++) {
      options.progress().note(name + ": " + estimate.describe() + ", below the target " + target);
      // Far below the target, more effort would cost more than the exact engine: go there.
      NeighborLists lists = estimate.recall() < target - HOPELESS ? null : raise.next(step, estimate);
      if (lists == null) {
        options.progress().note(name + ": target recall " + target + " needs the exact engine");
        result = exact().graph(points);
      } else {
        result = result(lists);
      }
      estimate = sample.measure(result.ids(), options.k());
      if (lists == null) {
        break;
      }
    }
    options.progress().note(name + ": " + estimate.describe());
    return result.withRecall(estimate);
  }

  /** Rows and ids in the screen's order, put back in point order. */
  private static int[] inPointOrder(Side rows, int[] ids, int kept) {
    if (rows.ids() == null) {
      return ids;
    }
    int[] out = new int[ids.length];
    for (int r = 0; r < rows.size(); r++) {
      int to = rows.id(r) * kept;
      for (int j = 0; j < kept; j++) {
        int id = ids[r * kept + j];
        out[to + j] = id < 0 ? -1 : rows.id(id);
      }
    }
    return out;
  }

  /**
   * Rows the search left short (NN-Descent's leaves of more than {@code 2 k} points prevent it;
   * an LSH point can be alone in all its buckets) get their exact neighbours: a row is never short
   * when the data has enough points.
   */
  private void completeRows(int[] ids) {
    int n = points.size();
    int shortRows = 0;
    for (int r = 0; r < n; r++) {
      if (ids[r * kept + kept - 1] < 0) {
        shortRows++;
      }
    }
    if (shortRows == 0) {
      return;
    }
    options.progress().note(name + ": " + shortRows + " rows completed by the exact engine");
    int[] rows = new int[shortRows];
    for (int r = 0, s = 0; r < n; r++) {
      if (ids[r * kept + kept - 1] < 0) {
        rows[s++] = r;
      }
    }
    KnnResult found = exact().with(options.withK(kept + 1).withProgress(ProgressListener.NONE))
        .search(points, points.rows(rows, 0, shortRows));
    for (int s = 0; s < shortRows; s++) {
      int out = rows[s] * kept;
      int filled = 0;
      for (int rank = 0; rank <= kept && filled < kept; rank++) {
        int id = found.neighbor(s, rank);
        if (id != rows[s]) {
          ids[out + filled++] = id;
        }
      }
    }
  }
}
