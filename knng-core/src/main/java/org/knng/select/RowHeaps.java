package org.knng.select;

import java.util.Arrays;

/**
 * The k nearest candidates of a small batch of rows that are finished together, as one binary
 * max-heap per row (the farthest kept candidate on top, so the row's threshold is exact at every
 * moment), or, up to {@link #SORTED} candidates per row, one array per row kept sorted by
 * insertion: at k = 10 an insertion moves a few neighbouring entries with one hard-to-predict
 * branch where a heap's sift takes several (the tree engine's point clouds: 5-7% less search
 * time). For engines that complete a few rows before moving on, as the tree engine completes one
 * leaf of query points at a time; {@link NeighborReservoirs} is for rows that receive
 * candidates throughout a whole join.
 *
 * <p>Candidates are ordered by (distance, id), as in {@link NeighborReservoirs}: the k kept per
 * row do not depend on the order they are offered in, and ties go to the smaller id. Each
 * candidate carries a second int, its slot (e.g. where its vector is in the engine's own order),
 * which is what {@link #sortInto} hands back. Not thread-safe: one instance per worker, {@link
 * #reset} before each batch.
 */
public final class RowHeaps implements CandidateSink {
  /** The largest k whose rows are kept sorted rather than as heaps. */
  static final int SORTED = 16;

  private final int k;
  private final boolean sorted;
  private final int stride;          // entries per row: k, and a spare one for sorted rows
  private final long[] keys;         // capacity rows of stride keys: sorted rows or heaps
  private final int[] slots;         // each key's slot
  private final int[] counts;
  private final float[] thresholds;  // each row's k-th distance, +infinity until it has k

  /**
   * @param capacity the most rows of a batch
   * @param k candidates kept per row, at least 1
   */
  public RowHeaps(int capacity, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    this.k = k;
    this.sorted = k <= SORTED;
    this.stride = sorted ? k + 1 : k;
    this.keys = new long[Math.multiplyExact(capacity, stride)];
    this.slots = new int[keys.length];
    this.counts = new int[capacity];
    this.thresholds = new float[capacity];
  }

  /**
   * Empties the first {@code rows} rows for a new batch.
   *
   * @param rows rows of the batch, at most the capacity
   */
  public void reset(int rows) {
    Arrays.fill(counts, 0, rows, 0);
    Arrays.fill(thresholds, 0, rows, Float.POSITIVE_INFINITY);
  }

  /**
   * @param row a row of the batch
   * @return the largest distance a new candidate may have to enter it (ties by id decide at that
   *     distance): the k-th kept distance, or +infinity while the row has fewer than k
   */
  public float threshold(int row) {
    return thresholds[row];
  }

  /**
   * {@link #offer(int, float, int, int)} with the id as the slot.
   *
   * @param row a row of the batch
   * @param distance the ranking value (NaN is never kept)
   * @param id the candidate, at least 0
   */
  @Override
  public void offer(int row, float distance, int id) {
    offer(row, distance, id, id);
  }

  /**
   * Keeps the candidate if it is among the row's k nearest so far by (distance, id).
   *
   * @param row a row of the batch
   * @param distance the ranking value (NaN is never kept)
   * @param id the candidate, at least 0
   * @param slot what {@link #sortInto} reports for it
   */
  public void offer(int row, float distance, int id, int slot) {
    if (!(distance <= thresholds[row])) {
      return;
    }
    long key = NeighborReservoirs.key(distance, id);
    int base = row * stride;
    int n = counts[row];
    if (sorted) {
      insert(base, n, key, slot);
      if (n < k) {
        counts[row] = ++n;
      }
      if (n == k) {
        thresholds[row] = NeighborReservoirs.distance(keys[base + k - 1]);
      }
      return;
    }
    if (n < k) {
      siftUp(base, n, key, slot);
      counts[row] = ++n;
      if (n == k) {
        thresholds[row] = NeighborReservoirs.distance(keys[base]);
      }
      return;
    }
    if (key >= keys[base]) {
      return;
    }
    siftDown(base, k, key, slot);
    thresholds[row] = NeighborReservoirs.distance(keys[base]);
  }

  /**
   * Inserts (key, slot) into the ascending row of {@code n} at {@code base}. A full row's entry
   * past the k-th then holds whichever key is last, the new one (a tie with the k-th at a larger
   * id) or the k-th it pushed out: either way it is dropped, with no branch to take. (Such ties
   * are rare, and a branch the optimizing compiler has never seen taken is compiled as a trap
   * whose first use sends the caller's whole loop, the tree engine's scan, back to the
   * interpreter until it is compiled again.)
   */
  private void insert(int base, int n, long key, int slot) {
    int i = base + n;
    while (i > base && keys[i - 1] > key) {
      keys[i] = keys[i - 1];
      slots[i] = slots[i - 1];
      i--;
    }
    keys[i] = key;
    slots[i] = slot;
  }

  /** Puts (key, slot) at position {@code i} of the heap at {@code base} and moves it up. */
  private void siftUp(int base, int i, long key, int slot) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (keys[base + parent] >= key) {
        break;
      }
      keys[base + i] = keys[base + parent];
      slots[base + i] = slots[base + parent];
      i = parent;
    }
    keys[base + i] = key;
    slots[base + i] = slot;
  }

  /** Puts (key, slot) at the top of the heap of {@code n} at {@code base} and moves it down. */
  private void siftDown(int base, int n, long key, int slot) {
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= n) {
        break;
      }
      long c = keys[base + child];
      if (child + 1 < n && keys[base + child + 1] > c) {
        child++;
        c = keys[base + child];
      }
      if (c <= key) {
        break;
      }
      keys[base + i] = c;
      slots[base + i] = slots[base + child];
      i = child;
    }
    keys[base + i] = key;
    slots[base + i] = slot;
  }

  /**
   * Hands the row's candidates, as (distance, slot), to {@code sink} as candidates of {@code
   * sinkRow}, in the row's order (which depends only on what was offered, and in which order), and
   * empties the row.
   *
   * @param row a row of the batch
   * @param sinkRow the row they are offered as
   * @param sink receives them
   */
  public void drainInto(int row, int sinkRow, CandidateSink sink) {
    int base = row * stride;
    for (int p = base, end = base + counts[row]; p < end; p++) {
      sink.offer(sinkRow, NeighborReservoirs.distance(keys[p]), slots[p]);
    }
    counts[row] = 0;
    thresholds[row] = Float.POSITIVE_INFINITY;
  }

  /**
   * Writes the slots of the row's candidates ascending by (distance, id) into {@code out} from
   * {@code offset}, padded with {@code -1} up to k, and empties the row (a sorted row is copied; a
   * heap is heap-sorted, each step moving the farthest candidate behind the shrinking heap).
   *
   * @param row a row of the batch
   * @param out receives k slots
   * @param offset where the row starts in {@code out}
   */
  public void sortInto(int row, int[] out, int offset) {
    int base = row * stride;
    int n = counts[row];
    for (int p = n; p < k; p++) {
      out[offset + p] = -1;
    }
    if (sorted) {
      System.arraycopy(slots, base, out, offset, n);
      counts[row] = 0;
      thresholds[row] = Float.POSITIVE_INFINITY;
      return;
    }
    for (int m = n - 1; m >= 0; m--) {
      out[offset + m] = slots[base];
      siftDown(base, m, keys[base + m], slots[base + m]);
    }
    counts[row] = 0;
    thresholds[row] = Float.POSITIVE_INFINITY;
  }
}
