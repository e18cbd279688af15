package org.knng.kdtree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.knng.InvalidInputException;
import org.knng.engine.EngineBuilder;
import org.knng.engine.InputChecks;
import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.engine.Rescoring;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.select.EdgeBuffer;
import org.knng.select.RowHeaps;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.knng.tile.Differences;
import org.knng.tree.KdTree;
import org.knng.vectors.Vectors;

/**
 * The exact engine for low dimensions: a {@link KdTree} of the points, and every point's search
 * pruned by the boxes of its nodes ({@link TreeJoin}), so a graph of N points costs about N log N
 * distance computations instead of N². Its results are the exact engine's, bit for bit: the same
 * ranking values decide which neighbours are kept (self excluded by index, ties to the smaller
 * index), and the same {@link Rescoring} re-computes them in double precision, row by row as
 * each leaf of rows is done.
 *
 * <p>For every metric but the inner product (cosine on the unit vectors); it pays in low
 * dimensions (see {@code org.knng.Algorithm#AUTO}). Memory: the input, a copy of it in tree
 * order (two for cosine) and one by coordinate, the boxes of about {@code 2 N / leaf} nodes and
 * the {@code N x k} result.
 *
 * <pre>{@code
 * KdTreeEngine engine = KdTreeEngine.builder().k(10).build();
 * KnnResult graph = engine.graph(cloud);              // each point's 10 nearest other points
 * }</pre>
 */
public final class KdTreeEngine implements KnnEngine {
  /**
   * Points per leaf in {@code dimension} dimensions, unless the builder sets another: 16 up to 4
   * dimensions, 64 in 5, 128 from 6 on. Measured on uniform data (200k-1M points in 3 and 4
   * dimensions, 50k in 6 and 8): higher dimensions prune less per box, so a leaf's scan (a loop
   * the JIT vectorizes) should cover more points per box check.
   *
   * @param dimension values per point
   * @return points per leaf
   */
  public static int leafFor(int dimension) {
    return dimension <= 4 ? 16 : dimension == 5 ? 64 : 128;
  }

  private final KnnOptions options;
  private final VectorOps ops;
  private final int leaf; // 0: leafFor(dimension)

  private KdTreeEngine(KnnOptions options, VectorOps ops, int leaf) {
    this.options = Objects.requireNonNull(options, "options");
    this.ops = ops;
    this.leaf = leaf;
  }

  /** @return a builder with metric euclidean, k 10, all cores, self excluded */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The tree engine for these options.
   *
   * @param options the options
   * @return the engine
   */
  public static KdTreeEngine create(KnnOptions options) {
    return new KdTreeEngine(options, VectorOpsProvider.get(), 0);
  }

  /**
   * @param metric a metric
   * @return whether this engine can rank by it: every metric but the inner product, which is no
   *     distance (a point need not be its own nearest), so boxes cannot bound it
   */
  public static boolean supports(Metric metric) {
    return metric != Metric.INNER_PRODUCT;
  }

  @Override
  public KnnOptions options() {
    return options;
  }

  @Override
  public KdTreeEngine with(KnnOptions options) {
    return new KdTreeEngine(options, ops, leaf);
  }

  @Override
  public String name() {
    return "kdtree";
  }

  /**
   * {@inheritDoc}
   *
   * <p>Refuses a metric it cannot rank by before the groups are split, so that groups of one point
   * (which reach no engine) do not let it through.
   */
  @Override
  public KnnResult graph(Vectors points, int[] groups) {
    checkMetric();
    return KnnEngine.super.graph(points, groups);
  }

  @Override
  public KnnResult graph(Vectors points) {
    InputChecks.graphK(options, points.size());
    checkMetric();
    InputChecks.rankable(points, options.metric(), "row");
    int kept = options.includeSelf() ? options.k() - 1 : options.k();
    if (kept == 0) {
      return new Rescoring(options).graph(points, null);
    }
    long start = System.nanoTime();
    Indexed indexed = index(points);
    options.progress().phase("kdtree engine", "tree", start);
    return nearest(indexed, indexed, kept);
  }

  @Override
  public KnnResult search(Vectors base, Vectors queries) {
    InputChecks.search(options, base, queries);
    checkMetric();
    InputChecks.rankableSearch(base, queries, options.metric());
    long start = System.nanoTime();
    Indexed baseIndex = index(base);
    Indexed queryIndex = index(queries);
    options.progress().phase("kdtree engine", "trees", start);
    return nearest(queryIndex, baseIndex, options.k());
  }

  /**
   * The tree of a set of points and what ranks pairs in its order. Cosine builds the tree on the
   * unit vectors (the chord between two of them grows with {@code 1 - cos}) and keeps the
   * original vectors in tree order beside it, with their {@code 1 / |x|} factors, to rank and
   * re-score exactly as the exact engine does.
   */
  private Indexed index(Vectors points) {
    if (options.metric() != Metric.COSINE) {
      KdTree tree = KdTree.build(points, leaf(points), options.threads());
      return new Indexed(tree, tree.ordered(), null);
    }
    int n = points.size();
    int d = points.dimension();
    float[] unit = points.inverseNorms();
    float[] x = points.data();
    float[] u = new float[x.length];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < d; c++) {
        u[i * d + c] = x[i * d + c] * unit[i];
      }
    }
    KdTree tree = KdTree.build(Vectors.wrap(u, d), leaf(points), options.threads());
    float[] orderedUnit = new float[n];
    for (int p = 0; p < n; p++) {
      orderedUnit[p] = unit[tree.point(p)];
    }
    return new Indexed(tree, points.rows(tree.points(), 0, n), orderedUnit);
  }

  /** A tree, the original vectors in its order, and their inverse norms for cosine (else null). */
  private static final class Indexed {
    final KdTree tree;
    final Vectors ordered;
    final float[] unit;

    Indexed(KdTree tree, Vectors ordered, float[] unit) {
      this.tree = tree;
      this.ordered = ordered;
      this.unit = unit;
    }
  }

  /**
   * Each query's {@code kept} nearest base points, re-scored: the join finds them by ranking value
   * in tree positions, and each leaf's rows are re-scored as soon as they are complete.
   */
  private KnnResult nearest(Indexed queries, Indexed base, int kept) {
    long start = System.nanoTime();
    Nearest nearest = new Nearest(queries, base, kept);
    join(queries, base).run(nearest::rows, options.threads(), options.progress());
    options.progress().phase("kdtree engine", "search", start);
    return nearest.rescored.result();
  }

  /**
   * The k-NN candidates being found: each worker keeps the rows of its current leaf in {@link
   * RowHeaps} (ranked by point id on ties, carrying base positions) and, when the leaf is done,
   * writes them in ascending order into the rows of their query points and re-scores them there
   * ({@link Rescoring.InOrder}); those rows are read into the cache when the leaf starts, so that
   * the scattered writes at its end find them there.
   */
  private final class Nearest {
    private final KdTree queries;
    private final KdTree base;
    private final int kept;
    /** Each query's {@code kept} base positions, in query order, {@code -1} where it has fewer. */
    private final int[] positions;
    final Rescoring.InOrder rescored;

    Nearest(Indexed queries, Indexed base, int kept) {
      this.queries = queries.tree;
      this.base = base.tree;
      this.kept = kept;
      this.positions = new int[Math.multiplyExact(this.queries.size(), kept)];
      // Room for the distances of the result, which the re-scoring takes over.
      float[] spare = new float[Math.multiplyExact(this.queries.size(), options.k())];
      Rescoring rescoring = new Rescoring(options);
      this.rescored = queries == base
          ? rescoring.graphInOrder(queries.ordered, positions, spare, this.queries.points())
          : rescoring.searchInOrder(base.ordered, queries.ordered, positions, spare,
              this.base.points(), this.queries.points());
    }

    TreeJoin.Rows rows() {
      RowHeaps heaps = new RowHeaps(queries.largestLeaf(), kept);
      Rescoring.InOrder.Worker rescore = rescored.worker();
      return new TreeJoin.Rows() {
        private int from;
        private int to;

        @Override
        public void begin(int from, int to) {
          this.from = from;
          this.to = to;
          heaps.reset(to - from);
          rescore.warm(from, to);
        }

        @Override
        public float threshold(int row) {
          return heaps.threshold(row - from);
        }

        @Override
        public void offer(int row, float value, int position) {
          heaps.offer(row - from, value, base.point(position), position);
        }

        @Override
        public void end() {
          for (int r = from; r < to; r++) {
            heaps.sortInto(r - from, positions, queries.point(r) * kept);
            rescore.row(r);
          }
        }
      };
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Memory follows the output, as in the exact engine: about 12 bytes per edge while collecting,
   * plus the CSR result.
   */
  @Override
  public SparseGraph radiusGraph(Vectors points, double radius) {
    InputChecks.radius(radius);
    checkMetric();
    InputChecks.rankable(points, options.metric(), "row");
    Indexed indexed = index(points);
    return new Rescoring(options).radius(points, withinRadius(indexed, indexed, radius), radius);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The radius graph's walk with a tree of the queries against the base's.
   */
  @Override
  public SparseGraph radiusSearch(Vectors base, Vectors queries, double radius) {
    InputChecks.radius(radius);
    checkMetric();
    InputChecks.sameDimension(base, queries);
    InputChecks.rankableSearch(base, queries, options.metric());
    List<EdgeBuffer> buffers = withinRadius(index(queries), index(base), radius);
    return new Rescoring(options).radiusSearch(base, queries, buffers, radius);
  }

  /**
   * The pairs (query point, base point) whose ranking value is within the radius plus a float32
   * margin, from the join of the two trees (the same tree in a self-join).
   */
  private List<EdgeBuffer> withinRadius(Indexed queries, Indexed base, double radius) {
    KdTree rowTree = queries.tree;
    KdTree columnTree = base.tree;
    float collect = Rescoring.collectLimit(options.metric(), radius);
    List<EdgeBuffer> buffers = Collections.synchronizedList(new ArrayList<>());
    join(queries, base).run(() -> {
      EdgeBuffer b = new EdgeBuffer();
      buffers.add(b);
      return new TreeJoin.Rows() {
        @Override
        public void begin(int from, int to) {}

        @Override
        public float threshold(int row) {
          return collect;
        }

        @Override
        public void offer(int row, float value, int position) {
          // Rows and candidates are tree positions; the radius graph's are points.
          b.offer(rowTree.point(row), value, columnTree.point(position));
        }

        @Override
        public void end() {}
      };
    }, options.threads(), options.progress());
    return buffers;
  }

  /**
   * The join of two trees, ranking pairs as the exact engine does: from the differences of the
   * vectors, squared ({@link Differences}, with the unit factors for cosine), or absolute and
   * summed in order (the manhattan kernels) or maximised (the chebyshev kernels). The last two,
   * and the squares where the kernels sum them in order, are the running sums the leaf scans
   * compute themselves.
   */
  private TreeJoin join(Indexed queries, Indexed base) {
    Metric metric = options.metric();
    int d = base.ordered.dimension();
    TreeJoin.Norm norm;
    TreeJoin.PairValue value = null;
    if (metric == Metric.MANHATTAN) {
      norm = TreeJoin.Norm.SUM;
    } else if (metric == Metric.CHEBYSHEV) {
      norm = TreeJoin.Norm.MAX;
    } else {
      norm = TreeJoin.Norm.SQUARES;
      // The tree's coordinates are those the exact engine's differences start from (the unit
      // vectors for cosine, scaled alike), so where its squared distances are a running float32
      // sum the scan's sums are its values, but for the integers it sums in double.
      Differences differences =
          new Differences(ops, queries.ordered, queries.unit, base.ordered, base.unit);
      if (!ops.runningSquares(d)) {
        value = (q, b, scan) -> differences.value(q, b);
      } else if ((metric == Metric.COSINE || reaches(queries.tree, base.tree, 0x1p24))
          && differences.sumsIntegersInDouble()) {
        value = differences::valueAfterRunningSum;
      }
    }
    return new TreeJoin(queries.tree, base.tree, norm, metric == Metric.COSINE ? 2f : 1f, value);
  }

  /**
   * Whether two points of the trees can be {@code squared} apart or more: the sum over the
   * coordinates of the squared extent of both root boxes together.
   */
  private static boolean reaches(KdTree queries, KdTree base, double squared) {
    double sum = 0;
    for (int c = 0; c < base.dimension(); c++) {
      double extent = (double) Math.max(queries.high()[c], base.high()[c])
          - Math.min(queries.low()[c], base.low()[c]);
      sum += extent * extent;
    }
    return sum >= squared;
  }

  private int leaf(Vectors points) {
    return leaf > 0 ? leaf : leafFor(points.dimension());
  }

  private void checkMetric() {
    if (!supports(options.metric())) {
      throw new InvalidInputException("the kdtree engine cannot rank by " + options.metric().id()
          + " (it needs a distance; use --algorithm exact)");
    }
  }

  /** Configures a {@link KdTreeEngine}. */
  public static final class Builder extends EngineBuilder<Builder> {
    private int leaf; // 0: leafFor(dimension)

    private Builder() {}

    /**
     * Sets the most points per leaf of the tree, instead of {@link #leafFor} (tests use tiny
     * leaves, so that small inputs make deep trees).
     *
     * @param leaf points per leaf, at least 1
     * @return this builder
     */
    public Builder leaf(int leaf) {
      if (leaf < 1) {
        throw new IllegalArgumentException("leaf size must be at least 1, got " + leaf);
      }
      this.leaf = leaf;
      return this;
    }

    /** @return the engine */
    public KdTreeEngine build() {
      return new KdTreeEngine(options, kernels(), leaf);
    }
  }
}
