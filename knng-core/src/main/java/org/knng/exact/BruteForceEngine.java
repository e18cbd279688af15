package org.knng.exact;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.ProgressListener;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.select.NeighborHeaps;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.knng.vectors.Vectors;

/**
 * Exact k-nearest-neighbour search by comparing every pair, tiled so that memory stays at the input
 * plus the {@code N x k} result (never an {@code N x N} matrix), on several threads.
 *
 * <p>Guarantees: a point is excluded from its own neighbours by index (so duplicates of it are
 * found, not skipped); among equal distances the smaller index wins; the output is identical for
 * every thread count. Candidates are ranked with float32 SIMD kernels, then the kept neighbours are
 * re-scored in double precision from the metric's definition and reported in its units.
 *
 * <pre>{@code
 * BruteForceEngine engine = BruteForceEngine.builder().metric(Metric.COSINE).k(10).build();
 * KnnResult graph = engine.graph(points);             // each point's 10 nearest other points
 * KnnResult hits = engine.search(points, queries);    // each query's 10 nearest points
 * }</pre>
 */
public final class BruteForceEngine {
  /** Rows handed to a worker at a time: small enough to balance two threads on small inputs. */
  private static final int ROW_BLOCK = 32;
  /** Bytes of base vectors visited per pass over a row block, sized to stay in a core's L2. */
  private static final int COLUMN_BLOCK_BYTES = 256 * 1024;

  private final Metric metric;
  private final int k;
  private final int threads;
  private final boolean includeSelf;
  private final ProgressListener progress;
  private final VectorOps ops;

  private BruteForceEngine(Builder b) {
    this.metric = b.metric;
    this.k = b.k;
    this.threads = b.threads;
    this.includeSelf = b.includeSelf;
    this.progress = b.progress;
    this.ops = b.ops != null ? b.ops : VectorOpsProvider.get();
  }

  /** @return a builder with metric euclidean, k 10, all cores, self excluded */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the metric */
  public Metric metric() {
    return metric;
  }

  /** @return neighbours per row */
  public int k() {
    return k;
  }

  /**
   * The k-nearest-neighbour graph of one set: for each point, its {@code k} nearest other points
   * (or itself plus its {@code k - 1} nearest others, with include-self).
   *
   * @param points the points
   * @return {@code N x k} neighbours
   * @throws IllegalArgumentException if {@code k >= N} ({@code k > N} with include-self), or a
   *     point has norm 0 under cosine
   */
  public KnnResult graph(Vectors points) {
    int n = points.size();
    if (includeSelf ? k > n : k >= n) {
      throw new IllegalArgumentException("k=" + k + " is too large for " + n + " points: k must be "
          + (includeSelf ? "at most N=" + n + " with include-self" : "less than N=" + n
              + " (a point is not its own neighbour; use include-self to count it)"));
    }
    float[] norms = inverseNorms(points, "row");
    int others = includeSelf ? k - 1 : k;
    NeighborHeaps heaps = others > 0 ? search(points, norms, points, norms, others, true) : null;
    return finish(points, points, heaps, others, true);
  }

  /**
   * For each query, its {@code k} nearest points of {@code base} (a query equal to a base point
   * finds it at distance 0; nothing is excluded). Include-self does not apply here.
   *
   * @param base the set searched
   * @param queries the query points, of the same dimension
   * @return {@code queries.size() x k} neighbours, ids indexing {@code base}
   * @throws IllegalArgumentException if the dimensions differ, {@code k > base.size()}, or a vector
   *     has norm 0 under cosine
   */
  public KnnResult search(Vectors base, Vectors queries) {
    if (base.dimension() != queries.dimension()) {
      throw new IllegalArgumentException("queries have dimension " + queries.dimension()
          + " but the base vectors have " + base.dimension());
    }
    if (k > base.size()) {
      throw new IllegalArgumentException("k=" + k + " is more than the " + base.size() + " base points");
    }
    float[] baseNorms = inverseNorms(base, "base row");
    float[] queryNorms = inverseNorms(queries, "query row");
    NeighborHeaps heaps = search(queries, queryNorms, base, baseNorms, k, false);
    return finish(queries, base, heaps, k, false);
  }

  /** Inverse L2 norms for cosine (null for other metrics); rejects zero vectors. */
  private float[] inverseNorms(Vectors v, String what) {
    if (metric != Metric.COSINE) {
      return null;
    }
    int d = v.dimension();
    float[] data = v.data();
    float[] inv = new float[v.size()];
    for (int i = 0; i < inv.length; i++) {
      double sum = 0;
      for (int j = 0; j < d; j++) {
        double x = data[i * d + j];
        sum += x * x;
      }
      if (sum == 0) {
        throw new IllegalArgumentException(what + " " + i
            + " is all zeros: cosine distance is undefined for a vector of norm 0");
      }
      inv[i] = (float) (1.0 / Math.sqrt(sum));
    }
    return inv;
  }

  private NeighborHeaps search(Vectors queries, float[] queryNorms, Vectors base, float[] baseNorms,
      int kept, boolean selfJoin) {
    int rows = queries.size();
    NeighborHeaps heaps = new NeighborHeaps(rows, kept);
    int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
    AtomicInteger next = new AtomicInteger();
    ProgressCounter counter = new ProgressCounter(progress, rows);
    int columnBlock = Math.max(16, COLUMN_BLOCK_BYTES / (4 * base.dimension()));
    Runnable worker = () -> {
      for (int b; (b = next.getAndIncrement()) < blocks; ) {
        int from = b * ROW_BLOCK;
        int to = Math.min(rows, from + ROW_BLOCK);
        scanRows(queries, queryNorms, base, baseNorms, from, to, columnBlock, heaps, selfJoin);
        counter.add(to - from);
      }
    };
    Parallel.run(Math.min(threads, blocks), worker);
    return heaps;
  }

  /** Offers every base point to the heaps of query rows [from, to), one column block at a time. */
  private void scanRows(Vectors queries, float[] queryNorms, Vectors base, float[] baseNorms,
      int from, int to, int columnBlock, NeighborHeaps heaps, boolean selfJoin) {
    float[] q = queries.data();
    float[] x = base.data();
    int d = base.dimension();
    int n = base.size();
    for (int c0 = 0; c0 < n; c0 += columnBlock) {
      int c1 = Math.min(n, c0 + columnBlock);
      for (int i = from; i < to; i++) {
        float threshold = heaps.threshold(i);
        int qi = i * d;
        for (int j = c0; j < c1; j++) {
          if (selfJoin && j == i) {
            continue;
          }
          float dist;
          switch (metric) {
            case EUCLIDEAN:
            case SQEUCLIDEAN:
              dist = ops.squaredDistance(q, qi, x, j * d, d);
              break;
            case COSINE:
              dist = 1f - ops.dot(q, qi, x, j * d, d) * queryNorms[i] * baseNorms[j];
              break;
            case INNER_PRODUCT:
              dist = -ops.dot(q, qi, x, j * d, d);
              break;
            case MANHATTAN:
              dist = ops.manhattan(q, qi, x, j * d, d);
              break;
            default:
              throw new AssertionError(metric);
          }
          if (dist <= threshold && heaps.offer(i, dist, j)) {
            threshold = heaps.threshold(i);
          }
        }
      }
    }
  }

  /**
   * Re-scores the kept neighbours in double precision, re-sorts each row by (distance, id), and puts
   * the point itself first when include-self applies.
   */
  private KnnResult finish(Vectors queries, Vectors base, NeighborHeaps heaps, int kept, boolean selfJoin) {
    int rows = queries.size();
    int[] ids = new int[rows * k];
    float[] dist = new float[rows * k];
    int[] heapIds = null;
    if (heaps != null) {
      heapIds = heaps.sortAndRelease().ids;
    }
    boolean self = selfJoin && includeSelf;
    int first = self ? 1 : 0;
    float[] q = queries.data();
    float[] x = base.data();
    int d = base.dimension();
    for (int r = 0; r < rows; r++) {
      int out = r * k;
      if (self) {
        ids[out] = r;
        dist[out] = 0f;
      }
      for (int j = 0; j < kept; j++) {
        int id = heapIds[r * kept + j];
        ids[out + first + j] = id;
        dist[out + first + j] = id < 0 ? Float.POSITIVE_INFINITY
            : (float) metric.distance(q, r * d, x, id * d, d);
      }
      sortRow(ids, dist, out + first, out + k);
    }
    return new KnnResult(rows, base.size(), k, ids, dist, metric, self);
  }

  /** Insertion sort of one row segment by (distance, id): k is small and the row nearly sorted. */
  private static void sortRow(int[] ids, float[] dist, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      float dv = dist[i];
      int iv = ids[i];
      int j = i - 1;
      while (j >= from && (dist[j] > dv || (dist[j] == dv && ids[j] > iv))) {
        dist[j + 1] = dist[j];
        ids[j + 1] = ids[j];
        j--;
      }
      dist[j + 1] = dv;
      ids[j + 1] = iv;
    }
  }

  /** Serializes progress updates from the workers. */
  private static final class ProgressCounter {
    private final ProgressListener listener;
    private final long total;
    private long done;

    ProgressCounter(ProgressListener listener, long total) {
      this.listener = listener;
      this.total = total;
    }

    synchronized void add(long units) {
      done += units;
      listener.update(done, total);
    }
  }

  /** Configures a {@link BruteForceEngine}. */
  public static final class Builder {
    private Metric metric = Metric.EUCLIDEAN;
    private int k = 10;
    private int threads = Runtime.getRuntime().availableProcessors();
    private boolean includeSelf;
    private ProgressListener progress = ProgressListener.NONE;
    private VectorOps ops;

    private Builder() {}

    /**
     * @param metric the distance (default euclidean)
     * @return this builder
     */
    public Builder metric(Metric metric) {
      this.metric = Objects.requireNonNull(metric, "metric");
      return this;
    }

    /**
     * @param k neighbours per point, at least 1 (default 10)
     * @return this builder
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public Builder k(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("k must be at least 1, got " + k);
      }
      this.k = k;
      return this;
    }

    /**
     * @param threads worker threads, at least 1 (default: all available processors)
     * @return this builder
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * @param includeSelf whether a point counts as one of its own k neighbours (scikit-learn's
     *     {@code include_self}); applies to {@link BruteForceEngine#graph} only (default false)
     * @return this builder
     */
    public Builder includeSelf(boolean includeSelf) {
      this.includeSelf = includeSelf;
      return this;
    }

    /**
     * @param progress told how many rows are done (default: nobody)
     * @return this builder
     */
    public Builder progress(ProgressListener progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * Forces a kernel implementation (tests and benchmarks); by default {@link
     * VectorOpsProvider#get()} decides.
     *
     * @param ops the kernels
     * @return this builder
     */
    public Builder vectorOps(VectorOps ops) {
      this.ops = Objects.requireNonNull(ops, "ops");
      return this;
    }

    /** @return the engine */
    public BruteForceEngine build() {
      return new BruteForceEngine(this);
    }
  }
}
