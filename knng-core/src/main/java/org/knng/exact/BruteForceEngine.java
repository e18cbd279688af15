package org.knng.exact;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.ProgressListener;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.knng.vectors.Vectors;

/**
 * Exact k-nearest-neighbour search by comparing every pair, tiled so that memory stays at the input
 * plus the {@code N x k} result (never an {@code N x N} matrix), on several threads.
 *
 * <p>The work is done by {@link TiledSearch}: register-blocked SIMD distance tiles screened against
 * each row's current k-th distance, each pair of a self-join computed once for both points.
 *
 * <p>Guarantees: a point is excluded from its own neighbours by index (so duplicates of it are
 * found, not skipped); among equal distances the smaller index wins; the output is identical for
 * every thread count. Candidates are ranked with float32 SIMD kernels (euclidean through the
 * {@code |x|^2 + |y|^2 - 2 x.y} expansion), then the kept neighbours are re-scored in double
 * precision from the metric's definition (direct differences) and reported in its units.
 *
 * <pre>{@code
 * BruteForceEngine engine = BruteForceEngine.builder().metric(Metric.COSINE).k(10).build();
 * KnnResult graph = engine.graph(points);             // each point's 10 nearest other points
 * KnnResult hits = engine.search(points, queries);    // each query's 10 nearest points
 * }</pre>
 */
public final class BruteForceEngine {
  private final Metric metric;
  private final int k;
  private final int threads;
  private final boolean includeSelf;
  private final ProgressListener progress;
  private final VectorOps ops;
  private final TiledSearch.Screening screening;

  private BruteForceEngine(Builder b) {
    this.metric = b.metric;
    this.k = b.k;
    this.threads = b.threads;
    this.includeSelf = b.includeSelf;
    this.progress = b.progress;
    this.ops = b.ops != null ? b.ops : VectorOpsProvider.get();
    this.screening = b.screening;
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
    checkNorms(points, "row");
    int others = includeSelf ? k - 1 : k;
    int[] candidates = others > 0 ? tiles().selfJoin(points, others) : null;
    return finish(points, points, candidates, others, true);
  }

  /**
   * The k-nearest-neighbour graph within groups, like PyTorch Geometric's {@code knn_graph(x, k,
   * batch)}: a point's neighbours are taken only from the points with the same label (labels need
   * not be sorted). A group of {@code m <= k} points (or {@code m < k} with include-self) gives each
   * member all the others, and its rows are padded with id {@code -1}; {@link
   * KnnResult#rowsWithFewerThanK()} counts them. Large groups use all threads each; small groups are
   * spread over the threads. Ids are global row indices; ties go to the smaller index.
   *
   * @param points the points
   * @param groups one label per point
   * @return {@code N x k} neighbours, padded where a group is too small
   * @throws IllegalArgumentException if there is not one label per point, or a point has norm 0
   *     under cosine
   */
  public KnnResult graph(Vectors points, int[] groups) {
    int n = points.size();
    if (groups.length != n) {
      throw new IllegalArgumentException(groups.length + " group labels for " + n + " points");
    }
    checkNorms(points, "row");
    return new GroupedGraph(this, points, groups).build();
  }

  /**
   * The radius graph of one set, like scikit-learn's {@code radius_neighbors_graph(X, r,
   * mode='distance')}: an edge from each point to every OTHER point at distance at most {@code
   * radius} (with include-self, also to itself at distance 0), weighted by the distance in the
   * metric's units. There is no bound on a point's degree, so memory follows the output: about 12
   * bytes per edge while collecting, plus the CSR result. {@code k} is not used; for "the nearest k
   * within the radius", build the k-NN graph and use {@link KnnResult#withinRadius(double)}.
   * Candidates are found in float32 with a small margin and then kept if their double-precision
   * distance is at most {@code radius}.
   *
   * @param points the points
   * @param radius the largest distance kept, finite and {@code > 0}
   * @return the N x N graph, columns sorted within each row
   * @throws IllegalArgumentException if the radius is not finite and positive, or a point has
   *     norm 0 under cosine
   */
  public SparseGraph radiusGraph(Vectors points, double radius) {
    if (!(radius > 0) || Double.isInfinite(radius)) {
      throw new IllegalArgumentException("radius must be a finite number > 0, got " + radius);
    }
    checkNorms(points, "row");
    return new RadiusGraph(tiles(), metric, includeSelf).build(points, radius);
  }

  /** A copy of this engine's settings with another k and thread count, and no progress. */
  BruteForceEngine with(int k, int threads) {
    return builder().metric(metric).k(k).threads(threads).includeSelf(includeSelf).vectorOps(ops)
        .screening(screening).build();
  }

  /** @return whether the point itself is counted among its neighbours */
  boolean includeSelf() {
    return includeSelf;
  }

  /** @return the configured thread count */
  int threads() {
    return threads;
  }

  /** @return the progress listener */
  ProgressListener progress() {
    return progress;
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
    checkNorms(base, "base row");
    checkNorms(queries, "query row");
    int[] candidates = tiles().search(base, queries, k);
    return finish(queries, base, candidates, k, false);
  }

  /**
   * Rejects input the float32 kernels cannot rank correctly, naming the row: for cosine a vector of
   * norm 0 (no direction); for euclidean, sqeuclidean and inner product a value so large that a
   * squared distance or dot product would overflow float32 (every candidate would then tie at
   * infinity and the neighbours would be wrong without any sign of it).
   */
  private void checkNorms(Vectors v, String what) {
    int d = v.dimension();
    float[] data = v.data();
    if (metric != Metric.COSINE) {
      if (metric == Metric.MANHATTAN) {
        return; // sums of |x - y| reach float32's limit only for values near 1e36 / D: not checked
      }
      // |x|^2 + |y|^2 + 2|x.y| and sum((x - y)^2) stay below 4 D max^2.
      double limit = Math.sqrt(Float.MAX_VALUE / (4.0 * d));
      for (int i = 0; i < data.length; i++) {
        if (Math.abs(data[i]) >= limit) {
          throw new IllegalArgumentException(what + " " + (i / d) + ", column " + (i % d) + ": value "
              + data[i] + " is too large for " + metric.id() + " in float32 (at dimension " + d
              + ", values must stay below " + (float) limit + "); scale the data down");
        }
      }
      return;
    }
    for (int i = 0; i < v.size(); i++) {
      boolean zero = true;
      for (int j = 0; j < d && zero; j++) {
        zero = data[i * d + j] == 0f;
      }
      if (zero) {
        throw new IllegalArgumentException(what + " " + i
            + " is all zeros: cosine distance is undefined for a vector of norm 0");
      }
    }
  }

  private TiledSearch tiles() {
    return new TiledSearch(ops, metric, threads, progress, screening);
  }

  /**
   * Re-scores the kept neighbours in double precision, re-sorts each row by (distance, id), and puts
   * the point itself first when include-self applies.
   */
  private KnnResult finish(Vectors queries, Vectors base, int[] heapIds, int kept, boolean selfJoin) {
    int rows = queries.size();
    int[] ids = new int[rows * k];
    float[] dist = new float[rows * k];
    boolean self = selfJoin && includeSelf;
    int first = self ? 1 : 0;
    float[] q = queries.data();
    float[] x = base.data();
    int d = base.dimension();
    // Rows are independent: re-scored in chunks on all threads (N x k double-precision distances,
    // a tenth of a second per thread for Fashion-MNIST).
    int chunk = 1024;
    AtomicInteger next = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(threads, (rows + chunk - 1) / chunk)), () -> {
      for (int r0; (r0 = next.getAndAdd(chunk)) < rows; ) {
        for (int r = r0; r < Math.min(rows, r0 + chunk); r++) {
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
      }
    });
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

  /** Configures a {@link BruteForceEngine}. */
  public static final class Builder {
    private Metric metric = Metric.EUCLIDEAN;
    private int k = 10;
    private int threads = Runtime.getRuntime().availableProcessors();
    private boolean includeSelf;
    private ProgressListener progress = ProgressListener.NONE;
    private VectorOps ops;
    private TiledSearch.Screening screening = TiledSearch.Screening.AUTO;

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
    /** Forces a screen (tests run both on any data); the default chooses from the data. */
    Builder screening(TiledSearch.Screening screening) {
      this.screening = Objects.requireNonNull(screening, "screening");
      return this;
    }

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
