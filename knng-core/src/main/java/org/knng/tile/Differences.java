package org.knng.tile;

import org.knng.simd.VectorOps;
import org.knng.vectors.Vectors;

/**
 * The ranking value of a pair re-computed from the differences of the original vectors, in
 * float32: {@code |x - y|^2} (euclidean and sqeuclidean), or {@code |x/|x| - y/|y||^2 / 2 = 1 - cos}
 * (cosine, with the rows' {@code 1 / |x|} factors). The kernels' dot-product values cancel badly
 * for near-duplicates; these do not, so every screen offers these values to the candidate lists
 * and the lists are the same whichever screen found the pair.
 */
public final class Differences {
  private final VectorOps ops;
  private final float[] rows;
  private final float[] columns;
  private final float[] rowUnit;
  private final float[] columnUnit;
  private final int d;
  /** The rows' and columns' vectors as bytes in their sides' row order ({@link ByteRows}), or null. */
  private final byte[] rowBytes;
  private final byte[] columnBytes;

  /**
   * @param ops the kernels
   * @param rows the row vectors
   * @param rowUnit {@code 1 / |x|} of each row for cosine, or null for euclidean
   * @param columns the column vectors, of the same dimension
   * @param columnUnit {@code 1 / |y|} of each column for cosine, or null for euclidean
   */
  public Differences(VectorOps ops, Vectors rows, float[] rowUnit, Vectors columns, float[] columnUnit) {
    this(ops, rows, rowUnit, columns, columnUnit, null, null);
  }

  /**
   * As {@link #Differences(VectorOps, Vectors, float[], Vectors, float[])}, the euclidean values
   * read from copies of the vectors as bytes ({@link ByteRows}, both with the same offset), each in
   * the row order of the side the hits index: the same bits, a quarter of the memory read. With
   * cosine factors the bytes are not used (a factor does not cancel their offset).
   *
   * @param ops the kernels
   * @param rows the row vectors
   * @param rowUnit {@code 1 / |x|} of each row for cosine, or null for euclidean
   * @param columns the column vectors, of the same dimension
   * @param columnUnit {@code 1 / |y|} of each column for cosine, or null for euclidean
   * @param rowBytes the row side's vectors as bytes, in its row order, or null
   * @param columnBytes the column side's vectors as bytes, in its row order, or null
   */
  public Differences(VectorOps ops, Vectors rows, float[] rowUnit, Vectors columns, float[] columnUnit,
      byte[] rowBytes, byte[] columnBytes) {
    boolean bytes = rowUnit == null && rowBytes != null && columnBytes != null;
    this.rowBytes = bytes ? rowBytes : null;
    this.columnBytes = bytes ? columnBytes : null;
    this.ops = ops;
    this.rows = rows.data();
    this.columns = columns.data();
    this.rowUnit = rowUnit;
    this.columnUnit = columnUnit;
    this.d = rows.dimension();
  }

  /**
   * @param i a row
   * @param j a column
   * @return their ranking value from the differences
   */
  public float value(int i, int j) {
    if (rowUnit == null) {
      return ops.squaredDistance(rows, i * d, columns, j * d, d);
    }
    return 0.5f * ops.squaredDistance(rows, i * d, rowUnit[i], columns, j * d, columnUnit[j], d);
  }

  /**
   * The ranking values of the hits (each that of {@link #value}), computed together ({@link
   * VectorOps#squaredDistances}), from the bytes where there are bytes (indexed by the hits' rows and
   * columns themselves), else from the vectors (by the sides' point ids).
   *
   * @param hits the pairs, as rows of {@code rowSide} and {@code columnSide}
   * @param rowSide the side the hits' rows index (its ids name the points of this instance's rows)
   * @param columnSide the side the hits' columns index
   */
  public void values(Hits hits, Side rowSide, Side columnSide) {
    int n = hits.size();
    if (rowBytes != null) {
      int[] a = hits.aOffsets;
      int[] b = hits.bOffsets;
      for (int p = 0; p < n; p++) {
        a[p] = hits.rows[p] * d;
        b[p] = hits.columns[p] * d;
      }
      ops.squaredDistances(rowBytes, a, columnBytes, b, n, d, hits.values);
      return;
    }
    if (rowUnit == null) {
      int[] a = hits.aOffsets;
      int[] b = hits.bOffsets;
      for (int p = 0; p < n; p++) {
        a[p] = rowSide.id(hits.rows[p]) * d;
        b[p] = columnSide.id(hits.columns[p]) * d;
      }
      ops.squaredDistances(rows, a, columns, b, n, d, hits.values);
      return;
    }
    int[] a = hits.aOffsets;
    int[] b = hits.bOffsets;
    for (int p = 0; p < n; p++) {
      int i = rowSide.id(hits.rows[p]);
      int j = columnSide.id(hits.columns[p]);
      a[p] = i * d;
      b[p] = j * d;
      hits.aScales[p] = rowUnit[i];
      hits.bScales[p] = columnUnit[j];
    }
    ops.squaredDistances(rows, a, hits.aScales, columns, b, hits.bScales, n, d, hits.values);
    for (int p = 0; p < n; p++) {
      hits.values[p] *= 0.5f;
    }
  }
}
