package org.knng.engine;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.InvalidInputException;
import org.knng.metric.Metric;

/**
 * Euclidean and sqeuclidean rows whose neighbours are closer than float32 sums can rank, searched
 * again in double. The engines choose a row's neighbours by float32 squared distances; a square
 * below 2^-126 loses bits and one below 2^-150 is 0, so points within about 1e-19 of each other
 * all tie (at 0, or on a coarse grid) and the smaller indices win, whatever their true distances:
 * a cluster of points of about 1e-22 inside data of ordinary scale got wrong neighbours, which the
 * double re-scoring of the kept candidates only re-sorted. No check of the data's scale can see
 * such a cluster ({@link InputChecks#rankable} refuses data that is tiny as a whole).
 *
 * <p>A row is searched again when its k-th squared distance, in double (the largest of its kept:
 * ties in float32 are stored by id), is above 0 and below {@code D x 2^-126}, where the sum's
 * rounding to the subnormal grid ({@code D x 2^-150} at most) is no longer far below float32's own
 * relative rounding. A k-th distance of exactly 0 needs no
 * search: the kept are then exact duplicates of the row (every one of which has float32 distance
 * exactly 0), the smallest indices of them. The new search runs in double over the points whose
 * norm is within the k-th distance of the row's (by the triangle inequality every point nearer
 * than the kept k-th is), found by bisection in the points sorted by norm: the tiny cluster and
 * little else. Ordinary data has no such row and pays one pass over the k-th distances.
 */
final class UnderflowRows {
  /** {@code 2^-126}, float32's smallest normal value: times D, the squared distances searched again. */
  private static final double FLOOR = 0x1p-126;
  /**
   * The pairs the new search may compare per point, beyond {@link #FIXED_WORK}: a cluster of
   * thousands of such points is searched in full; a million of them in 3-D data would compare
   * hundreds of billions, and is refused instead (as data tiny as a whole is, {@link
   * InputChecks#rankable}).
   */
  private static final long MAX_PAIRS_PER_POINT = 32;
  /** The values (pairs x D) the new search may read beyond 32 pairs per point: about a second. */
  private static final long FIXED_WORK = 1L << 30;

  private UnderflowRows() {}

  /**
   * Whether {@link #research} may find a row to search again, from the stored distances alone.
   *
   * @param metric the metric
   * @param k entries per row
   * @param d values per vector
   * @param ids the result's ids
   * @param dist the result's distances
   * @return false when no row's k-th distance is small enough
   */
  static boolean mayHave(Metric metric, int k, int d, int[] ids, float[] dist) {
    if ((metric != Metric.EUCLIDEAN && metric != Metric.SQEUCLIDEAN) || k == 0) {
      return false;
    }
    float sure = sure(metric, d);
    for (int last = k - 1; last < dist.length; last += k) {
      if (dist[last] < sure && ids[last] >= 0) {
        return true;
      }
    }
    return false;
  }

  /** The stored k-th is the double value rounded to float32: below twice the floor lets none by. */
  private static float sure(Metric metric, int d) {
    double floor = d * FLOOR;
    return (float) (metric == Metric.EUCLIDEAN ? Math.sqrt(2 * floor) : 2 * floor);
  }

  /**
   * Searches again, in double, the rows whose k-th squared distance is above 0 and below {@code D
   * x 2^-126}, rewriting their ids and distances (sorted by (distance, id) as every row).
   *
   * @param metric the metric: only euclidean and sqeuclidean rows are looked at
   * @param k entries per row, the first the row itself with {@code selfFirst}
   * @param selfFirst whether each row lists its own point first (then at distance 0)
   * @param ids the result's point ids, {@code rows x k}, {@code -1} for none
   * @param dist the result's distances in the metric's units
   * @param q the rows' vectors, row-major
   * @param qRowOf the row of {@code q} of each result row, or null when result row {@code r} is
   *     row {@code r} of {@code q}
   * @param x the points' vectors, row-major
   * @param xRowOf the row of {@code x} of each point id, or null when point {@code p} is row {@code
   *     p}
   * @param d values per vector
   * @param points the points ({@code x}'s rows)
   * @param sameSet whether result row {@code r} is point {@code r} (a graph: it is not its own
   *     neighbour but first with {@code selfFirst}), not a query
   * @param threads worker threads
   * @return how many rows were searched again
   * @throws InvalidInputException if searching them would compare more than 32 pairs per point
   *     and about 2^30 / D more (a large cluster of such points): naming the first row
   */
  static int research(Metric metric, int k, boolean selfFirst, int[] ids, float[] dist, float[] q,
      int[] qRowOf, float[] x, int[] xRowOf, int d, int points, boolean sameSet, int threads) {
    if ((metric != Metric.EUCLIDEAN && metric != Metric.SQEUCLIDEAN) || k == 0) {
      return 0;
    }
    int rows = dist.length / k;
    double floor = d * FLOOR;
    float sure = sure(metric, d);
    int[] suspects = new int[0];
    double[] kths = new double[0];
    int count = 0;
    for (int r = 0; r < rows; r++) {
      int last = r * k + k - 1;
      if (dist[last] < sure && ids[last] >= 0) {
        double kth = farthest(ids, r * k, k, q, row(qRowOf, r) * d, x, xRowOf, d);
        if (kth > 0 && kth < floor) {
          if (count == suspects.length) {
            suspects = Arrays.copyOf(suspects, Math.max(16, 2 * count));
            kths = Arrays.copyOf(kths, suspects.length);
          }
          kths[count] = kth;
          suspects[count++] = r;
        }
      }
    }
    if (count == 0) {
      return 0;
    }
    // The points sorted by norm, in double (rare: boxed ids are simple and fast enough).
    double[] norms = new double[points];
    Integer[] boxed = new Integer[points];
    for (int p = 0; p < points; p++) {
      norms[p] = Math.sqrt(squaredNorm(x, row(xRowOf, p) * d, d));
      boxed[p] = p;
    }
    Arrays.sort(boxed, (a, b) -> Double.compare(norms[a], norms[b]));
    int[] byNorm = new int[points];
    double[] sorted = new double[points];
    for (int i = 0; i < points; i++) {
      byNorm[i] = boxed[i];
      sorted[i] = norms[byNorm[i]];
    }
    // Each row's window: every point nearer than its kept k-th has a norm within that distance of
    // the row's (with room for the roundings of the norms).
    int[] from = new int[count];
    int[] to = new int[count];
    long pairs = 0;
    for (int i = 0; i < count; i++) {
      int qAt = row(qRowOf, suspects[i]) * d;
      double norm = Math.sqrt(squaredNorm(q, qAt, d));
      double reach = Math.sqrt(kths[i]) * (1 + 1e-9) + norm * 1e-12;
      from[i] = lowerBound(sorted, norm - reach);
      to[i] = lowerBound(sorted, Math.nextUp(norm + reach));
      pairs += to[i] - from[i];
    }
    if (pairs > MAX_PAIRS_PER_POINT * points + FIXED_WORK / Math.max(1, d)) {
      throw new InvalidInputException(count + " rows (the first: row " + suspects[0] + ") have"
          + " neighbours closer than float32 squares can rank (squared distances below " + (float) floor
          + "), and searching them again in double would compare " + pairs + " pairs; scale the data up");
    }
    int[] todo = suspects;
    int total = count;
    AtomicInteger next = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(threads, total)), () -> {
      int[] bestIds = new int[k];
      double[] best = new double[k];
      for (int i; (i = next.getAndIncrement()) < total; ) {
        int r = todo[i];
        int at = r * k;
        int qAt = row(qRowOf, r) * d;
        int first = selfFirst ? 1 : 0;
        int size = 0;
        for (int j = from[i]; j < to[i]; j++) {
          int p = byNorm[j];
          if (sameSet && p == r) {
            continue;
          }
          double v = Metric.squaredEuclidean(q, qAt, x, row(xRowOf, p) * d, d);
          size = insert(bestIds, best, first, size, k, p, v);
        }
        if (selfFirst) {
          bestIds[0] = r;
          best[0] = 0;
          size++;
        }
        for (int j = 0; j < k; j++) {
          ids[at + j] = j < size ? bestIds[j] : -1;
          dist[at + j] = j >= size ? Float.POSITIVE_INFINITY
              : (float) (metric == Metric.EUCLIDEAN ? Math.sqrt(best[j]) : best[j]);
        }
        Rescoring.sortRow(ids, dist, at + first, at + k);
      }
    });
    return total;
  }

  /**
   * The largest squared distance, in double, from a row to the points it kept: its k-th, which
   * the stored order (by float32 distance, then id) need not put last when those tie.
   */
  private static double farthest(int[] ids, int at, int k, float[] q, int qAt, float[] x,
      int[] xRowOf, int d) {
    double most = 0;
    for (int j = at; j < at + k; j++) {
      most = Math.max(most, Metric.squaredEuclidean(q, qAt, x, row(xRowOf, ids[j]) * d, d));
    }
    return most;
  }

  private static int row(int[] rowOf, int r) {
    return rowOf == null ? r : rowOf[r];
  }

  private static double squaredNorm(float[] v, int at, int d) {
    double sum = 0;
    for (int j = 0; j < d; j++) {
      sum += (double) v[at + j] * v[at + j];
    }
    return sum;
  }

  /** The first index whose value is at least {@code value}. */
  private static int lowerBound(double[] sorted, double value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Inserts {@code (v, p)} into the sorted entries {@code [first, first + size)}, keeping at most
   * {@code k - first} of them, ordered by (distance, id).
   *
   * @return the new size
   */
  private static int insert(int[] ids, double[] values, int first, int size, int k, int p, double v) {
    int cap = k - first;
    int end = first + size;
    if (size == cap && (v > values[end - 1] || (v == values[end - 1] && p > ids[end - 1]))) {
      return size;
    }
    int j = size == cap ? end - 1 : end;
    while (j > first && (values[j - 1] > v || (values[j - 1] == v && ids[j - 1] > p))) {
      values[j] = values[j - 1];
      ids[j] = ids[j - 1];
      j--;
    }
    values[j] = v;
    ids[j] = p;
    return size == cap ? size : size + 1;
  }
}
