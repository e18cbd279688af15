package org.knng.exact;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.knng.InvalidInputException;
import org.knng.engine.InputChecks;
import org.knng.engine.KnnOptions;
import org.knng.engine.Rescoring;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.vectors.VectorSource;
import org.knng.vectors.Vectors;

/**
 * The exact engine's graph and search over vectors read a block of rows at a time from a {@link
 * VectorSource}, for inputs larger than the heap (a memory-mapped {@link org.knng.io.VectorFile}):
 * the pieces of a {@link SplitJoin} run one after another on blocks read as they are needed, and
 * each row's lists are merged into the result as they come. The result is the exact engine's,
 * bit for bit (the reasons are {@link SplitJoin}'s).
 *
 * <p>A self-join reads every block once for its own piece, then joins each unordered pair of
 * blocks, {@code B (B - 1) / 2} pairs for {@code B} blocks, each row taking from the other block
 * only what can still enter its list (its current k-th, ties included). A search keeps the
 * queries in memory and reads the base once, block by block.
 *
 * <p>All pieces screen alike: {@link SplitJoin#fit} chooses the screen once, from about 4,096 rows
 * read across the source, as the exact engine would for the whole join (Fashion-MNIST in blocks of
 * 3,562 rows: 41.8 s when every piece chose its own screen, at full width for so few rows).
 *
 * <p>Where the screen is projected, each block is projected once ({@link SplitJoin#project}) and
 * its projection kept for its pairs while the projections fit in {@link #CACHED_SHARE} of the
 * blocks' share of the budget; a block past that is projected again for each pair it is in
 * (Fashion-MNIST in 17 blocks: 15.3-16.0 s against 20.3-23.0 s when every pair projected both
 * blocks).
 *
 * <p>Memory: the result's {@code rows x kept x 12} bytes (ids, ranking values, distances) while
 * merging, then the result itself ({@code rows x k x 8}), plus, at any time, two blocks and the
 * piece's working copies of them ({@link #blockRows} sizes blocks from a budget), and the kept
 * projections within that budget.
 */
public final class BlockedJoin {
  /** Bytes of working memory per row of a block, per value of its dimension (see {@link #blockRows}). */
  static final int BYTES_PER_VALUE = 4 * 6;
  /** Bytes of working memory per row of a block, per kept candidate. */
  static final int BYTES_PER_CANDIDATE = 40;
  /**
   * The share of the blocks' working memory for values ({@link #BYTES_PER_VALUE}) that holds
   * projected blocks between pieces. A piece on the projected screen uses at most half of it (each
   * row's vector in its block and in the piece's copy, 8 bytes per value, and its coordinates, at
   * most half as many as its values), but the collector needs room too: with half kept for
   * projections, Fashion-MNIST with {@code --memory 60m} spent 26.7 s collecting instead of 11.6 s
   * (61.0 s against 57.6 s in all); with a quarter, 52.2 s, while {@code --memory 150m} still
   * keeps every block's projection (15.3-16.0 s against 20.3-23.0 s, 100m: 23.2-23.5 s against
   * 26.4-27.3 s).
   */
  static final double CACHED_SHARE = 0.25;

  private final SplitJoin join;
  private final int kept;

  /** Rows of the source read to fit the screen all pieces share. */
  private static final int SAMPLE = 4096;

  private BlockedJoin(KnnOptions options, VectorSource points, int blockRows) throws IOException {
    Metric metric = options.metric();
    this.join = SplitJoin.create(options,
        SplitJoin.mayProject(points.size(), points.dimension(), metric)
            ? SplitJoin.fit(sample(points), points.size(), 2L * blockRows, metric)
            : SplitJoin.Fit.fullWidth(metric));
    this.kept = join.kept();
  }

  /**
   * About {@value #SAMPLE} rows spread evenly over the source (every row of a smaller one), read one
   * at a time: what the screen of the whole join is fitted on.
   */
  private static Vectors sample(VectorSource points) throws IOException {
    int n = points.size();
    int d = points.dimension();
    int stride = Math.max(1, n / SAMPLE);
    int rows = (n + stride - 1) / stride;
    float[] data = new float[Math.multiplyExact(rows, d)];
    for (int s = 0; s < rows; s++) {
      System.arraycopy(points.rows(s * stride, 1).data(), 0, data, s * d, d);
    }
    return Vectors.wrap(data, d);
  }

  /**
   * The most rows a block may have so that a self-join's or search's working memory stays within
   * {@code bytes}: {@code bytes / (24 x dimension + 40 x k)} (two blocks side by side, their copy
   * and the screen's, and each row's candidates in the piece's lists), at least 1.
   *
   * @param bytes memory the blocks may use
   * @param dimension values per vector
   * @param k neighbours per row
   * @return rows per block
   */
  public static int blockRows(long bytes, int dimension, int k) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, bytes / blockBytes(1, dimension, k)));
  }

  /**
   * The working memory of blocks of {@code rows} rows, the inverse of {@link #blockRows}: {@code
   * 2 x rows x (24 x dimension + 40 x k)} bytes.
   *
   * @param rows rows per block
   * @param dimension values per vector
   * @param k neighbours per row
   * @return bytes
   */
  public static long blockBytes(long rows, int dimension, int k) {
    return 2 * rows * ((long) BYTES_PER_VALUE * dimension + (long) BYTES_PER_CANDIDATE * k);
  }

  /**
   * Each point's k nearest other points (or itself and k - 1 others with include-self), exactly
   * as {@link BruteForceEngine#graph} finds them.
   *
   * @param points the points, read block by block
   * @param options metric, k, include-self, threads and progress
   * @param blockRows rows per block (see {@link #blockRows})
   * @return the graph
   * @throws IOException if a block cannot be read or is malformed
   * @throws InvalidInputException if k is out of range or a row cannot be ranked
   */
  public static KnnResult graph(VectorSource points, KnnOptions options, int blockRows)
      throws IOException {
    Objects.requireNonNull(points, "points");
    InputChecks.graphK(options, points.size());
    if (blockRows < 1) {
      throw new IllegalArgumentException("blocks need at least one row, got " + blockRows);
    }
    return new BlockedJoin(options, points, blockRows).selfJoin(points, blockRows);
  }

  /**
   * Each query's k nearest points of the base, exactly as {@link BruteForceEngine#search} finds
   * them.
   *
   * @param base the points searched, read block by block
   * @param queries the queries, in memory
   * @param options metric, k (at most the base's size), threads and progress; not include-self
   * @param blockRows rows of the base per block (see {@link #blockRows})
   * @return the {@code queries x k} result, ids indexing the base
   * @throws IOException if a block cannot be read or is malformed
   * @throws InvalidInputException if k is out of range, the dimensions differ or a row cannot be
   *     ranked
   */
  public static KnnResult search(VectorSource base, Vectors queries, KnnOptions options, int blockRows)
      throws IOException {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(queries, "queries");
    if (options.includeSelf()) {
      throw new InvalidInputException("include-self does not apply to a search (a query is not a base point)");
    }
    if (options.k() > base.size()) {
      throw new InvalidInputException("k=" + options.k() + " is more than the " + base.size()
          + " points searched");
    }
    if (queries.dimension() != base.dimension()) {
      throw new InvalidInputException("queries have dimension " + queries.dimension()
          + " but the points searched have " + base.dimension());
    }
    if (blockRows < 1) {
      throw new IllegalArgumentException("blocks need at least one row, got " + blockRows);
    }
    return new BlockedJoin(options, base, blockRows).search(base, queries, blockRows);
  }

  private KnnResult selfJoin(VectorSource points, int blockRows) throws IOException {
    int n = points.size();
    int blocks = (n + blockRows - 1) / blockRows;
    Lists merged = new Lists(n, kept);
    Progress progress = new Progress(join.options(), blocks + (long) blocks * (blocks - 1) / 2);
    if (kept > 0) {
      // Blocks projected once, kept while they fit in what a projected piece leaves of its share
      // (see CACHED_SHARE); the others are projected again in each piece.
      SplitJoin.BlockProjection[] projections = new SplitJoin.BlockProjection[blocks];
      long cacheLeft = (long) (CACHED_SHARE * blockBytes(blockRows, points.dimension(), 0));
      Largest largest = new Largest(join.options().metric());
      for (int a = 0; a < blocks; a++) {
        int fromA = a * blockRows;
        int sizeA = Math.min(blockRows, n - fromA);
        Vectors block = points.rows(fromA, sizeA);
        largest.check(block, "row", fromA);
        SplitJoin.BlockProjection projection = join.project(block);
        SplitJoin.Lists own = join.within(block, projection);
        if (projection != null && projection.bytes() <= cacheLeft) {
          projections[a] = projection;
          cacheLeft -= projection.bytes();
        }
        merged.merge(own, fromA, sizeA, 0);
        progress.add();
      }
      largest.notTiny();
      // Two full blocks side by side in one buffer for all their pairs: block a stays at its
      // start while each block b is read after it (no new arrays per pair for the collector).
      int d = points.dimension();
      float[] both = blocks > 1 && 2L * blockRows * d <= Integer.MAX_VALUE - 8
          ? new float[2 * blockRows * d] : null;
      for (int a = 0; a < blocks; a++) {
        int fromA = a * blockRows;
        int sizeA = Math.min(blockRows, n - fromA);
        Vectors blockA = blocks > a + 1 ? points.rows(fromA, sizeA) : null;
        SplitJoin.BlockProjection projectionA = blockA == null ? null
            : projections[a] != null ? projections[a] : join.project(blockA);
        if (blockA != null && both != null) {
          System.arraycopy(blockA.data(), 0, both, 0, sizeA * d);
        }
        for (int b = a + 1; b < blocks; b++) {
          int fromB = b * blockRows;
          int sizeB = Math.min(blockRows, n - fromB);
          float[] limitsA = merged.limits(fromA, sizeA);
          float[] limitsB = merged.limits(fromB, sizeB);
          SplitJoin.Lists across;
          if (both != null && sizeB == blockRows) { // a < b: block a is full too
            points.read(fromB, sizeB, both, sizeA * d);
            across = join.between(Vectors.wrap(both, d), sizeA, projectionA, projections[b],
                limitsA, limitsB);
          } else {
            across = join.between(blockA, projectionA, points.rows(fromB, sizeB), projections[b],
                limitsA, limitsB);
          }
          merged.merge(across, fromA, sizeA, fromB);
          progress.add();
        }
      }
    }
    return merged.finish(n, join.options(), true);
  }

  private KnnResult search(VectorSource base, Vectors queries, int blockRows) throws IOException {
    int n = base.size();
    int q = queries.size();
    Lists merged = new Lists(q, kept);
    Progress progress = new Progress(join.options(), (n + (long) blockRows - 1) / blockRows);
    Largest largest = new Largest(join.options().metric());
    InputChecks.rankableQueries(queries, join.options().metric());
    for (int from = 0; from < n; from += blockRows) {
      int size = Math.min(blockRows, n - from);
      Vectors block = base.rows(from, size);
      largest.check(block, "base row", from);
      SplitJoin.Lists found = join.search(block, queries, merged.limits(0, q));
      merged.mergeRows(found, 0, from);
      progress.add();
    }
    largest.notTiny(); // the base's blocks are read once: after the search
    return merged.finish(n, join.options(), false);
  }

  /**
   * The rows of the blocks checked as they are first read, named as the input numbers them
   * ({@link InputChecks#rankableRows}), and the largest value of all of them, for the check that
   * concerns the whole input ({@link InputChecks#notTiny}).
   */
  private static final class Largest {
    private final Metric metric;
    private float value;
    private String where;

    Largest(Metric metric) {
      this.metric = metric;
    }

    void check(Vectors block, String what, int from) {
      int at = InputChecks.rankableRows(block, metric, what, i -> from + i);
      if (at >= 0 && Math.abs(block.data()[at]) > Math.abs(value)) {
        int d = block.dimension();
        value = block.data()[at];
        where = what + " " + (from + at / d) + ", column " + (at % d);
      }
    }

    void notTiny() {
      if (where != null) {
        InputChecks.notTiny(metric, value, where);
      }
    }
  }

  /** Tells the options' listener how many pieces (blocks, pairs of blocks) are done. */
  private static final class Progress {
    private final KnnOptions options;
    private final long total;
    private long done;

    Progress(KnnOptions options, long total) {
      this.options = options;
      this.total = Math.max(1, total);
    }

    void add() {
      done = Math.min(total, done + 1);
      options.progress().update(done, total);
    }
  }

  /**
   * Every row's {@code kept} smallest (ranking value, id) candidates so far, with their distances,
   * in flat arrays ({@code -1} and +infinity where a row has fewer).
   */
  private static final class Lists {
    final int rows;
    final int kept;
    final int[] ids;
    final float[] values;
    final float[] distances;
    private final int[] scratchIds;
    private final float[] scratchValues;
    private final float[] scratchDistances;

    Lists(int rows, int kept) {
      this.rows = rows;
      this.kept = kept;
      long slots = (long) rows * kept;
      if (slots > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException(rows + " rows x " + kept + " neighbours exceed the "
            + (Integer.MAX_VALUE - 8) + " a result can hold");
      }
      ids = new int[(int) slots];
      values = new float[(int) slots];
      distances = new float[(int) slots];
      Arrays.fill(ids, -1);
      Arrays.fill(values, Float.POSITIVE_INFINITY);
      Arrays.fill(distances, Float.POSITIVE_INFINITY);
      scratchIds = new int[kept];
      scratchValues = new float[kept];
      scratchDistances = new float[kept];
    }

    /** Each row's current k-th ranking value (+infinity while it has fewer): nothing worse can enter. */
    float[] limits(int from, int count) {
      float[] limits = new float[count];
      for (int r = 0; r < count; r++) {
        limits[r] = kept == 0 ? Float.NEGATIVE_INFINITY : values[(from + r) * kept + kept - 1];
      }
      return limits;
    }

    /**
     * Merges a piece over two blocks side by side (or one, {@code sizeA} its size): rows and ids
     * below {@code sizeA} are rows {@code fromA + i}, the others rows {@code fromB + i - sizeA}.
     */
    void merge(SplitJoin.Lists piece, int fromA, int sizeA, int fromB) {
      for (int row = 0; row < piece.rows; row++) {
        int global = row < sizeA ? fromA + row : fromB + row - sizeA;
        mergeRow(global, piece, row, fromA, sizeA, fromB);
      }
    }

    /** Merges a search piece: its rows are rows {@code fromRows + i}, its ids rows {@code fromIds + i}. */
    void mergeRows(SplitJoin.Lists piece, int fromRows, int fromIds) {
      for (int row = 0; row < piece.rows; row++) {
        mergeRow(fromRows + row, piece, row, 0, 0, fromIds);
      }
    }

    /**
     * The {@code kept} smallest (value, id) of a row's list and a piece's list for it (no id is in
     * both: each pair of rows is in one piece).
     */
    private void mergeRow(int global, SplitJoin.Lists piece, int row, int fromA, int sizeA, int fromB) {
      int at = global * kept;
      int from = row * piece.kept;
      int count = piece.count(row);
      int a = 0;
      int b = 0;
      for (int o = 0; o < kept; o++) {
        int idB = b < count ? piece.ids[from + b] : -1;
        if (idB >= 0) {
          idB = idB < sizeA ? fromA + idB : fromB + idB - sizeA;
        }
        int idA = ids[at + a];
        boolean takeA = idB < 0 || (idA >= 0 && (values[at + a] < piece.values[from + b]
            || (values[at + a] == piece.values[from + b] && idA < idB)));
        if (takeA) {
          scratchIds[o] = idA;
          scratchValues[o] = values[at + a];
          scratchDistances[o] = distances[at + a];
          if (idA >= 0) {
            a++;
          }
        } else {
          scratchIds[o] = idB;
          scratchValues[o] = piece.values[from + b];
          scratchDistances[o] = piece.distances[from + b];
          b++;
        }
      }
      System.arraycopy(scratchIds, 0, ids, at, kept);
      System.arraycopy(scratchValues, 0, values, at, kept);
      System.arraycopy(scratchDistances, 0, distances, at, kept);
    }

    /**
     * The result: each row's candidates sorted by (distance, id) as {@link Rescoring} sorts them,
     * after the row itself at distance 0 under include-self.
     */
    KnnResult finish(int columns, KnnOptions options, boolean selfJoin) {
      boolean self = selfJoin && options.includeSelf();
      int k = options.k();
      int first = self ? 1 : 0;
      int[] outIds = self ? new int[rows * k] : ids;
      float[] outDistances = self ? new float[rows * k] : distances;
      for (int r = 0; r < rows; r++) {
        if (self) {
          outIds[r * k] = r;
          outDistances[r * k] = 0f;
          System.arraycopy(ids, r * kept, outIds, r * k + 1, kept);
          System.arraycopy(distances, r * kept, outDistances, r * k + 1, kept);
        }
        Rescoring.sortRow(outIds, outDistances, r * k + first, r * k + k);
      }
      return new KnnResult(rows, columns, k, outIds, outDistances, options.metric(), self);
    }
  }
}
