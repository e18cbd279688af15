package org.knng.descent;

import java.util.Objects;
import org.knng.Algorithm;
import org.knng.InvalidInputException;
import org.knng.ProgressListener;
import org.knng.engine.InputChecks;
import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.engine.Rescoring;
import org.knng.eval.RecallSample;
import org.knng.exact.Screening;
import org.knng.graph.KnnResult;
import org.knng.graph.RecallEstimate;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.knng.tile.FullWidthScreen;
import org.knng.tile.Screen;
import org.knng.tile.Side;
import org.knng.vectors.Vectors;

/**
 * The approximate engine for large N: NN-Descent ({@link NnDescent}) over a random-projection
 * forest, with the exact engine's semantics. A point is excluded from its own list by index, a
 * row never holds an id twice, rows are re-scored in double precision and ordered by (distance,
 * id), and a row has fewer than k entries (padded with -1) only if the data has fewer than k
 * other points. The same seed gives the same graph whatever the thread count.
 *
 * <p>Its cost grows about as {@code N log N} instead of the exact engine's {@code N^2}; what it
 * gives up is a small fraction of neighbours (recall below 1). The effort raises the list size
 * and so the recall; small inputs (below {@link #EXACT_BELOW} points) are solved exactly. Queries
 * ({@link #search}) and radius graphs are the exact engine's.
 *
 * <pre>{@code
 * NnDescentEngine engine = NnDescentEngine.builder().k(15).seed(7).build();
 * KnnResult graph = engine.graph(points);   // each point's 15 nearest, nearly all of them
 * }</pre>
 */
public final class NnDescentEngine implements KnnEngine {
  /** Below this many points the exact engine is as fast: it is used instead. */
  public static final int EXACT_BELOW = 2048;
  /** Rows of the recall estimate: about +-0.003 at a recall of 0.99. */
  public static final int SAMPLE_ROWS = 1000;
  /** The effort when none is given: recall@10 about 0.99 on Fashion-MNIST. */
  public static final double DEFAULT_EFFORT = 1.5;
  /** Each step of the target-recall loop multiplies the effort by this. */
  private static final double RAISE = 1.5;
  /** A first estimate this far below the target goes to the exact engine at once. */
  private static final double HOPELESS = 0.25;
  /** Above this effort the exact engine is cheaper. */
  private static final double MAX_EFFORT = 4;

  private final KnnOptions options;
  private final VectorOps ops;
  private final double effort;
  private final int sampleRows;
  private final int exactBelow;

  private NnDescentEngine(KnnOptions options, VectorOps ops, double effort, int sampleRows,
      int exactBelow) {
    this.options = options;
    this.ops = ops;
    this.effort = effort;
    this.sampleRows = sampleRows;
    this.exactBelow = exactBelow;
  }

  /** @return a builder with the default options (seed 0) and the default effort */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The engine for these options (seed and target recall included), at the default effort.
   *
   * @param options the shared options
   * @return the engine
   */
  public static NnDescentEngine create(KnnOptions options) {
    return builder().options(options).build();
  }

  @Override
  public KnnOptions options() {
    return options;
  }

  @Override
  public NnDescentEngine with(KnnOptions options) {
    return new NnDescentEngine(Objects.requireNonNull(options, "options"), ops, effort, sampleRows,
        exactBelow);
  }

  @Override
  public String name() {
    return "nndescent";
  }

  /** @return the effort: larger for longer lists and a higher recall */
  public double effort() {
    return effort;
  }

  @Override
  public KnnResult graph(Vectors points) {
    InputChecks.graphK(options, points.size());
    InputChecks.rankable(points, options.metric(), "row");
    int n = points.size();
    int kept = options.includeSelf() ? options.k() - 1 : options.k();
    double target = options.targetRecall();
    if (kept == 0) {
      return new Rescoring(options).graph(points, null);
    }
    // NN-Descent needs leaves of more than 2 k points, and small inputs are as fast exactly.
    if (n < Math.max(exactBelow, 4 * kept + 4) || target == 1) {
      options.progress().note("nndescent: " + (target == 1 ? "target recall 1" : n + " points, below "
          + Math.max(exactBelow, 4 * kept + 4)) + ": the exact engine");
      return exact().graph(points);
    }
    Settings settings = Settings.auto(n, kept, effort, options.seed());
    options.progress().note("nndescent: " + settings);
    Screen screen = screen(points, Settings.auto(n, kept, MAX_EFFORT, 0));
    NnDescent descent = new NnDescent(ops, screen, settings, options.threads(), options.progress());
    NeighborLists lists = descent.build();
    KnnResult result = result(points, screen, lists, kept, descent);
    if (sampleRows == 0) {
      return result;
    }
    RecallSample sample = RecallSample.draw(points, options.withProgress(ProgressListener.NONE),
        sampleRows, options.seed());
    RecallEstimate estimate = sample.measure(result.ids(), options.k());
    // Raise the effort (longer lists, more rounds) until the estimate's lower end reaches the
    // target; where even the most effort does not, the exact engine does the work.
    double reached = effort;
    while (!Double.isNaN(target) && estimate.low() < target) {
      options.progress().note("nndescent: effort " + reached + ": " + estimate.describe()
          + ", below the target " + target);
      reached *= RAISE;
      // Far below the target (data of high intrinsic dimension, such as uniform noise), more
      // effort would cost more than the exact engine: go there at once.
      if (reached > MAX_EFFORT || estimate.recall() < target - HOPELESS) {
        options.progress().note("nndescent: target recall " + target + " needs the exact engine");
        result = exact().graph(points);
        return result.withRecall(sample.measure(result.ids(), options.k()));
      }
      Settings more = Settings.auto(n, kept, reached, options.seed());
      lists = descent.refine(more);
      result = result(points, screen, lists, kept, descent);
      estimate = sample.measure(result.ids(), options.k());
    }
    options.progress().note("nndescent: " + estimate.describe());
    return result.withRecall(estimate);
  }

  /** The nearest {@code kept} of each list, in point order, completed and re-scored. */
  private KnnResult result(Vectors points, Screen screen, NeighborLists lists, int kept,
      NnDescent descent) {
    options.progress().note("nndescent: " + descent.rounds() + " rounds, last changed "
        + descent.lastChanges() + " entries");
    int[] ids = inPointOrder(screen.rows(), lists.firstIds(kept), kept);
    completeRows(points, ids, kept);
    return new Rescoring(options).graph(points, ids);
  }

  /**
   * The exact engine's screen where its blocks hold the lists (the projected screen on data with a
   * few dominant directions: fewer values per pair, and near points stored near each other), else
   * the full width.
   */
  private Screen screen(Vectors points, Settings most) {
    int block = Math.max(most.leaf(), 2 * most.candidates());
    Screen screen = Screening.AUTO.selfJoin(points, options.metric(), ops, options.threads());
    if (screen.block() < block) {
      screen = FullWidthScreen.lists(options.metric(), ops, points, block);
    }
    options.progress().note("nndescent: kernels " + ops.name() + ", screen " + screen.describe());
    return screen;
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
   * Rows that NN-Descent left short (it cannot happen with leaves of more than {@code 2 k}
   * points, but a row must never be short when the data has enough points) get their exact
   * neighbours.
   */
  private void completeRows(Vectors points, int[] ids, int kept) {
    int n = points.size();
    int d = points.dimension();
    int shortRows = 0;
    for (int r = 0; r < n; r++) {
      if (ids[r * kept + kept - 1] < 0) {
        shortRows++;
      }
    }
    if (shortRows == 0) {
      return;
    }
    int[] rows = new int[shortRows];
    float[] queries = new float[shortRows * d];
    for (int r = 0, s = 0; r < n; r++) {
      if (ids[r * kept + kept - 1] < 0) {
        rows[s] = r;
        System.arraycopy(points.data(), r * d, queries, s * d, d);
        s++;
      }
    }
    KnnResult found = exact().with(options.withK(kept + 1).withProgress(ProgressListener.NONE))
        .search(points, Vectors.wrap(queries, d));
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

  private KnnEngine exact() {
    return Algorithm.EXACT.engine(options);
  }

  /** {@inheritDoc} The exact engine's: NN-Descent builds graphs of one set. */
  @Override
  public KnnResult search(Vectors base, Vectors queries) {
    return exact().search(base, queries);
  }

  /** {@inheritDoc} The exact engine's. */
  @Override
  public SparseGraph radiusGraph(Vectors points, double radius) {
    return exact().radiusGraph(points, radius);
  }

  /** Configures an {@link NnDescentEngine}. */
  public static final class Builder {
    private KnnOptions options = KnnOptions.defaults();
    private VectorOps ops;
    private double effort = DEFAULT_EFFORT;
    private int sampleRows = SAMPLE_ROWS;
    private int exactBelow = EXACT_BELOW;

    private Builder() {}

    /**
     * @param options the shared options (metric, k, include-self, threads, progress)
     * @return this builder
     */
    public Builder options(KnnOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * @param metric the distance (default euclidean)
     * @return this builder
     */
    public Builder metric(Metric metric) {
      options = options.withMetric(metric);
      return this;
    }

    /**
     * @param k neighbours per point, at least 1 (default 10)
     * @return this builder
     */
    public Builder k(int k) {
      options = options.withK(k);
      return this;
    }

    /**
     * @param threads worker threads, at least 1; the graph does not depend on it
     * @return this builder
     */
    public Builder threads(int threads) {
      options = options.withThreads(threads);
      return this;
    }

    /**
     * @param includeSelf whether a point counts as one of its own k neighbours (default false)
     * @return this builder
     */
    public Builder includeSelf(boolean includeSelf) {
      options = options.withIncludeSelf(includeSelf);
      return this;
    }

    /**
     * @param progress told of the rounds done and of the engine's choices (default: nobody)
     * @return this builder
     */
    public Builder progress(ProgressListener progress) {
      options = options.withProgress(progress);
      return this;
    }

    /**
     * @param seed the seed of the trees and the sampling (default 0): the same seed gives the same
     *     graph
     * @return this builder
     */
    public Builder seed(long seed) {
      options = options.withSeed(seed);
      return this;
    }

    /**
     * @param targetRecall the recall@k to reach (the lower end of the estimate's 95% interval), in
     *     {@code (0, 1]}; 1 means exact; NaN (the default) for the default effort
     * @return this builder
     * @throws InvalidInputException if the target is outside {@code (0, 1]}
     */
    public Builder targetRecall(double targetRecall) {
      options = options.withTargetRecall(targetRecall);
      return this;
    }

    /**
     * @param rows rows of the recall estimate (default {@value #SAMPLE_ROWS}); 0 for no estimate
     *     (and no target recall)
     * @return this builder
     * @throws InvalidInputException if {@code rows < 0}
     */
    public Builder sampleRows(int rows) {
      if (rows < 0) {
        throw new InvalidInputException("sample rows must be at least 0, got " + rows);
      }
      this.sampleRows = rows;
      return this;
    }

    /**
     * @param effort from 1 to {@value #MAX_EFFORT} (default {@value #DEFAULT_EFFORT}): the list size
     *     kept while descending, as a multiple of k; more effort, higher recall, more time
     * @return this builder
     * @throws InvalidInputException if the effort is outside {@code [1, 4]}
     */
    public Builder effort(double effort) {
      if (!(effort >= 1 && effort <= MAX_EFFORT)) {
        throw new InvalidInputException("effort must be between 1 and " + MAX_EFFORT + ", got " + effort);
      }
      this.effort = effort;
      return this;
    }

    /**
     * Forces a kernel implementation (tests and benchmarks).
     *
     * @param ops the kernels
     * @return this builder
     */
    public Builder vectorOps(VectorOps ops) {
      this.ops = Objects.requireNonNull(ops, "ops");
      return this;
    }

    /** Lowers the size below which the exact engine is used, so that tests run NN-Descent on small data. */
    Builder exactBelow(int points) {
      this.exactBelow = points;
      return this;
    }

    /** @return the engine */
    public NnDescentEngine build() {
      return new NnDescentEngine(options, ops != null ? ops : VectorOpsProvider.get(), effort, sampleRows,
          exactBelow);
    }
  }
}
