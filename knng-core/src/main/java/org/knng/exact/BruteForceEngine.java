package org.knng.exact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntFunction;
import org.knng.engine.EngineBuilder;
import org.knng.engine.InputChecks;
import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.engine.Rescoring;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.select.CandidateSink;
import org.knng.select.EdgeBuffer;
import org.knng.select.NeighborReservoirs;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.knng.tile.Screen;
import org.knng.tile.Side;
import org.knng.tile.TileJoin;
import org.knng.vectors.Vectors;

/**
 * The exact engine: every pair compared, tiled so that memory stays at the input plus the {@code N
 * x k} result (never an {@code N x N} matrix), on several threads. It is the reference every other
 * engine is tested against.
 *
 * <p>One self-join reads top to bottom: {@link InputChecks} reject what cannot be ranked; {@link
 * Screening} chooses the screen once (full width, or the {@link Projection} of data with a few
 * dominant directions); {@link TileJoin} runs the register-blocked SIMD tiles over every pair of
 * blocks, each pair once for both of its points, and offers the pairs that pass to the {@link
 * NeighborReservoirs} (for k of 64 and more, each row's threshold starts from {@link
 * StartingThresholds}); {@link Rescoring} re-computes the kept neighbours in double precision and sorts
 * them into the {@link KnnResult}. A radius graph takes the same path with edge buffers in place
 * of the lists.
 *
 * <p>Guarantees: a point is excluded from its own neighbours by index (so duplicates of it are
 * found, not skipped); among equal distances the smaller index wins; the output is identical for
 * every thread count. Candidates are ranked with float32 SIMD kernels (euclidean through the
 * {@code |x|^2 + |y|^2 - 2 x.y} expansion, screened with a proven rounding margin and re-computed
 * from the differences), then the kept neighbours are re-scored in double precision from the
 * metric's definition and reported in its units.
 *
 * <pre>{@code
 * BruteForceEngine engine = BruteForceEngine.builder().metric(Metric.COSINE).k(10).build();
 * KnnResult graph = engine.graph(points);             // each point's 10 nearest other points
 * KnnResult hits = engine.search(points, queries);    // each query's 10 nearest points
 * }</pre>
 */
public final class BruteForceEngine implements KnnEngine {
  /**
   * From this k on, the join reads the points moved in place rather than a copy of them as bytes
   * ({@link Screening#reorder}): the lists then dominate the memory, and the copy ({@code N x D}
   * bytes) would lift the peak past {@code input + N k 8 + 256 MB} (Fashion-MNIST at k = 1000:
   * 941,948 KB with the copy, 890,632 KB without; the join 8.9 s against 10.8 s).
   */
  static final int BYTES_BELOW_K = 64;
  private final KnnOptions options;
  private final VectorOps ops;
  private final Screening screening;
  private final double sigmas;

  private BruteForceEngine(KnnOptions options, VectorOps ops, Screening screening, double sigmas) {
    this.options = options;
    this.ops = ops;
    this.screening = screening;
    this.sigmas = sigmas;
  }

  /** @return a builder with metric euclidean, k 10, all cores, self excluded */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The exact engine for these options, with the kernels {@link VectorOpsProvider} chooses.
   *
   * @param options the options
   * @return the engine
   */
  public static BruteForceEngine create(KnnOptions options) {
    return new BruteForceEngine(Objects.requireNonNull(options, "options"), VectorOpsProvider.get(),
        Screening.AUTO, StartingThresholds.SIGMAS);
  }

  @Override
  public KnnOptions options() {
    return options;
  }

  @Override
  public BruteForceEngine with(KnnOptions options) {
    return new BruteForceEngine(Objects.requireNonNull(options, "options"), ops, screening, sigmas);
  }

  @Override
  public String name() {
    return "exact";
  }

  /** @return the metric */
  public Metric metric() {
    return options.metric();
  }

  /** @return neighbours per row */
  public int k() {
    return options.k();
  }

  @Override
  public KnnResult graph(Vectors points) {
    InputChecks.graphK(options, points.size());
    InputChecks.rankable(points, options.metric(), "row");
    int kept = options.includeSelf() ? options.k() - 1 : options.k();
    Screen screen = kept > 0 ? screen(points) : null;
    NeighborReservoirs.Sorted nearest = kept > 0 ? nearest(screen, points, kept) : null;
    long start = System.nanoTime();
    // Rows in the screen's order, where it has one: near points, which share their neighbours.
    Rescoring rescoring = screen == null || screen.rows().ids() == null ? new Rescoring(options)
        : new Rescoring(options).visiting(screen.rows().ids());
    KnnResult graph = nearest == null ? rescoring.graph(points, null)
        : rescoring.graph(points, nearest.ids, nearest.distances);
    options.progress().phase("exact engine", "re-scoring", start);
    return graph;
  }

  /**
   * Each point's {@code kept} nearest others by ranking value, in point order ({@code n x kept}
   * ids; the values, in the screen's row order, are only there to be reused).
   */
  private NeighborReservoirs.Sorted nearest(Screen screen, Vectors points, int kept) {
    NeighborReservoirs lists = new NeighborReservoirs(points.size(), kept);
    long start = System.nanoTime();
    boolean limited = StartingThresholds.pays(kept, points.size(), screen);
    // The points in the screen's order for the join (copied as bytes, or moved in place), back
    // before re-scoring reads them.
    try (Screening.InScreenOrder moved = Screening.reorder(screen, kept < BYTES_BELOW_K,
        options.threads())) {
      if (limited) {
        StartingThresholds.set(lists, screen, ops, options.threads(), true, sigmas);
        options.progress().phase("exact engine", "starting thresholds", start);
        start = System.nanoTime();
      }
      // One sink per worker on shared lists: the pair schedule keeps them on disjoint rows.
      tiles().selfJoin(screen, lists.thresholds(), worker -> lists.worker());
    }
    options.progress().phase("exact engine", "join", start);
    start = System.nanoTime();
    int[] failed = limited ? shortRows(lists, screen.rows()) : new int[0];
    NeighborReservoirs.Sorted sorted = lists.sortAndRelease(options.threads());
    sorted.toPointOrder(screen.rows().ids());
    if (failed.length > 0) {
      StartingThresholds.redo(sorted.ids, kept, failed, points, points, true, options.metric(), ops,
          screening, screen, options.threads());
    }
    options.progress().phase("exact engine",
        "selection" + (limited ? " (" + failed.length + " rows searched again)" : ""), start);
    return sorted;
  }

  /** The points (in point order) whose lists hold fewer than k: their starting threshold was too low. */
  private static int[] shortRows(NeighborReservoirs lists, Side rows) {
    return java.util.stream.IntStream.range(0, lists.rows())
        .filter(r -> lists.count(r) < lists.k()).map(rows::id).sorted().toArray();
  }

  /** The screen of a self-join, chosen once, and told to whoever listens. */
  private Screen screen(Vectors points) {
    long start = System.nanoTime();
    Screen screen = screening.selfJoin(points, options.metric(), ops, options.threads());
    describe(screen, start);
    return screen;
  }

  /**
   * Tells the kernels and the screen chosen at {@code start} (nanoTime), and the seconds their
   * set-up took (the fit and the projections of a projected screen).
   */
  private void describe(Screen screen, long start) {
    options.progress().note(String.format(Locale.ROOT, "exact engine: kernels %s (tiles %d x %d),"
        + " screen %s (%.2f s)", ops.name(), VectorOps.TILE_ROWS, ops.tileWidth(),
        screen.describe(), (System.nanoTime() - start) / 1e9));
  }

  @Override
  public KnnResult search(Vectors base, Vectors queries) {
    InputChecks.search(options, base, queries);
    InputChecks.rankableSearch(base, queries, options.metric());
    long start = System.nanoTime();
    Screen screen = screening.search(base, queries, options.metric(), ops, options.threads());
    describe(screen, start);
    return screened(base, queries, screen, null);
  }

  /**
   * {@link #search(Vectors, Vectors)} against the points of a self-join screened before ({@link
   * Screening#selfJoin}, or an approximate engine's screen): the queries are screened on its
   * projection and its projected points (see {@link Screening#searchOnto}), so that a sample of
   * rows measured against all points costs no fit of its own. The result is the same.
   *
   * @param base the points of {@code selfJoin}
   * @param queries the queries
   * @param selfJoin the screen of the self-join of {@code base}, with this engine's metric
   * @return each query's k nearest base points
   */
  public KnnResult search(Vectors base, Vectors queries, Screen selfJoin) {
    return search(base, queries, selfJoin, null);
  }

  /**
   * {@link #search(Vectors, Vectors, Screen)} for queries whose k-th nearest distance is known not
   * to exceed a bound (such as the k-th distance of an approximate graph's row): a candidate
   * farther than its query's bound is dropped before its exact value is computed, so the thresholds
   * are tight from the first block instead of tightening as the base is scanned. A query that
   * finds fewer than k within its bound (a bound that was too low) is searched again without one:
   * the result is the same as without bounds.
   *
   * @param base the points of {@code selfJoin}
   * @param queries the queries
   * @param selfJoin the screen of the self-join of {@code base}, with this engine's metric
   * @param bounds per query, a distance (in the metric's units) at least its k-th nearest's, or
   *     +infinity where none is known; null for none
   * @return each query's k nearest base points
   */
  public KnnResult search(Vectors base, Vectors queries, Screen selfJoin, double[] bounds) {
    Objects.requireNonNull(selfJoin, "selfJoin");
    InputChecks.search(options, base, queries);
    InputChecks.rankableSearch(base, queries, options.metric());
    if (bounds != null && bounds.length != queries.size()) {
      throw new IllegalArgumentException(bounds.length + " bounds for " + queries.size() + " queries");
    }
    long start = System.nanoTime();
    Screen screen = Screening.searchOnto(selfJoin, base, queries, options.metric(), ops,
        options.threads());
    describe(screen, start);
    return screened(base, queries, screen, bounds);
  }

  private KnnResult screened(Vectors base, Vectors queries, Screen screen, double[] bounds) {
    NeighborReservoirs lists = new NeighborReservoirs(queries.size(), options.k());
    // Bounds set each row's threshold; without them, a large k starts from sampled thresholds.
    boolean limited = bounds != null || StartingThresholds.pays(options.k(), base.size(), screen);
    if (bounds != null) {
      Side rows = screen.rows();
      for (int r = 0; r < rows.size(); r++) {
        double bound = bounds[rows.id(r)];
        if (bound < Double.POSITIVE_INFINITY) {
          lists.limit(r, Rescoring.collectLimit(options.metric(), bound));
        }
      }
    } else if (limited) {
      StartingThresholds.set(lists, screen, ops, options.threads(), false, sigmas);
    }
    tiles().search(screen, lists.thresholds(), worker -> lists.worker());
    int[] failed = limited ? shortRows(lists, screen.rows()) : new int[0];
    NeighborReservoirs.Sorted sorted = lists.sortAndRelease(options.threads());
    if (failed.length > 0) {
      StartingThresholds.redo(sorted.ids, options.k(), failed, queries, base, false,
          options.metric(), ops, screening, null, options.threads());
    }
    return new Rescoring(options).search(base, queries, sorted.ids, sorted.distances);
  }

  /**
   * {@inheritDoc}
   *
   * <p>There is no bound on a point's degree, so memory follows the output: about 12 bytes per edge
   * while collecting, plus the CSR result. Candidates are found in float32 with a small margin and
   * then kept if their double-precision distance is at most {@code radius}.
   */
  @Override
  public SparseGraph radiusGraph(Vectors points, double radius) {
    InputChecks.radius(radius);
    InputChecks.rankable(points, options.metric(), "row");
    Screen screen = screen(points);
    List<EdgeBuffer> buffers = Collections.synchronizedList(new ArrayList<>());
    try (Screening.InScreenOrder moved = Screening.reorder(screen, true, options.threads())) {
      tiles().selfJoin(screen, radiusThresholds(points.size(), radius), edges(screen.rows(), buffers));
    }
    return new Rescoring(options).radius(points, buffers, radius);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The radius graph's path with the queries as rows: candidates in float32 within a margin,
   * kept if their double-precision distance is at most {@code radius}.
   */
  @Override
  public SparseGraph radiusSearch(Vectors base, Vectors queries, double radius) {
    InputChecks.radius(radius);
    InputChecks.sameDimension(base, queries);
    InputChecks.rankableSearch(base, queries, options.metric());
    long start = System.nanoTime();
    Screen screen = screening.search(base, queries, options.metric(), ops, options.threads());
    describe(screen, start);
    List<EdgeBuffer> buffers = Collections.synchronizedList(new ArrayList<>());
    tiles().search(screen, radiusThresholds(queries.size(), radius), edges(screen.rows(), buffers));
    return new Rescoring(options).radiusSearch(base, queries, buffers, radius);
  }

  /** Every row's threshold: the radius in ranking units, plus a float32 margin. */
  private float[] radiusThresholds(int rows, double radius) {
    float[] thresholds = new float[rows + VectorOps.SCREEN_PADDING];
    Arrays.fill(thresholds, Rescoring.collectLimit(options.metric(), radius));
    return thresholds;
  }

  /**
   * A new edge buffer per worker, added to {@code buffers}; rows in the screen's order are put back
   * in point order (the ids offered already are).
   */
  private static IntFunction<CandidateSink> edges(Side rows, List<EdgeBuffer> buffers) {
    return worker -> {
      EdgeBuffer b = new EdgeBuffer();
      buffers.add(b);
      return rows.ids() == null ? b : (CandidateSink) (row, value, id) -> b.offer(rows.id(row), value, id);
    };
  }

  private TileJoin tiles() {
    return new TileJoin(ops, options.threads(), options.progress());
  }

  /** Configures a {@link BruteForceEngine}. */
  public static final class Builder extends EngineBuilder<Builder> {
    private Screening screening = Screening.AUTO;
    private double sigmas = StartingThresholds.SIGMAS;

    private Builder() {}

    /** Forces a screen (tests run both on any data); the default chooses from the data. */
    Builder screening(Screening screening) {
      this.screening = Objects.requireNonNull(screening, "screening");
      return this;
    }

    /**
     * Sets how far above their expected place the starting thresholds of a large-k join are taken
     * ({@link StartingThresholds}); tests go below 0, so that rows fail and are searched again.
     */
    Builder startingSigmas(double sigmas) {
      this.sigmas = sigmas;
      return this;
    }

    /** @return the engine */
    public BruteForceEngine build() {
      return new BruteForceEngine(options, kernels(), screening, sigmas);
    }
  }
}
