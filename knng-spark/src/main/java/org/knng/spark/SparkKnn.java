package org.knng.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.knng.InvalidInputException;
import org.knng.engine.InputChecks;
import org.knng.engine.KnnOptions;
import org.knng.exact.PartialRow;
import org.knng.exact.SplitJoin;
import org.knng.graph.EdgeWeights;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import scala.Tuple2;

/**
 * The exact k-nearest-neighbour graph of a Spark table, equal to the core's exact engine on the
 * same points bit for bit: each point's k nearest other points by id (self excluded by id, ties
 * to the smaller id, distances in the metric's units re-computed in double precision).
 *
 * <p>The job: the rows are checked (one line naming the id and column at fault) and counted; they
 * are dealt into B blocks by a hash of the id, each block sorted by id; every block is joined with
 * itself and every unordered pair of blocks once, one task per pair running the core's tiles
 * ({@link SplitJoin}); each point's candidate lists from its B tasks are merged by key
 * ({@link PartialRow}, in any order, with the core's (value, id) order) and finished. Tasks are
 * deterministic, so a retried task or a lost executor changes nothing. Data moved: B copies of the
 * vectors to the tasks, and {@code N x B x k} candidates (16 bytes each) to the merge.
 *
 * <pre>{@code
 * Dataset<Row> points = spark.read().parquet("vectors.parquet");   // id: long, vector: array<float>
 * Dataset<Row> edges = SparkKnn.builder().k(10).metric(Metric.COSINE).build().edges(points);
 * edges.write().parquet("graph.parquet");                          // src, dst, distance, weight
 * }</pre>
 */
public final class SparkKnn implements Serializable {
  private static final long serialVersionUID = 1L;
  /** A block's vectors stay under this many bytes (a task holds two, and a copy of both). */
  static final long BLOCK_BYTES = 64L << 20;

  private final int k;
  private final Metric metric;
  private final boolean includeSelf;
  private final String idColumn;
  private final String vectorColumn;
  private final int blocks;
  private final int threadsPerTask;
  private final GraphMode mode;
  private final double sigma;
  private final boolean failFirstAttempts;

  private SparkKnn(Builder b) {
    this.k = b.k;
    this.metric = b.metric;
    this.includeSelf = b.includeSelf;
    this.idColumn = b.idColumn;
    this.vectorColumn = b.vectorColumn;
    this.blocks = b.blocks;
    this.threadsPerTask = b.threadsPerTask;
    this.mode = b.mode;
    this.sigma = b.sigma;
    this.failFirstAttempts = b.failFirstAttempts;
  }

  /** @return a builder: k 10, euclidean, self excluded, columns {@code id} and {@code vector} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Each point's row: {@code id} (long), {@code neighbors} ({@code array<long>}, sorted by
   * (distance, id), the point first under include-self) and {@code distances} ({@code
   * array<float>}, in the metric's units). Only real neighbours are listed (no {@code -1}).
   *
   * @param points a table with the id and vector columns
   * @return one row per point
   * @throws InvalidInputException for a missing or mistyped column, a null, ragged, NaN or
   *     infinite vector, a duplicate or null id, or k out of range
   */
  public Dataset<Row> neighbors(Dataset<Row> points) {
    return neighbors(graph(points));
  }

  /**
   * The table of {@link #neighbors(Dataset)} from the job's rows.
   *
   * @param graph the graph of {@link #graph}
   * @return one row per point
   */
  public Dataset<Row> neighbors(SparkGraph graph) {
    JavaRDD<Row> table = graph.rows().map(t -> {
      Neighbors n = t._2();
      int c = n.count();
      Long[] ids = new Long[c];
      Float[] dist = new Float[c];
      for (int s = 0; s < c; s++) {
        ids[s] = n.id(s);
        dist[s] = n.distance(s);
      }
      return RowFactory.create(t._1(), ids, dist);
    });
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("neighbors", DataTypes.createArrayType(DataTypes.LongType, false), false)
        .add("distances", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    return SparkSession.active().createDataFrame(table, schema);
  }

  /**
   * The graph as weighted edges {@code src, dst} (long), {@code distance} and {@code weight}
   * (float), one per listed neighbour, weighted as the builder's {@link GraphMode} says (the core's
   * {@link EdgeWeights}, row by row).
   *
   * @param points a table with the id and vector columns
   * @return the edges
   * @throws InvalidInputException as {@link #neighbors}
   */
  public Dataset<Row> edges(Dataset<Row> points) {
    return edges(graph(points));
  }

  /**
   * The table of {@link #edges(Dataset)} from the job's rows.
   *
   * @param graph the graph of {@link #graph}
   * @return the edges
   */
  public Dataset<Row> edges(SparkGraph graph) {
    JavaRDD<Row> table = graph.rows().flatMap(t -> weighted(t._1(), t._2()).iterator());
    StructType schema = new StructType()
        .add("src", DataTypes.LongType, false)
        .add("dst", DataTypes.LongType, false)
        .add("distance", DataTypes.FloatType, false)
        .add("weight", DataTypes.FloatType, false);
    return SparkSession.active().createDataFrame(table, schema);
  }

  /** One point's edges, weighted by the core on a one-row result (column 0 is the point itself). */
  private List<Row> weighted(long id, Neighbors n) {
    int c = n.count();
    int[] slots = new int[k];
    float[] dist = new float[k];
    for (int s = 0; s < k; s++) {
      slots[s] = s < c ? (includeSelf && s == 0 ? 0 : s + 1) : -1;
      dist[s] = n.distance(s);
    }
    KnnResult one = new KnnResult(1, k + 1, k, slots, dist, metric, includeSelf);
    SparseGraph g = weights().apply(one);
    List<Row> out = new ArrayList<>(c);
    for (int s = 0; s < c; s++) {
      out.add(RowFactory.create(id, n.id(s), n.distance(s), g.weight(0, slots[s])));
    }
    return out;
  }

  private EdgeWeights weights() {
    return mode == GraphMode.GAUSSIAN ? EdgeWeights.gaussian(sigma) : EdgeWeights.of(mode);
  }

  /**
   * The job for a table: the input is checked and counted now, the graph's rows are computed when
   * an action needs them (one finished row per id, see {@link Neighbors}).
   *
   * @param points a table with the id and vector columns
   * @return the graph
   * @throws InvalidInputException as {@link #neighbors}
   */
  public SparkGraph graph(Dataset<Row> points) {
    return graph(InputColumns.read(points, idColumn, vectorColumn));
  }

  /**
   * Vectors held on the driver as (row number, vector) pairs, in slices of about 4 MB: how the
   * command line hands a file it has read to the job.
   *
   * @param spark the session
   * @param points the vectors; row {@code i} gets id {@code i}
   * @return (id, vector) pairs
   */
  public static JavaPairRDD<Long, float[]> pairs(SparkSession spark, org.knng.vectors.Vectors points) {
    int n = points.size();
    int d = points.dimension();
    int slice = Math.max(1, (4 << 20) / (4 * d));
    List<Tuple2<Long, float[]>> slices = new ArrayList<>();
    for (int from = 0; from < n; from += slice) {
      int to = Math.min(n, from + slice);
      slices.add(new Tuple2<>((long) from, Arrays.copyOfRange(points.data(), from * d, to * d)));
    }
    int partitions = Math.max(1, Math.min(slices.size(), spark.sparkContext().defaultParallelism() * 4));
    return new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext())
        .parallelize(slices, partitions).flatMapToPair(t -> {
          int rows = t._2().length / d;
          List<Tuple2<Long, float[]>> out = new ArrayList<>(rows);
          for (int r = 0; r < rows; r++) {
            out.add(new Tuple2<>(t._1() + r, Arrays.copyOfRange(t._2(), r * d, (r + 1) * d)));
          }
          return out.iterator();
        });
  }

  /**
   * The job for (id, vector) pairs, for callers that hold their vectors as pairs (the command line
   * reads files into them); see {@link #graph(Dataset)}.
   *
   * @param points (id, vector) pairs
   * @return the graph
   * @throws InvalidInputException as {@link #neighbors}
   */
  public SparkGraph graph(JavaPairRDD<Long, float[]> points) {
    try {
      return run(points);
    } catch (SparkException e) {
      throw unwrap(e);
    }
  }

  private SparkGraph run(JavaPairRDD<Long, float[]> points) throws SparkException {
    Tuple2<Long, float[]> first = guard(points::first);
    int d = first._2().length;
    if (d == 0) {
      throw new InvalidInputException("id " + first._1() + ": the vector is empty");
    }
    Metric m = metric;
    JavaPairRDD<Long, float[]> checked = points.mapToPair(p -> {
      if (p._2().length != d) {
        throw new InvalidInputException("id " + p._1() + " has " + p._2().length
            + " values, expected " + d + " (as id " + first._1() + ")");
      }
      InputChecks.rankableRow(p._2(), m, "id " + p._1());
      return p;
    });
    long n = guard(checked::count);
    // Ids must be unique: checked now, on the ids alone, so that the error comes from this call
    // and not from whichever action first runs the lazy join.
    long distinct = guard(() -> checked.keys().distinct().count());
    if (distinct != n) {
      long dup = guard(() -> checked.keys().mapToPair(id -> new Tuple2<>(id, 1))
          .reduceByKey(Integer::sum).filter(t -> t._2() > 1).keys().min(java.util.Comparator.naturalOrder()));
      throw new InvalidInputException("duplicate id " + dup
          + ": every point needs its own id (the graph is keyed by id)");
    }
    int kept = includeSelf ? k - 1 : k;
    if (k < 1 || kept >= n) {
      throw new InvalidInputException("k = " + k + " is out of range for " + n + " points: need 1 <= k "
          + (includeSelf ? "<= N" : "< N") + (includeSelf ? "" : " (a point is not its own neighbour)"));
    }
    int parallelism = points.context().defaultParallelism();
    int b = blocksFor(n, d, parallelism);
    JavaRDD<Block> blockRdd = checked.partitionBy(new BlockPartitioner(b))
        .mapPartitionsWithIndex((i, it) -> Collections.singletonList(Block.of(i, it, d)).iterator(), true)
        .filter(block -> block.size() > 0);
    int pieces = b * (b + 1) / 2;
    JavaPairRDD<Integer, Block> routed = blockRdd.flatMapToPair(block -> {
      List<Tuple2<Integer, Block>> out = new ArrayList<>(b);
      for (int other = 0; other < b; other++) {
        out.add(new Tuple2<>(piece(Math.min(block.index, other), Math.max(block.index, other), b), block));
      }
      return out.iterator();
    }).partitionBy(new PiecePartitioner(pieces));
    JavaPairRDD<Long, PartialRow> partial = routed.mapPartitionsToPair(it -> join(it, b));
    int outPartitions = Math.max(parallelism, b);
    JavaPairRDD<Long, Neighbors> rows = partial.reduceByKey((x, y) -> x.merge(y, kept), outPartitions).mapToPair(t -> {
      long[] ids = new long[k];
      float[] dist = new float[k];
      int count = t._2().finish(t._1(), includeSelf, k, ids, dist, 0);
      return new Tuple2<>(t._1(), new Neighbors(ids, dist, count));
    });
    return new SparkGraph(rows, n, d, b);
  }

  /** The blocks the job deals {@code n} points into: the builder's count, or the automatic one. */
  private int blocksFor(long n, int d, int parallelism) {
    return blocks > 0 ? (int) Math.min(blocks, n) : blockCount(n, d, parallelism);
  }

  /**
   * The job's rows gathered on the driver as the core's result, for points whose ids are {@code 0
   * .. N-1} (as when read from a file): what the file writers take.
   *
   * @param graph the graph of {@link #graph}
   * @return the {@code N x k} result
   * @throws InvalidInputException if the ids are not {@code 0 .. N-1}
   */
  public KnnResult collect(SparkGraph graph) {
    List<Tuple2<Long, Neighbors>> all;
    try {
      all = graph.rows().collect();
    } catch (RuntimeException e) {
      throw unwrap(e);
    }
    int n = all.size();
    int[] ids = new int[Math.multiplyExact(n, k)];
    float[] dist = new float[ids.length];
    boolean[] seen = new boolean[n];
    for (Tuple2<Long, Neighbors> t : all) {
      long id = t._1();
      if (id < 0 || id >= n || seen[(int) id]) {
        throw new InvalidInputException("id " + id + ": file outputs need ids 0 .. N-1 (N = " + n
            + "); write Parquet to keep other ids");
      }
      seen[(int) id] = true;
      Neighbors nb = t._2();
      for (int s = 0; s < k; s++) {
        ids[(int) id * k + s] = s < nb.count() ? (int) nb.id(s) : -1;
        dist[(int) id * k + s] = nb.distance(s);
      }
    }
    return new KnnResult(n, n, k, ids, dist, metric, includeSelf);
  }

  /** One task: the piece of the join its blocks make, each of their rows' candidates by id. */
  private Iterator<Tuple2<Long, PartialRow>> join(Iterator<Tuple2<Integer, Block>> in, int b) {
    List<Block> parts = new ArrayList<>(2);
    int piece = -1;
    while (in.hasNext()) {
      Tuple2<Integer, Block> t = in.next();
      piece = t._1();
      parts.add(t._2());
    }
    if (parts.isEmpty()) {
      return Collections.emptyIterator();
    }
    if (failFirstAttempts && TaskContext.get().attemptNumber() == 0) {
      throw new IllegalStateException("knng test: the first attempt of every join task fails");
    }
    parts.sort((x, y) -> Integer.compare(x.index, y.index));
    SplitJoin split = SplitJoin.create(KnnOptions.defaults().withMetric(metric).withK(k)
        .withIncludeSelf(includeSelf).withThreads(threadsPerTask));
    Block a = parts.get(0);
    boolean diagonal = parts.size() == 1;
    if (diagonal && piece != piece(a.index, a.index, b)) {
      return Collections.emptyIterator(); // the other block of this pair is empty
    }
    long[] idOf = diagonal ? a.ids : a.idsWith(parts.get(1));
    SplitJoin.Lists lists = diagonal ? split.within(a.vectors())
        : split.between(a.vectors(), parts.get(1).vectors());
    List<Tuple2<Long, PartialRow>> out = new ArrayList<>(lists.rows);
    for (int r = 0; r < lists.rows; r++) {
      out.add(new Tuple2<>(idOf[r], PartialRow.of(lists, r, idOf)));
    }
    return out.iterator();
  }

  /** The number of the piece of blocks {@code a <= b} of {@code n}: row by row of the triangle. */
  static int piece(int a, int b, int n) {
    return a * n - a * (a - 1) / 2 + (b - a);
  }

  /**
   * Blocks for {@code n} points of dimension {@code d}: each under {@link #BLOCK_BYTES}, and at
   * least enough for every slot to have three pieces to choose from.
   */
  static int blockCount(long n, int d, int parallelism) {
    long byMemory = (n * d * 4 + BLOCK_BYTES - 1) / BLOCK_BYTES;
    int byParallelism = 1;
    while (byParallelism * (byParallelism + 1) / 2 < 3 * parallelism) {
      byParallelism++;
    }
    return (int) Math.max(1, Math.min(n, Math.max(byMemory, byParallelism)));
  }

  private static <T> T guard(java.util.concurrent.Callable<T> job) throws SparkException {
    try {
      return job.call();
    } catch (SparkException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The input error inside a failed job, as the one-line error it is; anything else is a bug or
   * a cluster failure and stays what it is.
   *
   * @param e what an action threw
   * @return the {@link InvalidInputException} it carries, or {@code e} itself
   */
  public static RuntimeException unwrap(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof InvalidInputException) {
        return new InvalidInputException(c.getMessage());
      }
    }
    return e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
  }

  /** Deals ids into blocks by a mix of their bits, so that any id pattern spreads evenly. */
  static final class BlockPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int blocks;

    BlockPartitioner(int blocks) {
      this.blocks = blocks;
    }

    @Override
    public int numPartitions() {
      return blocks;
    }

    @Override
    public int getPartition(Object key) {
      long x = (Long) key;
      x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
      x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
      return (int) Math.floorMod(x ^ (x >>> 33), (long) blocks);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BlockPartitioner && ((BlockPartitioner) o).blocks == blocks;
    }

    @Override
    public int hashCode() {
      return blocks;
    }
  }

  /** Sends piece {@code p} to partition {@code p}: one task per piece. */
  static final class PiecePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int pieces;

    PiecePartitioner(int pieces) {
      this.pieces = pieces;
    }

    @Override
    public int numPartitions() {
      return pieces;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PiecePartitioner && ((PiecePartitioner) o).pieces == pieces;
    }

    @Override
    public int hashCode() {
      return pieces;
    }
  }

  /** Configures a {@link SparkKnn}. */
  public static final class Builder {
    private int k = 10;
    private Metric metric = Metric.EUCLIDEAN;
    private boolean includeSelf;
    private String idColumn = "id";
    private String vectorColumn = "vector";
    private int blocks;
    private int threadsPerTask = 1;
    private GraphMode mode = GraphMode.DISTANCE;
    private double sigma = Double.NaN;
    private boolean failFirstAttempts;

    private Builder() {}

    /** @param k neighbours per point, at least 1 @return this */
    public Builder k(int k) {
      this.k = k;
      return this;
    }

    /** @param metric the metric @return this */
    public Builder metric(Metric metric) {
      this.metric = Objects.requireNonNull(metric, "metric");
      return this;
    }

    /** @param includeSelf whether each point is its own first neighbour @return this */
    public Builder includeSelf(boolean includeSelf) {
      this.includeSelf = includeSelf;
      return this;
    }

    /** @param name the id column (integers, unique) @return this */
    public Builder idColumn(String name) {
      this.idColumn = Objects.requireNonNull(name, "name");
      return this;
    }

    /** @param name the vector column (numeric array or ML Vector) @return this */
    public Builder vectorColumn(String name) {
      this.vectorColumn = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * @param blocks how many blocks the points are dealt into ({@code blocks (blocks + 1) / 2}
     *     tasks); 0 (the default) chooses from the data's size and the cluster's parallelism
     * @return this
     */
    public Builder blocks(int blocks) {
      if (blocks < 0) {
        throw new InvalidInputException("blocks must be 0 (automatic) or more, got " + blocks);
      }
      this.blocks = blocks;
      return this;
    }

    /**
     * @param threads threads each task runs the core on (match {@code spark.task.cpus}); default 1
     * @return this
     */
    public Builder threadsPerTask(int threads) {
      if (threads < 1) {
        throw new InvalidInputException("threads per task must be at least 1, got " + threads);
      }
      this.threadsPerTask = threads;
      return this;
    }

    /**
     * @param mode how {@link #edges} weighs an edge: connectivity, distance (the default),
     *     gaussian (with {@link #sigma}) or umap; self-tuning needs every neighbour's scale and is
     *     refused here
     * @return this
     */
    public Builder mode(GraphMode mode) {
      if (mode == GraphMode.SELF_TUNING) {
        throw new InvalidInputException("mode self-tuning is not available on Spark yet (it needs "
            + "each neighbour's scale); use connectivity, distance, gaussian or umap");
      }
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** @param sigma the gaussian kernel's width, finite and &gt; 0 @return this */
    public Builder sigma(double sigma) {
      this.sigma = sigma;
      return this;
    }

    /** Test hook: the first attempt of every join task throws (retries must change nothing). */
    Builder failFirstAttempts(boolean fail) {
      this.failFirstAttempts = fail;
      return this;
    }

    /** @return the job */
    public SparkKnn build() {
      if (k < 1) {
        throw new InvalidInputException("k must be at least 1, got " + k);
      }
      if (mode == GraphMode.GAUSSIAN) {
        EdgeWeights.gaussian(sigma); // checks sigma
      }
      return new SparkKnn(this);
    }
  }
}
