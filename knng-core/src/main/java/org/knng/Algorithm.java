package org.knng;

import org.knng.approx.LshEngine;
import org.knng.approx.NnDescentEngine;
import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.kdtree.KdTreeEngine;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.vectors.Vectors;

/**
 * The engines knng has, by the name the command line uses ({@code --algorithm}), each able to make
 * its {@link KnnEngine} from the shared {@link KnnOptions}. The facade, the command line and the
 * Spark module choose engines here and use them only through {@link KnnEngine}.
 */
public enum Algorithm implements Named {
  /**
   * The engine that fits the data ({@link #choose}): exact below {@link #APPROXIMATE_FROM} points
   * or when the target recall is 1, NN-Descent with a target recall of {@link #AUTO_RECALL}
   * (unless another is given) above.
   */
  AUTO("auto") {
    @Override
    public KnnEngine engine(KnnOptions options) {
      return new Auto(options);
    }
  },
  /** Every pair compared ({@link BruteForceEngine}): exact, and the reference for the others. */
  EXACT("exact") {
    @Override
    public KnnEngine engine(KnnOptions options) {
      return BruteForceEngine.create(options);
    }
  },
  /**
   * A kd-tree ({@link KdTreeEngine}): exact, the same output as {@link #EXACT}, and far faster in
   * low dimensions (point clouds); every metric but the inner product ({@link
   * KdTreeEngine#supports}).
   */
  KDTREE("kdtree") {
    @Override
    public KnnEngine engine(KnnOptions options) {
      return KdTreeEngine.create(options);
    }
  },
  /** NN-Descent over a random-projection forest ({@link NnDescentEngine}): approximate, for large N. */
  NNDESCENT("nndescent") {
    @Override
    public KnnEngine engine(KnnOptions options) {
      return NnDescentEngine.create(options);
    }
  },
  /**
   * Locality-sensitive hashing ({@link LshEngine}): approximate; usually slower than NN-Descent for
   * the same recall, offered for comparison and for data where it wins.
   */
  LSH("lsh") {
    @Override
    public KnnEngine engine(KnnOptions options) {
      return LshEngine.create(options);
    }
  };

  /**
   * From this many points on, {@link #AUTO} builds graphs of k = 10 with NN-Descent: below, the
   * exact engine is about as fast (measured on Fashion-MNIST and random data with 2 threads). For
   * a larger k the size grows ({@link NnDescentEngine#fromPoints}: 592,233 points at k = 30).
   */
  public static final int APPROXIMATE_FROM = 150_000;
  /**
   * Up to this dimension {@link #AUTO} builds exact graphs with the kd-tree (for the metrics it
   * supports); above, the tree prunes too little and the exact engine's SIMD tiles are faster.
   * Measured on uniform data, the tree's worst case (whole process, 2 threads,
   * {@code bench/lowdim.py --sweep}): at 8 dimensions the exact engine took 0.91x the tree's time
   * for 50,000 points and 1.70x for 200,000 (the tree gains with N); at 10 dimensions 0.66x and
   * 0.85x.
   */
  public static final int TREE_DIMENSIONS = 8;
  /** The recall {@link #AUTO} asks of an approximate engine when the options name none. */
  public static final double AUTO_RECALL = 0.99;

  private final String id;

  Algorithm(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * @param options the shared options
   * @return an engine of this algorithm
   */
  public abstract KnnEngine engine(KnnOptions options);

  /**
   * The engine {@link #AUTO} uses for a graph of {@code n} points of dimension {@code dimension}:
   * {@link #KDTREE} for low dimensions ({@link #treePays}); else {@link #EXACT} below {@link
   * #APPROXIMATE_FROM} points (more for k above 10: {@link NnDescentEngine#fromPoints}) or for a
   * target recall of 1, else {@link #NNDESCENT}. {@link #NNDESCENT} and {@link #LSH} are {@link
   * #EXACT} where their engines hand the graph to it (below {@link NnDescentEngine#EXACT_BELOW}
   * points, again more for a larger k, or for a target recall of 1), so that what runs is named
   * and planned as what it is. Any other algorithm is itself.
   *
   * @param options the options (the metric, k, include-self and the target recall count)
   * @param n the number of points
   * @param dimension values per point
   * @return a concrete algorithm
   */
  public Algorithm choose(KnnOptions options, int n, int dimension) {
    int kept = options.includeSelf() ? options.k() - 1 : options.k();
    if (this == NNDESCENT || this == LSH) {
      // k = 1 with include-self: nothing to find but the point itself, which the engines hand over.
      return n < NnDescentEngine.fromPoints(NnDescentEngine.EXACT_BELOW, kept) || kept == 0
          || options.targetRecall() == 1 ? EXACT : this;
    }
    if (this != AUTO) {
      return this;
    }
    if (treePays(options, dimension)) {
      return KDTREE;
    }
    return n < NnDescentEngine.fromPoints(APPROXIMATE_FROM, kept) || kept == 0
        || options.targetRecall() == 1 ? EXACT : NNDESCENT;
  }

  /**
   * The engine that runs a search (queries against a base) or a radius graph: {@link #KDTREE} when
   * it is forced, or chosen by {@link #AUTO} for low dimensions; {@link #EXACT} otherwise (the
   * approximate engines hand these to it).
   *
   * @param options the options (the metric counts)
   * @param dimension values per point
   * @return {@link #KDTREE} or {@link #EXACT}
   */
  public Algorithm chooseExact(KnnOptions options, int dimension) {
    return this == KDTREE || (this == AUTO && treePays(options, dimension)) ? KDTREE : EXACT;
  }

  /**
   * Whether {@link #AUTO} takes the tree engine: for the metrics it supports, up to {@link
   * #TREE_DIMENSIONS} dimensions.
   */
  private static boolean treePays(KnnOptions options, int dimension) {
    return KdTreeEngine.supports(options.metric()) && dimension <= TREE_DIMENSIONS;
  }

  /**
   * @param name an algorithm name, e.g. {@code exact} (case-insensitive)
   * @return the algorithm
   * @throws InvalidInputException naming the valid choices if there is no such algorithm
   */
  public static Algorithm parse(String name) {
    return Named.parse(values(), name, "algorithm");
  }

  /** {@link #AUTO}'s engine: chooses per graph, search and radius graph. */
  private static final class Auto implements KnnEngine {
    private final KnnOptions options;

    Auto(KnnOptions options) {
      this.options = options;
    }

    @Override
    public KnnOptions options() {
      return options;
    }

    @Override
    public KnnEngine with(KnnOptions options) {
      return new Auto(options);
    }

    @Override
    public String name() {
      return AUTO.id;
    }

    @Override
    public KnnResult graph(Vectors points) {
      Algorithm chosen = AUTO.choose(options, points.size(), points.dimension());
      options.progress().note("auto: " + chosen.id + " for " + points.size() + " points");
      KnnOptions target = chosen != EXACT && Double.isNaN(options.targetRecall())
          ? options.withTargetRecall(AUTO_RECALL) : options;
      return chosen.engine(target).graph(points);
    }

    @Override
    public KnnResult search(Vectors base, Vectors queries) {
      return AUTO.chooseExact(options, base.dimension()).engine(options).search(base, queries);
    }

    @Override
    public SparseGraph radiusGraph(Vectors points, double radius) {
      return AUTO.chooseExact(options, points.dimension()).engine(options).radiusGraph(points, radius);
    }

    @Override
    public SparseGraph radiusSearch(Vectors base, Vectors queries, double radius) {
      return AUTO.chooseExact(options, base.dimension()).engine(options)
          .radiusSearch(base, queries, radius);
    }
  }
}
