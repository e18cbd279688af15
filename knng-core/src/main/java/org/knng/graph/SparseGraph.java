package org.knng.graph;

import java.util.Objects;

/**
 * A sparse weighted graph in compressed sparse row (CSR) form, the layout of {@code
 * scipy.sparse.csr_matrix}: the edges of row {@code r} are {@code indices[indptr[r] ..
 * indptr[r+1])} with weights at the same positions. Within a row, column indices are strictly
 * increasing (scipy's canonical form). Explicit zero weights are edges, not absences.
 */
public final class SparseGraph {
  private final int rows;
  private final int columns;
  private final int[] indptr;
  private final int[] indices;
  private final float[] weights;

  /**
   * Wraps CSR arrays (not copied) after checking their shape and ordering.
   *
   * @param rows number of rows
   * @param columns number of columns
   * @param indptr {@code rows + 1} non-decreasing offsets, starting at 0
   * @param indices column of each edge, strictly increasing within a row
   * @param weights weight of each edge
   * @throws IllegalArgumentException if the arrays are not a canonical CSR matrix of that shape
   */
  public SparseGraph(int rows, int columns, int[] indptr, int[] indices, float[] weights) {
    this.rows = rows;
    this.columns = columns;
    this.indptr = Objects.requireNonNull(indptr, "indptr");
    this.indices = Objects.requireNonNull(indices, "indices");
    this.weights = Objects.requireNonNull(weights, "weights");
    if (rows < 0 || columns < 0 || indptr.length != rows + 1 || indptr[0] != 0
        || indptr[rows] != indices.length || indices.length != weights.length) {
      throw new IllegalArgumentException("inconsistent CSR arrays for a " + rows + " x " + columns + " graph");
    }
    for (int r = 0; r < rows; r++) {
      int prev = -1;
      if (indptr[r + 1] < indptr[r]) {
        throw new IllegalArgumentException("indptr decreases at row " + r);
      }
      // indptr[rows] == indices.length was checked, but an offset in between may overshoot it.
      if (indptr[r + 1] > indices.length) {
        throw new IllegalArgumentException("indptr at row " + r + " points past the " + indices.length + " edges");
      }
      for (int p = indptr[r]; p < indptr[r + 1]; p++) {
        int c = indices[p];
        if (c <= prev || c >= columns) {
          throw new IllegalArgumentException("row " + r + ": column " + c + " out of order or out of range");
        }
        prev = c;
      }
    }
  }

  /** @return number of rows (source nodes) */
  public int rows() {
    return rows;
  }

  /** @return number of columns (target nodes) */
  public int columns() {
    return columns;
  }

  /** @return number of stored edges */
  public int edgeCount() {
    return indices.length;
  }

  /** @return row offsets, {@code rows() + 1} entries (the backing array; do not modify) */
  public int[] indptr() {
    return indptr;
  }

  /** @return column index of each edge (the backing array; do not modify) */
  public int[] indices() {
    return indices;
  }

  /** @return weight of each edge (the backing array; do not modify) */
  public float[] weights() {
    return weights;
  }

  /**
   * @param row a row
   * @return the number of edges leaving it
   */
  public int degree(int row) {
    return indptr[row + 1] - indptr[row];
  }

  /**
   * The weight of one edge, found by binary search in the row.
   *
   * @param row source
   * @param column target
   * @return the weight, or NaN if there is no such edge
   */
  public float weight(int row, int column) {
    int lo = indptr[row];
    int hi = indptr[row + 1] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = indices[mid];
      if (c < column) {
        lo = mid + 1;
      } else if (c > column) {
        hi = mid - 1;
      } else {
        return weights[mid];
      }
    }
    return Float.NaN;
  }

  /**
   * @param row source
   * @param column target
   * @return whether the edge is stored (even with weight 0)
   */
  public boolean hasEdge(int row, int column) {
    return !Float.isNaN(weight(row, column));
  }

  /**
   * @return the same edges with every weight 1 (scikit-learn's {@code mode='connectivity'})
   */
  public SparseGraph unweighted() {
    float[] ones = new float[indices.length];
    java.util.Arrays.fill(ones, 1f);
    return new SparseGraph(rows, columns, indptr, indices, ones);
  }

  @Override
  public String toString() {
    return "SparseGraph[" + rows + " x " + columns + ", " + edgeCount() + " edges]";
  }
}
