package org.knng.select;

import java.util.Arrays;

/**
 * A growable list of directed edges (row, column, ranking value) in three primitive arrays: one
 * worker's share of a radius graph, whose size is known only at the end.
 */
public final class EdgeBuffer implements CandidateSink {
  private int[] rows = new int[1024];
  private int[] columns = new int[1024];
  private float[] values = new float[1024];
  private int size;

  /** Creates an empty buffer. */
  public EdgeBuffer() {}

  @Override
  public void offer(int row, float distance, int id) {
    if (size == rows.length) {
      int grown = size + (size >> 1);
      rows = Arrays.copyOf(rows, grown);
      columns = Arrays.copyOf(columns, grown);
      values = Arrays.copyOf(values, grown);
    }
    rows[size] = row;
    columns[size] = id;
    values[size] = distance;
    size++;
  }

  /** @return the number of edges offered */
  public int size() {
    return size;
  }

  /**
   * @param e an edge, {@code 0 <= e < size()}
   * @return its row
   */
  public int row(int e) {
    return rows[e];
  }

  /**
   * @param e an edge, {@code 0 <= e < size()}
   * @return its column (the candidate id)
   */
  public int column(int e) {
    return columns[e];
  }
}
