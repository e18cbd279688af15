package org.knng.graph;

import org.knng.InvalidInputException;
import java.util.Arrays;
import java.util.Objects;

/**
 * How the neighbours of a {@link KnnResult} become weighted edges: a {@link GraphMode} with the
 * parameters its kernel needs, turning the {@code rows x k} result into a CSR {@link SparseGraph}
 * with one edge per listed neighbour (padding skipped), rows sorted by column. Every edge is kept
 * as an explicit entry, even when its weight is 0.
 *
 * <p>{@code d} below is the distance as the result reports it, in the metric's units: the true
 * distance for {@code euclidean}, its square for {@code sqeuclidean} (so a gaussian of a {@code
 * sqeuclidean} result squares the square), {@code 1 - cos} for cosine. Kernels are evaluated in
 * double precision and stored as float32.
 *
 * <ul>
 *   <li>{@code connectivity}: {@code w = 1}.
 *   <li>{@code distance}: {@code w = d}; a zero distance (duplicate points, or the point itself
 *       with include-self) is an edge of weight 0.
 *   <li>{@code gaussian}: {@code w = exp(-d² / (2σ²))}, σ &gt; 0 given. {@code d = 0} gives 1.
 *   <li>{@code self-tuning} (Zelnik-Manor and Perona): {@code w_ij = exp(-d_ij² / (σ_i σ_j))},
 *       σ_i = the distance in column {@code m} (1-based, default {@code k}) of row i, i.e. its
 *       m-th listed neighbour (with include-self the point itself is the first). Needs a graph of
 *       one set (rows = columns), since σ_j is row j's scale. Zeros: {@code d_ij = 0} gives 1
 *       even when {@code σ_i σ_j = 0}; {@code d_ij > 0} with {@code σ_i σ_j = 0} (a point with m
 *       duplicates) gives 0, the limit of the kernel. A row with fewer than m neighbours (padding)
 *       takes its farthest one as scale.
 *   <li>{@code umap} (UMAP's {@code smooth_knn_dist}, local connectivity 1): {@code w_ij =
 *       exp(-max(0, d_ij - ρ_i) / σ_i)}, ρ_i = the smallest distance &gt; 0 in the row, σ_i found by
 *       bisection so that the row's weights, the diagonal entry excepted, sum to {@code log2(k)}.
 *       With include-self and the same k this is UMAP's {@code n_neighbors = k}; the diagonal
 *       entry is then kept with weight 1. Zeros: every neighbour at distance ≤ ρ_i (all zero
 *       distances, i.e. duplicates, and the nearest positive one) gets weight 1. Special rows,
 *       where no σ_i reaches the target: a row whose neighbours are all at distance 0 (ρ_i
 *       undefined, taken as 0) has weight 1 on every edge, summing to its neighbour count; a row
 *       with at least {@code log2(k)} neighbours at distance ≤ ρ_i (many duplicates) takes the
 *       limit σ_i → 0: weight 1 for those and an explicit 0 for the rest. Unlike UMAP there is no
 *       lower bound on σ_i ({@code MIN_K_DIST_SCALE}), so these rows are exact limits.
 * </ul>
 *
 * <p>Instances are immutable.
 */
public final class EdgeWeights {
  /** Bisection steps for UMAP's σ: far more than double precision needs to converge. */
  private static final int BISECTION_STEPS = 200;

  private final GraphMode mode;
  private final double sigma;
  private final int scaleNeighbor;

  private EdgeWeights(GraphMode mode, double sigma, int scaleNeighbor) {
    this.mode = mode;
    this.sigma = sigma;
    this.scaleNeighbor = scaleNeighbor;
  }

  /**
   * The weighting of a mode that needs no parameter: connectivity, distance, self-tuning (with
   * {@code m = k}) and umap.
   *
   * @param mode the mode
   * @return its weighting
   * @throws InvalidInputException for gaussian, which needs σ: use {@link #gaussian(double)}
   */
  public static EdgeWeights of(GraphMode mode) {
    Objects.requireNonNull(mode, "mode");
    if (mode == GraphMode.GAUSSIAN) {
      throw new InvalidInputException("mode gaussian needs sigma: use EdgeWeights.gaussian(sigma)");
    }
    return new EdgeWeights(mode, Double.NaN, 0);
  }

  /** @return weight 1 on every edge */
  public static EdgeWeights connectivity() {
    return of(GraphMode.CONNECTIVITY);
  }

  /** @return the distance as the weight of every edge */
  public static EdgeWeights distance() {
    return of(GraphMode.DISTANCE);
  }

  /**
   * @param sigma the kernel width σ, in the metric's units
   * @return {@code w = exp(-d² / (2σ²))}
   * @throws InvalidInputException if σ is not a finite number &gt; 0
   */
  public static EdgeWeights gaussian(double sigma) {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new InvalidInputException("sigma must be a finite number > 0, got " + sigma);
    }
    return new EdgeWeights(GraphMode.GAUSSIAN, sigma, 0);
  }

  /** @return self-tuning weights with σ_i = distance to i's k-th (last listed) neighbour */
  public static EdgeWeights selfTuning() {
    return of(GraphMode.SELF_TUNING);
  }

  /**
   * @param scaleNeighbor m, 1-based: σ_i is the distance to row i's m-th listed neighbour; must
   *     be at most the result's k when applied
   * @return {@code w_ij = exp(-d_ij² / (σ_i σ_j))}
   * @throws InvalidInputException if {@code m < 1}
   */
  public static EdgeWeights selfTuning(int scaleNeighbor) {
    if (scaleNeighbor < 1) {
      throw new InvalidInputException("scale neighbour must be at least 1, got " + scaleNeighbor);
    }
    return new EdgeWeights(GraphMode.SELF_TUNING, Double.NaN, scaleNeighbor);
  }

  /** @return UMAP's membership strengths (see the class comment) */
  public static EdgeWeights umap() {
    return of(GraphMode.UMAP);
  }

  /** @return the mode */
  public GraphMode mode() {
    return mode;
  }

  /** @return σ of the gaussian mode, NaN for the others */
  public double sigma() {
    return sigma;
  }

  /** @return m of the self-tuning mode, 0 for "k" and for the other modes */
  public int scaleNeighbor() {
    return scaleNeighbor;
  }

  /**
   * The weighted directed graph of a result.
   *
   * @param knn the neighbours
   * @return a {@code rows x columns} CSR graph, one edge per listed neighbour
   * @throws InvalidInputException for self-tuning on a result that is not a graph of one set,
   *     or with m &gt; k; for a kernel ({@link GraphMode#kernel()}) of distances that can be
   *     negative (inner product)
   */
  public SparseGraph apply(KnnResult knn) {
    if (mode.kernel() && knn.metric().negativeDistances()) {
      // exp(-d^2 / (s_i s_j)) with a negative scale exceeds 1, a gaussian weighs the most similar
      // least, UMAP's rho (the smallest d > 0) gives every negative d weight 1: none means anything.
      throw new InvalidInputException(mode.id() + " weights are a kernel of distances >= 0, and "
          + knn.metric().id() + " distances (-dot) can be negative: use connectivity or distance weights,"
          + " or the cosine metric");
    }
    double[] scales = mode == GraphMode.SELF_TUNING ? selfTuningScales(knn) : null;
    return build(knn, (r, w) -> weighRow(knn, r, scales, w));
  }

  /** Row {@code r}'s weights, aligned with its ids, into {@code w[0, k)} (padding left unused). */
  private void weighRow(KnnResult knn, int r, double[] scales, float[] w) {
    int k = knn.k();
    int[] ids = knn.ids();
    float[] dist = knn.distances();
    int base = r * k;
    switch (mode) {
      case CONNECTIVITY:
        Arrays.fill(w, 0, k, 1f);
        break;
      case DISTANCE:
        System.arraycopy(dist, base, w, 0, k);
        break;
      case GAUSSIAN: {
        double twoSigmaSquared = 2 * sigma * sigma;
        for (int j = 0; j < k; j++) {
          double d = dist[base + j];
          w[j] = (float) Math.exp(-d * d / twoSigmaSquared);
        }
        break;
      }
      case SELF_TUNING:
        for (int j = 0; j < k; j++) {
          int id = ids[base + j];
          if (id >= 0) {
            w[j] = (float) selfTuningKernel(dist[base + j], scales[r] * scales[id]);
          }
        }
        break;
      case UMAP:
        umapRow(knn, r, w);
        break;
      default:
        throw new AssertionError(mode);
    }
  }

  private double[] selfTuningScales(KnnResult knn) {
    if (knn.rows() != knn.columns()) {
      throw new InvalidInputException("self-tuning weights need a graph of one set (rows = columns), got "
          + knn.rows() + " x " + knn.columns());
    }
    int k = knn.k();
    int m = scaleNeighbor == 0 ? k : scaleNeighbor;
    if (m > k) {
      throw new InvalidInputException("scale neighbour m=" + m + " is larger than k=" + k);
    }
    double[] scale = new double[knn.rows()];
    for (int r = 0; r < knn.rows(); r++) {
      // The m-th listed neighbour, or the farthest real one when the row is padded before it.
      int j = m - 1;
      while (j >= 0 && knn.ids()[r * k + j] < 0) {
        j--;
      }
      scale[r] = j < 0 ? 0 : knn.distances()[r * k + j];
    }
    return scale;
  }

  private static double selfTuningKernel(double d, double scaleProduct) {
    double d2 = d * d;
    if (d2 == 0) {
      return 1; // identical points are fully similar, whatever the scales (0/0 taken as 0)
    }
    return scaleProduct == 0 ? 0 : Math.exp(-d2 / scaleProduct);
  }

  /** One row of UMAP weights into {@code w[0, k)}; see the class comment for the special rows. */
  private static void umapRow(KnnResult knn, int r, float[] w) {
    int k = knn.k();
    int[] ids = knn.ids();
    float[] dist = knn.distances();
    double rho = Double.POSITIVE_INFINITY;
    int count = 0; // entries in the sum: real neighbours other than the diagonal
    for (int j = 0; j < k; j++) {
      int id = ids[r * k + j];
      if (id >= 0 && !isDiagonal(knn, j)) {
        count++;
        if (dist[r * k + j] > 0) {
          rho = Math.min(rho, dist[r * k + j]);
        }
      }
    }
    if (rho == Double.POSITIVE_INFINITY) {
      rho = 0; // all at distance 0 (or no neighbour): every edge gets weight 1
    }
    double[] excess = new double[count]; // max(0, d - rho) of the summed entries
    int ones = 0;
    int n = 0;
    for (int j = 0; j < k; j++) {
      int id = ids[r * k + j];
      if (id >= 0 && !isDiagonal(knn, j)) {
        double x = Math.max(0, dist[r * k + j] - rho);
        excess[n++] = x;
        if (x == 0) {
          ones++;
        }
      }
    }
    double target = Math.log(k) / Math.log(2);
    double sigma = umapSigma(excess, ones, target);
    for (int j = 0; j < k; j++) {
      int e = r * k + j;
      if (ids[e] >= 0) {
        double x = isDiagonal(knn, j) ? 0 : Math.max(0, dist[e] - rho);
        w[j] = (float) (x == 0 ? 1 : sigma == 0 ? 0 : Math.exp(-x / sigma));
      }
    }
  }

  /**
   * σ with {@code Σ exp(-x/σ) = target}, by bisection; 0 when even σ → 0 sums to at least the
   * target (the {@code ones} terms with x = 0 are 1 for every σ), and +infinity is never needed
   * because the sum tends to the count of terms, at least log2(k), as σ grows.
   */
  private static double umapSigma(double[] excess, int ones, double target) {
    if (ones >= target || ones == excess.length) {
      return 0;
    }
    double lo = 0;
    double hi = 1;
    for (double largest : excess) {
      hi = Math.max(hi, largest);
    }
    while (sum(excess, hi) < target && hi < Double.MAX_VALUE / 4) {
      hi *= 2;
    }
    for (int step = 0; step < BISECTION_STEPS && lo < hi; step++) {
      double mid = 0.5 * (lo + hi);
      if (mid == lo || mid == hi) {
        break;
      }
      if (sum(excess, mid) < target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  private static double sum(double[] excess, double sigma) {
    double s = 0;
    for (double x : excess) {
      s += Math.exp(-x / sigma);
    }
    return s;
  }

  /**
   * Whether rank {@code j} of a row is the row itself: rank 0 of a result that includes self (by
   * position, not by id, so that a block of rows of a larger graph is weighed as the whole is).
   */
  private static boolean isDiagonal(KnnResult knn, int j) {
    return knn.includesSelf() && j == 0;
  }

  /** CSR with each row's entries sorted by column, weights following their entries. */
  /** Weighs one row into a buffer of k. */
  @FunctionalInterface
  private interface RowWeights {
    void weigh(int row, float[] w);
  }

  /**
   * The CSR graph, each row's entries sorted by column: weighed row by row into one buffer of k,
   * so that no N x k array is made besides the graph's own.
   */
  private static SparseGraph build(KnnResult knn, RowWeights rowWeights) {
    int rows = knn.rows();
    int k = knn.k();
    int[] ids = knn.ids();
    int[] indptr = new int[rows + 1];
    int nnz = 0;
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < k; j++) {
        if (ids[r * k + j] >= 0) {
          nnz++;
        }
      }
      indptr[r + 1] = nnz;
    }
    int[] indices = new int[nnz];
    float[] weights = new float[nnz];
    long[] keyed = new long[k];
    float[] w = new float[k];
    for (int r = 0; r < rows; r++) {
      rowWeights.weigh(r, w);
      // Sort the row's entries by column: pack (column, rank) into one long and sort primitives.
      int n = 0;
      for (int j = 0; j < k; j++) {
        int id = ids[r * k + j];
        if (id >= 0) {
          keyed[n++] = ((long) id << 32) | j;
        }
      }
      Arrays.sort(keyed, 0, n);
      int p = indptr[r];
      for (int e = 0; e < n; e++) {
        int j = (int) keyed[e];
        indices[p + e] = (int) (keyed[e] >>> 32);
        weights[p + e] = w[j];
      }
    }
    return new SparseGraph(rows, knn.columns(), indptr, indices, weights);
  }

  @Override
  public String toString() {
    switch (mode) {
      case GAUSSIAN:
        return "EdgeWeights[gaussian, sigma=" + sigma + "]";
      case SELF_TUNING:
        return "EdgeWeights[self-tuning, m=" + (scaleNeighbor == 0 ? "k" : scaleNeighbor) + "]";
      default:
        return "EdgeWeights[" + mode.id() + "]";
    }
  }
}
