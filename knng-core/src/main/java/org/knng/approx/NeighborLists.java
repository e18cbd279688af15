package org.knng.approx;

import java.util.Arrays;
import org.knng.simd.VectorOps;

/**
 * NN-Descent's graph while it is being improved: per row, up to {@code k} neighbours sorted by
 * (ranking value, id), each with a flag telling whether it is new since the row's candidates were
 * last sampled. Flat primitive arrays, no object per entry.
 *
 * <p>A row never holds the same id twice and never its own index (callers do not offer it), so
 * the graph has no duplicate edges and no self-loops. Because the order is strict, the entries a
 * row ends with do not depend on the order candidates were offered in; the number of accepted
 * offers does, so {@link Updates} applies them in a fixed order.
 *
 * <p>Not thread-safe: a row must be changed by one thread at a time.
 */
final class NeighborLists {
  private final int rows;
  private final int k;
  private final float[] values;
  private final int[] ids;
  private final boolean[] fresh;
  private final float[] thresholds;

  /**
   * @param rows rows
   * @param k neighbours per row, at least 1
   */
  NeighborLists(int rows, int k) {
    long cells = (long) rows * k;
    if (cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(rows + " rows x k=" + k + " neighbours do not fit in one array");
    }
    this.rows = rows;
    this.k = k;
    this.values = new float[(int) cells];
    this.ids = new int[(int) cells];
    this.fresh = new boolean[(int) cells];
    Arrays.fill(values, Float.POSITIVE_INFINITY);
    Arrays.fill(ids, -1);
    this.thresholds = new float[rows + VectorOps.SCREEN_PADDING];
    Arrays.fill(thresholds, Float.POSITIVE_INFINITY);
  }

  int rows() {
    return rows;
  }

  int k() {
    return k;
  }

  /**
   * Each row's admission threshold (its k-th value, +infinity until full), padded for the tile
   * screen; read-only for callers.
   */
  float[] thresholds() {
    return thresholds;
  }

  /** The value at a rank of a row, +infinity for an empty slot. */
  float value(int row, int rank) {
    return values[row * k + rank];
  }

  /** The id at a rank of a row, -1 for an empty slot. */
  int id(int row, int rank) {
    return ids[row * k + rank];
  }

  /** Whether a row holds an id. */
  boolean holds(int row, int id) {
    for (int p = row * k, end = p + k; p < end; p++) {
      if (ids[p] == id) {
        return true;
      }
    }
    return false;
  }

  /** Whether the entry at a rank is new since the row's candidates were last sampled. */
  boolean isFresh(int row, int rank) {
    return fresh[row * k + rank];
  }

  /** Marks the entry at a rank as sampled. */
  void markOld(int row, int rank) {
    fresh[row * k + rank] = false;
  }

  /** Empties every row (the candidate lists are refilled each round). */
  void clear() {
    Arrays.fill(values, Float.POSITIVE_INFINITY);
    Arrays.fill(ids, -1);
    Arrays.fill(thresholds, 0, rows, Float.POSITIVE_INFINITY);
  }

  /** Marks every entry new (the first round after a change of effort samples them all again). */
  void markAllFresh() {
    Arrays.fill(fresh, true);
  }

  /**
   * Offers a candidate: kept if the row is not full or it precedes the row's last entry in
   * (value, id) order, and the row does not hold it already. A kept entry is new.
   *
   * @return whether the row changed
   */
  boolean insert(int row, float value, int id) {
    int base = row * k;
    int last = base + k - 1;
    if (!before(value, id, values[last], ids[last])) {
      return false;
    }
    for (int p = base; p <= last; p++) {
      if (ids[p] == id) {
        return false;
      }
    }
    int p = last;
    while (p > base && before(value, id, values[p - 1], ids[p - 1])) {
      values[p] = values[p - 1];
      ids[p] = ids[p - 1];
      fresh[p] = fresh[p - 1];
      p--;
    }
    values[p] = value;
    ids[p] = id;
    fresh[p] = true;
    thresholds[row] = values[last];
    return true;
  }

  /** Strict (value, id) order, empty slots (id -1, +infinity) last. */
  private static boolean before(float va, int ia, float vb, int ib) {
    if (ib < 0) {
      return true;
    }
    return va < vb || (va == vb && ia < ib);
  }

  /**
   * The ids, row-major {@code rows x k}, -1 where a row has fewer (the backing array: read-only).
   */
  int[] ids() {
    return ids;
  }

  /** The first {@code kept} ids of each row, as {@code rows x kept}. */
  int[] firstIds(int kept) {
    if (kept == k) {
      return ids.clone();
    }
    int[] out = new int[rows * kept];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(ids, r * k, out, r * kept, kept);
    }
    return out;
  }

  /**
   * The same lists with room for {@code newK >= k} entries per row; every entry is new again.
   */
  NeighborLists widen(int newK) {
    NeighborLists wider = new NeighborLists(rows, newK);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(values, r * k, wider.values, r * newK, k);
      System.arraycopy(ids, r * k, wider.ids, r * newK, k);
    }
    Arrays.fill(wider.fresh, true);
    return wider;
  }
}
