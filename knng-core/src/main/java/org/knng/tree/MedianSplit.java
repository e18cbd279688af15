package org.knng.tree;

/**
 * Orders points so that every aligned run of {@code leaf} of them is a leaf of a binary tree that
 * splits each node at the median of its widest coordinate: points in one run are near each other.
 * The exact engine's projected screen orders its rows this way (near points share a block, whose
 * diagonal tiles are searched first); kd-trees and random-projection trees split the same way.
 *
 * <p>Splits fall on multiples of {@code leaf} (the lower half of a node gets the larger half of its
 * leaves), so only the last leaf may be partial. The order within a leaf is arbitrary but
 * deterministic. Duplicates are no problem: the quickselect splits a run of equal values anywhere.
 * Not thread-safe (one instance per thread).
 */
public final class MedianSplit {
  private final float[] points;
  private final int stride;
  private final int dims;
  private float[] keys = new float[0]; // the split coordinate of the entries, for select

  /**
   * @param points row-major coordinates
   * @param stride values per row in {@code points}
   * @param dims how many leading coordinates of each row the splits look at ({@code <= stride})
   */
  public MedianSplit(float[] points, int stride, int dims) {
    this.points = points;
    this.stride = stride;
    this.dims = dims;
  }

  /**
   * Permutes {@code order[lo, hi)} (row indices of the points) so that every aligned run of {@code
   * leaf} entries from {@code lo} is a leaf of the median tree.
   *
   * @param order row indices, permuted in place
   * @param lo first entry
   * @param hi end of the entries
   * @param leaf entries per leaf, at least 1
   */
  public void order(int[] order, int lo, int hi, int leaf) {
    while (hi - lo > leaf) {
      int leaves = (hi - lo + leaf - 1) / leaf;
      int mid = lo + (leaves + 1) / 2 * leaf;
      int axis = widest(order, lo, hi);
      select(order, lo, hi, mid, axis);
      order(order, lo, mid, leaf);
      lo = mid;
    }
  }

  /** The coordinate with the largest range among {@code order[lo, hi)} (the first on ties). */
  int widest(int[] order, int lo, int hi) {
    int axis = 0;
    float best = -1;
    for (int c = 0; c < dims; c++) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = lo; i < hi; i++) {
        float v = points[order[i] * stride + c];
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
   * Quickselect of the coordinate {@code axis}: afterwards {@code order[lo, k)} hold values at most
   * those of {@code order[k, hi)}.
   */
  private void select(int[] order, int lo, int hi, int k, int axis) {
    if (keys.length < hi) {
      keys = new float[Math.max(hi, Math.min(2 * keys.length, Integer.MAX_VALUE - 8))];
    }
    for (int i = lo; i < hi; i++) {
      keys[i] = points[order[i] * stride + axis];
    }
    select(order, keys, lo, hi, k);
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
