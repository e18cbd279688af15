package org.knng.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.knng.Algorithm;
import org.knng.InvalidInputException;
import org.knng.ProgressListener;
import org.knng.engine.InputChecks;
import org.knng.engine.KnnOptions;
import org.knng.exact.PartialRow;
import org.knng.exact.SplitJoin;
import org.knng.graph.EdgeWeights;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.graph.Symmetrization;
import org.knng.metric.Metric;
import scala.Tuple2;

/**
 * The exact k-nearest-neighbour graph of a Spark table, equal to the core's exact engine on the
 * same points bit for bit: each point's k nearest other points by id (self excluded by id, ties
 * to the smaller id, distances in the metric's units re-computed in double precision).
 *
 * <p>The job: the rows are checked (one line naming the id and column at fault) and counted; they
 * are dealt into B blocks of near points ({@link SpatialBlocks}), each block sorted by id; each
 * block is joined with itself ({@link SplitJoin#within}, which also gives every row its limit),
 * then every unordered pair of blocks once ({@link BlockPairs}, {@link SplitJoin#between} within
 * the limits); each point's lists are merged by key ({@link PartialRow}, in any order, with the
 * core's (value, id) order) and finished. Tasks are deterministic, so a retried task or a lost
 * executor changes nothing. Data moved: each block to the B tasks that join it (from the cached
 * blocks, not the shuffle), and at most {@code N x B} candidate lists to the merge.
 *
 * <pre>{@code
 * Dataset<Row> points = spark.read().parquet("vectors.parquet");   // id: long, vector: array<float>
 * Dataset<Row> edges = SparkKnn.builder().k(10).metric(Metric.COSINE).build().edges(points);
 * edges.write().parquet("graph.parquet");                          // src, dst, distance, weight
 * }</pre>
 */
public final class SparkKnn implements Serializable {
  private static final long serialVersionUID = 1L;
  /**
   * A block's vectors take at most this share of a task's memory: a task holds two blocks, a copy
   * of both side by side and their candidate lists (about 5 blocks); the rest is Spark's.
   */
  private static final int BLOCKS_PER_TASK_MEMORY = 8;
  /** The most vector bytes of one slice of driver-held points sent to a cluster. */
  private static final long SLICE_BYTES = 16L << 20;
  /** Points sampled to fit the tree that deals points into blocks. */
  private static final int SAMPLE = 4096;
  private static final long SEED = 42;

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
  private final Symmetrization symmetrize;
  private final Algorithm algorithm;
  private final double targetRecall;
  /** Notes of the job's steps, on the driver (not sent to the executors). */
  private final transient ProgressListener progress;

  private SparkKnn(Builder b) {
    this.algorithm = b.algorithm;
    this.targetRecall = b.targetRecall;
    this.symmetrize = b.symmetrize;
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
    this.progress = b.progress;
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
    if (symmetrize != Symmetrization.NONE) {
      table = symmetrized(table);
    }
    StructType schema = new StructType()
        .add("src", DataTypes.LongType, false)
        .add("dst", DataTypes.LongType, false)
        .add("distance", DataTypes.FloatType, false)
        .add("weight", DataTypes.FloatType, false);
    return SparkSession.active().createDataFrame(table, schema);
  }

  /**
   * Each edge combined with its transpose as the core's {@link Symmetrization} does (the same
   * double-precision formulas), on {@code A ∪ Aᵀ} or {@code A ∩ Aᵀ}: both directions of a pair
   * meet under one key, {@code A[i][j]} in slot 0 and {@code A[j][i]} in slot 1.
   */
  private JavaRDD<Row> symmetrized(JavaRDD<Row> edges) {
    Symmetrization mode = symmetrize;
    return edges.flatMapToPair(e -> {
      long src = e.getLong(0);
      long dst = e.getLong(1);
      float d = e.getFloat(2);
      float w = e.getFloat(3);
      return List.of(new Tuple2<>(new Tuple2<>(src, dst), new float[] {w, Float.NaN, d}),
          new Tuple2<>(new Tuple2<>(dst, src), new float[] {Float.NaN, w, d})).iterator();
    }).reduceByKey((x, y) -> new float[] {Float.isNaN(x[0]) ? y[0] : x[0],
        Float.isNaN(x[1]) ? y[1] : x[1], x[2]})
        .flatMap(t -> {
          float[] v = t._2();
          boolean a = !Float.isNaN(v[0]);
          boolean tr = !Float.isNaN(v[1]);
          if (!(a && tr) && !mode.keepsOneWay()) {
            return Collections.emptyIterator();
          }
          double w = a && tr ? mode.both(v[0], v[1]) : mode.oneWay(a ? v[0] : v[1]);
          return List.of(RowFactory.create(t._1()._1(), t._1()._2(), v[2], (float) w)).iterator();
        });
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
   * Checks vectors held on the driver as {@link #graph(org.apache.spark.api.java.JavaSparkContext,
   * org.knng.vectors.Vectors)} does, with no Spark context: a caller can refuse bad input before
   * paying for a context's start (seconds).
   *
   * @param points the vectors
   * @throws InvalidInputException naming the first row that cannot be ranked, or k out of range
   */
  public void check(org.knng.vectors.Vectors points) {
    InputChecks.rankable(points, metric, "row");
    checkK(points.size());
  }

  /**
   * The job for vectors held on the driver (the command line reads files into them): row {@code
   * i} gets id {@code i}; in local mode the rows are checked and dealt into blocks here and the
   * blocks handed to the tasks, so nothing is shuffled before the joins; on a cluster they go out
   * in slices of at most 16 MB and are dealt there, as {@link #graph(JavaPairRDD)} deals them (a
   * task's message is capped at {@code spark.rpc.message.maxSize}). See {@link #graph(Dataset)}.
   *
   * @param spark the Spark context (no SQL session is needed)
   * @param points the vectors
   * @return the graph
   * @throws InvalidInputException for a row that cannot be ranked, or k out of range
   */
  public SparkGraph graph(org.apache.spark.api.java.JavaSparkContext spark,
      org.knng.vectors.Vectors points) {
    check(points);
    int n = points.size();
    int d = points.dimension();
    float[] x = points.data();
    if (!spark.sc().isLocal()) {
      // On a cluster, a task may not carry a whole block or cell from the driver (Spark caps a
      // task's message at spark.rpc.message.maxSize, 128 MB: a 464,000-point cell of 96-d vectors
      // is 178 MB): the rows go out in small slices and are dealt by the executors, as a table's.
      List<Tuple2<Long, float[]>> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        rows.add(new Tuple2<>((long) i, java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d)));
      }
      int slices = (int) Math.max(spark.defaultParallelism(), (4L * n * d + SLICE_BYTES - 1) / SLICE_BYTES);
      return graph(spark.parallelizePairs(rows, slices));
    }
    int threads = threads(spark.sc());
    int stride = Math.max(1, n / SAMPLE);
    int sampled = (n + stride - 1) / stride;
    float[] sample = new float[sampled * d];
    long[] sampleIds = new long[sampled];
    for (int s = 0; s < sampled; s++) {
      System.arraycopy(x, s * stride * d, sample, s * d, d);
      sampleIds[s] = (long) s * stride;
    }
    if (approximate(n)) {
      SparkGraph g = approximate(spark, sampleIds, sample, n, d, threads,
          cover -> spark.parallelize(dealt(cover.cells(), cover.overlap(),
              (i, out) -> cover.cellsOf(i, x, i * d, out), x, n, d), cover.cells()));
      if (g != null) {
        return g;
      }
    }
    int b = blocksFor(n, d, spark.sc(), threads);
    SpatialBlocks tree = SpatialBlocks.fit(sample, sampled, d, b, metric == Metric.COSINE, SEED);
    SplitJoin.Fit fit = fit(sample, n, d, b);
    List<Block> blocks = dealt(b, 1, (i, out) -> out[0] = tree.block(i, x, i * d), x, n, d);
    return join(held(spark, blocks), n, d, b, threads, fit);
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
    List<Tuple2<Long, float[]>> head = guard(() -> points.take(1));
    if (head.isEmpty()) {
      throw new InvalidInputException("the input has no points");
    }
    Tuple2<Long, float[]> first = head.get(0);
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
    checkK(n);
    if (m == Metric.EUCLIDEAN || m == Metric.SQEUCLIDEAN || m == Metric.INNER_PRODUCT) {
      // The whole input's largest value (the smaller id among equals), for the check that concerns
      // the whole: tiny rows among ordinary ones are searched again in double, not refused.
      Tuple2<Long, float[]> top = guard(() -> checked.mapToPair(p -> {
        float[] v = p._2();
        int at = 0;
        for (int j = 1; j < v.length; j++) {
          at = Math.abs(v[j]) > Math.abs(v[at]) ? j : at;
        }
        return new Tuple2<>(p._1(), new float[] {v[at], at});
      }).reduce((a, b) -> {
        float x = Math.abs(a._2()[0]);
        float y = Math.abs(b._2()[0]);
        return x > y || (x == y && a._1() < b._1()) ? a : b;
      }));
      InputChecks.notTiny(m, top._2()[0], "id " + top._1() + ", column " + (int) top._2()[1]);
    }
    // Ids must be unique: checked now, on the ids alone, so that the error comes from this call.
    long distinct = guard(() -> checked.keys().distinct().count());
    if (distinct != n) {
      long dup = guard(() -> checked.keys().mapToPair(id -> new Tuple2<>(id, 1))
          .reduceByKey(Integer::sum).filter(t -> t._2() > 1).keys().min(java.util.Comparator.naturalOrder()));
      throw new InvalidInputException("duplicate id " + dup
          + ": every point needs its own id (the graph is keyed by id)");
    }
    int threads = threads(points.context());
    double fraction = Math.min(1.0, (double) SAMPLE / n);
    List<Tuple2<Long, float[]>> taken = guard(() -> checked.sample(false, fraction, SEED).collect());
    float[] sample = new float[taken.size() * d];
    long[] sampleIds = new long[taken.size()];
    for (int s = 0; s < taken.size(); s++) {
      System.arraycopy(taken.get(s)._2(), 0, sample, s * d, d);
      sampleIds[s] = taken.get(s)._1();
    }
    if (approximate(n)) {
      JavaSparkContext spark = JavaSparkContext.fromSparkContext(points.context());
      SparkGraph g = approximate(spark, sampleIds, sample, n, d, threads, cover -> checked
          .flatMapToPair(p -> {
            int[] cells = new int[cover.overlap()];
            cover.cellsOf(p._1(), p._2(), 0, cells);
            List<Tuple2<Integer, Tuple2<Long, float[]>>> out = new ArrayList<>(cells.length);
            for (int c : cells) {
              out.add(new Tuple2<>(c, p));
            }
            return out.iterator();
          })
          .partitionBy(new BlockPartitioner(cover.cells()))
          .mapPartitionsWithIndex((i, it) -> {
            List<Tuple2<Long, float[]>> rows = new ArrayList<>();
            it.forEachRemaining(t -> rows.add(t._2()));
            return Collections.singletonList(Block.of(i, rows.iterator(), d)).iterator();
          }, true));
      if (g != null) {
        return g;
      }
    }
    int b = blocksFor(n, d, points.context(), threads);
    SpatialBlocks tree = SpatialBlocks.fit(sample, taken.size(), d, b, metric == Metric.COSINE, SEED);
    JavaRDD<Block> blocks = checked
        .mapToPair(p -> new Tuple2<>(tree.block(p._1(), p._2(), 0), p))
        .partitionBy(new BlockPartitioner(b))
        .mapPartitionsWithIndex((i, it) -> {
          List<Tuple2<Long, float[]>> rows = new ArrayList<>();
          it.forEachRemaining(t -> rows.add(t._2()));
          return Collections.singletonList(Block.of(i, rows.iterator(), d)).iterator();
        }, true);
    return join(blocks, n, d, b, threads, fit(sample, n, d, b));
  }

  /**
   * The exact job's blocks dealt on the driver (local mode) as an RDD of one block per partition,
   * read from one broadcast: a parallelized list would travel inside every task that reads it,
   * and the pairs' tasks name both parents' partitions, so each block would be serialized once
   * per piece it is in (Fashion-MNIST, 4 blocks: 750 MB instead of 190 MB). In local mode the
   * tasks take the broadcast's value without a copy. (The approximate job's cells stay
   * parallelized: a cell is read by few tasks, measured no faster on the 200k mixture, and a
   * broadcast keeps a serialized copy of every cell on the driver.)
   */
  private static JavaRDD<Block> held(JavaSparkContext spark, List<Block> blocks) {
    org.apache.spark.broadcast.Broadcast<List<Block>> all = spark.broadcast(blocks);
    List<Integer> indices = new ArrayList<>(blocks.size());
    for (int i = 0; i < blocks.size(); i++) {
      indices.add(i);
    }
    return spark.parallelize(indices, blocks.size()).map(i -> all.value().get(i));
  }

  /** Where point {@code i} goes: {@code out} receives its blocks (or cells). */
  private interface Dealer {
    void deal(int i, int[] out);
  }

  /**
   * Points held on the driver dealt into {@code count} blocks (the exact job's, one per point) or
   * cells (the approximate job's, {@code overlap} per point), each block's points in id order.
   */
  private static List<Block> dealt(int count, int overlap, Dealer dealer, float[] x, int n, int d) {
    int[] cellOf = new int[Math.multiplyExact(n, overlap)];
    int[] sizes = new int[count];
    int[] cells = new int[overlap];
    for (int i = 0; i < n; i++) {
      dealer.deal(i, cells);
      for (int s = 0; s < overlap; s++) {
        cellOf[i * overlap + s] = cells[s];
        sizes[cells[s]]++;
      }
    }
    long[][] ids = new long[sizes.length][];
    float[][] data = new float[sizes.length][];
    for (int c = 0; c < sizes.length; c++) {
      ids[c] = new long[sizes[c]];
      data[c] = new float[Math.multiplyExact(sizes[c], d)];
      sizes[c] = 0;
    }
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < overlap; s++) {
        int c = cellOf[i * overlap + s];
        int r = sizes[c]++;
        ids[c][r] = i;
        System.arraycopy(x, i * d, data[c], r * d, d);
      }
    }
    List<Block> blocks = new ArrayList<>(sizes.length);
    for (int c = 0; c < sizes.length; c++) {
      blocks.add(Block.sorted(c, ids[c], data[c], d));
    }
    return blocks;
  }

  private void checkK(long n) {
    int kept = includeSelf ? k - 1 : k;
    if (k < 1 || kept >= n) {
      throw new InvalidInputException("k = " + k + " is out of range for " + n + " points: need 1 <= k "
          + (includeSelf ? "<= N" : "< N") + (includeSelf ? "" : " (a point is not its own neighbour)"));
    }
  }

  private int threads(org.apache.spark.SparkContext context) {
    // A task runs the core on the cores Spark gives it (spark.task.cpus), unless set here.
    return threadsPerTask > 0 ? threadsPerTask
        : Integer.parseInt(context.getConf().get("spark.task.cpus", "1"));
  }

  /**
   * The joins, from blocks (partition {@code b} holding block {@code b}): each block with itself,
   * which gives its rows' limits; every pair of blocks once, each row taking from the other
   * block only what is within its limit; every row's lists merged by id.
   */
  private SparkGraph join(JavaRDD<Block> blocks, long n, int d, int b, int threads,
      SplitJoin.Fit fit) {
    int kept = includeSelf ? k - 1 : k;
    JavaRDD<Tuple2<Block, List<Tuple2<Long, PartialRow>>>> diagonal = blocks.map(block -> {
      if (block.size() == 0) {
        return new Tuple2<Block, List<Tuple2<Long, PartialRow>>>(
            block.withLimits(new float[0], null), new ArrayList<>());
      }
      failOnFirstAttempt();
      SplitJoin split = split(fit, threads);
      // Projected once here, the block carries its projection to every pair it is in.
      SplitJoin.BlockProjection projection = split.project(block.vectors());
      SplitJoin.Lists lists = split.within(block.vectors(), projection);
      float[] limits = new float[lists.rows];
      List<Tuple2<Long, PartialRow>> out = new ArrayList<>(lists.rows);
      for (int r = 0; r < lists.rows; r++) {
        limits[r] = lists.limit(r);
        out.add(new Tuple2<>(block.ids[r], PartialRow.of(lists, r, block.ids)));
      }
      return new Tuple2<Block, List<Tuple2<Long, PartialRow>>>(
          block.withLimits(limits, projection), out);
    }).persist(StorageLevel.MEMORY_AND_DISK());
    JavaPairRDD<Long, PartialRow> partial = diagonal.flatMapToPair(t -> t._2().iterator());
    if (b > 1) {
      JavaRDD<Block> limited = diagonal.map(Tuple2::_1);
      JavaRDD<Tuple2<Block, Block>> pairs = new BlockPairs(limited.rdd(), b).toJavaRDD();
      partial = partial.union(pairs.flatMapToPair(t -> joinAcross(t._1(), t._2(), fit, threads)));
    }
    if (b == 1) { // every row's list is whole already: nothing to merge, nothing to shuffle
      return new SparkGraph(finished(partial), n, d, b);
    }
    int outPartitions = Math.max(blocks.context().defaultParallelism(), b);
    return new SparkGraph(finished(partial.reduceByKey((x, y) -> x.merge(y, kept), outPartitions)),
        n, d, b);
  }

  /** Each point's merged lists as its final row. */
  private JavaPairRDD<Long, Neighbors> finished(JavaPairRDD<Long, PartialRow> merged) {
    return merged.mapToPair(t -> {
      long[] ids = new long[k];
      float[] dist = new float[k];
      int count = t._2().finish(t._1(), includeSelf, k, ids, dist, 0);
      return new Tuple2<>(t._1(), new Neighbors(ids, dist, count));
    });
  }

  /**
   * Whether this job builds an approximate graph of {@code n} points: asked for ({@code
   * nndescent}), or chosen by {@code auto} as the core chooses ({@link Algorithm#choose}: from
   * {@link Algorithm#APPROXIMATE_FROM} points on, more for k above 10, unless the target recall is
   * 1).
   */
  boolean approximate(long n) {
    KnnOptions o = KnnOptions.defaults().withK(k).withIncludeSelf(includeSelf)
        .withTargetRecall(targetRecall);
    int size = (int) Math.min(Integer.MAX_VALUE, n);
    return (algorithm == Algorithm.NNDESCENT && targetRecall != 1)
        || (algorithm == Algorithm.AUTO && Algorithm.AUTO.choose(o, size, Integer.MAX_VALUE) == Algorithm.NNDESCENT);
  }

  /**
   * The approximate job ({@link ApproximateJob}); if its target recall needs more than its last
   * attempt gives, the exact job on the same cells' points.
   */
  private SparkGraph approximate(JavaSparkContext spark, long[] sampleIds, float[] sample, long n,
      int d, int threads, java.util.function.Function<KMeansCover, JavaRDD<Block>> deal) {
    int slots = Math.max(1, spark.defaultParallelism() / threads);
    long memory = taskMemory(spark.sc(), slots);
    int kept = includeSelf ? k - 1 : k;
    long byMemory = Math.max(kept + 1, memory / 4 / (4L * d + 64L * kept));
    int centroids = blocks > 0 ? blocks : cellCount(n, slots, byMemory);
    // No cell above four times the average either: a straggler would hold up the whole stage.
    // (Twice split the central cell of the 200k mixture, 188,620 points: recall 0.997 -> 0.985.)
    long cap = Math.min(byMemory, Math.max(kept + 1, 4 * n * ApproximateJob.FIRST_OVERLAP / centroids));
    double target = Double.isNaN(targetRecall) && algorithm == Algorithm.AUTO ? Algorithm.AUTO_RECALL
        : targetRecall;
    ApproximateJob job = new ApproximateJob(k, metric, includeSelf, threads, SEED, failFirstAttempts,
        progress);
    ApproximateJob.Attempt a = job.run(spark, sampleIds, sample, n, d,
        centroids, cap, deal, target);
    if (a == null) {
      return null;
    }
    return new SparkGraph(finished(a.rows), n, d, a.cells, "nndescent", a.recall);
  }

  private SplitJoin split(SplitJoin.Fit fit, int threads) {
    return SplitJoin.create(KnnOptions.defaults().withMetric(metric).withK(k)
        .withIncludeSelf(includeSelf).withThreads(threads), fit);
  }

  /**
   * The screen every piece of the exact job uses, fitted once on the driver's sample of the {@code
   * n} points dealt into {@code b} blocks (a piece holds at most two blocks; a block may exceed its
   * even share, hence three shares, and no piece holds more than the {@code n} points).
   */
  private SplitJoin.Fit fit(float[] sample, long n, int d, int b) {
    long start = System.nanoTime();
    SplitJoin.Fit fit = SplitJoin.fit(org.knng.vectors.Vectors.wrap(sample, d), n,
        Math.min(n, 3 * ((n + b - 1) / b)), metric);
    progress.note(String.format(java.util.Locale.ROOT, "spark: pieces screen %s (fitted on %d"
        + " sampled points in %.2f s)", fit.describe(), sample.length / d,
        (System.nanoTime() - start) / 1e9));
    return fit;
  }

  private void failOnFirstAttempt() {
    failOnFirstAttempt(failFirstAttempts);
  }

  /**
   * Tests ({@link Builder#failFirstAttempts}): the first attempt of the calling task fails, so
   * that Spark retries it; the output must not change.
   */
  static void failOnFirstAttempt(boolean fail) {
    if (fail && TaskContext.get().attemptNumber() == 0) {
      throw new IllegalStateException("knng test: the first attempt of every task fails");
    }
  }

  /** The blocks the job deals {@code n} points into: the builder's count, or the automatic one. */
  private int blocksFor(long n, int d, org.apache.spark.SparkContext context, int threads) {
    int slots = Math.max(1, context.defaultParallelism() / threads);
    return blocks > 0 ? (int) Math.min(blocks, n) : blockCount(n, d, slots, taskMemory(context, slots));
  }

  /**
   * The memory one task may use: the driver's heap shared by its slots in local mode, else an
   * executor's memory ({@code spark.executor.memory}) shared by the tasks it runs at once.
   */
  private long taskMemory(org.apache.spark.SparkContext context, int slots) {
    if (context.isLocal()) {
      return Runtime.getRuntime().maxMemory() / slots;
    }
    org.apache.spark.SparkConf conf = context.getConf();
    long executor = conf.getSizeAsBytes("spark.executor.memory", "1g");
    int cores = conf.getInt("spark.executor.cores", 1);
    int cpus = conf.getInt("spark.task.cpus", 1);
    return executor / Math.max(1, cores / cpus);
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
    KnnResult result = new KnnResult(n, n, k, ids, dist, metric, includeSelf);
    return graph.recall().map(result::withRecall).orElse(result);
  }

  /**
   * One task across two blocks (both already joined with themselves): each row's candidates from
   * the other block, up to its limit.
   */
  private java.util.Iterator<Tuple2<Long, PartialRow>> joinAcross(Block a, Block c,
      SplitJoin.Fit fit, int threads) {
    if (a.size() == 0 || c.size() == 0) {
      return Collections.emptyIterator();
    }
    failOnFirstAttempt();
    long[] idOf = a.idsWith(c);
    SplitJoin.Lists lists = split(fit, threads).between(a.vectors(), a.projection, c.vectors(),
        c.projection, a.limits, c.limits);
    List<Tuple2<Long, PartialRow>> out = new ArrayList<>(lists.rows);
    for (int r = 0; r < lists.rows; r++) {
      if (lists.count(r) > 0) {
        out.add(new Tuple2<>(idOf[r], PartialRow.of(lists, r, idOf)));
      }
    }
    return out.iterator();
  }

  /**
   * Blocks for {@code n} points of dimension {@code d}: each within its share of a task's memory
   * ({@link #BLOCKS_PER_TASK_MEMORY}), and, where tasks run side by side, at least two per task
   * slot, so that the joins of blocks with themselves keep every slot busy. With one slot (local
   * mode, where a task takes every local thread) more blocks than memory needs would only cut the
   * core's join into pieces run one after the other, each starting with looser limits than the
   * whole join has (Fashion-MNIST, local[2]: 2 blocks 17.7-18.2 s, 1 block 14.9-15.6 s).
   */
  static int blockCount(long n, int d, int parallelism, long taskMemory) {
    long blockBytes = Math.max(1 << 20, taskMemory / BLOCKS_PER_TASK_MEMORY);
    long byMemory = (n * d * 4 + blockBytes - 1) / blockBytes;
    long byParallelism = parallelism > 1 ? 2L * parallelism : 1;
    return (int) Math.max(1, Math.min(n, Math.max(byMemory, byParallelism)));
  }

  /**
   * Centroids of the approximate job's cover for {@code n} points: four per task slot, and enough
   * that every point's {@link ApproximateJob#FIRST_OVERLAP} copies fit cells of at most {@code
   * cellPoints} points. With one task slot (local mode, where a task takes every local thread) and
   * room for every point in one cell, one: the cells would run one after the other, and each
   * point's copy in a second cell would only double the work (1,000,000 x 96 mixture, local[2]:
   * four cells 100.8 s against the core's 45.0 s). One cell is the core's own engine in one task.
   *
   * @param n points
   * @param slots tasks that run at once
   * @param cellPoints the most points a task's memory holds in one cell
   * @return the centroids, at least 1
   */
  static int cellCount(long n, int slots, long cellPoints) {
    if (slots == 1 && n <= cellPoints) {
      return 1;
    }
    long byMemory = (n * ApproximateJob.FIRST_OVERLAP + cellPoints - 1) / cellPoints;
    return (int) Math.max(1, Math.min(n, Math.max(4L * slots, byMemory)));
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

  /** Sends block {@code b}'s rows to partition {@code b}. */
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
      return (Integer) key;
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

  /** Configures a {@link SparkKnn}. */
  public static final class Builder {
    private int k = 10;
    private Metric metric = Metric.EUCLIDEAN;
    private boolean includeSelf;
    private String idColumn = "id";
    private String vectorColumn = "vector";
    private int blocks;
    private int threadsPerTask;
    private GraphMode mode = GraphMode.DISTANCE;
    private double sigma = Double.NaN;
    private boolean failFirstAttempts;
    private Symmetrization symmetrize = Symmetrization.NONE;
    private Algorithm algorithm = Algorithm.EXACT;
    private double targetRecall = Double.NaN;
    private ProgressListener progress = ProgressListener.NONE;

    private Builder() {}

    /**
     * @param progress receives a note of each step of the job as the driver runs it (the
     *     approximate job's cells, the time of its local graphs and of its recall estimate), for
     *     {@code knng spark --debug}; default none
     * @return this builder
     */
    public Builder progress(ProgressListener progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * @param algorithm {@code EXACT} (the default: the core's exact graph, bit for bit), {@code
     *     NNDESCENT} (the approximate job: local graphs in overlapping cells, with a recall
     *     estimate) or {@code AUTO} (approximate from {@link Algorithm#APPROXIMATE_FROM} points on,
     *     more for k above 10, at a target recall of {@link Algorithm#AUTO_RECALL} unless one is given, as the core)
     * @return this
     * @throws InvalidInputException for {@code KDTREE} and {@code LSH}, which Spark does not run
     */
    public Builder algorithm(Algorithm algorithm) {
      Objects.requireNonNull(algorithm, "algorithm");
      if (algorithm == Algorithm.KDTREE || algorithm == Algorithm.LSH) {
        throw new InvalidInputException("algorithm " + algorithm.id() + " is not available on Spark:"
            + " use exact, nndescent or auto");
      }
      this.algorithm = algorithm;
      return this;
    }

    /**
     * @param recall the recall@k the approximate job must reach (the lower end of its estimate's
     *     95% interval), in (0, 1]; 1 means the exact job. Default: none (one attempt)
     * @return this
     * @throws InvalidInputException if outside (0, 1]
     */
    public Builder targetRecall(double recall) {
      if (!(recall > 0 && recall <= 1)) {
        throw new InvalidInputException("target recall must be in (0, 1], got " + recall);
      }
      this.targetRecall = recall;
      return this;
    }

    /**
     * @param symmetrize how {@link #edges} combines each edge with its transpose, as the core's
     *     {@link Symmetrization} (default none)
     * @return this
     */
    public Builder symmetrize(Symmetrization symmetrize) {
      this.symmetrize = Objects.requireNonNull(symmetrize, "symmetrize");
      return this;
    }

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
     * @param threads threads each task runs the core on; default: {@code spark.task.cpus}
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
      if (mode.kernel() && metric.negativeDistances()) {
        // Checked here, not by the weighting inside a task, where it would fail the job.
        throw new InvalidInputException("mode " + mode.id() + " weighs distances >= 0, and metric "
            + metric.id() + " gives negative ones (-dot): use connectivity or distance, or cosine");
      }
      return new SparkKnn(this);
    }
  }
}
