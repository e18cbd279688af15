package org.knng.select;

import org.knng.simd.VectorOps;

/**
 * One bounded max-heap of {@code (distance, id)} candidates per row, all kept in two flat primitive
 * arrays (no object per candidate).
 *
 * <p>Candidates are ordered by distance, then by id: a strict total order, so the {@code k} kept
 * per row are the same whatever order candidates are offered in. That is what makes results
 * identical for any thread count, and what breaks ties in favour of the smaller index.
 *
 * <p>Not thread-safe: a row must be offered to by one thread at a time.
 */
public final class NeighborHeaps implements CandidateSink {
  private final int rows;
  private final int k;
  private final float[] distances;
  private final int[] ids;
  private final int[] counts;
  private final float[] thresholds;

  /**
   * @param rows number of rows (heaps)
   * @param k capacity of each heap, at least 1
   */
  public NeighborHeaps(int rows, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    long cells = (long) rows * k;
    if (cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(rows + " rows x k=" + k + " neighbours do not fit in one array");
    }
    this.rows = rows;
    this.k = k;
    this.distances = new float[(int) cells];
    this.ids = new int[(int) cells];
    this.counts = new int[rows];
    this.thresholds = new float[rows + VectorOps.SCREEN_PADDING];
    java.util.Arrays.fill(thresholds, Float.POSITIVE_INFINITY);
  }

  /** @return the number of rows */
  public int rows() {
    return rows;
  }

  /** @return the capacity of each row */
  public int k() {
    return k;
  }

  /**
   * The distance a new candidate must beat to enter this row: the largest kept distance once the
   * row is full, +infinity before.
   *
   * @param row row index
   * @return the admission threshold
   */
  public float threshold(int row) {
    return thresholds[row];
  }

  /**
   * Every row's {@link #threshold(int)} in one dense array, kept up to date by {@link #offer}, for
   * kernels that screen a whole tile of candidates at once. It is {@link VectorOps#SCREEN_PADDING}
   * longer than {@link #rows()}, as {@link VectorOps#screen} needs. Read-only for callers.
   *
   * @return the live threshold array (not a copy)
   */
  public float[] thresholds() {
    return thresholds;
  }

  /**
   * Offers a candidate to a row; it is kept if the row is not full or if it precedes the current
   * worst in (distance, id) order.
   *
   * @param row row index
   * @param distance candidate distance
   * @param id candidate id
   */
  @Override
  public void offer(int row, float distance, int id) {
    keep(row, distance, id);
  }

  /**
   * {@link #offer}, telling whether the candidate was kept.
   *
   * @param row row index
   * @param distance candidate distance
   * @param id candidate id
   * @return whether the candidate was kept
   */
  public boolean keep(int row, float distance, int id) {
    int base = row * k;
    int n = counts[row];
    if (n < k) {
      siftUp(base, n, distance, id);
      counts[row] = n + 1;
      if (n + 1 == k) {
        thresholds[row] = distances[base];
      }
      return true;
    }
    if (!before(distance, id, distances[base], ids[base])) {
      return false;
    }
    siftDown(base, k, distance, id);
    thresholds[row] = distances[base];
    return true;
  }

  /**
   * @param row row index
   * @return how many candidates the row holds (at most {@code k})
   */
  public int count(int row) {
    return counts[row];
  }

  /**
   * Sorts every row ascending by (distance, id), turning the heaps into sorted lists, and hands the
   * arrays over. Rows with fewer than {@code k} candidates are padded with id {@code -1} and
   * distance +infinity. The heaps must not be used afterwards.
   *
   * @return the ids and distances as flat row-major arrays of {@code rows * k}
   */
  public Sorted sortAndRelease() {
    for (int r = 0; r < rows; r++) {
      int base = r * k;
      int n = counts[r];
      assert isHeap(base, n) : "row " + r + " lost its heap order";
      // Heap sort in place: repeatedly move the max to the end of the live region.
      for (int end = n - 1; end > 0; end--) {
        float d = distances[base + end];
        int id = ids[base + end];
        distances[base + end] = distances[base];
        ids[base + end] = ids[base];
        siftDown(base, end, d, id);
      }
      for (int j = n; j < k; j++) {
        distances[base + j] = Float.POSITIVE_INFINITY;
        ids[base + j] = -1;
      }
    }
    return new Sorted(ids, distances);
  }

  /** Row-major sorted neighbour ids and distances, {@code rows * k} each. */
  public static final class Sorted {
    /** Neighbour ids, {@code -1} where a row had fewer than {@code k}. */
    public final int[] ids;
    /** Neighbour distances, ascending within a row. */
    public final float[] distances;

    Sorted(int[] ids, float[] distances) {
      this.ids = ids;
      this.distances = distances;
    }
  }

  /** Whether every parent of the first {@code size} entries from {@code base} follows its children. */
  private boolean isHeap(int base, int size) {
    for (int c = 1; c < size; c++) {
      int p = (c - 1) >>> 1;
      if (before(distances[base + p], ids[base + p], distances[base + c], ids[base + c])) {
        return false;
      }
    }
    return true;
  }

  /** Strict (distance, id) order: true if a precedes b. */
  static boolean before(float da, int ia, float db, int ib) {
    return da < db || (da == db && ia < ib);
  }

  private void siftUp(int base, int pos, float d, int id) {
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      float pd = distances[base + parent];
      int pid = ids[base + parent];
      if (!before(pd, pid, d, id)) {
        break;
      }
      distances[base + pos] = pd;
      ids[base + pos] = pid;
      pos = parent;
    }
    distances[base + pos] = d;
    ids[base + pos] = id;
  }

  /** Places (d, id) at the root of the heap of size {@code size} and restores the heap order. */
  private void siftDown(int base, int size, float d, int id) {
    int pos = 0;
    while (true) {
      int child = 2 * pos + 1;
      if (child >= size) {
        break;
      }
      int right = child + 1;
      if (right < size
          && before(distances[base + child], ids[base + child], distances[base + right], ids[base + right])) {
        child = right;
      }
      if (!before(d, id, distances[base + child], ids[base + child])) {
        break;
      }
      distances[base + pos] = distances[base + child];
      ids[base + pos] = ids[base + child];
      pos = child;
    }
    distances[base + pos] = d;
    ids[base + pos] = id;
  }
}
