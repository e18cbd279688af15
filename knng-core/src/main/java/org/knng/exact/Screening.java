package org.knng.exact;

import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
import org.knng.tile.FullWidthScreen;
import org.knng.tile.Screen;
import org.knng.vectors.Vectors;

/**
 * Which screen the tile loop gets, decided here and only here: the projected screen ({@link
 * Projection}) for euclidean, sqeuclidean and cosine joins large enough to repay its fit, on data
 * with a few dominant directions; the full-width screen otherwise. Tests force either. The
 * approximate engines join their lists through the same screens ({@link #AUTO}).
 */
public enum Screening {
  /** The projected screen where the metric, the size and the data allow; else the full width. */
  AUTO,
  /** Every pair screened on its full-width kernel value. */
  FULL,
  /** Always the projected screen for the metrics it serves (tests: any data exercises it). */
  PROJECTED;

  /**
   * The screen of a self-join of {@code points}; its rows may be in another order than the points
   * ({@link org.knng.tile.Side#ids()}), with near points near each other.
   *
   * @param points the points
   * @param metric the metric
   * @param ops the kernels
   * @param threads threads for the projection
   * @return the screen
   */
  public Screen selfJoin(Vectors points, Metric metric, VectorOps ops, int threads) {
    long n = points.size();
    Screen projected = tries(metric, n * n / 2)
        ? ProjectedScreen.selfJoin(points, metric, this, ops, threads) : null;
    return projected != null ? projected : FullWidthScreen.selfJoin(metric, ops, points);
  }

  /**
   * Puts the points of a self-join in its screen's row order until the returned handle is closed:
   * where the screen has an order of its own (the projected screen, near points together), as a
   * copy of bytes (euclidean points of small integers, if {@code bytes} allows it and the heap has
   * room) or moved in place (reorderable points, {@link Vectors#reorderable}). The pairs the screen
   * re-computes from the vectors then read near points from nearby memory (and bytes read a quarter
   * of it). Until the handle is closed nothing may read the points by point; values the screen gives
   * are the same either way.
   *
   * @param selfJoin the screen of a self-join of the points, made by {@link #selfJoin}
   * @param bytes whether the points may be copied as bytes ({@code N x D} bytes more, while the
   *     handle is open)
   * @param threads threads of the copy
   * @return the handle, for a try-with-resources block
   */
  public static InScreenOrder reorder(Screen selfJoin, boolean bytes, int threads) {
    boolean moved = selfJoin instanceof ProjectedScreen
        && ((ProjectedScreen) selfJoin).reorder(bytes, threads);
    return new InScreenOrder(moved ? (ProjectedScreen) selfJoin : null);
  }

  /**
   * Points put in a screen's row order by {@link #reorder} (copied or moved); {@link #close} puts
   * them back.
   */
  public static final class InScreenOrder implements AutoCloseable {
    private final ProjectedScreen screen; // null when nothing was moved

    private InScreenOrder(ProjectedScreen screen) {
      this.screen = screen;
    }

    /** Puts the points back in their own order (nothing if they were not moved, or are back). */
    @Override
    public void close() {
      if (screen != null) {
        screen.putBack();
      }
    }
  }

  /** The screen of {@code queries} against {@code base}. */
  Screen search(Vectors base, Vectors queries, Metric metric, VectorOps ops, int threads) {
    // A search screens every pair against thresholds that tighten slowly, so the fit pays off
    // from fewer pairs than a self-join's (an approximate engine's recall sample, 1,000 rows
    // against 60,000 Fashion-MNIST images, ran 0.3 to 0.8 s faster in a whole build).
    Screen projected = tries(metric, 8L * queries.size() * base.size())
        ? ProjectedScreen.search(base, queries, metric, this, ops, threads) : null;
    return projected != null ? projected : FullWidthScreen.search(metric, ops, base, queries);
  }

  /**
   * The screen of {@code queries} against the points of a self-join screened before (by {@link
   * #selfJoin}, as an approximate engine does before it measures its recall on a sample of rows):
   * on its projection and its projected points where it has them, else on the full width; no fit
   * of its own, whatever the screening.
   *
   * @param selfJoin the screen of the self-join of {@code points}
   * @param points the points
   * @param queries the queries
   * @param metric the metric
   * @param ops the kernels
   * @param threads threads for the projection of the queries
   * @return the screen of the search
   */
  public static Screen searchOnto(Screen selfJoin, Vectors points, Vectors queries, Metric metric,
      VectorOps ops, int threads) {
    return selfJoin instanceof ProjectedScreen
        ? ((ProjectedScreen) selfJoin).onto(queries, points, threads)
        : FullWidthScreen.search(metric, ops, points, queries);
  }

  /**
   * Whether to try the projected screen: not for other metrics, nor when the full width is forced,
   * nor for fewer pairs than a self-join of {@link Projection#MIN_POINTS} points (the fit costs
   * more than it saves). {@link Projection#fit} then decides from the data.
   */
  private boolean tries(Metric metric, long pairs) {
    boolean served = projects(metric);
    long worthIt = (long) Projection.MIN_POINTS * Projection.MIN_POINTS / 2;
    return served && this != FULL && (this != AUTO || pairs >= worthIt);
  }

  /** Whether the projected screen serves {@code metric} (euclidean, squared euclidean, cosine). */
  static boolean projects(Metric metric) {
    return metric == Metric.EUCLIDEAN || metric == Metric.SQEUCLIDEAN || metric == Metric.COSINE;
  }
}
