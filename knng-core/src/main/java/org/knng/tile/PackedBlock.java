package org.knng.tile;

import org.knng.simd.VectorOps;

/**
 * A block of vectors copied into the packed layout the tile kernels read ({@link VectorOps}): panel
 * {@code p} holds the block's vectors {@code p*W .. p*W+W-1} as a {@code dimension x W} matrix, so
 * that one read fetches value {@code d} of W vectors; vectors past the end of the block are zeros.
 * The vectors are either consecutive rows of a row-major array or any list of row ids (an rp-tree
 * leaf, a candidate set, a partition): both are packed by the same loop. The column side of a tile
 * uses panels {@code W = tileWidth()} wide, the row side strips of {@link VectorOps#TILE_ROWS}. One
 * instance per worker thread is reused for every block (no allocation per tile).
 */
public final class PackedBlock {
  private final int width;
  private final int dimension;
  private final int capacity;
  private final float[] panels;
  private final int[] offsets;
  private final float[] factors;
  private int panelCount;

  /**
   * @param width panel width W: the kernels' tile width, or their strip height
   * @param dimension values per vector
   * @param maxVectors the largest block that will be packed
   */
  public PackedBlock(int width, int dimension, int maxVectors) {
    this.width = width;
    this.dimension = dimension;
    int maxPanels = (maxVectors + width - 1) / width;
    this.capacity = maxPanels * width;
    this.panels = new float[maxPanels * width * dimension];
    this.offsets = new int[width];
    this.factors = new float[width];
  }

  /**
   * Packs {@code count} consecutive vectors, rows {@code first ..} of {@code data}, each multiplied
   * by {@code scale[row]} when {@code scale} is not null (cosine packs unit vectors).
   *
   * @param data row-major vectors of this block's dimension
   * @param first the first row
   * @param count how many rows, at most the capacity
   * @param scale a factor per row of {@code data}, or null
   */
  public void pack(float[] data, int first, int count, float[] scale) {
    pack(data, null, first, count, scale);
  }

  /**
   * Packs the vectors {@code rows[from], rows[from + 1], ...} ({@code count} of them) of {@code
   * data}, each multiplied by {@code scale[row]} when {@code scale} is not null.
   *
   * @param data row-major vectors of this block's dimension
   * @param rows row ids; null means consecutive rows from {@code from}
   * @param from the first entry of {@code rows} (or the first row)
   * @param count how many vectors, at most the capacity
   * @param scale a factor per row of {@code data}, or null
   */
  public void pack(float[] data, int[] rows, int from, int count, float[] scale) {
    assert count >= 0 && count <= capacity : count + " vectors packed into a block of " + capacity;
    panelCount = (count + width - 1) / width;
    int d = dimension;
    for (int p = 0; p < panelCount; p++) {
      int base = p * width * d;
      int vectors = Math.min(width, count - p * width);
      for (int c = 0; c < vectors; c++) {
        int at = from + p * width + c;
        int row = rows == null ? at : rows[at];
        offsets[c] = row * d;
        factors[c] = scale == null ? 1f : scale[row];
      }
      if (width == VectorOps.TILE_ROWS && vectors == width) {
        strip(data, base);
        continue;
      }
      // Value-major: each pass writes one contiguous row of W values, reading one value from each
      // of the panel's vectors (whose cache lines stay in L1 across consecutive values). A factor
      // of 1 leaves every value as it is.
      for (int j = 0; j < d; j++) {
        int out = base + j * width;
        for (int c = 0; c < vectors; c++) {
          panels[out + c] = data[offsets[c] + j] * factors[c];
        }
        for (int c = vectors; c < width; c++) {
          panels[out + c] = 0f;
        }
      }
    }
  }

  /**
   * A full strip of the tile kernels' height: six vectors, their values interleaved, written one
   * value of all six at a time without inner loops (the general loop's per-value loops over six
   * vectors cost as much as packing a 64-wide panel).
   */
  private void strip(float[] data, int base) {
    int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2];
    int o3 = offsets[3], o4 = offsets[4], o5 = offsets[5];
    float f0 = factors[0], f1 = factors[1], f2 = factors[2];
    float f3 = factors[3], f4 = factors[4], f5 = factors[5];
    for (int j = 0, out = base; j < dimension; j++, out += 6) {
      panels[out] = data[o0 + j] * f0;
      panels[out + 1] = data[o1 + j] * f1;
      panels[out + 2] = data[o2 + j] * f2;
      panels[out + 3] = data[o3 + j] * f3;
      panels[out + 4] = data[o4 + j] * f4;
      panels[out + 5] = data[o5 + j] * f5;
    }
  }

  /** @return the packed storage */
  public float[] panels() {
    return panels;
  }

  /** @return panels in the current block */
  public int panelCount() {
    return panelCount;
  }

  /**
   * @param p a panel of the current block
   * @return where panel {@code p} starts in {@link #panels()}
   */
  public int offset(int p) {
    return p * width * dimension;
  }
}
