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

  /**
   * @return whether distances can be negative: only {@link #INNER_PRODUCT}'s {@code -dot} (the
   *     kernels of {@link org.knng.graph.GraphMode} need distances of at least 0)
   */
  public boolean negativeDistances() {
    return this == INNER_PRODUCT;
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
      case COSINE:
        return cosine(dot(a, aOffset, b, bOffset, dimension), dot(a, aOffset, a, aOffset, dimension),
            dot(b, bOffset, b, bOffset, dimension));
      case INNER_PRODUCT:
        return -dot(a, aOffset, b, bOffset, dimension);
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
   * The cosine distance from its three sums, as {@link #distance} computes them: {@code dot} the
   * sum of {@code x_i y_i}, {@code na} of {@code x_i^2} and {@code nb} of {@code y_i^2}, each a
   * {@link #dot} in double precision. One square root of the product, not a product of
   * square roots: for a copy (or positive multiple) of a vector, {@code sqrt(na * nb) == dot}
   * exactly, so the distance is exactly 0.
   *
   * @param dot the dot product
   * @param na the first vector's squared norm
   * @param nb the second vector's squared norm
   * @return {@code max(0, 1 - dot / sqrt(na nb))}
   */
  public static double cosine(double dot, double na, double nb) {
    return Math.max(0.0, 1.0 - dot / Math.sqrt(na * nb));
  }

  /**
   * The dot product in double precision, in the order of {@link #squaredEuclidean} (sixteen chains,
   * chain {@code c} adding {@code a_i b_i} for {@code i = c, c + 16, ...}, then the same
   * reduction), so that SIMD lanes give its bits (a chain starts at +0 and is never -0, so a lane
   * that adds +0 past the end changes nothing). The product of two float32 values is exact in
   * double, so only the additions round: a fused multiply-add gives the same bits as a product and
   * a sum. Cosine's three sums and the inner product are this.
   *
   * @param a first array
   * @param aOffset start of the first vector
   * @param b second array
   * @param bOffset start of the second vector
   * @param dimension values per vector
   * @return {@code sum(a_i b_i)}
   */
  public static double dot(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
    double[] wide = widened(a, aOffset, b, bOffset, dimension);
    return dot(wide, 0, wide, dimension, dimension);
  }

  /**
   * {@link #dot(float[], int, float[], int, int)} with the vectors given widened to double (each
   * {@code a[aOffset + i]} the exact double of a float32 value): the same operations, so the same
   * bits.
   *
   * @param a first array, float32 values in double
   * @param aOffset start of the first vector
   * @param b second array, float32 values in double
   * @param bOffset start of the second vector
   * @param dimension values per vector
   * @return {@code sum(a_i b_i)}
   */
  public static double dot(double[] a, int aOffset, double[] b, int bOffset, int dimension) {
    double c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
    double c8 = 0, c9 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0;
    for (int i = 0; i < dimension; i += 16) {
      int x = aOffset + i;
      int y = bOffset + i;
      int rest = dimension - i;
      c0 += term(a, x, b, y, 0, rest);
      c1 += term(a, x, b, y, 1, rest);
      c2 += term(a, x, b, y, 2, rest);
      c3 += term(a, x, b, y, 3, rest);
      c4 += term(a, x, b, y, 4, rest);
      c5 += term(a, x, b, y, 5, rest);
      c6 += term(a, x, b, y, 6, rest);
      c7 += term(a, x, b, y, 7, rest);
      c8 += term(a, x, b, y, 8, rest);
      c9 += term(a, x, b, y, 9, rest);
      c10 += term(a, x, b, y, 10, rest);
      c11 += term(a, x, b, y, 11, rest);
      c12 += term(a, x, b, y, 12, rest);
      c13 += term(a, x, b, y, 13, rest);
      c14 += term(a, x, b, y, 14, rest);
      c15 += term(a, x, b, y, 15, rest);
    }
    double y0 = (c0 + c8) + (c4 + c12);
    double y1 = (c1 + c9) + (c5 + c13);
    double y2 = (c2 + c10) + (c6 + c14);
    double y3 = (c3 + c11) + (c7 + c15);
    return (y0 + y2) + (y1 + y3);
  }

  /** Value {@code j} of a round of sixteen: its product, or +0 past the end. */
  private static double term(double[] a, int x, double[] b, int y, int j, int rest) {
    return j < rest ? a[x + j] * b[y + j] : 0;
  }

  /**
   * The squared euclidean distance in double precision, in the order every implementation follows
   * (so that a SIMD one gives the same bits): sixteen chains, chain {@code c} adding {@code (a_i -
   * b_i)^2} for {@code i = c, c + 16, c + 32, ...} in increasing {@code i}, each difference, square
   * and sum a separately rounded double operation (no fused multiply-add); then {@code y_l = (c_l +
   * c_{l+8}) + (c_{l+4} + c_{l+12})} for {@code l < 4} and the result {@code (y_0 + y_2) + (y_1 +
   * y_3)}. Sixteen independent chains are what vector lanes hold (four vectors of four doubles, or
   * two of eight), and a scalar loop overlaps them too; a chain with no values is +0 and adds
   * nothing, so short vectors cost only their own values.
   *
   * @param a first array
   * @param aOffset start of the first vector
   * @param b second array
   * @param bOffset start of the second vector
   * @param dimension values per vector
   * @return {@code sum((a_i - b_i)^2)}
   */
  public static double squaredEuclidean(float[] a, int aOffset, float[] b, int bOffset,
      int dimension) {
    if (dimension <= 4) {
      // Chains 4-15 are empty: y_l = c_l exactly (point clouds re-score millions of these).
      double c0 = dimension > 0 ? square(a, aOffset, b, bOffset) : 0;
      double c1 = dimension > 1 ? square(a, aOffset + 1, b, bOffset + 1) : 0;
      double c2 = dimension > 2 ? square(a, aOffset + 2, b, bOffset + 2) : 0;
      double c3 = dimension > 3 ? square(a, aOffset + 3, b, bOffset + 3) : 0;
      return (c0 + c2) + (c1 + c3);
    }
    double[] wide = widened(a, aOffset, b, bOffset, dimension);
    return squaredEuclidean(wide, 0, wide, dimension, dimension);
  }

  /**
   * Both vectors widened to double, one after the other, in this thread's buffer: what the loops
   * would do value by value anyway.
   */
  private static double[] widened(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
    double[] wide = WIDE.get();
    if (wide.length < 2 * dimension) {
      wide = new double[2 * dimension];
      WIDE.set(wide);
    }
    for (int i = 0; i < dimension; i++) {
      wide[i] = a[aOffset + i];
      wide[dimension + i] = b[bOffset + i];
    }
    return wide;
  }

  /** Each thread's buffer for the vectors widened to double. */
  private static final ThreadLocal<double[]> WIDE = ThreadLocal.withInitial(() -> new double[32]);

  /**
   * {@link #squaredEuclidean(float[], int, float[], int, int)} with the vectors given widened to
   * double ({@code a[aOffset + i]} the exact double of a float32 value): the same operations, so
   * the same bits. A row re-scored against its k neighbours is widened once, not k times, and so
   * is a neighbour the rows re-scored together share.
   *
   * @param a first array, float32 values in double
   * @param aOffset start of the first vector
   * @param b second array, float32 values in double
   * @param bOffset start of the second vector
   * @param dimension values per vector
   * @return {@code sum((a_i - b_i)^2)}
   */
  public static double squaredEuclidean(double[] a, int aOffset, double[] b, int bOffset,
      int dimension) {
    if (dimension <= 4) {
      double c0 = dimension > 0 ? square(a, aOffset, b, bOffset) : 0;
      double c1 = dimension > 1 ? square(a, aOffset + 1, b, bOffset + 1) : 0;
      double c2 = dimension > 2 ? square(a, aOffset + 2, b, bOffset + 2) : 0;
      double c3 = dimension > 3 ? square(a, aOffset + 3, b, bOffset + 3) : 0;
      return (c0 + c2) + (c1 + c3);
    }
    double c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
    double c8 = 0, c9 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0;
    int i = 0;
    for (; i + 16 <= dimension; i += 16) {
      int x = aOffset + i;
      int y = bOffset + i;
      c0 += square(a, x, b, y);
      c1 += square(a, x + 1, b, y + 1);
      c2 += square(a, x + 2, b, y + 2);
      c3 += square(a, x + 3, b, y + 3);
      c4 += square(a, x + 4, b, y + 4);
      c5 += square(a, x + 5, b, y + 5);
      c6 += square(a, x + 6, b, y + 6);
      c7 += square(a, x + 7, b, y + 7);
      c8 += square(a, x + 8, b, y + 8);
      c9 += square(a, x + 9, b, y + 9);
      c10 += square(a, x + 10, b, y + 10);
      c11 += square(a, x + 11, b, y + 11);
      c12 += square(a, x + 12, b, y + 12);
      c13 += square(a, x + 13, b, y + 13);
      c14 += square(a, x + 14, b, y + 14);
      c15 += square(a, x + 15, b, y + 15);
    }
    if (i < dimension) {
      // The last, partial round: chains past its end add nothing (+0 is exact on a sum >= +0).
      int rest = dimension - i;
      int x = aOffset + i;
      int y = bOffset + i;
      c0 += square(a, x, b, y);
      c1 += rest > 1 ? square(a, x + 1, b, y + 1) : 0;
      c2 += rest > 2 ? square(a, x + 2, b, y + 2) : 0;
      c3 += rest > 3 ? square(a, x + 3, b, y + 3) : 0;
      c4 += rest > 4 ? square(a, x + 4, b, y + 4) : 0;
      c5 += rest > 5 ? square(a, x + 5, b, y + 5) : 0;
      c6 += rest > 6 ? square(a, x + 6, b, y + 6) : 0;
      c7 += rest > 7 ? square(a, x + 7, b, y + 7) : 0;
      c8 += rest > 8 ? square(a, x + 8, b, y + 8) : 0;
      c9 += rest > 9 ? square(a, x + 9, b, y + 9) : 0;
      c10 += rest > 10 ? square(a, x + 10, b, y + 10) : 0;
      c11 += rest > 11 ? square(a, x + 11, b, y + 11) : 0;
      c12 += rest > 12 ? square(a, x + 12, b, y + 12) : 0;
      c13 += rest > 13 ? square(a, x + 13, b, y + 13) : 0;
      c14 += rest > 14 ? square(a, x + 14, b, y + 14) : 0;
    }
    double y0 = (c0 + c8) + (c4 + c12);
    double y1 = (c1 + c9) + (c5 + c13);
    double y2 = (c2 + c10) + (c6 + c14);
    double y3 = (c3 + c11) + (c7 + c15);
    return (y0 + y2) + (y1 + y3);
  }

  private static double square(double[] a, int x, double[] b, int y) {
    double t = a[x] - b[y];
    return t * t;
  }

  private static double square(float[] a, int x, float[] b, int y) {
    double t = (double) a[x] - b[y];
    return t * t;
  }
}
