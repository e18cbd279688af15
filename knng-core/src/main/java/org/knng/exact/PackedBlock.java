package org.knng.exact;

/**
 * A block of consecutive vectors copied into the value-major layout the tile kernels read: panel
 * {@code p} holds vectors {@code p*W .. p*W+W-1} of the block as a {@code dimension x W} matrix
 * (value {@code d} of the panel's vector {@code c} at {@code p*W*dimension + d*W + c}), so that one
 * read fetches value {@code d} of W vectors. Vectors past the end of the block are zeros. The
 * column side of a tile uses panels {@code W = tileWidth()} wide, the row side strips of {@code
 * VectorOps.TILE_ROWS}. One instance per worker thread is reused for every block (no allocation
 * per tile).
 */
final class PackedBlock {
  private final int width;
  private final int dimension;
  private final float[] panels;
  private int panelCount;

  /**
   * @param width panel width W: the kernels' tile width, or their strip height
   * @param dimension values per vector
   * @param maxVectors the largest block that will be packed
   */
  PackedBlock(int width, int dimension, int maxVectors) {
    this.width = width;
    this.dimension = dimension;
    int maxPanels = (maxVectors + width - 1) / width;
    this.panels = new float[maxPanels * width * dimension];
  }

  /**
   * Packs {@code count} vectors starting at row {@code first} of {@code data}, each multiplied by
   * {@code scale[row]} when {@code scale} is not null (cosine packs unit vectors).
   */
  void pack(float[] data, int first, int count, float[] scale) {
    panelCount = (count + width - 1) / width;
    int d = dimension;
    for (int p = 0; p < panelCount; p++) {
      int base = p * width * d;
      int vectors = Math.min(width, count - p * width);
      // Value-major: each pass writes one contiguous row of W values, reading one value from each
      // of the panel's vectors (whose cache lines stay in L1 across consecutive values).
      for (int j = 0; j < d; j++) {
        int out = base + j * width;
        int src = (first + p * width) * d + j;
        if (scale == null) {
          for (int c = 0; c < vectors; c++) {
            panels[out + c] = data[src + c * d];
          }
        } else {
          for (int c = 0; c < vectors; c++) {
            panels[out + c] = data[src + c * d] * scale[first + p * width + c];
          }
        }
        for (int c = vectors; c < width; c++) {
          panels[out + c] = 0f;
        }
      }
    }
  }

  /** @return the packed storage */
  float[] panels() {
    return panels;
  }

  /** @return panels in the current block */
  int panelCount() {
    return panelCount;
  }

  /** @return where panel {@code p} starts in {@link #panels()} */
  int offset(int p) {
    return p * width * dimension;
  }
}
