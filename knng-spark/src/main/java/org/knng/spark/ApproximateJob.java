package org.knng.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.knng.Algorithm;
import org.knng.ProgressListener;
import org.knng.approx.NnDescentEngine;
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
 *       bounded in size, split further if the data piles up in it. With one task slot and room for
 *       every point, one cell ({@link SparkKnn#cellCount}): the core's engine in one task.
 *   <li><b>Local graphs.</b> Each cell's task runs the core on the cell's points ({@link
 *       Algorithm#AUTO}'s choice for that size: the kd-tree in low dimensions, else NN-Descent,
 *       which is exact for small cells), so a point gets its nearest neighbours within each of its
 *       cells. NN-Descent joins in full only the separate clusters that hold a point at home in
 *       the cell ({@link NnDescentEngine#focusedGraph}): a cluster of visitors is joined in its
 *       own home cell, once.
 *   <li><b>Merge.</b> A point's lists from its cells are merged by id ({@link PartialRow#merge}:
 *       the same neighbour from two cells is kept once), in (distance, id) order.
 *   <li><b>Repair and check.</b> Rows left with fewer than k neighbours (a point whose cells are
 *       all tiny) are searched exactly. The recall@k is estimated on a sample of points, whose
 *       exact neighbours are found by a search of every point (each cell searches the points it
 *       is home to, the cell of their nearest centroid), as the core estimates its own.
 *   <li><b>Target recall.</b> While the estimate's lower bound is below the target: up to {@link
 *       #MAX_ROUNDS} rounds of NN-Descent across the cells ({@link #roundAcross}: neighbourhoods
 *       shuffled by id, their members' vectors joined to them, every pair scored and offered to
 *       both ends), which find neighbours that no cell held with the point; then the cells are
 *       dealt again with one more centroid per point and the effort raised, and the new lists
 *       merged into the old (so the recall never drops), and rounds again; past {@link
 *       #MAX_OVERLAP} the exact job runs instead. The sample's exact neighbours are found once.
 * </ol>
 *
 * <p>Tasks are deterministic (the cover's fit, each cell's seed), so a retried task or a lost
 * executor changes nothing. Data moved: each point to its cells (overlap x N vectors), each
 * point's lists to the merge (overlap x N x k), the sample's queries to every cell; a round
 * across cells, N x 2k ids and N x {@link #ROUND_CANDIDATES} vectors.
 */
final class ApproximateJob implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Cells per point at the first attempt. */
  static final int FIRST_OVERLAP = 2;
  /** Cells per point at the last approximate attempt; past it, the exact job. */
  static final int MAX_OVERLAP = 3;
  /** Neighbourhood members per point in a round across cells (at least k). */
  static final int ROUND_CANDIDATES = 12;
  /** Rounds across cells per attempt at most, while the recall is below the target. */
  static final int MAX_ROUNDS = 2;
  /** Sampled points whose exact neighbours measure the recall. */
  static final int SAMPLE_ROWS = 1000;

  private final int k;
  private final int kept;
  private final Metric metric;
  private final boolean includeSelf;
  private final int threads;
  private final long seed;
  private final boolean failFirstAttempts;
  /** Notes of each step, on the driver. */
  private final transient ProgressListener progress;

  ApproximateJob(int k, Metric metric, boolean includeSelf, int threads, long seed,
      boolean failFirstAttempts, ProgressListener progress) {
    this.k = k;
    this.kept = includeSelf ? k - 1 : k;
    this.metric = metric;
    this.includeSelf = includeSelf;
    this.threads = threads;
    this.seed = seed;
    this.failFirstAttempts = failFirstAttempts;
    this.progress = progress;
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
    JavaPairRDD<Long, Tuple2<Integer, float[]>> points = null; // for rounds: home cell, vector
    Truth truth = null;
    int round = 0;
    int rowsOfSample = sampleIds.length;
    for (int overlap = FIRST_OVERLAP; overlap <= MAX_OVERLAP; overlap++) {
      long began = System.nanoTime();
      KMeansCover cover = KMeansCover.fit(sample, rowsOfSample, d, centroids, overlap, n, cap,
          metric == Metric.COSINE, seed);
      note("cover of %d cells (%d centroids, %d per point, at most %d points each) fitted in %.2f s",
          cover.cells(), centroids, cover.overlap(), cap, seconds(began));
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
      long started = System.nanoTime();
      long count = next.count();
      note("local graphs of %d cells merged into %d rows in %.2f s", cover.cells(), count,
          seconds(started));
      next = repairShort(spark, cells, next, partitions);
      if (truth == null) {
        started = System.nanoTime();
        truth = new Truth(spark, cells, sampleIds, sample, d);
        note("exact neighbours of %d sampled points in %.2f s", truth.ids.length, seconds(started));
      }
      RecallEstimate estimate = truth.measure(spark, next);
      note("%s", estimate.describe());
      if (rows != null) {
        rows.unpersist(false);
      }
      rows = next;
      // Below the target: rounds of NN-Descent across the cells, while they still find neighbours.
      for (int r = 0; r < MAX_ROUNDS && below(estimate, targetRecall); r++) {
        if (points == null) {
          points = cells.flatMapToPair(b -> {
            List<Tuple2<Long, Tuple2<Integer, float[]>>> out = new ArrayList<>();
            homePoints(b).forEachRemaining(t -> out.add(new Tuple2<>(t._1(), new Tuple2<>(b.index, t._2()))));
            return out.iterator();
          }).partitionBy(new HashPartitioner(partitions)).persist(StorageLevel.MEMORY_AND_DISK());
        }
        started = System.nanoTime();
        Tuple2<JavaPairRDD<Long, PartialRow>, Long> step =
            roundAcross(points, rows, round++, cover.cells(), partitions);
        rows.unpersist(false);
        rows = step._1();
        estimate = truth.measure(spark, rows);
        note("round %d across cells: %d new entries, %s, in %.2f s", round, step._2(),
            estimate.describe(), seconds(started));
        if (step._2() == 0) {
          break;
        }
      }
      if (!below(estimate, targetRecall)) {
        if (points != null) {
          points.unpersist(false);
        }
        return new Attempt(rows, estimate, cover.cells(), cover.overlap());
      }
    }
    rows.unpersist(false);
    if (points != null) {
      points.unpersist(false);
    }
    return null;
  }

  /** Whether the estimate's lower end is below the target (never without one). */
  private static boolean below(RecallEstimate estimate, double target) {
    return !Double.isNaN(target) && estimate.low() < target;
  }

  /** The vectors of a cell's home points: every point once, over all cells. */
  private static java.util.Iterator<Tuple2<Long, float[]>> homePoints(Block b) {
    List<Tuple2<Long, float[]>> out = new ArrayList<>(b.home.cardinality());
    for (int r = b.home.nextSetBit(0); r >= 0; r = b.home.nextSetBit(r + 1)) {
      out.add(new Tuple2<>(b.ids[r], Arrays.copyOfRange(b.data, r * b.dimension, (r + 1) * b.dimension)));
    }
    return out.iterator();
  }

  private void note(String format, Object... args) {
    progress.note("spark nndescent: " + String.format(Locale.ROOT, format, args));
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
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

  /** Tests: the first attempt of a task fails, so that Spark retries it. */
  private void failOnFirstAttempt() {
    SparkKnn.failOnFirstAttempt(failFirstAttempts);
  }

  /** Each point of a cell with its nearest others in the cell; every home point gets a row, if empty. */
  private List<Tuple2<Long, PartialRow>> localGraph(Block b, long n, double effort) {
    failOnFirstAttempt();
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
    // small cells exactly and joins in full the separate clusters of the cell's home points (a
    // cluster of visitors only is joined in its own home cell).
    KnnResult g = Algorithm.AUTO.choose(o, size, b.dimension) == Algorithm.KDTREE
        ? Algorithm.KDTREE.engine(o).graph(b.vectors())
        : NnDescentEngine.builder().options(o).effort(effort).sampleRows(0).partOf(n).build()
            .focusedGraph(b.vectors(), b.home);
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
    note("%d rows short of k: searched exactly", shortIds.size());
    Set<Long> wanted = new HashSet<>(shortIds);
    Broadcast<Set<Long>> w = spark.broadcast(wanted);
    List<Tuple2<Long, float[]>> points = cells.flatMapToPair(ApproximateJob::homePoints)
        .filter(t -> w.value().contains(t._1())).collect();
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
   * The points whose rows measure the recall: {@link #SAMPLE_ROWS} of the sampled points, drawn at
   * random (the sample may be in the input's order), with their exact nearest others, found once
   * per job ({@link #search}) and held on the driver.
   */
  final class Truth {
    private final long[] ids;
    private final Map<Long, PartialRow> rows;

    Truth(JavaSparkContext spark, JavaRDD<Block> cells, long[] sampleIds, float[] sample, int d) {
      int m = Math.min(SAMPLE_ROWS, sampleIds.length);
      int[] order = new int[sampleIds.length];
      Arrays.setAll(order, i -> i);
      java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
      ids = new long[m];
      float[] vectors = new float[m * d];
      for (int s = 0; s < m; s++) {
        int j = s + random.nextInt(order.length - s);
        int t = order[s];
        order[s] = order[j];
        order[j] = t;
        ids[s] = sampleIds[order[s]];
        System.arraycopy(sample, order[s] * d, vectors, s * d, d);
      }
      rows = kept == 0 ? Map.of() : search(spark, cells, ids, vectors, d);
    }

    /**
     * The recall@k of {@code lists} on these points: an entry counts if its distance is within
     * one float32 unit of the true k-th distance (ties count, as in the core's {@code
     * RecallSample}); with include-self the point itself, which the finished row lists first, is
     * one hit.
     */
    RecallEstimate measure(JavaSparkContext spark, JavaPairRDD<Long, PartialRow> lists) {
      RecallEstimate.Tally tally = new RecallEstimate.Tally(k);
      if (kept == 0) {
        for (int s = 0; s < ids.length; s++) {
          tally.add(1, false, false, false);
        }
        return tally.estimate();
      }
      Set<Long> wanted = new HashSet<>();
      for (long id : ids) {
        wanted.add(id);
      }
      Broadcast<Set<Long>> w = spark.broadcast(wanted);
      Map<Long, PartialRow> found = lists.filter(t -> w.value().contains(t._1())).collectAsMap();
      long[] rowIds = new long[kept];
      float[] rowDist = new float[kept];
      long[] trueIds = new long[kept];
      float[] trueDist = new float[kept];
      for (long id : ids) {
        rows.get(id).finish(id, false, kept, trueIds, trueDist, 0);
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

  /**
   * One round of NN-Descent across the cells, which finds neighbours that no cell held together
   * with the point: each point's neighbourhood (its neighbours and the points that list it, the
   * {@code c} of them whose pair has the smallest priority, a hash of the seed, the round and the
   * pair) goes to the task of the point's home cell, with the vectors that cell's neighbourhoods
   * need (joined by id, each vector once per cell that needs it: near points share their cell,
   * so most neighbourhoods of a cell share their members); every pair of a neighbourhood is
   * scored exactly and offered to both its points, and the offers merged into the rows by id.
   *
   * <p>Data moved: the neighbourhoods' ids (N x 2k and N x c), each vector to the cells that need
   * it (about N vectors), then the offers (merged per task first).
   *
   * @param points every point once: its home cell and its vector, partitioned by id into {@code
   *     partitions}
   * @param rows the rows so far, partitioned by id into {@code partitions}
   * @param round the round's number (its sample)
   * @param cells how many cells
   * @param partitions partitions of the shuffles by id
   * @return the rows with the round's offers merged in, and the entries that changed
   */
  Tuple2<JavaPairRDD<Long, PartialRow>, Long> roundAcross(
      JavaPairRDD<Long, Tuple2<Integer, float[]>> points, JavaPairRDD<Long, PartialRow> rows,
      int round, int cells, int partitions) {
    int c = Math.max(kept, ROUND_CANDIDATES);
    long salt = mix(seed, round);
    HashPartitioner byId = new HashPartitioner(partitions);
    JavaPairRDD<Long, Hood> hoods = rows.flatMapToPair(t -> {
      long p = t._1();
      PartialRow row = t._2();
      List<Tuple2<Long, Tuple2<Long, Long>>> out = new ArrayList<>(2 * row.size());
      for (int e = 0; e < row.size(); e++) {
        long q = row.id(e);
        long priority = mix(salt, mix(Math.min(p, q), Math.max(p, q)));
        out.add(new Tuple2<>(p, new Tuple2<>(q, priority)));
        out.add(new Tuple2<>(q, new Tuple2<>(p, priority)));
      }
      return out.iterator();
    }).aggregateByKey(new Hood(c), byId, Hood::add, Hood::addAll);
    // Each neighbourhood keyed by its point's home cell (both by id: no shuffle of the points).
    JavaPairRDD<Integer, Tuple2<Long, Hood>> hoodsByCell = hoods.join(points, byId)
        .mapToPair(t -> new Tuple2<>(t._2()._2()._1(), new Tuple2<>(t._1(), t._2()._1())))
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaPairRDD<Integer, Tuple2<Long, float[]>> vectorsByCell = hoodsByCell
        .flatMapToPair(t -> {
          Hood h = t._2()._2();
          List<Tuple2<Long, Integer>> out = new ArrayList<>(h.size());
          for (int e = 0; e < h.size(); e++) {
            out.add(new Tuple2<>(h.id(e), t._1()));
          }
          return out.iterator();
        })
        .distinct(partitions)
        .join(points, byId)
        .mapToPair(t -> new Tuple2<>(t._2()._1(), new Tuple2<>(t._1(), t._2()._2()._2())));
    Metric m = metric;
    int keep = kept;
    JavaPairRDD<Long, PartialRow> offers = hoodsByCell
        .cogroup(vectorsByCell, new HashPartitioner(cells))
        .flatMapToPair(t -> {
          failOnFirstAttempt();
          Map<Long, float[]> vector = new HashMap<>();
          t._2()._2().forEach(v -> vector.put(v._1(), v._2()));
          Map<Long, Offers> best = new HashMap<>();
          long[] ids = new long[c];
          float[][] x = new float[c][];
          for (Tuple2<Long, Hood> hood : t._2()._1()) {
            Hood h = hood._2();
            for (int e = 0; e < h.size(); e++) {
              ids[e] = h.id(e);
              x[e] = vector.get(ids[e]);
            }
            for (int a = 0; a < h.size(); a++) {
              for (int b = a + 1; b < h.size(); b++) {
                float dist = (float) m.distance(x[a], 0, x[b], 0, x[a].length);
                best.computeIfAbsent(ids[a], id -> new Offers(keep)).offer(ids[b], dist);
                best.computeIfAbsent(ids[b], id -> new Offers(keep)).offer(ids[a], dist);
              }
            }
          }
          List<Tuple2<Long, PartialRow>> out = new ArrayList<>(best.size());
          best.forEach((id, o) -> out.add(new Tuple2<>(id, o.row())));
          return out.iterator();
        });
    JavaPairRDD<Long, Tuple2<PartialRow, Integer>> joined = rows
        .leftOuterJoin(offers.reduceByKey(byId, (x, y) -> x.merge(y, keep)), byId)
        .mapValues(t -> {
          PartialRow old = t._1();
          if (!t._2().isPresent()) {
            return new Tuple2<>(old, 0);
          }
          PartialRow better = old.merge(t._2().get(), keep);
          return new Tuple2<>(better, added(old, better));
        }).persist(StorageLevel.MEMORY_AND_DISK());
    long changes = joined.values().map(t -> (long) t._2()).fold(0L, Long::sum);
    JavaPairRDD<Long, PartialRow> next = joined.mapValues(Tuple2::_1)
        .persist(StorageLevel.MEMORY_AND_DISK());
    next.count();
    joined.unpersist(false);
    hoodsByCell.unpersist(false);
    return new Tuple2<>(next, changes);
  }

  /** Ids of {@code now} that {@code before} did not hold. */
  private static int added(PartialRow before, PartialRow now) {
    Set<Long> old = new HashSet<>();
    for (int e = 0; e < before.size(); e++) {
      old.add(before.id(e));
    }
    int added = 0;
    for (int e = 0; e < now.size(); e++) {
      if (!old.contains(now.id(e))) {
        added++;
      }
    }
    return added;
  }

  /** A 64-bit mix of two values (splitmix64's finalizer): the round's sampling salt, a pair's priority. */
  static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A point's neighbourhood in a round across cells: at most {@code c} distinct ids, those whose
   * pair with the point has the smallest priority ({@link #mix} of the round's salt and the pair),
   * so that the sample does not depend on the order the ids arrive in.
   */
  static final class Hood implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int c;
    private long[] ids = new long[0];
    private long[] priorities = new long[0];

    Hood(int c) {
      this.c = c;
    }

    int size() {
      return ids.length;
    }

    long id(int e) {
      return ids[e];
    }

    /** Adds a member given as (id, priority of its pair with the owner). */
    Hood add(Tuple2<Long, Long> member) {
      return addRanked(member._1(), member._2());
    }

    private Hood addRanked(long id, long priority) {
      for (long known : ids) {
        if (known == id) {
          return this;
        }
      }
      int n = ids.length;
      if (n == c && !before(priority, id, priorities[n - 1], ids[n - 1])) {
        return this;
      }
      int at = n == c ? n - 1 : n;
      long[] i = n == c ? ids : java.util.Arrays.copyOf(ids, n + 1);
      long[] p = n == c ? priorities : java.util.Arrays.copyOf(priorities, n + 1);
      while (at > 0 && before(priority, id, p[at - 1], i[at - 1])) {
        i[at] = i[at - 1];
        p[at] = p[at - 1];
        at--;
      }
      i[at] = id;
      p[at] = priority;
      ids = i;
      priorities = p;
      return this;
    }

    /** The sample's order: by priority (unsigned), then by id. */
    private static boolean before(long priority, long id, long otherPriority, long otherId) {
      int c = Long.compareUnsigned(priority, otherPriority);
      return c < 0 || (c == 0 && id < otherId);
    }

    Hood addAll(Hood other) {
      for (int e = 0; e < other.ids.length; e++) {
        addRanked(other.ids[e], other.priorities[e]);
      }
      return this;
    }
  }

  /** The {@code kept} best offers to one point, by (distance, id), each id once. */
  static final class Offers {
    private final int kept;
    private long[] ids = new long[0];
    private float[] dist = new float[0];

    Offers(int kept) {
      this.kept = kept;
    }

    void offer(long id, float d) {
      int n = ids.length;
      for (long known : ids) {
        if (known == id) {
          return;
        }
      }
      if (n == kept && !(d < dist[n - 1] || (d == dist[n - 1] && id < ids[n - 1]))) {
        return;
      }
      if (n < kept) {
        ids = Arrays.copyOf(ids, n + 1);
        dist = Arrays.copyOf(dist, n + 1);
      } else {
        n--;
      }
      int at = n;
      while (at > 0 && (dist[at - 1] > d || (dist[at - 1] == d && ids[at - 1] > id))) {
        ids[at] = ids[at - 1];
        dist[at] = dist[at - 1];
        at--;
      }
      ids[at] = id;
      dist[at] = d;
    }

    PartialRow row() {
      return new PartialRow(ids.clone(), dist.clone(), dist.clone());
    }
  }
}
