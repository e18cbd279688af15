package org.knng.exact;

import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
import org.knng.tile.FullWidthScreen;
import org.knng.tile.Screen;
import org.knng.vectors.Vectors;

/**
 * Which screen the exact engine hands the tile loop, decided here and only here: the projected
 * screen ({@link Projection}) for euclidean, sqeuclidean and cosine joins large enough to repay its
 * fit, on data with a few dominant directions; the full-width screen otherwise. Tests force either.
 */
enum Screening {
  /** The projected screen where the metric, the size and the data allow; else the full width. */
  AUTO,
  /** Every pair screened on its full-width kernel value. */
  FULL,
  /** Always the projected screen for the metrics it serves (tests: any data exercises it). */
  PROJECTED;

  /** The screen of a self-join of {@code points}. */
  Screen selfJoin(Vectors points, Metric metric, VectorOps ops, int threads) {
    long n = points.size();
    Projection projection = fit(points, metric, ops, n * n / 2);
    return projection == null ? FullWidthScreen.selfJoin(metric, ops, points)
        : ProjectedScreen.selfJoin(projection, points, ops, threads);
  }

  /** The screen of {@code queries} against {@code base}. */
  Screen search(Vectors base, Vectors queries, Metric metric, VectorOps ops, int threads) {
    Projection projection = fit(base, metric, ops, (long) queries.size() * base.size());
    return projection == null ? FullWidthScreen.search(metric, ops, base, queries)
        : ProjectedScreen.search(projection, base, queries, ops, threads);
  }

  /**
   * The projection of {@code base}, or null for the full width: other metrics; forced; fewer pairs
   * than a self-join of {@link Projection#MIN_POINTS} points (the fit costs more than it saves);
   * or data without a few dominant directions ({@link Projection#fit}).
   */
  private Projection fit(Vectors base, Metric metric, VectorOps ops, long pairs) {
    boolean served = metric == Metric.EUCLIDEAN || metric == Metric.SQEUCLIDEAN
        || metric == Metric.COSINE;
    long worthIt = (long) Projection.MIN_POINTS * Projection.MIN_POINTS / 2;
    if (!served || this == FULL || (this == AUTO && pairs < worthIt)) {
      return null;
    }
    return Projection.fit(base, ops, metric, this);
  }
}
