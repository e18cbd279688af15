package org.knng.tile;

import org.knng.simd.VectorOps;

/**
 * What the tile loop needs to know about a join, and nothing more: the two {@link Side}s the
 * kernels read, how a raw kernel value becomes a screening value, and the exact value of a pair
 * that passed. The loop ({@link BlockJoin}) computes a tile of raw values, turns it into screening
 * values {@code scale() * raw + rowAdd + colAdd} that are never larger than the pair's ranking value
 * (so no neighbour is screened out), and asks {@link #values} only for the few pairs whose screening
 * value is within a row's current k-th distance.
 *
 * <p>Ranking values (float32, smaller is nearer): euclidean and sqeuclidean rank by the squared
 * distance, cosine by {@code 1 - cos}, inner product by {@code -x.y}, manhattan by the direct sum, chebyshev by the direct maximum.
 * Two implementations exist: {@link FullWidthScreen} (the kernels read the vectors themselves) and
 * the exact engine's projected screen (they read a few principal coordinates).
 */
public interface Screen {
  /** @return the side whose rows are offered candidates */
  Side rows();

  /** @return the side the candidates come from (the same object as {@link #rows()} in a self-join) */
  Side columns();

  /** @return the multiplier of the raw kernel value (e.g. -2 for {@code |x|^2 + |y|^2 - 2 x.y}) */
  float scale();

  /** @return what the tile kernels compute: dot products, or sums or maxima of {@code |x - y|} */
  VectorOps.Kernel kernel();

  /**
   * @return rows per block of the join; the screen's row order may have been built on it (the
   *     projected screen puts near points in the same block)
   */
  int block();

  /**
   * @return whether a self-join should join each block with itself first: true when the row order
   *     puts near neighbours in the same block, so that the k-th distances that prune the rest are
   *     tight early
   */
  boolean nearFirst();

  /**
   * The ranking values to offer for the pairs of a tile that passed the tile screen: re-computed
   * from the original vectors where the kernel's value is only a bound. A screen with a finer
   * second check drops the pairs it puts above their limit ({@link Hits#move}, {@link
   * Hits#truncate}: the others keep their order). Valued together, so that the kernels re-compute
   * several pairs at a time.
   *
   * @param hits the pairs ({@link Hits#rows} of {@link #rows()}, {@link Hits#columns} of {@link
   *     #columns()}, their screening values and limits); the values of those kept go to {@link
   *     Hits#values}
   */
  void values(Hits hits);

  /** @return one line for logs, e.g. {@code "full width, 128 values"} */
  String describe();
}
