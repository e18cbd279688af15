package org.knng.exact;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One point's candidates from some of the pieces of a {@link SplitJoin}, with global ids: merged
 * two at a time in any order ({@link #merge}), they keep the point's {@code kept} smallest (ranking
 * value, id) pairs, and {@link #finish} turns them into the row the exact engine reports: sorted
 * by (distance, id), with the point itself first under include-self. Immutable and {@link
 * Serializable}, so that a cluster can move it between machines.
 */
public final class PartialRow implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] ids;
  private final float[] values;
  private final float[] distances;

  /**
   * @param ids neighbour ids, sorted with the values by (value, id), distinct
   * @param values their ranking values
   * @param distances their distances in the metric's units
   */
  public PartialRow(long[] ids, float[] values, float[] distances) {
    if (ids.length != values.length || ids.length != distances.length) {
      throw new IllegalArgumentException("ids, values and distances differ in length");
    }
    this.ids = ids;
    this.values = values;
    this.distances = distances;
  }

  /**
   * Row {@code row} of a piece's lists, its positions mapped to global ids.
   *
   * @param lists a piece's lists
   * @param row a row of them
   * @param idOf the global id of each position
   * @return the row's candidates (perhaps none)
   */
  public static PartialRow of(SplitJoin.Lists lists, int row, long[] idOf) {
    int n = lists.count(row);
    long[] ids = new long[n];
    int from = row * lists.kept;
    for (int c = 0; c < n; c++) {
      ids[c] = idOf[lists.ids[from + c]];
    }
    return new PartialRow(ids, Arrays.copyOfRange(lists.values, from, from + n),
        Arrays.copyOfRange(lists.distances, from, from + n));
  }

  /** @return how many candidates */
  public int size() {
    return ids.length;
  }

  /**
   * @param c a candidate, {@code 0 <= c < size()}, in (value, id) order
   * @return its id
   */
  public long id(int c) {
    return ids[c];
  }

  /**
   * The {@code kept} smallest (value, id) candidates of two partial rows of one point. The pieces
   * may overlap (the approximate Spark job holds a point in several cells): an id in both, with
   * the same value in both (the same pair, computed the same way), is kept once.
   *
   * @param other the other partial row
   * @param kept how many to keep
   * @return the merged row
   */
  public PartialRow merge(PartialRow other, int kept) {
    int n = Math.min(kept, ids.length + other.ids.length);
    long[] i = new long[n];
    float[] v = new float[n];
    float[] d = new float[n];
    int a = 0;
    int b = 0;
    int o = 0;
    while (o < n && (a < ids.length || b < other.ids.length)) {
      if (a < ids.length && b < other.ids.length && ids[a] == other.ids[b]
          && Float.compare(values[a], other.values[b]) == 0) {
        b++; // the same candidate from both pieces: taken from this one below
      }
      boolean fromA = b >= other.ids.length || (a < ids.length
          && before(values[a], ids[a], other.values[b], other.ids[b]));
      if (fromA) {
        i[o] = ids[a];
        v[o] = values[a];
        d[o++] = distances[a++];
      } else {
        i[o] = other.ids[b];
        v[o] = other.values[b];
        d[o++] = other.distances[b++];
      }
    }
    return o == n ? new PartialRow(i, v, d)
        : new PartialRow(Arrays.copyOf(i, o), Arrays.copyOf(v, o), Arrays.copyOf(d, o));
  }

  /** The candidate order: by value ({@code -0 == +0}, as the lists compare), then by id. */
  private static boolean before(float value, long id, float otherValue, long otherId) {
    return value < otherValue || (value == otherValue && id < otherId);
  }

  /**
   * The point's final row: its candidates sorted by (distance, id), with {@code self} first at
   * distance 0 when {@code includeSelf}; {@code -1} and +infinity pad it to {@code k}.
   *
   * @param self the point's own id
   * @param includeSelf whether the point is its own first neighbour
   * @param k the row's length
   * @param outIds receives {@code k} ids from {@code offset}
   * @param outDistances receives {@code k} distances from {@code offset}
   * @param offset where the row starts in both
   * @return how many of the {@code k} slots are real neighbours (the rest is padding)
   */
  public int finish(long self, boolean includeSelf, int k, long[] outIds, float[] outDistances,
      int offset) {
    int first = includeSelf ? 1 : 0;
    if (includeSelf) {
      outIds[offset] = self;
      outDistances[offset] = 0f;
    }
    int n = Math.min(ids.length, k - first);
    int from = offset + first;
    System.arraycopy(ids, 0, outIds, from, n);
    System.arraycopy(distances, 0, outDistances, from, n);
    // Insertion sort by (distance, id), as the engine's re-scoring does: the row is nearly sorted.
    for (int p = from + 1; p < from + n; p++) {
      float dv = outDistances[p];
      long iv = outIds[p];
      int q = p - 1;
      while (q >= from && (outDistances[q] > dv || (outDistances[q] == dv && outIds[q] > iv))) {
        outDistances[q + 1] = outDistances[q];
        outIds[q + 1] = outIds[q];
        q--;
      }
      outDistances[q + 1] = dv;
      outIds[q + 1] = iv;
    }
    Arrays.fill(outIds, from + n, offset + k, -1L);
    Arrays.fill(outDistances, from + n, offset + k, Float.POSITIVE_INFINITY);
    return first + n;
  }
}
