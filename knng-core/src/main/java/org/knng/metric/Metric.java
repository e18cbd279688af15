package org.knng.metric;

import org.knng.Named;

/**
 * The distances knng can rank neighbours by. Every distance is reported in the metric's own units:
 *
 * <ul>
 *   <li>{@link #EUCLIDEAN}: the true distance {@code sqrt(sum((x - y)^2))}, not squared;
 *   <li>{@link #SQEUCLIDEAN}: {@code sum((x - y)^2)};
 *   <li>{@link #COSINE}: {@code 1 - cos(x, y)}, clamped at 0 (so in {@code [0, 2]}); a vector of
 *       norm zero has no direction and is rejected;
 *   <li>{@link #INNER_PRODUCT}: {@code -dot(x, y)}, so that the smallest distance is the largest
 *       inner product (maximum inner product search); it can be negative;
 *   <li>{@link #MANHATTAN}: {@code sum(|x - y|)};
 *   <li>{@link #CHEBYSHEV}: {@code max(|x - y|)} (L-infinity).
 * </ul>
 *
 * <p>The {@code distance} methods here are the scalar double-precision definitions: engines use
 * faster float32 kernels for the search and these to re-score the neighbours they keep.
 */
public enum Metric implements Named {
  /** True Euclidean (L2) distance. */
  EUCLIDEAN("euclidean"),
  /** Squared Euclidean distance. */
  SQEUCLIDEAN("sqeuclidean"),
  /** Cosine distance, {@code 1 - cos}. */
  COSINE("cosine"),
  /** Negated inner product, for maximum inner product search. */
  INNER_PRODUCT("inner-product"),
  /** Manhattan (L1) distance. */
  MANHATTAN("manhattan"),
  /** Chebyshev (L-infinity) distance: the largest absolute difference of a coordinate. */
  CHEBYSHEV("chebyshev");

  private final String id;

  Metric(String id) {
    this.id = id;
  }

  /** @return the name used on the command line and in files, e.g. {@code inner-product} */
  @Override
  public String id() {
    return id;
  }

  /**
   * Looks a metric up by its {@link #id()} (case-insensitive; {@code _} is read as {@code -}).
   *
   * @param name e.g. {@code "cosine"}
   * @return the metric
   * @throws org.knng.InvalidInputException naming the valid choices if there is no such metric
   */
  public static Metric parse(String name) {
    return Named.parse(values(), name, "metric");
  }

  /** @return the valid names, comma-separated */
  public static String choices() {
    return Named.choices(values());
  }

  /**
   * The distance between two vectors, computed in double precision from the definition.
   *
   * @param a first array
   * @param aOffset start of the first vector in {@code a}
   * @param b second array
   * @param bOffset start of the second vector in {@code b}
   * @param dimension number of values per vector
   * @return the distance in this metric's units
   */
  public double distance(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
    switch (this) {
      case EUCLIDEAN:
        return Math.sqrt(squaredEuclidean(a, aOffset, b, bOffset, dimension));
      case SQEUCLIDEAN:
        return squaredEuclidean(a, aOffset, b, bOffset, dimension);
      case COSINE: {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < dimension; i++) {
          double x = a[aOffset + i];
          double y = b[bOffset + i];
          dot += x * y;
          na += x * x;
          nb += y * y;
        }
        // One square root of the product, not a product of square roots: for a copy (or positive
        // multiple) of a vector, sqrt(na * nb) == dot exactly, so the distance is exactly 0.
        return Math.max(0.0, 1.0 - dot / Math.sqrt(na * nb));
      }
      case INNER_PRODUCT: {
        double dot = 0;
        for (int i = 0; i < dimension; i++) {
          dot += (double) a[aOffset + i] * b[bOffset + i];
        }
        return -dot;
      }
      case MANHATTAN: {
        double sum = 0;
        for (int i = 0; i < dimension; i++) {
          sum += Math.abs((double) a[aOffset + i] - b[bOffset + i]);
        }
        return sum;
      }
      case CHEBYSHEV: {
        double max = 0;
        for (int i = 0; i < dimension; i++) {
          max = Math.max(max, Math.abs((double) a[aOffset + i] - b[bOffset + i]));
        }
        return max;
      }
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Four squared euclidean distances at once, each with exactly the bits {@link #distance} gives
   * ({@link #SQEUCLIDEAN}; its square root for {@link #EUCLIDEAN}): pair {@code l} is {@code a} at
   * {@code aOffsets[l]} and {@code b} at {@code bOffsets[l]}. The four pairs' sums are independent
   * chains the CPU overlaps, where one pair at a time waits on the latency of each add: 1.9x (D =
   * 784) to 2.2x (D = 128) faster on vectors in cache; in a whole run, where the neighbours' vectors
   * come from memory, re-scoring Fashion-MNIST at k = 100 took 5.4 s instead of 6.5 s, at k = 1000
   * about the same.
   *
   * @param a the first vectors
   * @param aOffsets where each pair's first vector starts (4 values)
   * @param b the second vectors
   * @param bOffsets where each pair's second vector starts (4 values)
   * @param dimension values per vector
   * @param out receives the 4 squared distances
   */
  public static void squaredEuclidean4(float[] a, int[] aOffsets, float[] b, int[] bOffsets,
      int dimension, double[] out) {
    int a0 = aOffsets[0], a1 = aOffsets[1], a2 = aOffsets[2], a3 = aOffsets[3];
    int b0 = bOffsets[0], b1 = bOffsets[1], b2 = bOffsets[2], b3 = bOffsets[3];
    // Per pair the same two chains as squaredEuclidean: even values, odd values, then their sum.
    double e0 = 0, o0 = 0, e1 = 0, o1 = 0, e2 = 0, o2 = 0, e3 = 0, o3 = 0;
    int i = 0;
    for (; i + 1 < dimension; i += 2) {
      double t;
      t = (double) a[a0 + i] - b[b0 + i];
      e0 += t * t;
      t = (double) a[a0 + i + 1] - b[b0 + i + 1];
      o0 += t * t;
      t = (double) a[a1 + i] - b[b1 + i];
      e1 += t * t;
      t = (double) a[a1 + i + 1] - b[b1 + i + 1];
      o1 += t * t;
      t = (double) a[a2 + i] - b[b2 + i];
      e2 += t * t;
      t = (double) a[a2 + i + 1] - b[b2 + i + 1];
      o2 += t * t;
      t = (double) a[a3 + i] - b[b3 + i];
      e3 += t * t;
      t = (double) a[a3 + i + 1] - b[b3 + i + 1];
      o3 += t * t;
    }
    if (i < dimension) {
      double t;
      t = (double) a[a0 + i] - b[b0 + i];
      e0 += t * t;
      t = (double) a[a1 + i] - b[b1 + i];
      e1 += t * t;
      t = (double) a[a2 + i] - b[b2 + i];
      e2 += t * t;
      t = (double) a[a3 + i] - b[b3 + i];
      e3 += t * t;
    }
    out[0] = e0 + o0;
    out[1] = e1 + o1;
    out[2] = e2 + o2;
    out[3] = e3 + o3;
  }

  private static double squaredEuclidean(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
    // Two chains of additions instead of one: engines re-score N x k pairs with this, and a
    // single chain is bound by the latency of the add (about 4x slower at D = 784).
    double s0 = 0;
    double s1 = 0;
    int i = 0;
    for (; i + 1 < dimension; i += 2) {
      double d0 = (double) a[aOffset + i] - b[bOffset + i];
      double d1 = (double) a[aOffset + i + 1] - b[bOffset + i + 1];
      s0 += d0 * d0;
      s1 += d1 * d1;
    }
    if (i < dimension) {
      double d = (double) a[aOffset + i] - b[bOffset + i];
      s0 += d * d;
    }
    return s0 + s1;
  }
}
