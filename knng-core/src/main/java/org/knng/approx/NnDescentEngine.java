package org.knng.approx;

import java.util.BitSet;
import java.util.Objects;
import org.knng.InvalidInputException;
import org.knng.engine.EngineBuilder;
import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.exact.Screening;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.simd.VectorOps;
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
  /**
   * Below this many points the exact engine is faster (MNIST's 10,000 test images: exact 2.6 s,
   * NN-Descent 3.9 s, whole process): it is used instead. That is for k = 10; for more neighbours
   * the size grows ({@link #fromPoints}).
   */
  public static final int EXACT_BELOW = 20_000;
  /** Rows of the recall estimate: about +-0.003 at a recall of 0.99. */
  public static final int SAMPLE_ROWS = 1000;
  /** The effort when none is given: recall@10 about 0.99 on Fashion-MNIST. */
  public static final double DEFAULT_EFFORT = 1.5;
  /** Each step of the target-recall loop multiplies the effort by this. */
  private static final double RAISE = 1.5;
  /** Above this effort the exact engine is cheaper. */
  private static final double MAX_EFFORT = 4;

  private final KnnOptions options;
  private final VectorOps ops;
  private final double effort;
  private final int sampleRows;
  private final int exactBelow;
  private final long whole;

  private NnDescentEngine(KnnOptions options, VectorOps ops, double effort, int sampleRows,
      int exactBelow, long whole) {
    this.options = options;
    this.ops = ops;
    this.effort = effort;
    this.sampleRows = sampleRows;
    this.exactBelow = exactBelow;
    this.whole = whole;
  }

  /**
   * The fewest points worth an approximate graph of {@code kept} neighbours a point, when it is
   * {@code points} for 10 ({@link #EXACT_BELOW}, {@code Algorithm.APPROXIMATE_FROM}): more for a
   * larger k, by {@code (k / 10)^1.25} (2.4 at k = 20, 3.9 at 30, 17.8 at 100), never less.
   * NN-Descent's work per point grows with its lists and candidates, the exact engine's much more
   * slowly, and the exact engine's grows as N^2 where NN-Descent's grows about as N, so the size
   * from which NN-Descent pays grows as the ratio of their times. Measured on the mixture of
   * 200,000 x 96 ({@code bench/generate.py mixture --n 200000 --d 96 --seed 1}), JDK 25, 2
   * threads, NN-Descent at a target recall of 0.99 against the exact engine: 0.35x its time at k =
   * 10, 0.68x at 20, 2.97x at 50, 4.45x at 100 (and 0.59x at 30, where the forest's lists fell
   * apart into the mixture's clusters and no rounds ran); on Fashion-MNIST (60,000 x 784) 1.3x at
   * k = 10 and 4.6x at 30. The factor keeps the sizes about 2 to 3 times above where the two cost
   * the same.
   *
   * @param points the size for k = 10
   * @param kept neighbours a point besides itself
   * @return the size for {@code kept}, at most {@link Integer#MAX_VALUE}
   */
  public static int fromPoints(int points, int kept) {
    double factor = Math.max(1, Math.pow(kept / 10.0, 1.25));
    return (int) Math.min(Integer.MAX_VALUE, points * factor);
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
        exactBelow, whole);
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
    return focusedGraph(points, null);
  }

  /**
   * The graph of points of which only some rows' lists matter to the caller: a cell of a
   * distributed job, whose other points (visitors from neighbouring cells) have their lists built
   * where they are at home. Every row gets a list as in {@link #graph(Vectors)}, but separate
   * clusters (components of the lists) holding no row of {@code focus} are not joined in full:
   * their rows keep NN-Descent's lists, and the work goes to the clusters of the focus rows.
   *
   * @param points the points
   * @param focus the rows (point indices) whose lists matter, or null for all
   * @return each point's k nearest others, nearly all of them (the focus rows' as {@link #graph})
   */
  public KnnResult focusedGraph(Vectors points, BitSet focus) {
    Approximation approximation = new Approximation(name(), options, ops, points);
    int n = points.size();
    int kept = approximation.kept();
    // Leaves (buckets) of more than 2 k points; small inputs are faster exactly.
    KnnResult exact = approximation.exactInstead(Math.max(fromPoints(exactBelow, kept), 4 * kept + 4));
    if (exact != null) {
      return exact;
    }
    Settings most = Settings.auto(n, kept, MAX_EFFORT, options.seed());
    Screen screen = approximation.screen(Math.max(most.leaf(), 2 * most.candidates()));
    exact = approximation.sampled(sampleRows);
    if (exact != null) {
      return exact;
    }
    Settings settings = Settings.auto(n, kept, effort, options.seed());
    options.progress().note("nndescent: " + settings);
    NnDescent descent = new NnDescent(ops, screen, settings, options.threads(), options.progress(),
        whole, focus == null ? null : inScreenOrder(focus, screen.rows()));
    NeighborLists lists;
    // The points in the screen's order while the lists are joined (as bytes where they are small
    // integers), back before the result is re-scored.
    try (Screening.InScreenOrder inOrder = Screening.reorder(screen, true, options.threads())) {
      lists = descent.build();
    }
    KnnResult first = approximation.result(lists);
    // Each raise: longer lists and more candidates (effort x 1.5), and rounds until they settle.
    return approximation.measured(first, (step, estimate) -> {
      double more = effort * Math.pow(RAISE, step);
      if (more > MAX_EFFORT) {
        return null;
      }
      try (Screening.InScreenOrder inOrder = Screening.reorder(screen, true, options.threads())) {
        return descent.refine(Settings.auto(n, kept, more, options.seed()));
      }
    });
  }

  /** The rows of the screen whose points are in {@code rows}. */
  private static BitSet inScreenOrder(BitSet rows, Side side) {
    if (side.ids() == null) {
      return rows;
    }
    BitSet out = new BitSet(side.size());
    for (int r = 0; r < side.size(); r++) {
      if (rows.get(side.id(r))) {
        out.set(r);
      }
    }
    return out;
  }

  private KnnEngine exact() {
    return BruteForceEngine.create(options);
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

  /** Searches exactly, with the exact engine. */
  @Override
  public SparseGraph radiusSearch(Vectors base, Vectors queries, double radius) {
    return exact().radiusSearch(base, queries, radius);
  }

  /** Configures an {@link NnDescentEngine}. */
  public static final class Builder extends EngineBuilder<Builder> {
    private double effort = DEFAULT_EFFORT;
    private int sampleRows = SAMPLE_ROWS;
    private int exactBelow = EXACT_BELOW;
    private long whole;

    private Builder() {}

    /**
     * For points that are one part of a larger graph's points (a cell of a distributed job): the
     * work NN-Descent may spend joining separate clusters in full is this part's share of what
     * it may spend on the whole graph, {@code n x (points - 1) / 2} pairs times a fixed share,
     * instead of the share of this part's own {@code n x (n - 1) / 2}. Default: the points given
     * are the whole.
     *
     * @param points how many points the whole graph has
     * @return this builder
     */
    public Builder partOf(long points) {
      this.whole = points;
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

    /** Lowers the size below which the exact engine is used, so that tests run NN-Descent on small data. */
    Builder exactBelow(int points) {
      this.exactBelow = points;
      return this;
    }

    /** @return the engine */
    public NnDescentEngine build() {
      return new NnDescentEngine(options, kernels(), effort, sampleRows, exactBelow, whole);
    }
  }
}
