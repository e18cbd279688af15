package org.knng.exact;

import java.util.Objects;
import org.knng.InvalidInputException;
import org.knng.ProgressListener;
import org.knng.engine.InputChecks;
import org.knng.engine.KnnOptions;
import org.knng.engine.Rescoring;
import org.knng.metric.Metric;
import org.knng.select.NeighborReservoirs;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.knng.tile.FullWidthScreen;
import org.knng.tile.Screen;
import org.knng.tile.Side;
import org.knng.tile.TileJoin;
import org.knng.vectors.Vectors;

/**
 * The exact engine's self-join cut into pieces that can run anywhere, in any order: the points
 * are split into blocks, every block is joined with itself ({@link #within}) and every unordered
 * pair of blocks once ({@link #between}), and each point's lists from all the pieces are merged
 * ({@link PartialRow}) into exactly the row the exact engine would have built from all the points
 * at once, bit for bit. The Spark module runs one piece per task.
 *
 * <p>Why it is exact: a piece keeps, for each of its rows, the {@code kept} smallest (ranking
 * value, id) pairs among the other side's rows, with the same tiles, screens and exact re-computed
 * values as a whole self-join (a pair's value does not depend on which piece computes it); the
 * global {@code kept} smallest of a row are among the union of its pieces' lists, and {@link
 * PartialRow} selects them with the same order, then re-sorts them by (distance, id) as {@link
 * org.knng.engine.Rescoring} does. Ids inside a piece are positions; the caller makes the position
 * order its id order (blocks sorted by id), so ties go to the smaller id.
 *
 * <p>The pieces do not check the rows: the caller does, where it can name them as the whole input
 * numbers them and look at all of them for the check that concerns the whole ({@link
 * InputChecks#rankableRows} for each block as it is first read, {@link InputChecks#notTiny} with
 * the largest value of all).
 *
 * <p>Memory per piece: the two blocks, one copy of them side by side, and {@code rows x kept}
 * candidates.
 */
public final class SplitJoin {
  private final KnnOptions options;
  private final VectorOps ops;
  private final Screening screening;
  private final Fit fit; // the whole join's screen, or null: each piece chooses its own
  private final int kept;

  private SplitJoin(KnnOptions options, VectorOps ops, Screening screening, Fit fit) {
    this.options = Objects.requireNonNull(options, "options");
    this.ops = ops;
    this.screening = screening;
    this.fit = fit;
    this.kept = options.includeSelf() ? options.k() - 1 : options.k();
  }

  /**
   * The pieces of the exact engine's self-join for these options (metric, k, include-self,
   * threads per piece), each piece choosing its screen as the engine would for a join of its size.
   *
   * @param options the options
   * @return the split join
   */
  public static SplitJoin create(KnnOptions options) {
    return new SplitJoin(options, VectorOpsProvider.get(), Screening.AUTO, null);
  }

  /**
   * The pieces of one large join that all screen as {@code fit} says: fitted once for the whole
   * join, not once per piece (a fit costs about as much as joining a 4,000-row piece).
   *
   * @param options the options; the metric must be the fit's
   * @param fit the whole join's screen ({@link #fit})
   * @return the split join
   * @throws IllegalArgumentException if the fit is for another metric
   */
  public static SplitJoin create(KnnOptions options, Fit fit) {
    if (fit.metric != options.metric()) {
      throw new IllegalArgumentException("a screen fitted for " + fit.metric.id()
          + " cannot screen " + options.metric().id());
    }
    return new SplitJoin(options, VectorOpsProvider.get(), Screening.AUTO, fit);
  }

  /** A split join with the screen forced (tests run both screens on any data). */
  static SplitJoin create(KnnOptions options, Screening screening) {
    return new SplitJoin(options, VectorOpsProvider.get(), screening, null);
  }

  /**
   * The screen of a join of {@code points} points in all, chosen from a sample of them as the
   * exact engine chooses it for the whole join: the projected screen on a few principal directions
   * where they hold most of the variance and rule out most pairs, else the full width. Every
   * piece then screens on the same directions without fitting its own: a piece of a large join
   * is too small to repay a fit, and a fit on it sees only its own part of the data.
   *
   * @param sample points drawn from the whole join (a few thousand, spread over it)
   * @param points the number of points of the whole join
   * @param pieceRows the most rows a piece holds (both blocks of a piece across two), which
   *     bounds the directions kept so that a piece's projections fit in memory
   * @param metric the metric
   * @return the fit, to pass to {@link #create(KnnOptions, Fit)}
   */
  public static Fit fit(Vectors sample, long points, long pieceRows, Metric metric) {
    return new Fit(metric, mayProject(points, sample.dimension(), metric)
        ? Projection.fit(sample, points, pieceRows, VectorOpsProvider.get(), metric, Screening.AUTO)
        : null);
  }

  /**
   * Whether a join of {@code points} points of dimension {@code dimension} may screen on
   * projections (the metric has the projected screen, the join is large enough to repay a fit):
   * where not, {@link Fit#fullWidth} serves it without a sample.
   */
  static boolean mayProject(long points, int dimension, Metric metric) {
    return Screening.projects(metric) && Projection.mayFit(points, dimension);
  }

  /**
   * A whole join's screen, shared by its pieces ({@link #fit}); serializable, so that the tasks of
   * a cluster receive it with their work.
   */
  public static final class Fit implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Metric metric;
    private final Projection projection; // null: the full width

    /** The full-width screen, for {@code metric}. */
    static Fit fullWidth(Metric metric) {
      return new Fit(metric, null);
    }

    private Fit(Metric metric, Projection projection) {
      this.metric = metric;
      this.projection = projection;
    }

    /** @return what the pieces screen on, e.g. "projected, 32 of 784 directions" */
    public String describe() {
      return projection == null ? "full width" : String.format(java.util.Locale.ROOT,
          "projected, %d of %d directions", projection.dims(), projection.allDims());
    }
  }

  /**
   * A block's projection onto the directions all pieces screen on ({@link #project}), computed once
   * for every piece the block is in; without it a piece projects its blocks itself, and a block is
   * projected again in each of its pieces (Fashion-MNIST in 17 blocks: a third of the run's time).
   * Serializable, so that it travels with its block to the tasks that join it.
   */
  public static final class BlockProjection implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Projection.Coordinates coordinates;

    private BlockProjection(Projection.Coordinates coordinates) {
      this.coordinates = coordinates;
    }

    /** @return the rows projected */
    public int size() {
      return coordinates.size;
    }

    /** @return the bytes it holds */
    public long bytes() {
      Projection.Coordinates c = coordinates;
      return 4L * c.data.length + (c.rest == null ? 0 : 4L * c.rest.length) + 16L * c.size;
    }
  }

  /**
   * Projects a block once, for all the pieces it is in ({@link #within(Vectors, BlockProjection)},
   * {@link #between(Vectors, BlockProjection, Vectors, BlockProjection, float[], float[])}).
   *
   * @param block the rows of one block
   * @return its projection, or null where the pieces do not screen on a shared projection (the
   *     full width, or no shared fit): they then need none. Rows that cannot be ranked are refused
   *     by the pieces the projection is given to, as without it.
   */
  public BlockProjection project(Vectors block) {
    if (fit == null || fit.projection == null) {
      return null;
    }
    return new BlockProjection(fit.projection.coordinates(block, options.threads()));
  }

  /**
   * The screen of a piece joining {@code points} with themselves, on their coordinates where they
   * were projected before (null: projected here); {@code owned}: the piece may reorder them.
   */
  private Screen selfJoinScreen(Vectors points, Projection.Coordinates coordinates,
      boolean owned) {
    if (fit == null) {
      return screening.selfJoin(points, options.metric(), ops, options.threads());
    }
    if (fit.projection == null) {
      return FullWidthScreen.selfJoin(options.metric(), ops, points);
    }
    return coordinates == null ? ProjectedScreen.selfJoin(points, fit.projection, ops, options.threads())
        : ProjectedScreen.selfJoin(points, fit.projection, coordinates, owned, ops);
  }

  /** A block's coordinates: its projection's, or null (projected by the piece, if at all). */
  private static Projection.Coordinates coordinates(int rows, BlockProjection projection) {
    if (projection == null) {
      return null;
    }
    if (projection.size() != rows) {
      throw new IllegalArgumentException("a projection of " + projection.size()
          + " rows given for a block of " + rows);
    }
    return projection.coordinates;
  }

  /** @return the options */
  public KnnOptions options() {
    return options;
  }

  /** @return candidates kept per row: {@code k}, or {@code k - 1} with include-self */
  public int kept() {
    return kept;
  }

  /**
   * Each row's {@code kept} nearest other rows of the same block (self excluded by position).
   *
   * @param block the rows of one block
   * @return lists for the block's rows, ids indexing the block
   */
  public Lists within(Vectors block) {
    return within(block, null);
  }

  /**
   * {@link #within(Vectors)} of a block projected before ({@link #project}).
   *
   * @param block the rows of one block
   * @param projection the block's projection, or null (projected here where the screen needs it)
   * @return lists for the block's rows, ids indexing the block
   */
  public Lists within(Vectors block, BlockProjection projection) {
    Projection.Coordinates coordinates = coordinates(block.size(), projection);
    int n = block.size();
    if (kept == 0) {
      return Lists.empty(n);
    }
    Screen screen = selfJoinScreen(block, coordinates, false);
    NeighborReservoirs lists = new NeighborReservoirs(n, kept);
    tiles().selfJoin(screen, lists.thresholds(), worker -> lists.worker());
    return lists(block, block, screen.rows(), lists);
  }

  /**
   * Each row of {@code a}'s {@code kept} nearest rows of {@code b}, and each row of {@code b}'s
   * of {@code a}, each pair computed once. Rows and ids index {@code a} and {@code b} side by side:
   * row (or id) {@code i < a.size()} is row {@code i} of {@code a}, the others row {@code i -
   * a.size()} of {@code b}.
   *
   * @param a one block
   * @param b another block of the same dimension
   * @return lists for the rows of {@code a}, then of {@code b}
   * @throws InvalidInputException if the dimensions differ
   */
  public Lists between(Vectors a, Vectors b) {
    return between(a, b, null, null);
  }

  /**
   * {@link #between(Vectors, Vectors)} for rows whose lists from their own block are known: a row
   * takes from the other block only candidates whose ranking value is at most its limit (ties
   * included), since the merged row keeps nothing worse than the k-th of any of its lists. With
   * each row's {@link Lists#limit} from {@link #within} this is the exact engine's "own block
   * first": most pairs across are screened out, and the merge is unchanged.
   *
   * @param a one block
   * @param b another block of the same dimension
   * @param limitsA the largest ranking value each row of {@code a} takes, or null for none
   * @param limitsB the same for the rows of {@code b}, or null
   * @return lists for the rows of {@code a}, then of {@code b}; a row may hold fewer than
   *     {@code kept}
   * @throws InvalidInputException if the dimensions differ
   */
  public Lists between(Vectors a, Vectors b, float[] limitsA, float[] limitsB) {
    return between(a, null, b, null, limitsA, limitsB);
  }

  /**
   * {@link #between(Vectors, Vectors, float[], float[])} of blocks projected before ({@link
   * #project}): the piece screens on their coordinates side by side instead of projecting both.
   *
   * @param a one block
   * @param projectionA its projection, or null
   * @param b another block of the same dimension
   * @param projectionB its projection, or null
   * @param limitsA the largest ranking value each row of {@code a} takes, or null for none
   * @param limitsB the same for the rows of {@code b}, or null
   * @return lists for the rows of {@code a}, then of {@code b}
   * @throws InvalidInputException if the dimensions differ
   */
  public Lists between(Vectors a, BlockProjection projectionA, Vectors b,
      BlockProjection projectionB, float[] limitsA, float[] limitsB) {
    if (a.dimension() != b.dimension()) {
      throw new InvalidInputException("blocks of dimension " + a.dimension() + " and "
          + b.dimension() + " cannot be joined");
    }
    return between(concatenate(a, b), a.size(), projectionA, projectionB, limitsA, limitsB);
  }

  /**
   * {@link #between(Vectors, BlockProjection, Vectors, BlockProjection, float[], float[])} of two
   * blocks already side by side in one set, as a reader that reuses one buffer for its pairs holds
   * them (no copy of the two made here).
   *
   * @param both one block's rows, then the other's
   * @param sizeA the rows of the first block, {@code 1 <= sizeA < both.size()}
   * @param projectionA the first block's projection, or null
   * @param projectionB the other block's projection, or null
   * @param limitsA the largest ranking value each row of the first block takes, or null for none
   * @param limitsB the same for the rows of the other block, or null
   * @return lists for the rows of {@code both}
   */
  public Lists between(Vectors both, int sizeA, BlockProjection projectionA,
      BlockProjection projectionB, float[] limitsA, float[] limitsB) {
    int n = both.size();
    if (sizeA < 1 || sizeA >= n) {
      throw new IllegalArgumentException("a first block of " + sizeA + " of " + n + " rows");
    }
    if (kept == 0) {
      return Lists.empty(n);
    }
    // One screen for both blocks (the projected one orders them together); the join takes only
    // the pairs across, in the screen's order, so near points still meet early.
    Projection.Coordinates ca = coordinates(sizeA, projectionA);
    Projection.Coordinates cb = coordinates(n - sizeA, projectionB);
    if ((ca == null) != (cb == null) && fit != null && fit.projection != null) {
      ca = ca != null ? ca : fit.projection.coordinates(both.rows(0, sizeA), options.threads());
      cb = cb != null ? cb
          : fit.projection.coordinates(both.rows(sizeA, n - sizeA), options.threads());
    }
    Screen screen = selfJoinScreen(both,
        ca == null || cb == null ? null : Projection.Coordinates.concatenate(ca, cb), true);
    Side rows = screen.rows();
    int[] left = new int[sizeA];
    int[] right = new int[n - sizeA];
    int l = 0;
    int r = 0;
    for (int row = 0; row < n; row++) {
      if (rows.id(row) < sizeA) {
        left[l++] = row;
      } else {
        right[r++] = row;
      }
    }
    NeighborReservoirs lists = new NeighborReservoirs(n, kept);
    for (int row = 0; row < n; row++) {
      int p = rows.id(row);
      float[] limits = p < sizeA ? limitsA : limitsB;
      if (limits != null) {
        lists.limit(row, limits[p < sizeA ? p : p - sizeA]);
      }
    }
    tiles().between(screen, lists.thresholds(), worker -> lists.worker(), left, right);
    return lists(both, both, rows, lists);
  }

  /**
   * Each query's {@code k} nearest rows of one block of a base: the pieces of a search, one per
   * block of the base, merged as the pieces of a self-join are. Not for include-self (a query is
   * not a row of the base).
   *
   * @param block rows of the base
   * @param queries the queries, of the same dimension
   * @param limits the largest ranking value each query takes (ties included), e.g. the k-th of
   *     its lists from other blocks, or null for none
   * @return lists for the queries, ids indexing the block
   * @throws InvalidInputException if the dimensions differ
   */
  public Lists search(Vectors block, Vectors queries, float[] limits) {
    if (options.includeSelf()) {
      throw new IllegalArgumentException("a search has no self to include");
    }
    InputChecks.sameDimension(block, queries);
    Screen screen = fit == null
        ? screening.search(block, queries, options.metric(), ops, options.threads())
        : fit.projection == null ? FullWidthScreen.search(options.metric(), ops, block, queries)
        : ProjectedScreen.search(block, queries, fit.projection, ops, options.threads());
    Side rows = screen.rows();
    NeighborReservoirs lists = new NeighborReservoirs(queries.size(), kept);
    if (limits != null) {
      for (int row = 0; row < queries.size(); row++) {
        lists.limit(row, limits[rows.id(row)]);
      }
    }
    tiles().search(screen, lists.thresholds(), worker -> lists.worker());
    return lists(queries, block, rows, lists);
  }

  private TileJoin tiles() {
    return new TileJoin(ops, options.threads(), ProgressListener.NONE);
  }

  private static Vectors concatenate(Vectors a, Vectors b) {
    return Vectors.wrap(Projection.Coordinates.join(a.data(), b.data()), a.dimension());
  }

  /**
   * The sorted lists in point order, each candidate with its ranking value and its distance
   * re-computed in double precision exactly as {@link org.knng.engine.Rescoring} does.
   */
  private Lists lists(Vectors points, Vectors candidates, Side rows, NeighborReservoirs reservoirs) {
    int n = points.size();
    NeighborReservoirs.Sorted sorted = reservoirs.sortAndRelease(options.threads());
    int[] ids = new int[n * kept];
    float[] values = new float[n * kept];
    float[] distances = new float[n * kept];
    int d = points.dimension();
    Rescoring.Distances exact = new Rescoring.Distances(options.metric(), ops, points.data(),
        candidates.data(), d, distances, 1, Rescoring.Distances.worthIntegerSums(options.metric(),
            points.data(), candidates.data(), d, kept, options.threads()));
    for (int row = 0; row < n; row++) {
      int p = rows.id(row);
      exact.finish(); // the pairs of the row before, whose vector the slot held
      exact.first(0, p * d);
      System.arraycopy(sorted.ids, row * kept, ids, p * kept, kept);
      System.arraycopy(sorted.distances, row * kept, values, p * kept, kept);
      for (int s = p * kept, end = s + kept; s < end; s++) {
        int q = ids[s];
        if (q < 0) {
          distances[s] = Float.POSITIVE_INFINITY;
        } else {
          exact.second(q * d);
          exact.add(s, 0);
        }
      }
    }
    exact.finish();
    return new Lists(n, kept, ids, values, distances);
  }

  /**
   * The candidates a piece found: for each row, up to {@code kept} ids sorted by (ranking value,
   * id), padded with id {@code -1} (value and distance +infinity) where the other side has fewer
   * rows.
   */
  public static final class Lists {
    /** Rows. */
    public final int rows;
    /** Slots per row. */
    public final int kept;
    /** {@code rows x kept} ids (positions, see {@link #between}), {@code -1} for none. */
    public final int[] ids;
    /** The ranking value of each candidate (the order the engine selects by). */
    public final float[] values;
    /** The distance of each candidate in the metric's units (the order the engine reports by). */
    public final float[] distances;

    Lists(int rows, int kept, int[] ids, float[] values, float[] distances) {
      this.rows = rows;
      this.kept = kept;
      this.ids = ids;
      this.values = values;
      this.distances = distances;
    }

    static Lists empty(int rows) {
      return new Lists(rows, 0, new int[0], new float[0], new float[0]);
    }

    /**
     * @param row a row
     * @return the ranking value of its {@code kept}-th candidate, +infinity if it has fewer: no
     *     row of the merged graph keeps a candidate worse than this
     */
    public float limit(int row) {
      return kept == 0 ? Float.NEGATIVE_INFINITY : values[row * kept + kept - 1];
    }

    /**
     * @param row a row
     * @return how many real candidates it has (the rest is padding)
     */
    public int count(int row) {
      int c = 0;
      while (c < kept && ids[row * kept + c] >= 0) {
        c++;
      }
      return c;
    }
  }
}
