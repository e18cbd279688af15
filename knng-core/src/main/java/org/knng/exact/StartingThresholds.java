package org.knng.exact;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.knng.ProgressListener;
import org.knng.metric.Metric;
import org.knng.select.NeighborReservoirs;
import org.knng.simd.VectorOps;
import org.knng.tile.Screen;
import org.knng.tile.TileJoin;
import org.knng.vectors.Vectors;

/**
 * Each row's threshold before a large-k join starts, from its distances to a random sample of the
 * columns, so that the join keeps few more than k candidates per row instead of the {@code k (1 +
 * ln(N / k))} a row takes when its threshold starts at +infinity and tightens as the columns
 * stream past (at k = 1000 of 50,000 points: about 1,800 instead of 5,400, each one re-computed
 * and stored).
 *
 * <p>The sample has {@code m = 32 N / k} columns, so a row's k nearest hold about {@link
 * #MEAN_HITS} of them; the row's threshold is its {@code r}-th smallest sampled value with {@code r}
 * four standard deviations above that mean. A row whose true k-th distance is above its threshold
 * (the sample put too many of its points among its k nearest: about one row in 10,000) ends the
 * join with fewer than k candidates and is searched again without a threshold ({@link
 * #redo}), so the result is exact whatever the sample. The sample costs {@code 2 m / N = 64 / k}
 * of the join; below {@link #MIN_K} that is more than it saves and no thresholds are set.
 */
final class StartingThresholds {
  /** Smallest k the sample is drawn for: it then costs at most an eighth of the join. */
  static final int MIN_K = 512;
  /** Expected number of sampled columns among a row's k nearest. */
  static final double MEAN_HITS = 32;
  /** How many standard deviations above that mean a row's threshold is taken. */
  static final double SIGMAS = 4;
  private static final long SEED = 0x6b6e6e67L;

  private StartingThresholds() {}

  /**
   * Whether to draw a sample for a join keeping {@code k} of {@code columns}.
   *
   * @param k candidates kept per row
   * @param columns columns each row is joined with
   * @return whether the sample pays for itself
   */
  static boolean pays(int k, int columns) {
    return k >= MIN_K && (long) sampleSize(k, columns) * 16 <= columns;
  }

  private static int sampleSize(int k, int columns) {
    return (int) Math.min(columns, Math.ceil(MEAN_HITS * columns / k));
  }

  /**
   * Sets each row's starting threshold in {@code lists}.
   *
   * @param lists the join's lists, rows in the order of {@code screen}'s rows
   * @param screen the join's screen: its rows get thresholds from their distances to a sample of
   *     its columns
   * @param columnPoints the points of the screen's columns, in point order
   * @param rowPoints the points of its rows, in point order
   * @param metric the metric
   * @param ops the kernels
   * @param screening how the sample's search is screened
   * @param threads threads
   * @param selfJoin whether rows and columns are one set (a row may then meet itself in the
   *     sample, at distance 0, which takes one more sampled value)
   * @param sigmas standard deviations above the mean ({@link #SIGMAS}; tests go below 0 to make
   *     rows fail)
   */
  static void set(NeighborReservoirs lists, Screen screen, Vectors columnPoints, Vectors rowPoints,
      Metric metric, VectorOps ops, Screening screening, int threads, boolean selfJoin,
      double sigmas) {
    int k = lists.k();
    int columns = columnPoints.size();
    int m = sampleSize(k, columns);
    double mean = (double) m * k / columns;
    long wanted = (long) Math.ceil(mean + sigmas * Math.sqrt(mean)) + (selfJoin ? 2 : 1);
    int rank = (int) Math.max(1, Math.min(m, wanted));
    Vectors sample = sample(columnPoints, m);
    Screen sampled = screening.search(sample, rowPoints, metric, ops, threads);
    NeighborReservoirs nearest = new NeighborReservoirs(rowPoints.size(), rank);
    new TileJoin(ops, threads, ProgressListener.NONE)
        .search(sampled, nearest.thresholds(), worker -> nearest.worker());
    // The sampled values are in the sample search's row order; the lists' rows in the join's.
    float[] values = nearest.sortAndRelease(threads).distances;
    float[] byPoint = new float[rowPoints.size()];
    for (int r = 0; r < byPoint.length; r++) {
      byPoint[sampled.rows().id(r)] = values[r * rank + rank - 1];
    }
    for (int r = 0; r < lists.rows(); r++) {
      lists.limit(r, byPoint[screen.rows().id(r)]);
    }
  }

  /**
   * Searches again, without a threshold, the rows a too low threshold left short, and writes their
   * exact nearest into {@code ids}.
   *
   * @param ids the join's result, {@code rows x kept}, in point order
   * @param kept neighbours per row
   * @param failed the rows (points) to search again
   * @param rowPoints the rows' points
   * @param columnPoints the columns' points
   * @param selfJoin whether rows and columns are one set (a row's own index is then skipped)
   * @param metric the metric
   * @param ops the kernels
   * @param screening how the search is screened
   * @param threads threads
   */
  static void redo(int[] ids, int kept, int[] failed, Vectors rowPoints, Vectors columnPoints,
      boolean selfJoin, Metric metric, VectorOps ops, Screening screening, int threads) {
    // One more for a self-join: the row itself is among the nearest, by index, and left out.
    int wanted = selfJoin ? kept + 1 : kept;
    Screen screen = screening.search(columnPoints, rowPoints.rows(failed, 0, failed.length), metric,
        ops, threads);
    NeighborReservoirs lists = new NeighborReservoirs(failed.length, wanted);
    new TileJoin(ops, threads, ProgressListener.NONE)
        .search(screen, lists.thresholds(), worker -> lists.worker());
    int[] found = lists.sortAndRelease(threads).ids;
    for (int q = 0; q < failed.length; q++) {
      int row = failed[q];
      int out = row * kept;
      for (int j = 0, written = 0; j < wanted && written < kept; j++) {
        int id = found[q * wanted + j];
        if (!selfJoin || id != row) {
          ids[out + written++] = id;
        }
      }
    }
  }

  /** {@code m} distinct points drawn at random (Floyd's algorithm), in index order. */
  private static Vectors sample(Vectors points, int m) {
    int n = points.size();
    BitSet chosen = new BitSet(n);
    SplittableRandom random = new SplittableRandom(SEED);
    for (int j = n - m; j < n; j++) {
      int t = random.nextInt(j + 1);
      chosen.set(chosen.get(t) ? j : t);
    }
    return points.rows(chosen.stream().toArray(), 0, m);
  }
}
