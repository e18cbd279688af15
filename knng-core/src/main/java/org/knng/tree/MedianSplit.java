package org.knng.tree;

/**
 * Orders points so that every aligned run of {@code leaf} of them is a leaf of a binary tree that
 * splits each node at the median of its widest coordinate: points in one run are near each other.
 * The exact engine's projected screen orders its rows this way (near points share a block, whose
 * diagonal tiles are searched first); the {@link KdTree} is this tree.
 *
 * <p>The rows of {@code points} are moved in place together with the entries of {@code order}
 * (row {@code i} of the array always belongs to entry {@code order[i]}), so every pass reads
 * consecutive rows: a tree of a million points is built from cache, not from scattered reads.
 *
 * <p>Splits fall on multiples of {@code leaf} (the lower half of a node gets the larger half of its
 * leaves), so only the last leaf may be partial. The order within a leaf is arbitrary but
 * deterministic. Duplicates are no problem: the quickselect splits a run of equal values anywhere.
 * Not thread-safe (one instance per thread; instances may order disjoint ranges of the same arrays
 * at once).
 */
public final class MedianSplit {
  private final float[] points;
  private final int stride;
  private final int dims;
  private final float[] row;           // one row, for swaps
  private float[] keys = new float[0]; // the split coordinate of the entries, for select

  /**
   * @param points row-major coordinates, permuted in place alongside the order
   * @param stride values per row in {@code points}
   * @param dims how many leading coordinates of each row the splits look at ({@code <= stride})
   */
  public MedianSplit(float[] points, int stride, int dims) {
    this.points = points;
    this.stride = stride;
    this.dims = dims;
    this.row = new float[stride];
  }

  /**
   * Permutes {@code order[lo, hi)} (the entries whose coordinates are the rows {@code [lo, hi)} of
   * the points, moved with them) so that every aligned run of {@code leaf} entries from {@code lo}
   * is a leaf of the median tree.
   *
   * @param order entries (e.g. point indices), permuted in place with the rows
   * @param lo first entry
   * @param hi end of the entries
   * @param leaf entries per leaf, at least 1
   */
  public void order(int[] order, int lo, int hi, int leaf) {
    while (hi - lo > leaf) {
      int mid = split(order, lo, hi, leaf);
      order(order, lo, mid, leaf);
      lo = mid;
    }
  }

  /**
   * One node of {@link #order}: permutes {@code order[lo, hi)} so that the entries before {@link
   * #middle} have the widest coordinate at most those after it. A caller that runs the two halves
   * on different threads (each with its own instance) gets the same order as {@link #order}.
   *
   * @param order entries, permuted in place with the rows
   * @param lo first entry
   * @param hi end of the entries, more than {@code leaf} after {@code lo}
   * @param leaf entries per leaf, at least 1
   * @return the split position, {@link #middle}{@code (lo, hi, leaf)}
   */
  public int split(int[] order, int lo, int hi, int leaf) {
    int mid = middle(lo, hi, leaf);
    select(order, lo, hi, mid, widest(lo, hi));
    return mid;
  }

  /**
   * Where a node {@code [lo, hi)} of more than one leaf splits: after the first half of its leaves,
   * rounded up, so that every split is a multiple of {@code leaf} from {@code lo}.
   *
   * @param lo first entry of the node
   * @param hi end of the node
   * @param leaf entries per leaf
   * @return the first entry of the upper half
   */
  public static int middle(int lo, int hi, int leaf) {
    int leaves = (hi - lo + leaf - 1) / leaf;
    return lo + (leaves + 1) / 2 * leaf;
  }

  /** The coordinate with the largest range among rows {@code [lo, hi)} (the first on ties). */
  int widest(int lo, int hi) {
    int axis = 0;
    float best = -1;
    for (int c = 0; c < dims; c++) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = lo; i < hi; i++) {
        float v = points[i * stride + c];
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      if (max - min > best) {
        best = max - min;
        axis = c;
      }
    }
    return axis;
  }

  /**
   * Quickselect of the coordinate {@code axis}: afterwards rows {@code [lo, k)} hold values at most
   * those of {@code [k, hi)}; the same swaps as {@link #select(int[], float[], int, int, int)}.
   */
  private void select(int[] order, int lo, int hi, int k, int axis) {
    if (keys.length < hi) {
      keys = new float[Math.max(hi, Math.min(2 * keys.length, Integer.MAX_VALUE - 8))];
    }
    for (int i = lo; i < hi; i++) {
      keys[i] = points[i * stride + axis];
    }
    select(order, keys, lo, hi, k, this);
  }

  /** Swaps rows {@code i} and {@code j} of the points. */
  private void swapRows(int i, int j) {
    if (stride <= 16) {
      // A few values: a plain loop (a copy call costs more than the copying).
      for (int c = 0, a = i * stride, b = j * stride; c < stride; c++) {
        float t = points[a + c];
        points[a + c] = points[b + c];
        points[b + c] = t;
      }
      return;
    }
    System.arraycopy(points, i * stride, row, 0, stride);
    System.arraycopy(points, j * stride, points, i * stride, stride);
    System.arraycopy(row, 0, points, j * stride, stride);
  }

  /**
   * Quickselect by key: permutes {@code order[lo, hi)} together with {@code keys[lo, hi)} (the key
   * of each entry) so that afterwards the keys of {@code [lo, k)} are at most those of {@code [k,
   * hi)}. Runs of equal keys are split anywhere (Hoare's partition moves both ways on equality), so
   * duplicates cost no more than distinct values.
   *
   * @param order entries, permuted in place
   * @param keys the entries' keys at the same positions, permuted alongside
   * @param lo first entry
   * @param hi end of the entries
   * @param k the split position
   */
  static void select(int[] order, float[] keys, int lo, int hi, int k) {
    select(order, keys, lo, hi, k, null);
  }

  /** {@link #select(int[], float[], int, int, int)}, also swapping the rows of {@code rows}. */
  private static void select(int[] order, float[] keys, int lo, int hi, int k, MedianSplit rows) {
    int left = lo;
    int right = hi - 1;
    while (left < right) {
      float pivot = keys[(left + right) >>> 1];
      int i = left;
      int j = right;
      while (i <= j) {
        while (keys[i] < pivot) {
          i++;
        }
        while (keys[j] > pivot) {
          j--;
        }
        if (i <= j) {
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
          float tk = keys[i];
          keys[i] = keys[j];
          keys[j] = tk;
          if (rows != null) {
            rows.swapRows(i, j);
          }
          i++;
          j--;
        }
      }
      if (k - 1 <= j) {
        right = j;
      } else if (k - 1 >= i) {
        left = i;
      } else {
        return;
      }
    }
  }
}
