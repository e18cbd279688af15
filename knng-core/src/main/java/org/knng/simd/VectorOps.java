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
   * Vectors per packed strip, the row side of a tile: six rows by {@link #tileWidth()} columns of
   * accumulators fit the vector registers of AVX2 and AVX-512.
   */
  int TILE_ROWS = 6;

  /**
   * Columns per tile and per packed panel: a multiple of the vector length (two or four vectors).
   *
   * @return the panel width W
   */
  int tileWidth();

  /**
   * Dot products of the {@link #TILE_ROWS} vectors of one packed strip with the {@code W} vectors
   * of one packed panel: {@code out[r * W + c] = sum_d strip[stripOffset + d * TILE_ROWS + r] *
   * panel[panelOffset + d * W + c]}. Both sides are in the value-major layout of {@code
   * org.knng.exact.PackedBlock} (a strip is a panel {@code TILE_ROWS} wide), so that each step
   * reads the six row values from one place and the W column values with whole-vector loads. Each
   * lane accumulates over {@code d} in order with fused multiply-adds, so {@code dot(x, y)} and
   * {@code dot(y, x)} are bitwise equal whichever side each vector is on.
   *
   * @param strip packed strip storage ({@code dimension x TILE_ROWS})
   * @param stripOffset start of the strip
   * @param dimension values per vector
   * @param panel packed panel storage ({@code dimension x W})
   * @param panelOffset start of the panel
   * @param out receives {@code TILE_ROWS x W} values, row-major
   */
  void dotTile(float[] strip, int stripOffset, int dimension, float[] panel, int panelOffset, float[] out);

  /**
   * Like {@link #dotTile} with {@code sum_d |a - b|} (Manhattan distance) in place of the dot
   * product.
   *
   * @param strip packed strip storage ({@code dimension x TILE_ROWS})
   * @param stripOffset start of the strip
   * @param dimension values per vector
   * @param panel packed panel storage ({@code dimension x W})
   * @param panelOffset start of the panel
   * @param out receives {@code TILE_ROWS x W} values, row-major
   */
  void manhattanTile(float[] strip, int stripOffset, int dimension, float[] panel, int panelOffset,
      float[] out);

  /**
   * Turns a tile of raw values into distances and finds the ones that could enter a neighbour
   * list. For every {@code r < rows}, {@code c < W}: {@code t = fma(scale, tile[r*W+c], rowAdd[row0
   * + r] + colAdd[col0 + c])} is stored back into the tile, and its position {@code r * W + c} is
   * appended to {@code hits} if {@code t <= rowThreshold[row0 + r]} or, when {@code colThreshold}
   * is not null, {@code t <= colThreshold[col0 + c]}. A NaN in {@code colAdd} marks a padding
   * column, which never hits. {@code colAdd} and {@code colThreshold} must be readable up to
   * {@code col0 + W}.
   *
   * @param tile {@code rows x W} raw values, overwritten with distances
   * @param rows rows in the tile
   * @param scale multiplier of the raw value (e.g. -2 for the euclidean expansion)
   * @param rowAdd per-row term
   * @param row0 global index of the tile's first row
   * @param colAdd per-column term (NaN for padding)
   * @param col0 global index of the tile's first column
   * @param rowThreshold admission threshold of each row's neighbour list
   * @param colThreshold admission threshold of each column's list, or null
   * @param hits receives the positions that pass
   * @return the number of hits
   */
  int screen(float[] tile, int rows, float scale, float[] rowAdd, int row0, float[] colAdd, int col0,
      float[] rowThreshold, float[] colThreshold, int[] hits);

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
   * The squared distance between two scaled vectors, from the differences: used to re-score
   * cosine candidates as {@code |x/|x| - y/|y||^2 / 2 = 1 - cos}, which keeps its precision for
   * nearly parallel vectors where {@code 1 - dot} cancels.
   *
   * @param a first array
   * @param aOffset start of the first vector
   * @param aScale factor applied to every value of the first vector
   * @param b second array
   * @param bOffset start of the second vector
   * @param bScale factor applied to every value of the second vector
   * @param dimension values per vector
   * @return {@code sum((aScale * a[i] - bScale * b[i])^2)}
   */
  float squaredDistance(float[] a, int aOffset, float aScale, float[] b, int bOffset, float bScale, int dimension);

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
