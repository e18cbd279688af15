package org.knng.simd;

/**
 * The float32 arithmetic the engines run in their inner loops. Two implementations exist: a plain
 * scalar one and one on the incubator Vector API ({@code jdk.incubator.vector}); {@link
 * VectorOpsProvider} picks one at run time. Each method reads {@code dimension} values starting at
 * the given offsets.
 *
 * <p>Implementations accumulate in float32 in an order of their own, so two implementations may
 * differ in the last bits; one implementation always gives the same result for the same pair.
 */
public interface VectorOps {

  /**
   * @param a first array
   * @param aOffset start of the first vector
   * @param b second array
   * @param bOffset start of the second vector
   * @param dimension values per vector
   * @return {@code sum(a[i] * b[i])}
   */
  float dot(float[] a, int aOffset, float[] b, int bOffset, int dimension);

  /**
   * @param a first array
   * @param aOffset start of the first vector
   * @param b second array
   * @param bOffset start of the second vector
   * @param dimension values per vector
   * @return {@code sum((a[i] - b[i])^2)}, from the differences (no norm expansion)
   */
  float squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int dimension);

  /**
   * @param a first array
   * @param aOffset start of the first vector
   * @param b second array
   * @param bOffset start of the second vector
   * @param dimension values per vector
   * @return {@code sum(|a[i] - b[i]|)}
   */
  float manhattan(float[] a, int aOffset, float[] b, int bOffset, int dimension);

  /** @return a short name for logs and benchmarks, e.g. {@code "panama-512"} or {@code "scalar"} */
  String name();
}
