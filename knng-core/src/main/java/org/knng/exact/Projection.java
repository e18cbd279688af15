package org.knng.exact;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.engine.Parallel;
import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.knng.tile.FullWidthScreen;
import org.knng.tile.Hits;
import org.knng.tile.PackedBlock;
import org.knng.tree.MedianSplit;
import org.knng.vectors.Vectors;

/**
 * A few-dimensional screen for euclidean and cosine self-joins of data whose variance lies mostly
 * in a few directions (images, descriptors, most embeddings): the tile loop screens pairs on their
 * projections onto those directions and re-computes only the hits in full. Cosine works on the
 * unit vectors {@code x / |x|}, whose squared distance is twice the cosine distance.
 *
 * <p>Why it is exact: for an orthonormal basis {@code U} (D x m), {@code |U'(x - y)|^2 <= |x - y|^2},
 * so the projected squared distance is a lower bound of the true one, and a pair whose bound
 * exceeds both points' current k-th distance can be dropped unseen. The bound keeps its direction
 * under rounding: {@link #project} subtracts, per point, a worst-case bound on the error of the
 * float32 projection and of {@code U}'s departure from orthonormality (see {@link #margins}). Hits
 * are re-scored from the original vectors, exactly as in the full-width screen, so the neighbour
 * lists are the same bit for bit; only the number of pairs computed in full changes.
 *
 * <p>How it is fitted: the principal directions of a strided sample of {@value #SAMPLE} points, by
 * subspace iteration on the sample covariance (float32 products from the tile kernel, double
 * precision orthonormalization) and a Rayleigh-Ritz step that orders them by variance. It is used
 * when the first 16, 32 or 64 (at most D/2) of them hold at least {@value #MIN_CAPTURED} of the
 * sample's variance (the first level holding {@value #WELL_CAPTURED}, if one does); the tile kernel
 * screens on those, and a pair that passes is checked on up to {@value #MAX_DIMS} before it is
 * computed in full. On Fashion-MNIST 32 of 784 directions hold 0.83 of the variance (64 are
 * screened on, which hold more than 0.85) and about 2% of pairs are computed in full at k = 10; on
 * uniform random data no few directions dominate and the full-width screen is kept. Below {@value #MIN_POINTS} points the fit (about 0.15
 * s at D = 784) costs more than it saves (MNIST, 10,000 points: 0.45 s full, 0.51 s projected).
 *
 * <p>The screen rows are put in the order of a median-split tree over the projections ({@link
 * MedianSplit}), with leaves of one block, so that the diagonal blocks, searched first, hold near
 * neighbours and the k-th distances that prune the rest are tight from the start. {@link
 * ProjectedScreen} hands the projections to the tile loop.
 */
final class Projection implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** Below this many points the search is too short to repay the fit. */
  static final int MIN_POINTS = 16384;
  private static final int SAMPLE = 1024;
  /** Directions fitted: the tile screens on the first 16, 32 or 64, a hit is checked on all. */
  private static final int MAX_DIMS = 128;
  private static final int[] DIMS = {16, 32, 64};
  /** The projections of all points (both levels) take at most this many bytes. */
  private static final long MAX_BYTES = 64L << 20;
  private static final double MIN_CAPTURED = 0.8;
  /**
   * Preferred to the first level that holds {@link #MIN_CAPTURED}: the first that holds this much.
   * Fashion-MNIST: 32 directions hold 0.83, 64 hold more than 0.85; on 64 its k = 1000 join took
   * 15.0 s against 17.0 s on 32 (k = 10 and 100 the same within noise).
   */
  private static final double WELL_CAPTURED = 0.85;
  /** The pilot of {@link #screensOut}: queries, rows they are measured against, neighbours. */
  private static final int PILOT_QUERIES = 32;
  private static final int PILOT_BASE = 4096;
  private static final int PILOT_K = 10;
  /** Above this share of pilot pairs passing the first stage, the full width is cheaper. */
  private static final double MAX_PILOT_PASS = 0.25;
  private static final int ITERATIONS = 6;
  /** The covariance is D x D floats: 16 MB at this dimension. */
  private static final int MAX_DIMENSION = 2048;

  private final int dimension;
  private final int dims;       // screened by the tile kernel
  private final int allDims;    // checked for each hit (dims <= allDims)
  private final double[] mean;
  private final double[] basis; // allDims x dimension, row-major, orthonormal rows
  private final transient double orthoError;
  private final boolean unit;   // cosine: the projections are of x / |x|
  private final transient VectorOps ops;

  private Projection(int dims, int allDims, double[] mean, double[] basis, boolean unit,
      VectorOps ops) {
    int dimension = mean.length;
    this.unit = unit;
    this.ops = ops;
    this.dimension = dimension;
    this.dims = dims;
    this.allDims = allDims;
    this.mean = mean;
    this.basis = basis;
    this.orthoError = orthonormalityError(basis, allDims, dimension);
  }

  /** A projection sent to another JVM (a Spark task) takes that JVM's kernels. */
  private Object readResolve() {
    return new Projection(dims, allDims, mean, basis, unit, VectorOpsProvider.get());
  }

  /**
   * One set of points projected, rows in screen order: the first {@link #dims()} coordinates for
   * the tile kernel, the rest for {@link #reject}, and the lower-bound terms of both.
   */
  static final class Projected {
    /** Screen row r is point {@code order[r]}. */
    final int[] order;
    /** The first coordinates of the projections, {@code n x dims}. */
    final float[] data;
    /** Per screen row, {@code n + SCREEN_PADDING} long: the tile screen's lower-bound term. */
    final float[] add;
    private final float[] rest;    // n x restDims: the remaining coordinates, or null
    private final int restDims;
    private final double[] adjust; // per row: the first level's margin less the second's
    private final double restKeep; // 1 - the bound on the relative error of the rest's distance

    private final double half;     // cosine ranks by |x - y|^2 / 2 of unit vectors; else 1
    private final double firstLambda; // the margins' balance (see margins): both sides of a pair
    private final double allLambda;   // must use the same, so a query set takes its base's

    Projected(int[] order, float[] data, float[] add, float[] rest, int restDims, double[] adjust,
        double[] lambdas) {
      this.half = lambdas[0];
      this.firstLambda = lambdas[1];
      this.allLambda = lambdas[2];
      this.order = order;
      this.data = data;
      this.add = add;
      this.rest = rest;
      this.restDims = restDims;
      this.adjust = adjust;
      this.restKeep = 1 - 2.0 * (restDims + 4) * Math.ulp(1.0f);
    }

    /**
     * Drops the pairs that passed the tile screen (their values lower bounds from the first
     * coordinates) but are still ruled out by all coordinates: their bound exceeds their limit,
     * the largest threshold of the lists the pair may enter. The hits' rows are of this
     * projection, their columns of {@code other}.
     */
    void reject(Hits hits, Projected other, VectorOps ops) {
      if (rest == null) {
        return;
      }
      int n = hits.size();
      int[] a = hits.aOffsets;
      int[] b = hits.bOffsets;
      for (int p = 0; p < n; p++) {
        a[p] = hits.rows[p] * restDims;
        b[p] = hits.columns[p] * restDims;
      }
      float[] restDistance = hits.scratch;
      // restKeep holds for a sum in any order.
      ops.squaredDistancesAnyOrder(rest, a, other.rest, b, n, restDims, restDistance);
      int kept = 0;
      for (int p = 0; p < n; p++) {
        double bound = hits.screened[p] + adjust[hits.rows[p]] + other.adjust[hits.columns[p]]
            + half * restKeep * restDistance[p];
        // Every pair is moved, and only the kept advance: no branch to mispredict.
        hits.move(p, kept);
        kept += bound > hits.limits[p] ? 0 : 1;
      }
      hits.truncate(kept);
    }
  }

  /** @return the number of directions the tile kernel screens on */
  int dims() {
    return dims;
  }

  /** @return whether the projections are of the unit vectors {@code x / |x|} (cosine) */
  boolean unit() {
    return unit;
  }

  /** @return the number of directions a pair that passes is checked on */
  int allDims() {
    return allDims;
  }

  /**
   * The principal directions of {@code points} (cosine: of {@code x / |x|}) if few of them hold
   * most of the variance and the data is large enough to repay the fit, else null. With {@link
   * Screening#PROJECTED}, a projection whenever the fit is finite, on half of {@code clamp(D/2, 1,
   * 128)} directions: for tests, which must exercise the screen on any data.
   */
  static Projection fit(Vectors points, VectorOps ops, Metric metric, Screening screening) {
    return fit(points, points.size(), points.size(), ops, metric, screening);
  }

  /**
   * {@link #fit(Vectors, VectorOps, Metric, Screening)} on a sample of a larger join, for all of
   * its pieces at once: {@code total} points in all (whether the fit repays, and how near the
   * neighbours the pilot measures are), at most {@code projectedRows} of them projected at once.
   */
  static Projection fit(Vectors points, long total, long projectedRows, VectorOps ops,
      Metric metric, Screening screening) {
    int n = points.size();
    int d = points.dimension();
    boolean force = screening == Screening.PROJECTED;
    boolean unit = metric == Metric.COSINE;
    if (!force && !mayFit(total, d)) {
      return null;
    }
    int m = (int) Math.max(1, Math.min(Math.min(MAX_DIMS, d / 2),
        MAX_BYTES / (4L * Math.max(1, projectedRows))));
    float[] x = points.data();
    int stride = Math.max(1, n / SAMPLE);
    int samples = (n + stride - 1) / stride;
    double[] scales = rowScales(x, samples, stride, d, unit);
    double[] mean = new double[d];
    for (int s = 0; s < samples; s++) {
      int off = s * stride * d;
      double scale = scales[s];
      for (int a = 0; a < d; a++) {
        mean[a] += x[off + a] * scale;
      }
    }
    for (int a = 0; a < d; a++) {
      mean[a] /= samples;
    }
    float[] cov = covariance(x, d, stride, samples, scales, mean, ops);
    for (float c : cov) {
      if (!Float.isFinite(c)) {
        return null; // cannot happen for checked input (values are scaled); never screen on NaN
      }
    }
    double trace = 0;
    for (int a = 0; a < d; a++) {
      trace += cov[a * d + a];
    }
    double[] v = new double[m * d];
    Random random = new Random(42);
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextGaussian();
    }
    orthonormalize(v, m, d);
    double[] w = new double[m * d];
    for (int it = 0; it < ITERATIONS; it++) {
      multiply(v, cov, w, m, d, ops);
      System.arraycopy(w, 0, v, 0, w.length);
      orthonormalize(v, m, d);
    }
    double[] variances = rayleighRitz(v, cov, m, d, ops);
    int dims = force ? Math.max(1, m / 2) : level(variances, m, trace);
    if (dims == 0 || (!force && !screensOut(points, total, v, dims, unit, ops))) {
      return null;
    }
    return new Projection(dims, m, mean, v, unit, ops);
  }

  /**
   * The directions to screen on: the first level of 16, 32 or 64 (at most {@code m}) that holds
   * {@link #WELL_CAPTURED} of the variance, else the first that holds {@link #MIN_CAPTURED}, else
   * 0 (no projection). A level that holds a little more passes far fewer pairs at large k.
   *
   * @param variances the variance along each fitted direction, largest first
   * @param m the directions fitted
   * @param trace the total variance
   * @return the directions, or 0
   */
  static int level(double[] variances, int m, double trace) {
    int enough = 0;
    double captured = 0;
    for (int c = 0, t = 0; c < m && t < DIMS.length; c++) {
      captured += variances[c];
      if (c + 1 == DIMS[t]) {
        if (trace > 0 && captured >= WELL_CAPTURED * trace) {
          return c + 1;
        } else if (trace > 0 && enough == 0 && captured >= MIN_CAPTURED * trace) {
          enough = c + 1;
        }
        t++;
      }
    }
    return enough;
  }

  /**
   * Whether a join of {@code total} points of dimension {@code d} may repay a fit: large enough,
   * and of a dimension with a few directions to screen on and a covariance that fits in memory.
   */
  static boolean mayFit(long total, int d) {
    return total >= MIN_POINTS && d >= 2 * DIMS[0] && d <= MAX_DIMENSION;
  }

  /**
   * Whether the first {@code dims} directions would rule out most pairs, measured on a pilot:
   * {@value #PILOT_QUERIES} rows against {@value #PILOT_BASE} others (strided), each query's
   * threshold its k-th nearest among them with k scaled to what {@value #PILOT_K} neighbours among
   * all points are, and the share of pairs whose projected distance is within it. The variance
   * test alone is fooled by separate clusters: the directions between their centres hold most of
   * the variance while the differences between near points, within a cluster, are spread over
   * all directions; if the neighbours are then little nearer than the rest of their cluster (high
   * intrinsic dimension), nearly every pair passes the first stage and costs a second check and a
   * full computation more than the full-width screen would (a cell of the 96-d mixture, 27,895
   * points of 3 clusters, one thread: projected 22.8 s, full width 3.7 s).
   */
  private static boolean screensOut(Vectors points, long total, double[] basis, int dims,
      boolean unit, VectorOps ops) {
    int n = points.size();
    int d = points.dimension();
    float[] x = points.data();
    int queries = Math.min(PILOT_QUERIES, n / 2);
    int base = Math.min(n - queries, PILOT_BASE);
    if (base < 2 || queries < 1) {
      return true;
    }
    int stride = n / (base + queries);
    int rows = base + queries;
    // The pilot's rows, read in place: base rows first, then the queries (unit vectors for cosine).
    int[] ids = new int[rows];
    float[] scale = unit ? new float[n] : null;
    double[] norms = new double[rows];
    for (int r = 0; r < rows; r++) {
      int row = r * stride;
      ids[r] = row;
      double sq = Vectors.squaredNorm(x, row * d, d);
      if (unit) {
        scale[row] = sq == 0 ? 0 : (float) (1 / Math.sqrt(sq));
        sq = sq == 0 ? 0 : 1;
      }
      norms[r] = sq;
    }
    // The pilot's projections, and its queries' squared distances to the base as |q|^2 + |b|^2 -
    // 2 q.b, from the tile kernel's products (the covariance has just warmed it; a share of pairs
    // is all the pilot measures). In scalar doubles and one pair at a time, with a kernel the JIT
    // had not compiled yet, the pilot took 0.23-0.32 s of Fashion-MNIST's fit; now 0.11-0.18 s.
    float[] basisFloat = new float[dims * d];
    for (int i = 0; i < basisFloat.length; i++) {
      basisFloat[i] = (float) basis[i];
    }
    float[] proj = dots(x, ids, scale, rows, basisFloat, null, null, dims, d, ops, 1);
    int[] queryIds = Arrays.copyOfRange(ids, base, rows);
    float[] cross = dots(x, ids, scale, base, x, queryIds, scale, queries, d, ops, 1); // base x queries
    int k = (int) Math.max(1, Math.round((double) PILOT_K * base / total));
    double[] dist = new double[base];
    long passed = 0;
    for (int q = base; q < rows; q++) {
      for (int b = 0; b < base; b++) {
        dist[b] = Math.max(0, norms[q] + norms[b] - 2.0 * cross[b * queries + q - base]);
      }
      double[] sorted = dist.clone();
      Arrays.sort(sorted);
      double threshold = sorted[Math.min(base - 1, k - 1)];
      for (int b = 0; b < base; b++) {
        double s2 = 0;
        for (int c = 0; c < dims; c++) {
          double t = (double) proj[q * dims + c] - proj[b * dims + c];
          s2 += t * t;
        }
        if (s2 <= threshold) {
          passed++;
        }
      }
    }
    return passed <= MAX_PILOT_PASS * queries * base;
  }

  /**
   * One set of points projected, in point order, before any screen is made of it: the first
   * {@link #dims()} coordinates, the rest, and per point the norms the margins need. A row's values
   * depend on that row alone, so the coordinates of two sets side by side ({@link #concatenate})
   * are those of their union, bit for bit: a block of a split join is projected once, however many
   * pieces it is in. Serializable, so that it travels with its block.
   */
  static final class Coordinates implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final int size;
    final float[] data;     // size x dims
    final float[] rest;     // size x restDims, or null
    final double[] xNorm;   // |x| (of x / |x| for cosine)
    final double[] centred; // |x - mean|^2

    Coordinates(int size, float[] data, float[] rest, double[] xNorm, double[] centred) {
      this.size = size;
      this.data = data;
      this.rest = rest;
      this.xNorm = xNorm;
      this.centred = centred;
    }

    /** @return the coordinates of {@code a}'s points followed by {@code b}'s */
    static Coordinates concatenate(Coordinates a, Coordinates b) {
      return new Coordinates(a.size + b.size, join(a.data, b.data),
          a.rest == null ? null : join(a.rest, b.rest), join(a.xNorm, b.xNorm),
          join(a.centred, b.centred));
    }

    /** @return {@code a}'s values followed by {@code b}'s (also the two blocks of a piece) */
    static float[] join(float[] a, float[] b) {
      float[] out = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }

    private static double[] join(double[] a, double[] b) {
      double[] out = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
  }

  /**
   * Projects every point (float32 tiles, on {@code threads} threads), in point order: both levels
   * at once, {@code n x} {@link #allDims()} floats.
   */
  Coordinates coordinates(Vectors points, int threads) {
    int n = points.size();
    int d = dimension;
    // Centred projections (smaller rounding error in the expansion): U'x - U'mean.
    double[] scales = rowScales(points.data(), n, 1, d, unit);
    float[] data = coordinates(points, 0, dims, scales, threads);
    float[] rest = allDims > dims ? coordinates(points, dims, allDims - dims, scales, threads) : null;
    float[] x = points.data();
    double[] xNorm = new double[n];
    double[] centred = new double[n];
    for (int r = 0; r < n; r++) {
      double x2 = 0;
      double c2 = 0;
      int off = r * d;
      double rs = scales[r];
      for (int a = 0; a < d; a++) {
        double v = x[off + a] * rs;
        x2 += v * v;
        c2 += (v - mean[a]) * (v - mean[a]);
      }
      xNorm[r] = Math.sqrt(x2);
      centred[r] = c2;
    }
    return new Coordinates(n, data, rest, xNorm, centred);
  }

  /**
   * Projects every point and computes the screening terms: {@link #project(Coordinates, int,
   * Projected, boolean)} of {@link #coordinates(Vectors, int)}.
   */
  Projected project(Vectors points, int leaf, Projected like, int threads) {
    return project(coordinates(points, threads), leaf, like, true);
  }

  /**
   * The screen of projected points: with {@code leaf > 0} the rows are put in screen order (a
   * median-split tree with leaves of {@code leaf} rows, each split again down to leaves of one
   * panel), with {@code leaf == 0} they keep the points' order. With {@code like} (the other side
   * of a search) the margins are balanced as in it, so that the two sides' terms add up to a valid
   * bound. {@code owned}: the coordinates may be reordered in place (else they are copied first,
   * as a block's that other pieces use).
   */
  Projected project(Coordinates points, int leaf, Projected like, boolean owned) {
    int n = points.size;
    int m = allDims;
    int restDims = m - dims;
    float[] data = points.data;
    float[] rest = points.rest;
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    if (leaf > 0) {
      data = owned ? data : data.clone();
      // The tree moves the rows of data with the order.
      MedianSplit tree = new MedianSplit(data, dims, dims);
      tree.order(order, 0, n, leaf);
      // Within each block, leaves of one panel: a diagonal block's near-diagonal tiles then pair
      // near neighbours, which the tile loop joins first.
      for (int b0 = 0; b0 < n; b0 += leaf) {
        tree.order(order, b0, Math.min(n, b0 + leaf), ops.tileWidth());
      }
      if (rest != null) {
        rest = owned ? rest : rest.clone();
        permuteRows(rest, restDims, order);
      }
    }
    // Per-point norms and projection error bounds (see margins), in screen order.
    double u = Math.ulp(1.0f) / 2;
    double meanNorm = 0;
    for (double v : mean) {
      meanNorm += v * v;
    }
    meanNorm = Math.sqrt(meanNorm);
    double[] first = new double[n];
    double[] all = new double[n];
    double[] xNorm = new double[n];
    double[] centred = new double[n];
    for (int r = 0; r < n; r++) {
      first[r] = Vectors.squaredNorm(data, r * dims, dims);
      all[r] = first[r] + (rest == null ? 0 : Vectors.squaredNorm(rest, r * restDims, restDims));
      xNorm[r] = points.xNorm[order[r]];
      centred[r] = points.centred[order[r]];
    }
    double[] firstErr = errors(xNorm, meanNorm, dims, u);
    double firstLambda = like != null ? like.firstLambda : balance(first, firstErr);
    double[] firstMargin = margins(first, firstErr, centred, firstLambda, u);
    float[] add = new float[n + VectorOps.SCREEN_PADDING];
    Arrays.fill(add, n, add.length, Float.NaN);
    double keep = 1 - FullWidthScreen.roundingFactor(dims);
    double half = unit ? 0.5 : 1;
    for (int r = 0; r < n; r++) {
      add[r] = (float) (half * (keep * first[r] - firstMargin[r]));
    }
    double[] adjust = null;
    double allLambda = 0;
    if (rest != null) {
      double[] allErr = errors(xNorm, meanNorm, m, u);
      allLambda = like != null ? like.allLambda : balance(all, allErr);
      double[] allMargin = margins(all, allErr, centred, allLambda, u);
      adjust = new double[n];
      for (int r = 0; r < n; r++) {
        // 4u|p|^2 more: the float rounding of the tile's value and of this sum.
        adjust[r] = half * (firstMargin[r] - allMargin[r] - 4 * u * all[r]);
      }
    }
    return new Projected(order, data, add, rest, restDims, adjust,
        new double[] {half, firstLambda, allLambda});
  }

  /**
   * The centred projections of every point (times its {@code scales} factor) onto basis vectors
   * {@code [from, from + count)}, in point order ({@code n x count}).
   */
  private float[] coordinates(Vectors points, int from, int count, double[] scales, int threads) {
    int d = dimension;
    float[] basisFloat = new float[count * d];
    for (int i = 0; i < basisFloat.length; i++) {
      basisFloat[i] = (float) basis[from * d + i];
    }
    float[] p = dots(points.data(), points.size(), basisFloat, count, d, ops, threads);
    double[] shift = new double[count];
    for (int c = 0; c < count; c++) {
      double s = 0;
      for (int a = 0; a < d; a++) {
        s += basis[(from + c) * d + a] * mean[a];
      }
      shift[c] = s;
    }
    for (int i = 0, n = points.size(); i < n; i++) {
      double rs = scales[i];
      for (int c = 0; c < count; c++) {
        p[i * count + c] = (float) (p[i * count + c] * rs - shift[c]);
      }
    }
    return p;
  }

  /** Puts the rows of {@code a} in screen order in place: row r becomes old row {@code order[r]}. */
  static void permuteRows(float[] a, int width, int[] order) {
    permuteRows(a, width, order, new float[width], new BitSet(order.length));
  }

  /**
   * {@link #permuteRows(float[], int, int[])}, cycle by cycle, through scratch given beforehand (so
   * that it cannot fail for want of memory): one row ({@code held}) and an empty set of the rows
   * placed.
   */
  static void permuteRows(float[] a, int width, int[] order, float[] held, BitSet placed) {
    for (int start = 0; start < order.length; start++) {
      if (placed.get(start) || order[start] == start) {
        continue;
      }
      System.arraycopy(a, start * width, held, 0, width);
      int j = start;
      while (true) {
        placed.set(j);
        int from = order[j];
        if (from == start) {
          System.arraycopy(held, 0, a, j * width, width);
          break;
        }
        System.arraycopy(a, from * width, a, j * width, width);
        j = from;
      }
    }
  }

  /**
   * Per point, what the projection's inexactness can take off a squared distance. Let {@code q_i =
   * U'(x_i - mean)} exactly (c coordinates) and {@code p_i} the stored float32 value, with {@code
   * |p_i - q_i| <= e_i}. Each coordinate is a float32 dot product of D terms (error at most {@code
   * 2(D + 4) u |x_i|} in any summation order, {@code u = 2^-24}) against the basis rounded to
   * float32 ({@code u |x_i|}), less the shift and rounded ({@code 2u (|x_i| + |mean|)}): so {@code
   * e_i <= 2 sqrt(c) ((2D + 11) u |x_i| + 2 u |mean|)}, with a factor 2 to spare. With {@code a =
   * |p_i - p_j|} and {@code eta} the orthonormality error of {@code U}, {@code |x_i - x_j|^2 >= (1 -
   * eta)(a - e_i - e_j)^2 >= a^2 - (eta + lambda) a^2 - (e_i + e_j)^2 / lambda} (as {@code 2ae <=
   * lambda a^2 + e^2 / lambda}); {@code a^2 <= 2|p_i|^2 + 2|p_j|^2} then splits the loss into one
   * term per point, {@code 2(eta + lambda)|p_i|^2 + 2 e_i^2 / lambda}. The expansion's own rounding
   * is bounded as in the full-width screen ({@link FullWidthScreen#roundingFactor}).
   *
   * <p>The bound is compared with neighbour lists that hold float32 values computed from the
   * differences, which may lie below the truth by {@code 2(D + 4) u |x_i - x_j|^2} at most; with
   * {@code |x_i - x_j|^2 <= 2|x_i - mean|^2 + 2|x_j - mean|^2}, each point gives up {@code 4(D + 4)
   * u |x_i - mean|^2} more.
   */
  private double[] margins(double[] pNorm2, double[] err, double[] centred, double lambda, double u) {
    int n = pNorm2.length;
    double[] margin = new double[n];
    for (int r = 0; r < n; r++) {
      margin[r] = 2 * (orthoError + lambda) * pNorm2[r] + 2 * err[r] * err[r] / lambda
          + 4.0 * (dimension + 4) * u * centred[r];
    }
    return margin;
  }

  /** The bound {@code e_i} on each point's projection error over {@code c} coordinates (see margins). */
  private double[] errors(double[] xNorm, double meanNorm, int c, double u) {
    double[] err = new double[xNorm.length];
    for (int r = 0; r < err.length; r++) {
      err[r] = 2 * Math.sqrt(c) * ((2.0 * dimension + 11) * u * xNorm[r] + 2 * u * meanNorm);
      if (unit) {
        // The lists hold values of x * fl(1/|x|) rounded per coordinate: each unit vector may be
        // off by 3u, which the bound gives up like a projection error (doubled to spare).
        err[r] += 6 * u;
      }
    }
    return err;
  }

  /** A lambda that balances the two parts of the margin for a typical point: mean e / mean |p|. */
  private static double balance(double[] pNorm2, double[] err) {
    double sumP = 0;
    double sumE = 0;
    for (int r = 0; r < err.length; r++) {
      sumP += Math.sqrt(pNorm2[r]);
      sumE += err[r];
    }
    return sumP > 0 && sumE > 0 ? sumE / sumP : 1e-6;
  }

  /**
   * All dot products of the rows of {@code a} ({@code aRows x len}) with the rows of {@code b}
   * ({@code bRows x len}), as an {@code aRows x bRows} float32 matrix, by the tile kernel.
   */
  static float[] dots(float[] a, int aRows, float[] b, int bRows, int len, VectorOps ops, int threads) {
    return dots(a, null, null, aRows, b, null, null, bRows, len, ops, threads);
  }

  /**
   * {@link #dots(float[], int, float[], int, int, VectorOps, int)} of listed rows, read where they
   * are: row i of the first matrix is row {@code aIds[i]} of {@code a} times {@code aScale} of
   * that row (consecutive rows without ids, unscaled without factors), and so for {@code b}. A
   * sample of the points needs no copy of its own (a copy of the pilot's 4,128 rows of 784 values
   * is 13 MB, more than the young generation holds: it was left dead in the old one).
   */
  static float[] dots(float[] a, int[] aIds, float[] aScale, int aRows, float[] b, int[] bIds,
      float[] bScale, int bRows, int len, VectorOps ops, int threads) {
    int width = ops.tileWidth();
    PackedBlock packed = new PackedBlock(width, len, bRows);
    packed.pack(b, bIds, 0, bRows, bScale);
    float[] out = new float[aRows * bRows];
    int strips = (aRows + VectorOps.TILE_ROWS - 1) / VectorOps.TILE_ROWS;
    AtomicInteger next = new AtomicInteger();
    int chunk = 64; // strips per task
    Parallel.run(Math.max(1, Math.min(threads, strips / chunk)), () -> {
      PackedBlock rowStrips = new PackedBlock(VectorOps.TILE_ROWS, len, chunk * VectorOps.TILE_ROWS);
      int tileSize = VectorOps.TILE_ROWS * width;
      float[] tiles = new float[chunk * tileSize];
      for (int t; (t = next.getAndAdd(chunk)) < strips; ) {
        int first = t * VectorOps.TILE_ROWS;
        rowStrips.pack(a, aIds, first, Math.min(aRows, first + chunk * VectorOps.TILE_ROWS) - first,
            aScale);
        for (int p = 0; p < packed.panelCount(); p++) {
          // The engine's call: long rows (the covariance's samples) go through L1 in chunks.
          ops.stripTiles(VectorOps.Kernel.DOT, rowStrips.panels(), 0, rowStrips.panelCount(), len, packed.panels(),
              packed.offset(p), tiles);
          int c0 = p * width;
          int cols = Math.min(width, bRows - c0);
          for (int s = 0; s < rowStrips.panelCount(); s++) {
            int r0 = first + s * VectorOps.TILE_ROWS;
            int rows = Math.min(VectorOps.TILE_ROWS, aRows - r0);
            for (int r = 0; r < rows; r++) {
              System.arraycopy(tiles, s * tileSize + r * width, out, (r0 + r) * bRows + c0, cols);
            }
          }
        }
      }
    });
    return out;
  }

  /**
   * The sample covariance (unnormalized), D x D, from float32 dot products of the centred sample's
   * columns: the basis only needs to be good, not exact (orthonormality is restored in double).
   */
  private static float[] covariance(float[] x, int d, int stride, int samples, double[] scales,
      double[] mean, VectorOps ops) {
    // Scaled to at most 1 in magnitude, so that no sum of products can overflow float32: the
    // principal directions do not depend on the scale.
    double max = 0;
    for (int s = 0; s < samples; s++) {
      int off = s * stride * d;
      double rs = scales[s];
      for (int a = 0; a < d; a++) {
        max = Math.max(max, Math.abs(x[off + a] * rs - mean[a]));
      }
    }
    double scale = max > 0 ? 1 / max : 1;
    float[] columns = new float[d * samples];
    for (int s = 0; s < samples; s++) {
      int off = s * stride * d;
      double rs = scales[s];
      for (int a = 0; a < d; a++) {
        columns[a * samples + s] = (float) ((x[off + a] * rs - mean[a]) * scale);
      }
    }
    float[] gram = dots(columns, d, columns, d, samples, ops, 1);
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < a; b++) {
        float sym = 0.5f * (gram[a * d + b] + gram[b * d + a]);
        gram[a * d + b] = sym;
        gram[b * d + a] = sym;
      }
    }
    return gram;
  }

  /**
   * The factor each of {@code rows} rows (every {@code stride}-th vector of {@code x}) is projected
   * with: {@code 1 / |x|} in double precision with {@code unit}, else 1.
   */
  private static double[] rowScales(float[] x, int rows, int stride, int d, boolean unit) {
    double[] scales = new double[rows];
    for (int r = 0; r < rows; r++) {
      scales[r] = unit ? 1 / Math.sqrt(Vectors.squaredNorm(x, r * stride * d, d)) : 1;
    }
    return scales;
  }

  /** {@code w = v cov} for row vectors {@code v} (m x d) and the symmetric {@code cov}. */
  private static void multiply(double[] v, float[] cov, double[] w, int m, int d, VectorOps ops) {
    float[] vf = new float[m * d];
    for (int i = 0; i < vf.length; i++) {
      vf[i] = (float) v[i];
    }
    float[] product = dots(cov, d, vf, m, d, ops, 1); // (cov v')[b][c] = (v cov)[c][b]
    for (int b = 0; b < d; b++) {
      for (int c = 0; c < m; c++) {
        w[c * d + b] = product[b * m + c];
      }
    }
  }

  /** Modified Gram-Schmidt, twice, on the rows; a row that vanishes becomes a unit axis. */
  private static void orthonormalize(double[] v, int m, int d) {
    int axis = 0; // at most d axes are tried: m <= d, so one of them is independent
    for (int pass = 0; pass < 2; pass++) {
      for (int c = 0; c < m; c++) {
        double before = 0;
        for (int a = 0; a < d; a++) {
          before += v[c * d + a] * v[c * d + a];
        }
        for (int e = 0; e < c; e++) {
          double dot = 0;
          for (int a = 0; a < d; a++) {
            dot += v[c * d + a] * v[e * d + a];
          }
          for (int a = 0; a < d; a++) {
            v[c * d + a] -= dot * v[e * d + a];
          }
        }
        double norm = 0;
        for (int a = 0; a < d; a++) {
          norm += v[c * d + a] * v[c * d + a];
        }
        if (!(norm > 1e-24 * before) || before == 0) {
          // Degenerate (the sample spans fewer directions than m): try the next unit axis.
          Arrays.fill(v, c * d, c * d + d, 0);
          v[c * d + (axis++ % d)] = 1;
          c--;
          continue;
        }
        double inv = 1 / Math.sqrt(norm);
        for (int a = 0; a < d; a++) {
          v[c * d + a] *= inv;
        }
      }
    }
  }

  /**
   * Rotates the rows of {@code v} (an orthonormal basis of the subspace) to the covariance's
   * principal directions within it, in decreasing variance, and returns those variances.
   */
  private static double[] rayleighRitz(double[] v, float[] cov, int m, int d, VectorOps ops) {
    double[] w = new double[m * d];
    multiply(v, cov, w, m, d, ops);
    double[] h = new double[m * m];
    for (int c = 0; c < m; c++) {
      for (int e = 0; e < m; e++) {
        double s = 0;
        for (int a = 0; a < d; a++) {
          s += w[c * d + a] * v[e * d + a];
        }
        h[c * m + e] = s;
      }
    }
    for (int c = 0; c < m; c++) {
      for (int e = 0; e < c; e++) {
        double s = 0.5 * (h[c * m + e] + h[e * m + c]);
        h[c * m + e] = s;
        h[e * m + c] = s;
      }
    }
    double[] z = jacobi(h, m);
    Integer[] idx = new Integer[m];
    Arrays.setAll(idx, i -> i);
    Arrays.sort(idx, (i, j) -> Double.compare(h[j * m + j], h[i * m + i]));
    double[] rotated = new double[m * d];
    double[] variances = new double[m];
    for (int t = 0; t < m; t++) {
      int c = idx[t];
      variances[t] = h[c * m + c];
      for (int e = 0; e < m; e++) {
        double ze = z[e * m + c];
        for (int a = 0; a < d; a++) {
          rotated[t * d + a] += ze * v[e * d + a];
        }
      }
    }
    System.arraycopy(rotated, 0, v, 0, v.length);
    orthonormalize(v, m, d);
    return variances;
  }

  /**
   * Cyclic Jacobi eigenvalue iteration on the symmetric {@code h} (m x m), in place: its diagonal
   * becomes the eigenvalues; returns the eigenvectors as columns.
   */
  private static double[] jacobi(double[] h, int m) {
    double[] z = new double[m * m];
    for (int i = 0; i < m; i++) {
      z[i * m + i] = 1;
    }
    for (int sweep = 0; sweep < 50; sweep++) {
      double off = 0;
      double diag = 0;
      for (int p = 0; p < m; p++) {
        diag += h[p * m + p] * h[p * m + p];
        for (int q = p + 1; q < m; q++) {
          off += h[p * m + q] * h[p * m + q];
        }
      }
      if (off <= 1e-30 * Math.max(diag, Double.MIN_NORMAL)) {
        break;
      }
      for (int p = 0; p < m; p++) {
        for (int q = p + 1; q < m; q++) {
          double apq = h[p * m + q];
          if (apq == 0) {
            continue;
          }
          double theta = (h[q * m + q] - h[p * m + p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < m; k++) {
            double hkp = h[k * m + p];
            double hkq = h[k * m + q];
            h[k * m + p] = c * hkp - s * hkq;
            h[k * m + q] = s * hkp + c * hkq;
          }
          for (int k = 0; k < m; k++) {
            double hpk = h[p * m + k];
            double hqk = h[q * m + k];
            h[p * m + k] = c * hpk - s * hqk;
            h[q * m + k] = s * hpk + c * hqk;
          }
          for (int k = 0; k < m; k++) {
            double zkp = z[k * m + p];
            double zkq = z[k * m + q];
            z[k * m + p] = c * zkp - s * zkq;
            z[k * m + q] = s * zkp + c * zkq;
          }
        }
      }
    }
    return z;
  }

  /**
   * A bound on {@code ||U U' - I||_2} for the rows of {@code basis}: the Frobenius norm of the
   * computed Gram error plus a bound on the error of computing it.
   */
  private static double orthonormalityError(double[] basis, int m, int d) {
    double f = 0;
    for (int c = 0; c < m; c++) {
      for (int e = 0; e < m; e++) {
        double s = 0;
        for (int a = 0; a < d; a++) {
          s += basis[c * d + a] * basis[e * d + a];
        }
        double g = s - (c == e ? 1 : 0);
        f += g * g;
      }
    }
    return Math.sqrt(f) + 4.0 * (d + 2) * m * Math.ulp(1.0);
  }
}
