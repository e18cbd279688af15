package org.knng.exact;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.knng.ProgressListener;
import org.knng.metric.Metric;
import org.knng.select.NeighborReservoirs;
import org.knng.simd.VectorOps;
import org.knng.tile.FullWidthScreen;
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
 * <p>The sample has {@code m = h N / k} columns, so a row's k nearest hold about {@code h} of them
 * ({@link #meanHits}); the row's threshold is its {@code r}-th smallest sampled value with {@code
 * r} three standard deviations above that mean. A row whose true k-th distance is above its
 * threshold (the sample put too many of its points among its k nearest: about one row in 1,000,
 * whatever the data, since it depends only on how the sample falls)
 * ends the join with fewer than k candidates and is searched again without a threshold ({@link
 * #redo}), so the result is exact whatever the sample. The sample is searched on the join's own
 * screen and costs {@code 2 m / N = 2 h / k} of the join's pairs, plus its own candidates; below
 * {@link #MIN_K} (or {@link #MIN_K_NEAR_FIRST}) that is more than it saves and no thresholds are
 * set.
 */
final class StartingThresholds {
  /** Smallest k the sample is drawn for where the screen's order does not tighten thresholds early. */
  static final int MIN_K = 64;
  /**
   * Smallest k the sample is drawn for where the screen joins near blocks first ({@link
   * Screen#nearFirst()}): there the thresholds tighten early without it, and below this k the
   * sample's search cost as much as it saved (Fashion-MNIST at k = 100: 14.8-16.6 s with it,
   * 14.9-15.0 s without; at k = 1000: 39.5 s against 42.1 s).
   */
  static final int MIN_K_NEAR_FIRST = 512;

  /**
   * Expected number of sampled columns among a row's k nearest: {@code k / 32}, between 2 and 32.
   * More hits set a threshold nearer the k-th value (fewer candidates in the join) from a larger
   * sample (a longer search with its own candidates): at k = 1000 32 hits, at k = 100 about 3
   * (on 50,000 random 128-d points the join then takes 3.1-3.5 s instead of 5.4 s, and the sample
   * 1.0-1.3 s, most of it the JIT compiling the loop the join then runs).
   *
   * @param k candidates kept per row
   * @return the mean hits
   */
  static double meanHits(int k) {
    return Math.max(2, Math.min(32, k / 32.0));
  }

  /**
   * How many standard deviations above that mean a row's threshold is taken. Lower keeps fewer
   * candidates in the join and searches more rows again: at k = 1000, 3 against 4 took the join of
   * 50,000 random 128-d points from 3.9-4.3 s to 3.7-3.9 s (11 rows searched again instead of 0)
   * and Fashion-MNIST's from 12.3-12.6 s to 12.1-12.3 s (49 rows instead of 2); 2 saved a little
   * more on random data but searched 890 Fashion-MNIST rows again, which cost what it saved.
   */
  static final double SIGMAS = 3;
  private static final long SEED = 0x6b6e6e67L;

  private StartingThresholds() {}

  /**
   * Whether to draw a sample for a join keeping {@code k} of {@code columns}.
   *
   * @param k candidates kept per row
   * @param columns columns each row is joined with
   * @param screen the join's screen
   * @return whether the sample pays for itself
   */
  static boolean pays(int k, int columns, Screen screen) {
    return k >= (screen.nearFirst() ? MIN_K_NEAR_FIRST : MIN_K)
        && (long) sampleSize(k, columns) * 16 <= columns;
  }

  private static int sampleSize(int k, int columns) {
    return (int) Math.min(columns, Math.ceil(meanHits(k) * columns / k));
  }

  /**
   * Sets each row's starting threshold in {@code lists}, from its values to a sample of the
   * columns computed on the join's own screen: the same projection (nothing fitted or projected
   * again) and the same values the join offers, so a threshold is in the units the lists compare.
   *
   * @param lists the join's lists, rows in the order of {@code screen}'s rows
   * @param screen the join's screen
   * @param ops the kernels
   * @param threads threads
   * @param selfJoin whether rows and columns are one set (a row may then meet itself in the
   *     sample, at distance 0, which takes one more sampled value)
   * @param sigmas standard deviations above the mean ({@link #SIGMAS}; tests go below 0 to make
   *     rows fail)
   */
  static void set(NeighborReservoirs lists, Screen screen, VectorOps ops, int threads,
      boolean selfJoin, double sigmas) {
    int k = lists.k();
    int columns = screen.columns().size();
    int m = sampleSize(k, columns);
    double mean = (double) m * k / columns;
    long wanted = (long) Math.ceil(mean + sigmas * Math.sqrt(mean)) + (selfJoin ? 2 : 1);
    int rank = (int) Math.max(1, Math.min(m, wanted));
    NeighborReservoirs nearest = lists.borrow(rank);
    // On the full width the screening values are lower bounds within a rounding margin: ranked on
    // them, the sample skips re-computing its candidates (random 50k x 128, k = 1000: 1.4-1.7 s
    // instead of 2.0-2.1 s); a threshold a margin too low only makes a row searched again.
    Screen searched = screen instanceof FullWidthScreen ? ((FullWidthScreen) screen).lowerBounds()
        : screen;
    new TileJoin(ops, threads, ProgressListener.NONE)
        .search(searched, sample(columns, m), nearest.thresholds(), worker -> nearest.worker());
    float[] values = nearest.sortAndRelease(threads).distances;
    for (int r = 0; r < lists.rows(); r++) {
      lists.limit(r, values[r * rank + rank - 1]);
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
   * @param joined the screen of the self-join of {@code columnPoints} (its points back in point
   *     order), whose projection the rows are screened on without a fit of their own; null for a
   *     search, screened by {@code screening}
   * @param threads threads
   */
  static void redo(int[] ids, int kept, int[] failed, Vectors rowPoints, Vectors columnPoints,
      boolean selfJoin, Metric metric, VectorOps ops, Screening screening, Screen joined,
      int threads) {
    // One more for a self-join: the row itself is among the nearest, by index, and left out.
    int wanted = selfJoin ? kept + 1 : kept;
    Vectors rows = rowPoints.rows(failed, 0, failed.length);
    // A few dozen rows against the self-join's points: fitting a projection of its own took
    // longer than their search (Fashion-MNIST at k = 1000: 49 rows, 0.18 s in all).
    Screen screen = joined != null
        ? Screening.searchOnto(joined, columnPoints, rows, metric, ops, threads)
        : screening.search(columnPoints, rows, metric, ops, threads);
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

  /** {@code m} distinct rows of {@code n} drawn at random (Floyd's algorithm), in ascending order. */
  private static int[] sample(int n, int m) {
    BitSet chosen = new BitSet(n);
    SplittableRandom random = new SplittableRandom(SEED);
    for (int j = n - m; j < n; j++) {
      int t = random.nextInt(j + 1);
      chosen.set(chosen.get(t) ? j : t);
    }
    return chosen.stream().toArray();
  }

}
