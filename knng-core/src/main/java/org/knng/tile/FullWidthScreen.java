package org.knng.tile;

import java.util.Arrays;
import java.util.Locale;
import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
import org.knng.vectors.Vectors;

/**
 * The screen on the vectors themselves, for every metric. The kernels compute euclidean and cosine
 * values through dot products ({@code |x|^2 + |y|^2 - 2 x.y}, and {@code 1 - x.y} on unit vectors),
 * which cancel badly for near-duplicates and data far from the origin. So the screening value is a
 * lower bound (the dot-product value less its worst-case rounding error, {@link #roundingFactor})
 * and every pair that passes is re-computed from the differences before it is offered: candidate
 * lists only ever hold direct-difference values, and no true neighbour is screened out. Inner
 * product ({@code -x.y}), manhattan (the direct sum) and chebyshev (the direct maximum) are offered
 * as the kernels compute them.
 */
public final class FullWidthScreen implements Screen {
  private final VectorOps ops;
  private final Metric metric;
  private final Side rows;
  private final Side columns;
  private final Differences differences; // null where the kernel's value is exact enough
  private final int block;

  private FullWidthScreen(FullWidthScreen screen) {
    this.ops = screen.ops;
    this.metric = screen.metric;
    this.rows = screen.rows;
    this.columns = screen.columns;
    this.differences = null;
    this.block = screen.block;
  }

  private FullWidthScreen(VectorOps ops, Metric metric, Vectors rowPoints, Vectors columnPoints,
      int block) {
    this.ops = ops;
    this.metric = metric;
    this.rows = side(metric, rowPoints);
    this.columns = rowPoints == columnPoints ? rows : side(metric, columnPoints);
    boolean rescored = metric == Metric.EUCLIDEAN || metric == Metric.SQEUCLIDEAN
        || metric == Metric.COSINE;
    // Cosine packs the unit vectors: the same factors re-score from the differences.
    this.differences = !rescored ? null
        : new Differences(ops, rowPoints, rows.packScale(), columnPoints, columns.packScale());
    this.block = block;
  }

  /**
   * The screen of a self-join: rows and columns are the same side.
   *
   * @param metric the metric
   * @param ops the kernels
   * @param points the points
   * @return the screen
   */
  public static FullWidthScreen selfJoin(Metric metric, VectorOps ops, Vectors points) {
    return new FullWidthScreen(ops, metric, points, points,
        TileJoin.blockSize(ops, points.size(), points.dimension()));
  }

  /**
   * The screen of a self-join in small blocks of listed rows (forest leaves, candidate lists), as
   * the approximate engines join them.
   *
   * @param metric the metric
   * @param ops the kernels
   * @param points the points
   * @param block the most rows of a list
   * @return the screen
   */
  public static FullWidthScreen lists(Metric metric, VectorOps ops, Vectors points, int block) {
    return new FullWidthScreen(ops, metric, points, points, block);
  }

  /**
   * The screen of queries (rows) against a base (columns).
   *
   * @param metric the metric
   * @param ops the kernels
   * @param base the points searched
   * @param queries the queries, of the same dimension
   * @return the screen
   */
  public static FullWidthScreen search(Metric metric, VectorOps ops, Vectors base, Vectors queries) {
    int block = TileJoin.blockSize(ops, Math.max(queries.size(), base.size()), base.dimension());
    return new FullWidthScreen(ops, metric, queries, base, block);
  }

  /** The vectors as they are, with the metric's screening terms. */
  private static Side side(Metric metric, Vectors v) {
    int n = v.size();
    int d = v.dimension();
    float[] data = v.data();
    float[] add = new float[n + VectorOps.SCREEN_PADDING];
    Arrays.fill(add, n, add.length, Float.NaN);
    double margin = roundingFactor(d);
    float[] unit = null;
    switch (metric) {
      case EUCLIDEAN:
      case SQEUCLIDEAN:
        // |x|^2 (1 - e) + |y|^2 (1 - e) - 2 x.y <= the true squared distance.
        for (int i = 0; i < n; i++) {
          add[i] = (float) ((1 - margin) * Vectors.squaredNorm(data, i * d, d));
        }
        break;
      case COSINE:
        // 1 - x.y on unit vectors, less the error bound (unit norms), half of it per side.
        unit = v.inverseNorms();
        Arrays.fill(add, 0, n, (float) (0.5 - margin));
        break;
      case INNER_PRODUCT:
      case MANHATTAN:
      case CHEBYSHEV:
        break;
      default:
        throw new AssertionError(metric);
    }
    return new Side(data, d, n, add, unit, null);
  }

  /**
   * Bound on the relative rounding error of {@code |x|^2 + |y|^2 - 2 x.y} in float32 with D
   * sequential fused multiply-adds: at most {@code (D + 3) u (|x|^2 + |y|^2)} with {@code u =
   * 2^-24}, doubled for safety. Subtracting it makes the screen's value a lower bound.
   *
   * @param dimension values per vector
   * @return the relative bound
   */
  public static float roundingFactor(int dimension) {
    return (float) (2.0 * (dimension + 4) * Math.ulp(1.0f) / 2);
  }

  /**
   * This screen offering its screening values as they are, without re-computing a pair from the
   * differences: each value is a lower bound of the pair's ranking value, within the rounding
   * margin. For a search whose values need not be exact (a sample that only sets where a join
   * starts), not for candidate lists that are the result.
   *
   * @return the same sides and kernels, offering lower bounds
   */
  public FullWidthScreen lowerBounds() {
    return differences == null ? this : new FullWidthScreen(this);
  }

  @Override
  public Side rows() {
    return rows;
  }

  @Override
  public Side columns() {
    return columns;
  }

  @Override
  public float scale() {
    switch (metric) {
      case EUCLIDEAN:
      case SQEUCLIDEAN:
        return -2f;
      case COSINE:
      case INNER_PRODUCT:
        return -1f;
      default:
        return 1f;
    }
  }

  @Override
  public VectorOps.Kernel kernel() {
    switch (metric) {
      case MANHATTAN:
        return VectorOps.Kernel.MANHATTAN;
      case CHEBYSHEV:
        return VectorOps.Kernel.CHEBYSHEV;
      default:
        return VectorOps.Kernel.DOT;
    }
  }

  @Override
  public int block() {
    return block;
  }

  @Override
  public boolean nearFirst() {
    return false;
  }

  @Override
  public void values(Hits hits) {
    if (differences == null) {
      System.arraycopy(hits.screened, 0, hits.values, 0, hits.size());
    } else {
      differences.values(hits, rows, columns);
    }
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "full width, %d values", rows.dimension());
  }
}
