package org.knng.io;

import java.util.Arrays;
import org.knng.graph.SparseGraph;

/**
 * Builds a canonical CSR {@link SparseGraph} from entries given as (row, column, value) triples in
 * any order: rows by a counting sort, columns sorted within each row, duplicates summed (in double
 * precision, then stored as float32), as scipy's {@code sum_duplicates} does. Entries stay even when
 * their value or sum is 0. Input already in canonical order is wrapped without sorting.
 */
final class CanonicalCsr {
  private CanonicalCsr() {}

  /**
   * @param rows number of rows
   * @param columns number of columns
   * @param row row of each entry, in {@code [0, rows)} (may be reused as scratch)
   * @param column column of each entry, in {@code [0, columns)}
   * @param value value of each entry
   * @return the canonical graph
   */
  static SparseGraph build(int rows, int columns, int[] row, int[] column, float[] value) {
    int n = value.length;
    int[] indptr = new int[rows + 1];
    for (int i = 0; i < n; i++) {
      indptr[row[i] + 1]++;
    }
    for (int r = 0; r < rows; r++) {
      indptr[r + 1] += indptr[r];
    }
    if (isCanonical(row, column)) {
      return new SparseGraph(rows, columns, indptr, column, value);
    }
    // Counting sort by row, stable: position of each entry in row order.
    int[] next = Arrays.copyOf(indptr, rows);
    int[] cols = new int[n];
    float[] vals = new float[n];
    for (int i = 0; i < n; i++) {
      int at = next[row[i]]++;
      cols[at] = column[i];
      vals[at] = value[i];
    }
    // Sort each row by column (ties keep their order) and sum duplicates, compacting in place.
    int[] outPtr = new int[rows + 1];
    int out = 0;
    long[] keys = new long[0];
    for (int r = 0; r < rows; r++) {
      int start = indptr[r];
      int length = indptr[r + 1] - start;
      if (keys.length < length) {
        keys = new long[Math.max(length, 2 * keys.length)];
      }
      for (int p = 0; p < length; p++) {
        keys[p] = (long) cols[start + p] << 32 | p;
      }
      Arrays.sort(keys, 0, length);
      float[] rowValues = Arrays.copyOfRange(vals, start, start + length);
      int p = 0;
      while (p < length) {
        int c = (int) (keys[p] >>> 32);
        double sum = 0;
        while (p < length && (int) (keys[p] >>> 32) == c) {
          sum += rowValues[(int) keys[p]];
          p++;
        }
        cols[out] = c;
        vals[out] = (float) sum;
        out++;
      }
      outPtr[r + 1] = out;
    }
    return new SparseGraph(rows, columns, outPtr, Arrays.copyOf(cols, out), Arrays.copyOf(vals, out));
  }

  private static boolean isCanonical(int[] row, int[] column) {
    for (int i = 1; i < row.length; i++) {
      if (row[i] < row[i - 1] || (row[i] == row[i - 1] && column[i] <= column[i - 1])) {
        return false;
      }
    }
    return true;
  }
}
