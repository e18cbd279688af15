package org.knng.simd;

/**
 * The float32 arithmetic the engines run in their inner loops. Two implementations exist: a plain
 * scalar one and one on the incubator Vector API ({@code jdk.incubator.vector}); {@link
 * VectorOpsProvider} picks one at run time. Each method reads {@code dimension} values starting at
 * the given offsets.
 *
 * <p><b>The packed layout</b> the tile kernels read: a panel of {@code W} vectors of {@code D}
 * values is stored value-major, as a {@code D x W} matrix (value {@code d} of the panel's vector
 * {@code c} at {@code d * W + c}), so that one step of a kernel reads value {@code d} of all W
 * vectors with whole-vector loads. The column side of a tile is a panel {@code W = tileWidth()}
 * wide; the row side is a strip, a panel {@link #TILE_ROWS} wide. Vectors missing from a last,
 * partial panel are zeros.
 *
 * <p>Implementations accumulate in float32 in an order of their own, so two implementations may
 * differ in the last bits; one implementation always gives the same result for the same pair.
 */
public interface VectorOps {

  /**
   * How far past the last row {@link #screen} may read the per-column terms and thresholds: arrays
   * passed as {@code colAdd} and {@code colThreshold} are this much longer than their rows (a
   * whole panel, at least, past any row).
   */
  int SCREEN_PADDING = 128;

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
   * Values per chunk of {@link #stripTiles}: a chunk of a {@code W =
   * 64} panel ({@code 128 x 64} floats, 32 KB) stays in a 48 KB L1 cache while the strips stream
   * past it. Measured (JDK 25, one core): unchunked tiles fall from 196 GFLOP/s at D=128 to 165 at
   * D=1024, chunked ones stay at 180-190.
   */
  int CHUNK = 128;

  /**
   * Dot products of the {@link #TILE_ROWS} vectors of one packed strip with the {@code W} vectors
   * of one packed panel, over {@code length} values: {@code out[outOffset + r * W + c] (+)= sum_{d
   * < length} strip[stripOffset + d * TILE_ROWS + r] * panel[panelOffset + d * W + c]}. Both sides
   * are in the packed layout (see above), so each step reads the six row values from one place and
   * the W column values with whole-vector loads. Each lane continues a fused multiply-add chain over {@code d}
   * in order, from zero or (with {@code accumulate}) from the value in {@code out}: a vector split
   * into consecutive chunks gives the same bits as one call, and {@code dot(x, y)} and {@code
   * dot(y, x)} are bitwise equal whichever side each vector is on.
   *
   * @param strip packed strip storage ({@code dimension x TILE_ROWS})
   * @param stripOffset where value 0 of this chunk starts in the strip
   * @param length values per vector in this chunk
   * @param panel packed panel storage ({@code dimension x W})
   * @param panelOffset where value 0 of this chunk starts in the panel
   * @param out receives {@code TILE_ROWS x W} values, row-major
   * @param outOffset start of the tile in {@code out}
   * @param accumulate continue the sums already in {@code out} instead of starting from zero
   */
  void dotTile(float[] strip, int stripOffset, int length, float[] panel, int panelOffset, float[] out,
      int outOffset, boolean accumulate);

  /**
   * Like {@link #dotTile} with {@code sum_d |a - b|} (Manhattan distance, summed in order) in
   * place of the dot product.
   *
   * @param strip packed strip storage ({@code dimension x TILE_ROWS})
   * @param stripOffset where value 0 of this chunk starts in the strip
   * @param length values per vector in this chunk
   * @param panel packed panel storage ({@code dimension x W})
   * @param panelOffset where value 0 of this chunk starts in the panel
   * @param out receives {@code TILE_ROWS x W} values, row-major
   * @param outOffset start of the tile in {@code out}
   * @param accumulate continue the sums already in {@code out} instead of starting from zero
   */
  void manhattanTile(float[] strip, int stripOffset, int length, float[] panel, int panelOffset,
      float[] out, int outOffset, boolean accumulate);

  /**
   * Like {@link #manhattanTile} with {@code max_d |a - b|} (Chebyshev distance) in place of the
   * sum: each difference is rounded once and the maximum is exact, so any order gives the same bits.
   *
   * @param strip packed strip storage ({@code dimension x TILE_ROWS})
   * @param stripOffset where value 0 of this chunk starts in the strip
   * @param length values per vector in this chunk
   * @param panel packed panel storage ({@code dimension x W})
   * @param panelOffset where value 0 of this chunk starts in the panel
   * @param out receives {@code TILE_ROWS x W} values, row-major
   * @param outOffset start of the tile in {@code out}
   * @param accumulate continue the maxima already in {@code out} instead of starting from zero
   */
  void chebyshevTile(float[] strip, int stripOffset, int length, float[] panel, int panelOffset,
      float[] out, int outOffset, boolean accumulate);

  /** What a tile computes from a strip's row and a panel's column. */
  enum Kernel {
    /** The dot product ({@link #dotTile}): euclidean, cosine and inner product expand into it. */
    DOT,
    /** The sum of absolute differences ({@link #manhattanTile}). */
    MANHATTAN,
    /** The largest absolute difference ({@link #chebyshevTile}). */
    CHEBYSHEV
  }

  /**
   * The tiles of {@code count} consecutive packed strips, from {@code stripOffset}, against one
   * panel, the {@code s}-th into {@code out[s * TILE_ROWS * W ...]}, with the tile of the
   * {@code kernel}. Long vectors are split into chunks of about {@link
   * #CHUNK} values, all strips taking one chunk before the next, so that the panel's chunk is read
   * from L1; the sums are the same bits as unchunked tiles.
   *
   * @param kernel what each tile computes
   * @param strips packed strips ({@code dimension x TILE_ROWS} each, one after another)
   * @param stripOffset start of the first strip
   * @param count strips to compute
   * @param dimension values per vector
   * @param panel packed panel storage
   * @param panelOffset start of the panel
   * @param out receives {@code count} tiles
   */
  default void stripTiles(Kernel kernel, float[] strips, int stripOffset, int count, int dimension,
      float[] panel, int panelOffset, float[] out) {
    int chunks = (dimension + CHUNK - 1) / CHUNK;
    int length = (dimension + chunks - 1) / chunks;
    int width = tileWidth();
    for (int k0 = 0; k0 < dimension; k0 += length) {
      int len = Math.min(length, dimension - k0);
      for (int s = 0; s < count; s++) {
        int strip = stripOffset + s * TILE_ROWS * dimension + k0 * TILE_ROWS;
        int column = panelOffset + k0 * width;
        switch (kernel) {
          case MANHATTAN:
            manhattanTile(strips, strip, len, panel, column, out, s * TILE_ROWS * width, k0 > 0);
            break;
          case CHEBYSHEV:
            chebyshevTile(strips, strip, len, panel, column, out, s * TILE_ROWS * width, k0 > 0);
            break;
          default:
            dotTile(strips, strip, len, panel, column, out, s * TILE_ROWS * width, k0 > 0);
        }
      }
    }
  }

  /**
   * Turns a tile of raw values into distances and finds the ones that could enter a neighbour
   * list. For every {@code r < rows}, {@code c < W}: {@code t = fma(scale, tile[tileOffset + r*W+c],
   * rowAdd[row0 + r] + colAdd[col0 + c])} is stored back into the tile, and its position {@code r *
   * W + c} (relative to {@code tileOffset}) is appended to {@code hits} if {@code t <=
   * rowThreshold[row0 + r]} or, when {@code colThreshold} is not null, {@code t <=
   * colThreshold[col0 + c]}. A NaN in {@code colAdd} marks a padding column, which never hits.
   * {@code colAdd} and {@code colThreshold} must be readable up to {@code col0 + W} (see {@link
   * #SCREEN_PADDING}).
   *
   * @param tile holds {@code rows x W} raw values, overwritten with distances
   * @param tileOffset start of the tile in {@code tile}
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
  int screen(float[] tile, int tileOffset, int rows, float scale, float[] rowAdd, int row0,
      float[] colAdd, int col0, float[] rowThreshold, float[] colThreshold, int[] hits);

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
   * {@link #squaredDistance(float[], int, float[], int, int)} of {@code count} pairs, pair {@code p}
   * being {@code a} at {@code aOffsets[p]} and {@code b} at {@code bOffsets[p]}, each with its bits.
   * One pair after the other with no decision between them, so that the processor overlaps one
   * pair's chain of additions with the next (the tile loop re-computes the pairs that pass its
   * screen this way, at large k hundreds of millions). Computing four pairs side by side in
   * vector registers was measured twice as slow; two side by side, each in its own registers, no
   * faster at 784 values, and the Fashion-MNIST join 6% slower.
   *
   * @param a the first vectors
   * @param aOffsets where each pair's first vector starts
   * @param b the second vectors
   * @param bOffsets where each pair's second vector starts
   * @param count pairs, at most the length of the offset arrays and of {@code out}
   * @param dimension values per vector
   * @param out receives the squared distances
   */
  default void squaredDistances(float[] a, int[] aOffsets, float[] b, int[] bOffsets, int count,
      int dimension, float[] out) {
    for (int p = 0; p < count; p++) {
      out[p] = squaredDistance(a, aOffsets[p], b, bOffsets[p], dimension);
    }
  }

  /**
   * {@link #squaredDistances(float[], int[], float[], int[], int, int, float[])} whose values need
   * not have {@link #squaredDistance(float[], int, float[], int, int)}'s bits: each is a float32
   * sum of the pair's squared differences (each difference and square rounded once, as there) in
   * an order the kernels choose, so it is within the error bound of such a sum in any order, {@code
   * (dimension + 2) u} of the exact value relative to it ({@code u = 2^-24}, terms that are
   * squares). For bounds whose margin covers any order (the projected screen's second stage),
   * where many pairs' sums can then be added side by side instead of one pair's lanes at a time.
   *
   * @param a the first vectors
   * @param aOffsets where each pair's first vector starts
   * @param b the second vectors
   * @param bOffsets where each pair's second vector starts
   * @param count pairs, at most the length of the offset arrays and of {@code out}
   * @param dimension values per vector
   * @param out receives the squared distances
   */
  default void squaredDistancesAnyOrder(float[] a, int[] aOffsets, float[] b, int[] bOffsets,
      int count, int dimension, float[] out) {
    squaredDistances(a, aOffsets, b, bOffsets, count, dimension, out);
  }

  /**
   * {@link #squaredDistance(float[], int, float[], int, int)} of vectors held as bytes: the bits of
   * that method on the float vectors {@code (float) a[i]} and {@code (float) b[i]}, the same float
   * operations in the same order after an exact conversion, so that a join may keep a copy of
   * data of small integers as bytes, a quarter of the memory to read per pair ({@link
   * #byteDistances()} says whether these kernels are faster than converting).
   *
   * @param a first array
   * @param aOffset start of the first vector
   * @param b second array
   * @param bOffset start of the second vector
   * @param dimension values per vector
   * @return the squared distance of the vectors the bytes stand for, in float32
   */
  float squaredDistance(byte[] a, int aOffset, byte[] b, int bOffset, int dimension);

  /**
   * {@link #squaredDistance(byte[], int, byte[], int, int)} of {@code count} pairs, as {@link
   * #squaredDistances(float[], int[], float[], int[], int, int, float[])} does for floats.
   *
   * @param a the first vectors
   * @param aOffsets where each pair's first vector starts
   * @param b the second vectors
   * @param bOffsets where each pair's second vector starts
   * @param count pairs, at most the length of the offset arrays and of {@code out}
   * @param dimension values per vector
   * @param out receives the squared distances
   */
  default void squaredDistances(byte[] a, int[] aOffsets, byte[] b, int[] bOffsets, int count,
      int dimension, float[] out) {
    for (int p = 0; p < count; p++) {
      out[p] = squaredDistance(a, aOffsets[p], b, bOffsets[p], dimension);
    }
  }

  /**
   * @return whether {@link #squaredDistance(byte[], int, byte[], int, int)} reads the bytes in
   *     vectors (and a copy of the data as bytes pays)
   */
  default boolean byteDistances() {
    return false;
  }

  /**
   * Whether {@link #squaredDistance(float[], int, float[], int, int)} and its scaled form are, at
   * this dimension, one running sum over the coordinates in order, each step {@code sum =
   * Math.fma(e, e, sum)} from 0 ({@code e} the coordinates' difference): code that computes the
   * same sum has these methods' bits without calling them (the tree engine's leaf scans).
   *
   * @param dimension values per vector
   * @return whether the squared distances are that running sum
   */
  default boolean runningSquares(int dimension) {
    return false;
  }

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
   * {@link #squaredDistance(float[], int, float, float[], int, float, int)} of {@code count} pairs,
   * pair {@code p} being {@code a} at {@code aOffsets[p]} scaled by {@code aScales[p]} and {@code
   * b} at {@code bOffsets[p]} scaled by {@code bScales[p]}, each with its bits.
   *
   * @param a the first vectors
   * @param aOffsets where each pair's first vector starts
   * @param aScales each pair's factor for its first vector
   * @param b the second vectors
   * @param bOffsets where each pair's second vector starts
   * @param bScales each pair's factor for its second vector
   * @param count pairs, at most the length of the arrays and of {@code out}
   * @param dimension values per vector
   * @param out receives the squared distances
   */
  default void squaredDistances(float[] a, int[] aOffsets, float[] aScales, float[] b,
      int[] bOffsets, float[] bScales, int count, int dimension, float[] out) {
    for (int p = 0; p < count; p++) {
      out[p] = squaredDistance(a, aOffsets[p], aScales[p], b, bOffsets[p], bScales[p], dimension);
    }
  }

  /**
   * @param a first array
   * @param aOffset start of the first vector
   * @param b second array
   * @param bOffset start of the second vector
   * @param dimension values per vector
   * @return {@code sum(|a[i] - b[i]|)}
   */
  float manhattan(float[] a, int aOffset, float[] b, int bOffset, int dimension);

  /**
   * Double-precision squared euclidean distances of {@code count} first vectors to one second
   * vector, pair {@code p} being {@code a} at {@code aOffsets[p]} and {@code b} at {@code
   * bOffset}: each with exactly the bits of {@link org.knng.metric.Metric#squaredEuclidean}, whose
   * sixteen chains the SIMD implementation keeps in vector lanes. The engines re-score their
   * {@code N x k} kept neighbours with it, both vectors widened to double once (a row meets its k
   * neighbours, and a neighbour the rows of a chunk it is in: the conversions bound the loop
   * otherwise), and the pairs that share a second vector together (it is read once for them).
   *
   * @param a the first vectors, float32 values widened to double
   * @param aOffsets where each pair's first vector starts
   * @param b the second vector, float32 values widened to double
   * @param bOffset where it starts
   * @param count pairs, at most the length of {@code aOffsets} and of {@code out}
   * @param dimension values per vector
   * @param out receives the squared distances
   */
  void squaredEuclidean(double[] a, int[] aOffsets, double[] b, int bOffset, int count,
      int dimension, double[] out);

  /**
   * Double-precision dot products of {@code count} first vectors with one second vector, as {@link
   * #squaredEuclidean} takes its pairs: each with exactly the bits of {@link
   * org.knng.metric.Metric#dot}. Cosine and inner-product neighbours are re-scored with it.
   *
   * @param a the first vectors, float32 values widened to double
   * @param aOffsets where each pair's first vector starts
   * @param b the second vector, float32 values widened to double
   * @param bOffset where it starts
   * @param count pairs, at most the length of {@code aOffsets} and of {@code out}
   * @param dimension values per vector
   * @param out receives the dot products
   */
  void dots(double[] a, int[] aOffsets, double[] b, int bOffset, int count, int dimension,
      double[] out);

  /**
   * {@link #squaredEuclidean} of float32 vectors of integers, not widened: each first vector's
   * squared differences are summed in float32 accumulators, none adding more than {@code
   * ceil(dimension / 16)} of them, and the accumulators then as integers. When every value is an
   * integer and {@code ceil(dimension / 16) m^2 <= 2^24} ({@code m} the largest {@code |a_i -
   * b_i|}), every partial sum is an integer that float32 holds exactly, so the result is the exact
   * sum: the bits of {@link org.knng.metric.Metric#squaredEuclidean}, which is exact on such values
   * too. Pixels and SIFT descriptors (integers of 0 to 255) qualify up to 4,128 dimensions. Outside
   * that condition the result is unspecified; the caller checks it first.
   *
   * @param a the first vectors
   * @param aOffsets where each pair's first vector starts
   * @param b the second vector
   * @param bOffset where it starts
   * @param count pairs, at most the length of {@code aOffsets} and of {@code out}
   * @param dimension values per vector
   * @param out receives the squared distances
   */
  void integerSquaredEuclidean(float[] a, int[] aOffsets, float[] b, int bOffset, int count,
      int dimension, double[] out);

  /**
   * {@link #dots} of float32 vectors of integers, not widened, as {@link #integerSquaredEuclidean}
   * sums: exact, so the bits of {@link org.knng.metric.Metric#dot}, when every value is an integer
   * and {@code ceil(dimension / 16) m^2 <= 2^24} ({@code m} the largest {@code |a_i|} or {@code
   * |b_i|}); unspecified otherwise.
   *
   * @param a the first vectors
   * @param aOffsets where each pair's first vector starts
   * @param b the second vector
   * @param bOffset where it starts
   * @param count pairs, at most the length of {@code aOffsets} and of {@code out}
   * @param dimension values per vector
   * @param out receives the dot products
   */
  void integerDots(float[] a, int[] aOffsets, float[] b, int bOffset, int count, int dimension,
      double[] out);

  /**
   * @return a short name for logs and benchmarks, with the tile shape where there is a choice: e.g.
   *     {@code "panama-512/6x4"} (six rows by four 512-bit vectors) or {@code "scalar"}
   */
  String name();
}
