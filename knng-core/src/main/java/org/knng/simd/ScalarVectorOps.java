package org.knng.simd;

import org.knng.metric.Metric;

/**
 * Plain Java implementation of {@link VectorOps}: the fallback when the Vector API is not in the
 * boot layer, and the reference the SIMD implementation is tested against. Four independent
 * accumulators let the JIT overlap the floating-point latencies.
 */
public final class ScalarVectorOps implements VectorOps {

  /** Creates the scalar implementation. */
  public ScalarVectorOps() {}

  @Override
  public float dot(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < dimension; i += 4) {
      s0 += a[aOffset + i] * b[bOffset + i];
      s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
      s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
      s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
    }
    for (; i < dimension; i++) {
      s0 += a[aOffset + i] * b[bOffset + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float squaredDistance(byte[] a, int aOffset, byte[] b, int bOffset, int dimension) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < dimension; i += 4) {
      float d0 = (float) a[aOffset + i] - (float) b[bOffset + i];
      float d1 = (float) a[aOffset + i + 1] - (float) b[bOffset + i + 1];
      float d2 = (float) a[aOffset + i + 2] - (float) b[bOffset + i + 2];
      float d3 = (float) a[aOffset + i + 3] - (float) b[bOffset + i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < dimension; i++) {
      float d = (float) a[aOffset + i] - (float) b[bOffset + i];
      s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < dimension; i += 4) {
      float d0 = a[aOffset + i] - b[bOffset + i];
      float d1 = a[aOffset + i + 1] - b[bOffset + i + 1];
      float d2 = a[aOffset + i + 2] - b[bOffset + i + 2];
      float d3 = a[aOffset + i + 3] - b[bOffset + i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < dimension; i++) {
      float d = a[aOffset + i] - b[bOffset + i];
      s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float squaredDistance(float[] a, int aOffset, float aScale, float[] b, int bOffset, float bScale,
      int dimension) {
    float s0 = 0, s1 = 0;
    int i = 0;
    for (; i + 1 < dimension; i += 2) {
      float d0 = a[aOffset + i] * aScale - b[bOffset + i] * bScale;
      float d1 = a[aOffset + i + 1] * aScale - b[bOffset + i + 1] * bScale;
      s0 += d0 * d0;
      s1 += d1 * d1;
    }
    for (; i < dimension; i++) {
      float d = a[aOffset + i] * aScale - b[bOffset + i] * bScale;
      s0 += d * d;
    }
    return s0 + s1;
  }

  @Override
  public void squaredEuclidean(double[] a, int[] aOffsets, double[] b, int bOffset, int count,
      int dimension, double[] out) {
    for (int p = 0; p < count; p++) {
      out[p] = Metric.squaredEuclidean(a, aOffsets[p], b, bOffset, dimension);
    }
  }

  /** The definition itself: exact on the integers this is called for, as the kernel must be. */
  @Override
  public void integerSquaredEuclidean(float[] a, int[] aOffsets, float[] b, int bOffset,
      int count, int dimension, double[] out) {
    for (int p = 0; p < count; p++) {
      out[p] = Metric.squaredEuclidean(a, aOffsets[p], b, bOffset, dimension);
    }
  }

  /** The definition itself, as {@link #integerSquaredEuclidean}. */
  @Override
  public void integerDots(float[] a, int[] aOffsets, float[] b, int bOffset, int count,
      int dimension, double[] out) {
    for (int p = 0; p < count; p++) {
      out[p] = Metric.dot(a, aOffsets[p], b, bOffset, dimension);
    }
  }

  @Override
  public void dots(double[] a, int[] aOffsets, double[] b, int bOffset, int count, int dimension,
      double[] out) {
    for (int p = 0; p < count; p++) {
      out[p] = Metric.dot(a, aOffsets[p], b, bOffset, dimension);
    }
  }

  @Override
  public float manhattan(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < dimension; i += 4) {
      s0 += Math.abs(a[aOffset + i] - b[bOffset + i]);
      s1 += Math.abs(a[aOffset + i + 1] - b[bOffset + i + 1]);
      s2 += Math.abs(a[aOffset + i + 2] - b[bOffset + i + 2]);
      s3 += Math.abs(a[aOffset + i + 3] - b[bOffset + i + 3]);
    }
    for (; i < dimension; i++) {
      s0 += Math.abs(a[aOffset + i] - b[bOffset + i]);
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Panel width of the scalar tiles: wide enough to amortize the loop, small enough for L1. */
  static final int WIDTH = 16;

  @Override
  public int tileWidth() {
    return WIDTH;
  }

  @Override
  public void dotTile(float[] strip, int stripOffset, int length, float[] panel, int panelOffset,
      float[] out, int outOffset, boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(out, outOffset, outOffset + TILE_ROWS * WIDTH, 0f);
    }
    for (int d = 0; d < length; d++) {
      int p = panelOffset + d * WIDTH;
      for (int r = 0; r < TILE_ROWS; r++) {
        float x = strip[stripOffset + d * TILE_ROWS + r];
        int o = outOffset + r * WIDTH;
        for (int c = 0; c < WIDTH; c++) {
          out[o + c] = Math.fma(x, panel[p + c], out[o + c]);
        }
      }
    }
  }

  @Override
  public void manhattanTile(float[] strip, int stripOffset, int length, float[] panel,
      int panelOffset, float[] out, int outOffset, boolean accumulate) {
    absoluteTile(false, strip, stripOffset, length, panel, panelOffset, out, outOffset, accumulate);
  }

  @Override
  public void chebyshevTile(float[] strip, int stripOffset, int length, float[] panel,
      int panelOffset, float[] out, int outOffset, boolean accumulate) {
    absoluteTile(true, strip, stripOffset, length, panel, panelOffset, out, outOffset, accumulate);
  }

  /** The sums ({@code maximum} false) or maxima of the absolute differences, in order. */
  private static void absoluteTile(boolean maximum, float[] strip, int stripOffset, int length,
      float[] panel, int panelOffset, float[] out, int outOffset, boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(out, outOffset, outOffset + TILE_ROWS * WIDTH, 0f);
    }
    for (int d = 0; d < length; d++) {
      int p = panelOffset + d * WIDTH;
      for (int r = 0; r < TILE_ROWS; r++) {
        float x = strip[stripOffset + d * TILE_ROWS + r];
        int o = outOffset + r * WIDTH;
        for (int c = 0; c < WIDTH; c++) {
          float a = Math.abs(x - panel[p + c]);
          out[o + c] = maximum ? Math.max(out[o + c], a) : out[o + c] + a;
        }
      }
    }
  }

  @Override
  public int screen(float[] tile, int tileOffset, int rows, float scale, float[] rowAdd, int row0,
      float[] colAdd, int col0, float[] rowThreshold, float[] colThreshold, int[] hits) {
    int n = 0;
    for (int r = 0; r < rows; r++) {
      float add = rowAdd[row0 + r];
      float threshold = rowThreshold[row0 + r];
      for (int c = 0; c < WIDTH; c++) {
        int pos = r * WIDTH + c;
        float t = Math.fma(scale, tile[tileOffset + pos], add + colAdd[col0 + c]);
        tile[tileOffset + pos] = t;
        if (t <= threshold || (colThreshold != null && t <= colThreshold[col0 + c])) {
          hits[n++] = pos;
        }
      }
    }
    return n;
  }

  @Override
  public String name() {
    return "scalar";
  }
}
