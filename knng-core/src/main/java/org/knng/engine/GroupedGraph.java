package org.knng.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.InvalidInputException;
import org.knng.ProgressListener;
import org.knng.graph.KnnResult;
import org.knng.graph.RecallEstimate;
import org.knng.vectors.Vectors;

/**
 * A k-NN graph within groups ({@link KnnEngine#graph(Vectors, int[])}) from any engine: the rows of
 * each label are copied into their own contiguous set (one group at a time per thread, so memory
 * stays near the input plus the largest groups in flight), given to the engine, and their
 * neighbour ids mapped back to global rows. Rows are ordered by (label, index), so within a group
 * the smaller local index is the smaller global index and ties still go to the smaller index.
 * Large groups use all threads each; small groups are spread over the threads. Where an
 * approximate engine estimated the recall of some groups, the graph carries their estimates
 * combined ({@link #combined}).
 */
public final class GroupedGraph {
  /** Groups up to this size run single-threaded side by side; larger ones use all threads each. */
  private static final int SMALL_GROUP = 4096;

  private final KnnEngine engine;
  private final KnnOptions options;
  private final Vectors points;
  private final int[] ids;
  private final float[] distances;
  private long done;
  /** What {@link #warm} read, kept so that its reads are not optimised away (racy: never read). */
  private int warmed;
  /** The groups searched, with their estimates (guarded by this). */
  private final List<Part> parts = new ArrayList<>();

  /**
   * One group searched: its rows, neighbours per row and recall estimate (null where the engine
   * was exact).
   */
  record Part(int rows, int k, RecallEstimate estimate) {}

  private GroupedGraph(KnnEngine engine, Vectors points) {
    this.engine = engine;
    this.options = engine.options();
    this.points = points;
    int cells = points.size() * options.k();
    this.ids = new int[cells];
    this.distances = new float[cells];
    Arrays.fill(ids, -1);
    Arrays.fill(distances, Float.POSITIVE_INFINITY);
  }

  /**
   * The graph of {@code points} within the groups {@code groups}, built by {@code engine}.
   *
   * @param engine the engine each group is given to
   * @param points the points
   * @param groups one label per point
   * @return {@code N x k} neighbours, padded with -1 where a group is too small
   * @throws InvalidInputException if there is not one label per point, or a point cannot be ranked
   */
  public static KnnResult build(KnnEngine engine, Vectors points, int[] groups) {
    if (groups.length != points.size()) {
      throw new InvalidInputException(groups.length + " group labels for " + points.size() + " points");
    }
    InputChecks.rankable(points, engine.options().metric(), "row");
    InputChecks.resultSize(points.size(), engine.options().k());
    return new GroupedGraph(engine, points).build(groups);
  }

  private KnnResult build(int[] groups) {
    int n = points.size();
    int k = options.k();
    long start = System.nanoTime();
    int[] order = byLabel(groups);
    List<int[]> small = new ArrayList<>();
    List<int[]> large = new ArrayList<>();
    for (int first = 0, end; first < n; first = end) {
      end = groupEnd(groups, order, first);
      (end - first <= SMALL_GROUP ? small : large).add(new int[] {first, end});
    }
    long searching = System.nanoTime();
    for (int[] g : large) {
      search(order, g, options.threads());
    }
    AtomicInteger next = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(options.threads(), small.size())), () -> {
      for (int t; (t = next.getAndIncrement()) < small.size(); ) {
        search(order, small.get(t), 1);
      }
    });
    // The engines' own notes are off per group (a thousand clouds would print thousands): one
    // line for all of them.
    options.progress().note(String.format(java.util.Locale.ROOT, "groups: %d (%d of at most %d"
        + " points side by side, one thread each; %d larger, all threads each), ordered by label"
        + " %.2f s, searched %.2f s", small.size() + large.size(), small.size(), SMALL_GROUP,
        large.size(), (searching - start) / 1e9, (System.nanoTime() - searching) / 1e9));
    KnnResult result = new KnnResult(n, n, k, ids, distances, options.metric(), options.includeSelf());
    RecallEstimate recall = combined(parts, k);
    return recall == null ? result : result.withRecall(recall);
  }

  /**
   * The recall of the whole graph from its groups' (a stratified estimate): each group weighs as
   * its entries; a group without an estimate was searched exactly and counts as recall 1, known
   * for all its rows; the interval's distances from the recall add as the groups' do, weighed
   * likewise, in quadrature. Null if no group has an estimate.
   *
   * @param groups the groups searched
   * @param k the graph's k
   */
  static RecallEstimate combined(List<Part> groups, int k) {
    double entries = 0;
    boolean any = false;
    for (Part g : groups) {
      entries += (double) g.rows() * g.k();
      any |= g.estimate() != null;
    }
    if (!any) {
      return null;
    }
    double recall = 0;
    double below = 0;
    double above = 0;
    long rows = 0;
    int selfLoops = 0;
    int duplicates = 0;
    int missing = 0;
    for (Part g : groups) {
      double w = (double) g.rows() * g.k() / entries;
      RecallEstimate e = g.estimate();
      if (e == null) {
        recall += w;
        rows += g.rows();
        continue;
      }
      recall += w * e.recall();
      below += w * w * (e.recall() - e.low()) * (e.recall() - e.low());
      above += w * w * (e.high() - e.recall()) * (e.high() - e.recall());
      rows += e.rows();
      selfLoops += e.rowsWithSelfLoops();
      duplicates += e.rowsWithDuplicates();
      missing += e.rowsWithMissing();
    }
    recall = Math.min(1, recall);
    return new RecallEstimate(recall, Math.max(0, recall - Math.sqrt(below)),
        Math.min(1, recall + Math.sqrt(above)), (int) Math.min(Integer.MAX_VALUE, rows), k, selfLoops,
        duplicates, missing);
  }

  /**
   * The number of points in the largest group (what decides which engine searches the groups):
   * counted in an array over the labels' range where that is at most {@code 4 N} wide, else from
   * the rows ordered by label. O(N) either way, without boxing a million labels into a map (that
   * took 50-80 ms before the JIT had compiled it).
   *
   * @param groups one label per row
   * @return the size of the largest group, 0 for no rows
   */
  public static int largestGroup(int[] groups) {
    int n = groups.length;
    if (n == 0) {
      return 0;
    }
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int g : groups) {
      min = Math.min(min, g);
      max = Math.max(max, g);
    }
    int largest = 0;
    if ((long) max - min < 4L * n + 16) {
      int[] sizes = new int[max - min + 1];
      for (int g : groups) {
        sizes[g - min]++;
      }
      for (int size : sizes) {
        largest = Math.max(largest, size);
      }
      return largest;
    }
    int[] order = byLabel(groups);
    for (int first = 0, end; first < n; first = end) {
      end = groupEnd(groups, order, first);
      largest = Math.max(largest, end - first);
    }
    return largest;
  }

  /** Where the group that starts at {@code first} of the rows ordered by label ends. */
  private static int groupEnd(int[] groups, int[] order, int first) {
    int end = first + 1;
    while (end < order.length && groups[order[end]] == groups[order[first]]) {
      end++;
    }
    return end;
  }

  /**
   * The rows ordered by (label, index): a stable radix sort on the label's distance from the
   * smallest label, 16 bits at a time, so O(N) for any labels (a million rows: about 10 ms where
   * sorting (label, index) keys took 80-140 ms before the JIT had compiled the sort). Labels
   * within 65,536 of each other (a batch of clouds numbered from 0) take one pass, not two.
   *
   * @param groups one label per row
   * @return the rows, label by label, ascending within a label
   */
  static int[] byLabel(int[] groups) {
    int n = groups.length;
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int g : groups) {
      min = Math.min(min, g);
      max = Math.max(max, g);
    }
    int[] from = new int[n];
    for (int i = 0; i < n; i++) {
      from[i] = i;
    }
    int[] to = new int[n];
    int[] starts = new int[(1 << 16) + 1];
    int bits = n == 0 || (long) max - min < 1 << 16 ? 16 : 32;
    for (int shift = 0; shift < bits; shift += 16) {
      // The offset g - min read as unsigned: it fits in 32 bits whatever the labels.
      Arrays.fill(starts, 0);
      for (int i = 0; i < n; i++) {
        starts[(((groups[from[i]] - min) >>> shift) & 0xffff) + 1]++;
      }
      for (int b = 0; b < 1 << 16; b++) {
        starts[b + 1] += starts[b];
      }
      for (int i = 0; i < n; i++) {
        int row = from[i];
        to[starts[((groups[row] - min) >>> shift) & 0xffff]++] = row;
      }
      int[] t = from;
      from = to;
      to = t;
    }
    return from;
  }

  /** Searches the group {@code order[range[0], range[1])} and writes its rows of the result. */
  private void search(int[] order, int[] range, int threads) {
    int from = range[0];
    int m = range[1] - from;
    int k = options.k();
    int kk = Math.min(k, options.includeSelf() ? m : m - 1);
    if (kk > 0) {
      KnnEngine groupEngine = engine.with(
          options.withK(kk).withThreads(threads).withProgress(ProgressListener.NONE));
      Vectors group = points.rows(order, from, m);
      int up = scaleUp(group);
      KnnResult local = groupEngine.graph(group);
      synchronized (this) {
        parts.add(new Part(m, kk, local.recall().orElse(null)));
      }
      warm(order, from, m);
      for (int a = 0; a < m; a++) {
        int row = order[from + a];
        for (int j = 0; j < kk; j++) {
          ids[row * k + j] = order[from + local.neighbor(a, j)];
          distances[row * k + j] = Math.scalb(local.distance(a, j), -up * distancePower());
        }
      }
    }
    reportProgress(m);
  }

  /**
   * Scales, in place, a group whose values are all too small for float32 squares (in data that is
   * not: the whole set passed that check, and the exact engine searches such rows again in double)
   * by the power of two that brings its largest value to [1, 2): exact, as are its distances scaled
   * back ({@link #distancePower}), so the group's neighbours are ordered by their true distances,
   * where the engine alone would refuse the group. The whole set's search gives the same, but for
   * squared distances (sqeuclidean, inner product) below float32's range: reported as 0 either
   * way, they are ordered here by their true values, there by index; and a distance below
   * float32's normal range may differ in its last bit (rounded twice).
   *
   * @return the power of two it was scaled by (0: not scaled)
   */
  private int scaleUp(Vectors group) {
    float[] data = group.data();
    float largest = 0;
    for (float v : data) {
      largest = Math.max(largest, Math.abs(v));
    }
    if (distancePower() == 0 || largest == 0 || largest >= InputChecks.SMALLEST_LARGEST_VALUE) {
      return 0;
    }
    int up = -Math.getExponent(largest);
    for (int i = 0; i < data.length; i++) {
      data[i] = Math.scalb(data[i], up);
    }
    return up;
  }

  /**
   * The power of the data's scale a distance has (1 for euclidean, 2 for sqeuclidean and inner
   * product); 0 for the metrics whose values are never too small ({@link InputChecks#notTiny}).
   */
  private int distancePower() {
    switch (options.metric()) {
      case EUCLIDEAN:
        return 1;
      case SQEUCLIDEAN:
      case INNER_PRODUCT:
        return 2;
      default:
        return 0;
    }
  }

  /**
   * Reads the result rows of the group's points into the cache before they are written: a group's
   * rows are scattered over the result when the labels are (a batch of clouds with shuffled rows),
   * and a write that misses the cache holds up the writes behind it, where reads issued together
   * wait for memory side by side.
   */
  private void warm(int[] order, int from, int m) {
    int k = options.k();
    int sum = 0;
    for (int a = 0; a < m; a++) {
      int at = order[from + a] * k;
      sum += ids[at] + ids[at + k - 1] + Float.floatToRawIntBits(distances[at])
          + Float.floatToRawIntBits(distances[at + k - 1]);
    }
    warmed += sum;
  }

  private synchronized void reportProgress(int rows) {
    done += rows;
    options.progress().update(done, points.size());
  }
}
