package org.knng.approx;

import java.util.Locale;
import java.util.Objects;
import org.knng.InvalidInputException;
import org.knng.ProgressListener;
import org.knng.engine.EngineBuilder;
import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
import org.knng.tile.Screen;
import org.knng.vectors.Vectors;

/**
 * Locality-sensitive hashing: several hash tables ({@link HashBuckets}: random-hyperplane signs
 * for cosine and inner product, p-stable cells for the other metrics), each bucket joined with
 * itself as a dense block of SIMD tiles, the nearest {@code k} of each point's bucket mates kept
 * and re-scored exactly. Buckets are capped (a larger one is split by a random-projection tree),
 * so skewed data and duplicates cannot blow up one join. The same seed gives the same graph
 * whatever the thread count; rows have the exact engine's semantics (no self, no repeated id,
 * (distance, id) order, double-precision distances).
 *
 * <p>LSH needs many tables for a high recall, each a pass over all points; NN-Descent, which
 * follows neighbours of neighbours, usually gets there sooner (README, "Approximate graphs"). A
 * target recall adds tables (doubling them) until the estimate reaches it.
 *
 * <pre>{@code
 * LshEngine engine = LshEngine.builder().metric(Metric.COSINE).k(10).tables(16).build();
 * KnnResult graph = engine.graph(points);
 * }</pre>
 */
public final class LshEngine implements KnnEngine {
  /** Tables when none are given. */
  public static final int DEFAULT_TABLES = 12;
  /** The most tables a target recall may ask for before the exact engine is used instead. */
  public static final int MAX_TABLES = 96;

  private final KnnOptions options;
  private final VectorOps ops;
  private final int tables;
  private final int sampleRows;
  private final int exactBelow;

  private LshEngine(KnnOptions options, VectorOps ops, int tables, int sampleRows, int exactBelow) {
    this.options = options;
    this.ops = ops;
    this.tables = tables;
    this.sampleRows = sampleRows;
    this.exactBelow = exactBelow;
  }

  /** @return a builder with the default options and {@value #DEFAULT_TABLES} tables */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @param options the shared options (seed and target recall included)
   * @return the engine with the default tables
   */
  public static LshEngine create(KnnOptions options) {
    return builder().options(options).build();
  }

  @Override
  public KnnOptions options() {
    return options;
  }

  @Override
  public LshEngine with(KnnOptions options) {
    return new LshEngine(Objects.requireNonNull(options, "options"), ops, tables, sampleRows, exactBelow);
  }

  @Override
  public String name() {
    return "lsh";
  }

  /** @return hash tables of a build without a target recall */
  public int tables() {
    return tables;
  }

  @Override
  public KnnResult graph(Vectors points) {
    Approximation approximation = new Approximation(name(), options, ops, points);
    int n = points.size();
    int kept = approximation.kept();
    // Leaves (buckets) of more than 2 k points; small inputs are faster exactly.
    KnnResult exact = approximation.exactInstead(
        Math.max(NnDescentEngine.fromPoints(exactBelow, kept), 4 * kept + 4));
    if (exact != null) {
      return exact;
    }
    int cap = bucketCap(kept);
    Screen screen = approximation.screen(cap);
    exact = approximation.sampled(sampleRows);
    if (exact != null) {
      return exact;
    }
    Metric metric = options.metric();
    boolean angular = metric == Metric.COSINE || metric == Metric.INNER_PRODUCT;
    int functions = angular ? Math.max(1, 31 - Integer.numberOfLeadingZeros(Math.max(1, n / cap))) : 4;
    HashBuckets hashing = new HashBuckets(ops, screen.rows(), angular, functions, cap);
    NeighborLists lists = new NeighborLists(n, kept);
    Updates updates = new Updates(ops, screen, options.threads(), NnDescent.BUDGET);
    ProgressListener progress = options.progress();
    int[] built = {0};
    long began = System.nanoTime();
    joinTables(lists, updates, hashing, 0, tables, n, cap);
    built[0] = tables;
    progress.note(String.format(Locale.ROOT, "lsh: %d tables of %d %s functions, buckets of at most %d,"
        + " in %.2f s", tables, functions, angular ? "hyperplane" : "p-stable", cap,
        (System.nanoTime() - began) / 1e9));
    KnnResult first = approximation.result(lists);
    // Each raise doubles the tables.
    return approximation.measured(first, (step, estimate) -> {
      int more = Math.min(MAX_TABLES + 1, built[0] * 2);
      if (more > MAX_TABLES) {
        return null;
      }
      joinTables(lists, updates, hashing, built[0], more, n, cap);
      built[0] = more;
      progress.note("lsh: " + more + " tables");
      return lists;
    });
  }

  /** Buckets of a few times k: big enough to hold a neighbourhood, small enough to be cheap. */
  private static int bucketCap(int kept) {
    return Math.max(64, 4 * kept);
  }

  private void joinTables(NeighborLists lists, Updates updates, HashBuckets hashing, int from, int to,
      int n, int cap) {
    Partitions.join(lists, updates, n, to - from, cap, lists.k(), HashBuckets.startsLength(n),
        options.threads(),
        (t, order, starts) -> hashing.buckets(NnDescent.mix(options.seed(), from + t, 0x15a1L), order, starts),
        () -> false);
  }

  /** {@inheritDoc} The exact engine's: LSH builds graphs of one set. */
  @Override
  public KnnResult search(Vectors base, Vectors queries) {
    return BruteForceEngine.create(options).search(base, queries);
  }

  /** {@inheritDoc} The exact engine's. */
  @Override
  public SparseGraph radiusGraph(Vectors points, double radius) {
    return BruteForceEngine.create(options).radiusGraph(points, radius);
  }

  /** Searches exactly, with the exact engine. */
  @Override
  public SparseGraph radiusSearch(Vectors base, Vectors queries, double radius) {
    return BruteForceEngine.create(options).radiusSearch(base, queries, radius);
  }

  /** Configures an {@link LshEngine}. */
  public static final class Builder extends EngineBuilder<Builder> {
    private int tables = DEFAULT_TABLES;
    private int sampleRows = NnDescentEngine.SAMPLE_ROWS;
    private int exactBelow = NnDescentEngine.EXACT_BELOW;

    private Builder() {}

    /**
     * @param tables hash tables, 1 to {@value #MAX_TABLES} (default {@value #DEFAULT_TABLES})
     * @return this builder
     * @throws InvalidInputException if out of range
     */
    public Builder tables(int tables) {
      if (tables < 1 || tables > MAX_TABLES) {
        throw new InvalidInputException("tables must be between 1 and " + MAX_TABLES + ", got " + tables);
      }
      this.tables = tables;
      return this;
    }

    /**
     * @param rows rows of the recall estimate (default {@value NnDescentEngine#SAMPLE_ROWS}); 0
     *     for none
     * @return this builder
     */
    public Builder sampleRows(int rows) {
      if (rows < 0) {
        throw new InvalidInputException("sample rows must be at least 0, got " + rows);
      }
      this.sampleRows = rows;
      return this;
    }

    /** Lowers the size below which the exact engine is used (tests). */
    Builder exactBelow(int points) {
      this.exactBelow = points;
      return this;
    }

    /** @return the engine */
    public LshEngine build() {
      return new LshEngine(options, kernels(), tables, sampleRows,
          exactBelow);
    }
  }
}
