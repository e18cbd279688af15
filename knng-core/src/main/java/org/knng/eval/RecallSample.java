package org.knng.eval;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.InvalidInputException;
import org.knng.ProgressListener;
import org.knng.engine.InputChecks;
import org.knng.engine.KnnOptions;
import org.knng.engine.Parallel;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.graph.RecallEstimate;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.tile.Screen;
import org.knng.vectors.Vectors;

/**
 * The exact neighbours of some rows of a point set, found once, against which any k-NN graph of
 * the same points can then be measured as often as needed: an approximate engine can {@link
 * #measure} its graph after every round of work, at a cost of {@code rows x k} distances.
 *
 * <pre>{@code
 * KnnOptions options = KnnOptions.defaults().withK(10);
 * RecallSample sample = RecallSample.draw(points, options, 1000, 42);   // 1000 rows, exactly
 * RecallEstimate e = sample.measure(graph.ids(), 10);                   // recall@10 of the graph
 * System.out.println(e.describe());   // recall@10 0.9931 (95% interval 0.9915-0.9946, 1000 rows)
 * }</pre>
 *
 * <p><b>What counts.</b> For a measured row i, let t be the distance (in double precision, {@link
 * Metric#distance}) from i to its true k-th neighbour. An entry j of the graph's row i is a hit if
 * it is a valid id, is not i, was not already counted in this row, and its distance from i (again
 * in double) is at most t plus one float32 unit in the last place of t. Ties therefore count: any
 * point as near as the true k-th neighbour is as good a k-th neighbour, and so is one that differs
 * from it only below float32 resolution, the precision engines rank and report in (the exact
 * engine itself may exchange its k-th neighbour with such a point, e.g. under inner product, which
 * it ranks by float32 dot products). With include-self, i is its own first neighbour: the entry i
 * is a hit, and t is the distance to its (k-1)-th nearest other point (for k = 1, the distance of
 * i to itself, 0 in every metric but inner product, so that copies of i count too). A row's recall
 * is {@code min(k, hits) / k}. Rows that list themselves (without include-self), list an id twice,
 * or have fewer than k valid entries ({@code -1} padding) are counted; such entries are never hits
 * beyond the first occurrence of an id.
 *
 * <p><b>The interval.</b> With per-row recalls {@code r_1..r_n} and their mean m, two 95%
 * intervals are computed: the normal one, {@code m +- 1.96 s / sqrt(n)} with s the sample standard
 * deviation of the r_i (clipped to [0, 1]; [0, 1] itself for a single row), and the Wilson score
 * interval of {@code hits} successes in {@code n k} entries. The wider of the two is reported. The
 * normal interval follows how recall actually varies from row to row (the entries of one row are
 * not independent); the Wilson interval keeps a sample in which every row was perfect (s = 0) from
 * claiming a lower bound of 1. When every row is measured the recall is the graph's own, not an
 * estimate; the interval is then what a random sample of that size would give.
 *
 * <p>Instances are immutable and may be shared between threads. Memory: the sampled row ids and k
 * doubles per row.
 */
public final class RecallSample {
  /** Rows of the first sample of {@link #evaluate}. */
  public static final int DEFAULT_ROWS = 1000;
  /** The half-width {@link #evaluate} grows its sample for. */
  public static final double TARGET_HALF_WIDTH = 0.005;

  /** Measured rows per task: a task does {@code CHUNK x k} distances. */
  private static final int CHUNK = 256;
  /**
   * Cosine distances this close (2^-46, about 1.4e-14) are one direction: float32 vectors that are
   * parallel but for the rounding of their coordinates are up to about 2^-49 apart.
   */
  static final double COSINE_ROUNDING = 0x1p-46;
  /** Defects of a measured row, as bits. */
  private static final byte SELF_LOOP = 1;
  private static final byte DUPLICATE = 2;
  private static final byte MISSING = 4;

  private final Vectors points;
  private final KnnOptions options;
  private final Metric metric;
  private final boolean includeSelf;
  private final int threads;
  private final int k;
  /** True neighbours other than the row itself kept per row: k, or k - 1 with include-self. */
  private final int others;
  /** The measured rows, ascending. */
  private final int[] rows;
  /** {@code rows.length x others}: each measured row's distances to its nearest other points, ascending. */
  private final double[] nearest;
  /** The seed the rows were drawn with ({@link #grow} draws more of the same order). */
  private final long seed;

  private RecallSample(Vectors points, KnnOptions options, int[] rows, double[] nearest, long seed) {
    this.points = points;
    this.options = options.withProgress(ProgressListener.NONE);
    this.metric = options.metric();
    this.includeSelf = options.includeSelf();
    this.threads = options.threads();
    this.k = options.k();
    this.others = k - (includeSelf ? 1 : 0);
    this.rows = rows;
    this.nearest = nearest;
    this.seed = seed;
  }

  /**
   * Draws {@code rows} distinct rows uniformly at random (all rows if {@code rows >= N}) and finds
   * their exact neighbours with the exact engine, on {@code options.threads()} threads. Samples are
   * nested: for the same points, options and seed, the rows of a smaller sample are among those
   * of a larger one.
   *
   * @param points the points the graphs to measure are of
   * @param options metric, k (the largest k that can be measured), include-self and threads; the
   *     progress listener is not used
   * @param rows how many rows to measure, at least 1
   * @param seed seed of the random choice: the same seed gives the same rows
   * @return the sample
   * @throws InvalidInputException if {@code rows < 1}, k is too large for the points ({@link
   *     InputChecks#graphK}), or a point cannot be ranked under the metric
   */
  public static RecallSample draw(Vectors points, KnnOptions options, int rows, long seed) {
    return draw(points, options, rows, seed, null);
  }

  /**
   * {@link #draw(Vectors, KnnOptions, int, long)}, the exact neighbours found on the screen of a
   * self-join of the points made before (an approximate engine's, {@link
   * BruteForceEngine#search(Vectors, Vectors, Screen)}): its projection serves the sample too,
   * with no fit of its own. The same sample.
   *
   * @param points the points the graphs to measure are of
   * @param options metric, k, include-self and threads, as for {@link #draw(Vectors, KnnOptions,
   *     int, long)}
   * @param rows how many rows to measure, at least 1
   * @param seed seed of the random choice: the same seed gives the same rows
   * @param selfJoin the screen of the self-join of {@code points}, or null for the exact engine's own
   * @return the sample
   * @throws InvalidInputException as {@link #draw(Vectors, KnnOptions, int, long)}
   */
  public static RecallSample draw(Vectors points, KnnOptions options, int rows, long seed,
      Screen selfJoin) {
    return draw(points, options, rows, seed, selfJoin, null);
  }

  /**
   * {@link #draw(Vectors, KnnOptions, int, long, Screen)}, the rows searched within the distances
   * of a graph of the points (an approximate engine's result, measured once it is built): the same
   * sample, found faster, as {@link #grow} finds its new rows.
   *
   * @param points the points the graphs to measure are of
   * @param options metric, k, include-self and threads, as for {@link #draw(Vectors, KnnOptions,
   *     int, long)}
   * @param rows how many rows to measure, at least 1
   * @param seed seed of the random choice: the same seed gives the same rows
   * @param selfJoin the screen of the self-join of {@code points}, or null for the exact engine's own
   *     (then without the graph's bounds)
   * @param graph a graph of the points as {@link #grow} takes, or null
   * @return the sample
   * @throws InvalidInputException as {@link #draw(Vectors, KnnOptions, int, long)}
   * @throws IllegalArgumentException if the graph does not have one row per point
   */
  public static RecallSample draw(Vectors points, KnnOptions options, int rows, long seed,
      Screen selfJoin, KnnResult graph) {
    Objects.requireNonNull(points, "points");
    Objects.requireNonNull(options, "options");
    if (rows < 1) {
      throw new InvalidInputException("a recall sample needs at least 1 row, got " + rows);
    }
    InputChecks.graphK(options, points.size());
    checkRows(graph, points.size());
    RowOrder order = new RowOrder(points.size(), seed);
    return exact(points, options, order.next(Math.min(rows, points.size())), selfJoin, graph, seed);
  }

  private static void checkRows(KnnResult graph, int n) {
    if (graph != null && graph.rows() != n) {
      throw new IllegalArgumentException("a graph of " + graph.rows() + " rows for " + n + " points");
    }
  }

  /**
   * This sample grown to {@code rows} rows: the rows {@link #draw(Vectors, KnnOptions, int, long,
   * Screen)} gives for that size and this sample's seed (a sample's rows are among those of a
   * larger one), the new rows' exact neighbours searched within the distances of a graph of the
   * points: a row's k-th nearest is no farther than the k-th entry of any graph row without
   * repeats, so most candidates are dropped before their exact values are computed (Fashion-MNIST
   * in a warm JVM: 900 rows against 60,000 in 0.12 s within an approximate graph's distances, where
   * 1,000 rows from scratch took 0.25 s). A row that finds fewer than its neighbours within the
   * bound (a graph whose distances are too small) is searched again without one, so the sample is
   * the same as without the graph, which only makes it cheaper.
   *
   * @param rows the rows of the grown sample (no more than this one's: this sample)
   * @param selfJoin the screen of the self-join of the points, or null for the exact engine's own
   *     (then without the graph's bounds: the bounded search runs on a self-join's screen)
   * @param graph a graph of the same points with at least {@link #k()} entries per row and its
   *     distances (an approximate engine's result), or null
   * @return the grown sample
   * @throws IllegalArgumentException if the graph does not have one row per point
   */
  public RecallSample grow(int rows, Screen selfJoin, KnnResult graph) {
    int n = points.size();
    int wanted = Math.min(rows, n);
    if (wanted <= this.rows.length) {
      return this;
    }
    checkRows(graph, n);
    RowOrder order = new RowOrder(n, seed);
    order.next(this.rows.length); // the rows of this sample
    return merge(exact(points, options, order.next(wanted - this.rows.length),
        selfJoin, graph, seed));
  }

  /**
   * A sample of every row, from known true neighbours (such as {@code knng build --output
   * truth.npy} of the exact graph, or ann-benchmarks' {@code neighbors}). Each row of the truth
   * lists that row's nearest points, nearest first; the first k distinct ones that are not the row
   * itself (k - 1 with include-self) are taken as its true neighbours, so a truth that lists the
   * point itself first (as scikit-learn's {@code kneighbors(X)} does) needs one column more; the
   * columns after them are not read, and may be -1.
   * Their distances are computed here, in double precision.
   *
   * @param points the points
   * @param truthIds {@code N x truthK} ids, row-major
   * @param truthK columns of the truth, at least k
   * @param options metric, k (the largest k that can be measured), include-self and threads
   * @return the sample of all N rows
   * @throws InvalidInputException if the shape is not {@code N x truthK}, {@code truthK < k}, k is
   *     too large for the points, an id read is {@code -1} or out of range, or a row lists fewer true
   *     neighbours than k needs (each message names the row), or a point cannot be ranked under
   *     the metric
   */
  public static RecallSample truth(Vectors points, int[] truthIds, int truthK, KnnOptions options) {
    Objects.requireNonNull(points, "points");
    Objects.requireNonNull(truthIds, "truthIds");
    Objects.requireNonNull(options, "options");
    int n = points.size();
    int k = options.k();
    if (truthK < 1 || (long) n * truthK != truthIds.length) {
      throw new InvalidInputException("the true neighbours hold " + truthIds.length + " ids, not " + n
          + " rows x " + truthK + " (one row per point)");
    }
    if (truthK < k) {
      throw new InvalidInputException("the true neighbours have " + truthK + " per row, fewer than k=" + k);
    }
    InputChecks.graphK(options, n);
    InputChecks.rankable(points, options.metric(), "row"); // no search here checks them
    int others = k - (options.includeSelf() ? 1 : 0);
    int[] chosen = new int[n * others];
    int[] seenIn = new int[n];
    Arrays.fill(seenIn, -1);
    for (int r = 0; r < n; r++) {
      int found = 0;
      // The columns after the row's first k true neighbours are not read (they may be -1).
      for (int c = 0; c < truthK && found < others; c++) {
        int id = truthIds[r * truthK + c];
        if (id < 0 || id >= n) {
          throw new InvalidInputException("row " + r + ", column " + c + " of the true neighbours: "
              + (id == -1 ? "-1 (a missing entry) where k=" + k + " needs a true neighbour"
                  : "id " + id + " is out of range [0, " + n + ")"));
        }
        if (id != r && seenIn[id] != r) {
          seenIn[id] = r;
          chosen[r * others + found++] = id;
        }
      }
      if (found < others) {
        throw new InvalidInputException("row " + r + " of the true neighbours lists only " + found
            + " distinct points other than the row itself; k=" + k + " needs " + others
            + (options.includeSelf() ? " (with include-self the row itself is one of the k)" : ""));
      }
    }
    int[] all = new int[n];
    Arrays.setAll(all, r -> r);
    return new RecallSample(points, options, all, distances(points, options, all, chosen, others), 0);
  }

  /**
   * The recall@k of the graph of {@code points} given as {@code ids}, estimated the way {@code knng
   * eval} does by default: {@link #DEFAULT_ROWS} rows (all rows if there are fewer) are drawn and
   * measured; if the 95% interval is wider than {@code +-}{@link #TARGET_HALF_WIDTH}, the sample
   * is grown once to the size that width needs (at most N): what the observed row-to-row variance
   * needs, {@code (1.96 s / 0.005)^2} rows, or, if the interval of the entries is the wider, {@code
   * rows x (half-width / 0.005)^2}; keeping the rows already measured, and measured again.
   * The final sample is the one {@link #draw} gives for that size and seed. Every id of the graph
   * is checked, not only the sampled rows'.
   *
   * @param points the points
   * @param ids the graph, {@code N x k} ids row-major, {@code -1} for a missing entry
   * @param k neighbours per row of the graph
   * @param options metric, include-self and threads ({@code options.k()} is replaced by {@code k})
   * @param seed seed of the row sample
   * @return the estimate
   * @throws InvalidInputException if the graph is not {@code N x k} or an id is out of range (the
   *     message names the row), or as {@link #draw}
   */
  public static RecallEstimate evaluate(Vectors points, int[] ids, int k, KnnOptions options, long seed) {
    Objects.requireNonNull(points, "points");
    checkIds(ids, points.size(), k);
    return evaluate(points, new GraphRows(ids, null, k), k, options, seed);
  }

  /**
   * {@link #evaluate(Vectors, int[], int, KnnOptions, long)} of a sparse graph, as {@link
   * #measure(SparseGraph, int)} measures it: each row's stored entries are its neighbours, in any
   * order and any number (a symmetrized k-NN graph's rows hold k or more).
   *
   * @param points the points
   * @param graph an N x N graph of the points
   * @param k the k of the recall@k
   * @param options metric, include-self and threads ({@code options.k()} is replaced by {@code k})
   * @param seed seed of the row sample
   * @return the estimate
   * @throws InvalidInputException if the graph is not N x N, or as {@link #draw}
   */
  public static RecallEstimate evaluate(Vectors points, SparseGraph graph, int k, KnnOptions options,
      long seed) {
    Objects.requireNonNull(points, "points");
    return evaluate(points, GraphRows.of(graph, points.size()), k, options, seed);
  }

  private static RecallEstimate evaluate(Vectors points, GraphRows ids, int k, KnnOptions options,
      long seed) {
    KnnOptions o = Objects.requireNonNull(options, "options").withK(k);
    InputChecks.graphK(o, points.size());
    int n = points.size();
    RecallSample sample = exact(points, o, new RowOrder(n, seed).next(Math.min(n, DEFAULT_ROWS)),
        null, null, seed);
    RecallEstimate.Tally first = sample.tally(ids, k);
    RecallEstimate estimate = first.estimate();
    double half = (estimate.high() - estimate.low()) / 2;
    if (half <= TARGET_HALF_WIDTH || sample.rows.length == n) {
      return estimate;
    }
    // What the row-to-row variance needs, or, where the rows vary less than their entries and the
    // entries' Wilson interval is the wider, what that needs: it narrows as 1 / sqrt(rows).
    double needed = Math.ceil(Math.max(
        Math.pow(RecallEstimate.Z * first.standardDeviation() / TARGET_HALF_WIDTH, 2),
        sample.rows.length * Math.pow(half / TARGET_HALF_WIDTH, 2)));
    int grown = (int) Math.min(n, needed);
    if (grown <= sample.rows.length) {
      return estimate;
    }
    return sample.grow(grown, null, null).tally(ids, k).estimate();
  }

  /**
   * Checks that a graph is {@code rows x k} and every id is in {@code [0, rows)} or {@code -1}:
   * {@link #measure} checks only the rows it measures.
   *
   * @param ids the graph, row-major
   * @param rows rows of the graph (the number of points)
   * @param k ids per row
   * @throws InvalidInputException if the length is not {@code rows x k}, or naming the first row
   *     and column whose id is out of range
   */
  public static void checkIds(int[] ids, int rows, int k) {
    Objects.requireNonNull(ids, "ids");
    if (k < 1 || (long) rows * k != ids.length) {
      throw new InvalidInputException("the graph holds " + ids.length + " ids, not " + rows + " rows x k=" + k);
    }
    for (int e = 0; e < ids.length; e++) {
      if (ids[e] < -1 || ids[e] >= rows) {
        throw outOfRange(e / k, e % k, ids[e], rows);
      }
    }
  }

  /**
   * Measures a graph of the same points on this sample's rows. The cost is {@code rows() x k}
   * distances, whatever N.
   *
   * @param ids the graph, {@code N x k} ids row-major (nearest first or in any order), {@code -1}
   *     for a missing entry; only the sampled rows are read
   * @param k neighbours per row of the graph, at most {@link #k()}
   * @return recall@k of the sampled rows, its 95% interval and the defect counts
   * @throws InvalidInputException if k is out of range, the graph is not {@code N x k}, or an id of
   *     a sampled row is out of range (naming the row and column)
   */
  public RecallEstimate measure(int[] ids, int k) {
    Objects.requireNonNull(ids, "ids");
    checkK(k);
    int n = points.size();
    if ((long) n * k != ids.length) {
      throw new InvalidInputException("the graph holds " + ids.length + " ids, not " + n + " rows x k=" + k);
    }
    return tally(new GraphRows(ids, null, k), k).estimate();
  }

  /**
   * Measures a sparse graph of the same points: each row's stored entries are its neighbours, in
   * any order and any number, so a row of a symmetrized k-NN graph (k or more entries) has the
   * share of its k true nearest neighbours it lists as its recall. A row with fewer than k entries
   * is short of entries; a stored diagonal entry is a self-loop (the point itself with
   * include-self).
   *
   * @param graph an N x N graph of the points
   * @param k the k of the recall@k, at most {@link #k()}
   * @return recall@k of the sampled rows, its 95% interval and the defect counts
   * @throws InvalidInputException if k is out of range or the graph is not N x N
   */
  public RecallEstimate measure(SparseGraph graph, int k) {
    return tally(GraphRows.of(graph, points.size()), k).estimate();
  }

  /** A graph's rows as they are measured: row r's entries are {@code ids[start(r) .. end(r))}. */
  private static final class GraphRows {
    final int[] ids;
    private final int[] indptr;
    private final int width;

    GraphRows(int[] ids, int[] indptr, int width) {
      this.ids = ids;
      this.indptr = indptr;
      this.width = width;
    }

    static GraphRows of(SparseGraph graph, int n) {
      Objects.requireNonNull(graph, "graph");
      if (graph.rows() != n || graph.columns() != n) {
        throw new InvalidInputException("a " + graph.rows() + " x " + graph.columns()
            + " matrix is not a graph of " + n + " points (it needs " + n + " x " + n + ")");
      }
      return new GraphRows(graph.indices(), graph.indptr(), 0);
    }

    int start(int r) {
      return indptr == null ? r * width : indptr[r];
    }

    int end(int r) {
      return indptr == null ? (r + 1) * width : indptr[r + 1];
    }
  }

  /** @return the largest k this sample can measure (the k it was drawn for) */
  public int k() {
    return k;
  }

  /**
   * The local intrinsic dimension of the data around the sampled rows: the maximum-likelihood
   * estimate of Levina and Bickel from each row's distances to its true neighbours, {@code
   * 1 / mean(log(d_k / d_j))}, taken over the rows (rows whose neighbours are all at one distance,
   * such as duplicates, are left out), on the scale of euclidean distances (squared euclidean and
   * cosine distances grow as a distance squared, and are counted so). It tells how far
   * neighbours of neighbours are from being neighbours: about 14 to 26 on MNIST, Fashion-MNIST,
   * SIFT, Cora and word embeddings, about 70 on uniform Gaussian noise in 128 dimensions.
   *
   * @return the mean estimate, or NaN where it cannot be computed (inner product, which is no
   *     distance; fewer than 3 neighbours; no usable row)
   */
  public double intrinsicDimension() {
    if (metric == Metric.INNER_PRODUCT || others < 3) {
      return Double.NaN;
    }
    double scale = metric == Metric.SQEUCLIDEAN || metric == Metric.COSINE ? 2 : 1;
    double sum = 0;
    int used = 0;
    for (int r = 0; r < rows.length; r++) {
      double last = nearest[r * others + others - 1];
      double logs = 0;
      int terms = 0;
      for (int j = 0; j < others - 1; j++) {
        double dj = nearest[r * others + j];
        if (dj > 0 && last > 0) {
          logs += Math.log(last / dj);
          terms++;
        }
      }
      if (terms > 0 && logs > 0) {
        sum += terms / logs;
        used++;
      }
    }
    return used == 0 ? Double.NaN : scale * sum / used;
  }

  /** @return the measured rows, ascending (a copy) */
  public int[] rows() {
    return rows.clone();
  }

  private void checkK(int k) {
    if (k < 1 || k > this.k) {
      throw new InvalidInputException("recall@" + k + " cannot be measured: the exact neighbours were found"
          + " for k from 1 to " + this.k);
    }
  }

  private RecallEstimate.Tally tally(GraphRows ids, int k) {
    int n = points.size();
    checkK(k);
    for (int row : rows) {
      for (int e = ids.start(row); e < ids.end(row); e++) {
        int id = ids.ids[e];
        if (id < -1 || id >= n) {
          throw outOfRange(row, e - ids.start(row), id, n);
        }
      }
    }
    int m = rows.length;
    int[] hits = new int[m];
    byte[] defects = new byte[m];
    AtomicInteger next = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(threads, (m + CHUNK - 1) / CHUNK)), () -> {
      int[] row = new int[k];
      for (int s0; (s0 = next.getAndAdd(CHUNK)) < m; ) {
        for (int s = s0; s < Math.min(m, s0 + CHUNK); s++) {
          int length = ids.end(rows[s]) - ids.start(rows[s]);
          if (length > row.length) {
            row = new int[length];
          }
          measureRow(s, ids, k, row, hits, defects);
        }
      }
    });
    RecallEstimate.Tally t = new RecallEstimate.Tally(k);
    for (int s = 0; s < m; s++) {
      t.add(hits[s], (defects[s] & SELF_LOOP) != 0, (defects[s] & DUPLICATE) != 0,
          (defects[s] & MISSING) != 0);
    }
    return t;
  }

  /** Counts the hits of sampled row {@code s} and notes its defects; {@code row} is scratch. */
  private void measureRow(int s, GraphRows ids, int k, int[] row, int[] hits, byte[] defects) {
    int i = rows[s];
    int d = points.dimension();
    float[] x = points.data();
    double kth = includeSelf
        ? (k == 1 ? metric.distance(x, i * d, x, i * d, d) : nearest[s * others + k - 2])
        : nearest[s * others + k - 1];
    // What float32 cannot tell from the k-th distance; for cosine also directions float32 cannot
    // tell apart: parallel vectors, each coordinate rounded, are 1e-16 to 1e-15 apart in double,
    // and an engine's tie-break among them must not count as a miss.
    double t = kth + Math.max(Math.ulp((float) kth), metric == Metric.COSINE ? COSINE_ROUNDING : 0);

    int length = ids.end(i) - ids.start(i);
    System.arraycopy(ids.ids, ids.start(i), row, 0, length);
    Arrays.sort(row, 0, length);
    int count = 0;
    int entries = 0;
    byte flags = 0;
    for (int c = 0; c < length; c++) {
      int j = row[c];
      if (j < 0) {
        continue;
      }
      entries++;
      if (c > 0 && row[c - 1] == j) {
        flags |= DUPLICATE;
      } else if (j == i) {
        if (includeSelf) {
          count++;
        } else {
          flags |= SELF_LOOP;
        }
      } else if (metric.distance(x, i * d, x, j * d, d) <= t) {
        count++;
      }
    }
    hits[s] = Math.min(k, count);
    defects[s] = (byte) (flags | (entries < k ? MISSING : 0));
  }

  private static InvalidInputException outOfRange(int row, int column, int id, int n) {
    return new InvalidInputException("graph row " + row + ", column " + column + ": id " + id
        + " is out of range [0, " + n + ") (-1 marks a missing entry)");
  }

  /** The exact neighbours of the given rows (any order, distinct), by a search of the points. */
  private static RecallSample exact(Vectors points, KnnOptions options, int[] chosen,
      Screen selfJoin, KnnResult graph, long seed) {
    int[] sorted = chosen.clone();
    Arrays.sort(sorted);
    int others = options.k() - (options.includeSelf() ? 1 : 0);
    if (others == 0) {
      return new RecallSample(points, options, sorted, new double[0], seed);
    }
    int n = points.size();
    int d = points.dimension();
    Vectors queries = points;
    if (sorted.length < n) {
      queries = points.rows(sorted, 0, sorted.length);
    }
    // One more than needed: the row itself is normally among its nearest points, at distance 0.
    int wanted = others + 1;
    BruteForceEngine engine = BruteForceEngine.create(options.withIncludeSelf(false).withK(wanted)
        .withProgress(ProgressListener.NONE));
    KnnResult found = selfJoin == null ? engine.search(points, queries)
        : engine.search(points, queries, selfJoin, graph == null ? null : bounds(graph, sorted, others));
    int[] ids = found.ids();
    int[] kept = new int[sorted.length * others];
    for (int s = 0; s < sorted.length; s++) {
      int at = 0;
      for (int c = 0; c < wanted && at < others; c++) {
        int id = ids[s * wanted + c];
        if (id != sorted[s]) {
          kept[s * others + at++] = id; // the row itself dropped by index, else the last entry
        }
      }
    }
    return new RecallSample(points, options, sorted, distances(points, options, sorted, kept, others), seed);
  }

  /**
   * For each of the rows, the largest distance of the graph's entries in its row other than the
   * row itself, if it has at least {@code others} distinct ones (else +infinity): no nearer than
   * the row's {@code others}-th nearest other point, which with the row itself is the search's
   * {@code others + 1}-th.
   */
  private static double[] bounds(KnnResult graph, int[] rows, int others) {
    int k = graph.k();
    int[] ids = graph.ids();
    float[] distances = graph.distances();
    double[] bounds = new double[rows.length];
    int[] row = new int[k];
    for (int s = 0; s < rows.length; s++) {
      int i = rows[s];
      int count = 0;
      double largest = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        int id = ids[i * k + c];
        if (id >= 0 && id != i) {
          row[count++] = id;
          largest = Math.max(largest, distances[i * k + c]);
        }
      }
      Arrays.sort(row, 0, count);
      int distinct = 0;
      for (int c = 0; c < count; c++) {
        if (c == 0 || row[c] != row[c - 1]) {
          distinct++;
        }
      }
      bounds[s] = distinct >= others ? largest : Double.POSITIVE_INFINITY;
    }
    return bounds;
  }

  /** Double-precision distances from each row to its {@code others} chosen neighbours, ascending per row. */
  private static double[] distances(Vectors points, KnnOptions options, int[] rows, int[] chosen, int others) {
    Metric metric = options.metric();
    int d = points.dimension();
    float[] x = points.data();
    double[] out = new double[rows.length * others];
    AtomicInteger next = new AtomicInteger();
    int m = rows.length;
    Parallel.run(Math.max(1, Math.min(options.threads(), (m + CHUNK - 1) / CHUNK)), () -> {
      for (int s0; (s0 = next.getAndAdd(CHUNK)) < m; ) {
        for (int s = s0; s < Math.min(m, s0 + CHUNK); s++) {
          for (int c = 0; c < others; c++) {
            out[s * others + c] = metric.distance(x, rows[s] * d, x, chosen[s * others + c] * d, d);
          }
          Arrays.sort(out, s * others, (s + 1) * others);
        }
      }
    });
    return out;
  }

  /** This sample and another of disjoint rows of the same points and options, as one. */
  private RecallSample merge(RecallSample more) {
    int m = rows.length + more.rows.length;
    int[] merged = new int[m];
    double[] dist = new double[m * others];
    for (int a = 0, b = 0, o = 0; o < m; o++) {
      boolean fromThis = b >= more.rows.length || (a < rows.length && rows[a] < more.rows[b]);
      RecallSample src = fromThis ? this : more;
      int s = fromThis ? a++ : b++;
      merged[o] = src.rows[s];
      System.arraycopy(src.nearest, s * others, dist, o * others, others);
    }
    return new RecallSample(points, options, merged, dist, seed);
  }

  /**
   * Distinct rows in a random order fixed by the seed, handed out a batch at a time, so that a
   * larger sample of the same seed extends a smaller one.
   */
  private static final class RowOrder {
    private final int n;
    private final SplittableRandom random;
    private final BitSet taken;
    private int count;

    RowOrder(int n, long seed) {
      this.n = n;
      this.random = new SplittableRandom(seed);
      this.taken = new BitSet(n);
    }

    /** @return {@code m} rows not handed out before ({@code m <= n - count}) */
    int[] next(int m) {
      int[] out = new int[m];
      if (count + m == n) {
        // The rest, in order: no need to find the last free rows by chance.
        int o = 0;
        for (int r = taken.nextClearBit(0); r < n; r = taken.nextClearBit(r + 1)) {
          out[o++] = r;
        }
        taken.set(0, n);
      } else {
        for (int o = 0; o < m; ) {
          int r = random.nextInt(n);
          if (!taken.get(r)) {
            taken.set(r);
            out[o++] = r;
          }
        }
      }
      count += m;
      return out;
    }
  }
}
