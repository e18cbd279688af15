package org.knng.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.knng.Algorithm;
import org.knng.approx.NnDescentEngine;
import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.exact.PartialRow;
import org.knng.graph.KnnResult;
import org.knng.graph.RecallEstimate;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;
import scala.Tuple2;

/**
 * The approximate graph as a Spark job, for data too large for the exact job's N² work.
 *
 * <ol>
 *   <li><b>Cells.</b> A {@link KMeansCover} fitted on a sample deals every point into the cells of
 *       its {@code overlap} nearest centroids (2, then more if a target recall asks); a cell is
 *       bounded in size, split further if the data piles up in it.
 *   <li><b>Local graphs.</b> Each cell's task runs the core on the cell's points ({@link
 *       Algorithm#AUTO}'s choice for that size: the exact engine, or NN-Descent for large cells),
 *       so a point gets its nearest neighbours within each of its cells.
 *   <li><b>Merge.</b> A point's lists from its cells are merged by id ({@link PartialRow#merge}:
 *       the same neighbour from two cells is kept once), in (distance, id) order.
 *   <li><b>Repair and check.</b> Rows left with fewer than k neighbours (a point whose cells are
 *       all tiny) are searched exactly. The recall@k is estimated on a sample of points, whose
 *       exact neighbours are found by a search of every point (each cell searches the points it
 *       is home to, the cell of their nearest centroid), as the core estimates its own.
 *   <li><b>Target recall.</b> While the estimate's lower bound is below the target, the cells are
 *       dealt again with one more centroid per point and the effort raised, and the new lists
 *       merged into the old (so the recall never drops); past {@link #MAX_OVERLAP} the exact job
 *       runs instead.
 * </ol>
 *
 * <p>Tasks are deterministic (the cover's fit, each cell's seed), so a retried task or a lost
 * executor changes nothing. Data moved: each point to its cells (overlap x N vectors), each
 * point's lists to the merge (overlap x N x k), the sample's queries to every cell.
 */
final class ApproximateJob implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Cells per point at the first attempt. */
  static final int FIRST_OVERLAP = 2;
  /** Cells per point at the last approximate attempt; past it, the exact job. */
  static final int MAX_OVERLAP = 3;
  /** Sampled points whose exact neighbours measure the recall. */
  static final int SAMPLE_ROWS = 1000;

  private final int k;
  private final int kept;
  private final Metric metric;
  private final boolean includeSelf;
  private final int threads;
  private final long seed;
  private final boolean failFirstAttempts;

  ApproximateJob(int k, Metric metric, boolean includeSelf, int threads, long seed,
      boolean failFirstAttempts) {
    this.k = k;
    this.kept = includeSelf ? k - 1 : k;
    this.metric = metric;
    this.includeSelf = includeSelf;
    this.threads = threads;
    this.seed = seed;
    this.failFirstAttempts = failFirstAttempts;
  }

  /** One attempt's result: every point's merged lists, and the recall estimate of them. */
  static final class Attempt {
    final JavaPairRDD<Long, PartialRow> rows;
    final RecallEstimate recall;
    final int cells;
    final int overlap;

    Attempt(JavaPairRDD<Long, PartialRow> rows, RecallEstimate recall, int cells, int overlap) {
      this.rows = rows;
      this.recall = recall;
      this.cells = cells;
      this.overlap = overlap;
    }
  }

  /**
   * The graph's lists, from the cells dealt for each attempt, raised until the target recall is
   * reached or {@link #MAX_OVERLAP} is passed (then null: the caller runs the exact job).
   *
   * @param spark the context
   * @param sampleIds the ids of sampled points: the cover is fitted on them and the recall
   *     measured on 1,000 of them, drawn at random
   * @param sample their vectors, row-major
   * @param n points in all
   * @param d their dimension
   * @param centroids centroids of the cover
   * @param cap the most points a cell should hold
   * @param deal deals the points into the cells of a cover (one {@link Block} per cell, numbered
   *     as the cover numbers them)
   * @param targetRecall the recall the estimate's lower bound must reach, or NaN for one attempt
   * @return the last attempt, or null if the target needs the exact job
   */
  Attempt run(JavaSparkContext spark, long[] sampleIds, float[] sample, long n, int d, int centroids,
      long cap, Function<KMeansCover, JavaRDD<Block>> deal, double targetRecall) {
    JavaPairRDD<Long, PartialRow> rows = null;
    int rowsOfSample = sampleIds.length;
    for (int overlap = FIRST_OVERLAP; overlap <= MAX_OVERLAP; overlap++) {
      KMeansCover cover = KMeansCover.fit(sample, rowsOfSample, d, centroids, overlap, n, cap,
          metric == Metric.COSINE, seed);
      double effort = Math.min(4, NnDescentEngine.DEFAULT_EFFORT * Math.pow(1.5, overlap - FIRST_OVERLAP));
      // Not cached: the few stages that read the cells again (the sample's search) deal them
      // again from the shuffle or the driver, which costs less than holding a copy of every
      // point x overlap in memory.
      JavaRDD<Block> cells = deal.apply(cover).map(b -> withHome(b, cover));
      JavaPairRDD<Long, PartialRow> local = cells.flatMapToPair(b -> localGraph(b, n, effort).iterator());
      int partitions = Math.max(spark.defaultParallelism(), cover.cells());
      JavaPairRDD<Long, PartialRow> merged = rows == null ? local : rows.union(local);
      JavaPairRDD<Long, PartialRow> next = merged.reduceByKey((x, y) -> x.merge(y, kept), partitions)
          .persist(StorageLevel.MEMORY_AND_DISK());
      next = repairShort(spark, cells, next, partitions);
      RecallEstimate estimate = estimate(spark, cells, next, sampleIds, sample, d);
      if (rows != null) {
        rows.unpersist(false);
      }
      rows = next;
      boolean enough = Double.isNaN(targetRecall) || estimate.low() >= targetRecall;
      if (enough) {
        return new Attempt(rows, estimate, cover.cells(), cover.overlap());
      }
    }
    rows.unpersist(false);
    return null;
  }

  /** The block with its home rows marked: those whose nearest centroid's cell it is. */
  private static Block withHome(Block b, KMeansCover cover) {
    int[] cells = new int[cover.overlap()];
    BitSet home = new BitSet(b.size());
    for (int r = 0; r < b.size(); r++) {
      cover.cellsOf(b.ids[r], b.data, r * b.dimension, cells);
      if (cells[0] == b.index) {
        home.set(r);
      }
    }
    return b.withHome(home);
  }

  /** Each point of a cell with its nearest others in the cell; every home point gets a row, if empty. */
  private List<Tuple2<Long, PartialRow>> localGraph(Block b, long n, double effort) {
    if (failFirstAttempts && org.apache.spark.TaskContext.get().attemptNumber() == 0) {
      throw new IllegalStateException("knng test: the first attempt of every local graph task fails");
    }
    int size = b.size();
    List<Tuple2<Long, PartialRow>> out = new ArrayList<>(size);
    int localK = Math.min(kept, size - 1);
    if (localK < 1) {
      for (int r = 0; r < size; r++) {
        out.add(new Tuple2<>(b.ids[r], new PartialRow(new long[0], new float[0], new float[0])));
      }
      return out;
    }
    KnnOptions o = KnnOptions.defaults().withMetric(metric).withK(localK).withIncludeSelf(false)
        .withThreads(threads).withSeed(seed + b.index);
    // The kd-tree where it pays (exact and fast in low dimensions), else NN-Descent, which solves
    // small cells exactly and joins a cell's separate clusters in full.
    KnnEngine engine = Algorithm.AUTO.choose(o, size, b.dimension) == Algorithm.KDTREE
        ? Algorithm.KDTREE.engine(o)
        : NnDescentEngine.builder().options(o).effort(effort).sampleRows(0).partOf(n).build();
    KnnResult g = engine.graph(b.vectors());
    for (int r = 0; r < size; r++) {
      out.add(new Tuple2<>(b.ids[r], row(g, r, b.ids, -1)));
    }
    return out;
  }

  /** Row {@code r} of a result as a partial row with global ids, {@code -1} entries and {@code self} left out. */
  private static PartialRow row(KnnResult g, int r, long[] idOf, long self) {
    int[] ids = g.ids();
    float[] dist = g.distances();
    int from = r * g.k();
    long[] out = new long[g.k()];
    float[] d = new float[g.k()];
    int c = 0;
    for (int s = 0; s < g.k(); s++) {
      int id = ids[from + s];
      if (id >= 0 && idOf[id] != self) {
        out[c] = idOf[id];
        d[c++] = dist[from + s];
      }
    }
    long[] i = Arrays.copyOf(out, c);
    float[] v = Arrays.copyOf(d, c);
    return new PartialRow(i, v, v.clone());
  }

  /**
   * The exact nearest others of some points (ids and vectors on the driver): every cell searches
   * its home points for them (each point is home to exactly one cell), and the lists are merged.
   */
  Map<Long, PartialRow> search(JavaSparkContext spark, JavaRDD<Block> cells, long[] ids, float[] vectors,
      int d) {
    Broadcast<long[]> qIds = spark.broadcast(ids);
    Broadcast<float[]> qVectors = spark.broadcast(vectors);
    int want = kept + 1; // the query itself is among its nearest: dropped by id
    Metric m = metric;
    int t = threads;
    return cells.flatMapToPair(b -> {
      BitSet home = b.home;
      int homes = home.cardinality();
      if (homes == 0) {
        return Collections.<Tuple2<Long, PartialRow>>emptyIterator();
      }
      int[] which = home.stream().toArray();
      long[] homeIds = new long[homes];
      for (int s = 0; s < homes; s++) {
        homeIds[s] = b.ids[which[s]];
      }
      Vectors base = b.vectors().rows(which, 0, homes);
      KnnOptions o = KnnOptions.defaults().withMetric(m).withK(Math.min(want, homes))
          .withIncludeSelf(false).withThreads(t);
      KnnResult found = Algorithm.EXACT.engine(o).search(base, Vectors.wrap(qVectors.value(), d));
      long[] q = qIds.value();
      List<Tuple2<Long, PartialRow>> out = new ArrayList<>(q.length);
      for (int r = 0; r < q.length; r++) {
        out.add(new Tuple2<>(q[r], row(found, r, homeIds, q[r])));
      }
      return out.iterator();
    }).reduceByKey((x, y) -> x.merge(y, kept)).collectAsMap();
  }

  /** Rows with fewer than k neighbours (a point whose cells are all smaller than k) searched exactly. */
  private JavaPairRDD<Long, PartialRow> repairShort(JavaSparkContext spark, JavaRDD<Block> cells,
      JavaPairRDD<Long, PartialRow> rows, int partitions) {
    int need = kept;
    List<Long> shortIds = rows.filter(t -> t._2().size() < need).keys().collect();
    if (shortIds.isEmpty()) {
      return rows;
    }
    Set<Long> wanted = new HashSet<>(shortIds);
    Broadcast<Set<Long>> w = spark.broadcast(wanted);
    List<Tuple2<Long, float[]>> points = cells.flatMap(b -> {
      List<Tuple2<Long, float[]>> found = new ArrayList<>();
      for (int r = b.home.nextSetBit(0); r >= 0; r = b.home.nextSetBit(r + 1)) {
        if (w.value().contains(b.ids[r])) {
          found.add(new Tuple2<>(b.ids[r], Arrays.copyOfRange(b.data, r * b.dimension, (r + 1) * b.dimension)));
        }
      }
      return found.iterator();
    }).collect();
    if (points.isEmpty()) {
      throw new IllegalStateException(shortIds.size() + " short rows have no home cell");
    }
    int d = points.get(0)._2().length;
    long[] ids = new long[points.size()];
    float[] vectors = new float[points.size() * d];
    for (int s = 0; s < ids.length; s++) {
      ids[s] = points.get(s)._1();
      System.arraycopy(points.get(s)._2(), 0, vectors, s * d, d);
    }
    Map<Long, PartialRow> exact = new HashMap<>(search(spark, cells, ids, vectors, d));
    Broadcast<Map<Long, PartialRow>> fixed = spark.broadcast(exact);
    JavaPairRDD<Long, PartialRow> repaired = rows.mapToPair(t -> {
      PartialRow f = fixed.value().get(t._1());
      return f == null ? t : new Tuple2<>(t._1(), f);
    }).persist(StorageLevel.MEMORY_AND_DISK());
    repaired.count();
    rows.unpersist(false);
    return repaired;
  }

  /**
   * The recall@k of the lists on the sampled points (the first {@link #SAMPLE_ROWS}), against
   * their exact neighbours: an entry counts if its distance is within one float32 unit of the
   * true k-th distance (ties count, as in the core's {@code RecallSample}); with include-self the
   * point itself, which the finished row lists first, is one hit.
   */
  RecallEstimate estimate(JavaSparkContext spark, JavaRDD<Block> cells, JavaPairRDD<Long, PartialRow> rows,
      long[] sampleIds, float[] sample, int d) {
    int m = Math.min(SAMPLE_ROWS, sampleIds.length);
    RecallEstimate.Tally tally = new RecallEstimate.Tally(k);
    if (kept == 0) {
      for (int s = 0; s < m; s++) {
        tally.add(1, false, false, false);
      }
      return tally.estimate();
    }
    // m of the sampled points, drawn at random (the sample may be in the input's order).
    int[] order = new int[sampleIds.length];
    Arrays.setAll(order, i -> i);
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    long[] ids = new long[m];
    float[] vectors = new float[m * d];
    for (int s = 0; s < m; s++) {
      int j = s + random.nextInt(order.length - s);
      int t = order[s];
      order[s] = order[j];
      order[j] = t;
      ids[s] = sampleIds[order[s]];
      System.arraycopy(sample, order[s] * d, vectors, s * d, d);
    }
    Map<Long, PartialRow> truth = search(spark, cells, ids, vectors, d);
    Set<Long> wanted = new HashSet<>();
    for (long id : ids) {
      wanted.add(id);
    }
    Broadcast<Set<Long>> w = spark.broadcast(wanted);
    Map<Long, PartialRow> found = rows.filter(t -> w.value().contains(t._1())).collectAsMap();
    long[] rowIds = new long[kept];
    float[] rowDist = new float[kept];
    long[] trueIds = new long[kept];
    float[] trueDist = new float[kept];
    for (long id : ids) {
      PartialRow t = truth.get(id);
      t.finish(id, false, kept, trueIds, trueDist, 0);
      float kth = Math.nextUp(trueDist[kept - 1]);
      PartialRow g = found.get(id);
      int count = g == null ? 0 : g.finish(id, false, kept, rowIds, rowDist, 0);
      int hits = includeSelf ? 1 : 0;
      boolean selfLoop = false;
      boolean duplicate = false;
      Set<Long> seen = new HashSet<>();
      for (int c = 0; c < count; c++) {
        boolean first = seen.add(rowIds[c]);
        duplicate |= !first;
        selfLoop |= rowIds[c] == id;
        if (first && rowIds[c] != id && rowDist[c] <= kth) {
          hits++;
        }
      }
      tally.add(Math.min(k, hits), selfLoop, duplicate, count < kept);
    }
    return tally.estimate();
  }
}
