package org.knng.approx;

import java.util.Arrays;

/**
 * The connected components of a graph's lists (each entry an undirected edge), smallest first.
 *
 * <p>Where the data falls into separate clusters, a point's neighbours are all in its own cluster,
 * and so are the entries NN-Descent finds: the lists' components are the clusters (or unions of
 * them). A local join only ever pairs points that share a neighbour, so rounds never connect two
 * components; what they cannot find, a component joined in full with itself can: its points' lists
 * then hold their exact nearest within it. Those joins cost {@code s (s - 1) / 2} pairs for a
 * component of {@code s} points, a small share of the exact engine's {@code N (N - 1) / 2} when
 * the clusters are many, and nothing is joined where one component holds most points (data
 * without separate clusters).
 *
 * <p>Labels come from a union-find that keeps the smaller row as the root, over the lists in row
 * order: they depend only on the lists, not on the thread count.
 */
final class Components {
  private final int n;
  private final int[] root;     // each row's component, named by its smallest row
  private final long[] bySize;  // (size << 32 | root) of each component, ascending
  private final long pairs;     // the pairs of joining every component with itself

  /** The components of {@code lists}. */
  Components(NeighborLists lists) {
    n = lists.rows();
    int k = lists.k();
    root = new int[n];
    for (int v = 0; v < n; v++) {
      root[v] = v;
    }
    for (int v = 0; v < n; v++) {
      for (int r = 0; r < k; r++) {
        int u = lists.id(v, r);
        if (u < 0) {
          break;
        }
        int a = find(v);
        int b = find(u);
        if (a != b) {
          root[Math.max(a, b)] = Math.min(a, b);
        }
      }
    }
    int[] size = new int[n];
    int count = 0;
    for (int v = 0; v < n; v++) {
      root[v] = find(v);
      if (size[root[v]]++ == 0) {
        count++;
      }
    }
    bySize = new long[count];
    long all = 0;
    for (int v = 0, c = 0; v < n; v++) {
      if (root[v] == v) {
        bySize[c++] = ((long) size[v] << 32) | v;
        all += (long) size[v] * (size[v] - 1) / 2;
      }
    }
    Arrays.sort(bySize);
    pairs = all;
  }

  private int find(int v) {
    while (root[v] != v) {
      root[v] = root[root[v]];
      v = root[v];
    }
    return v;
  }

  /** @return the number of components */
  int count() {
    return bySize.length;
  }

  /** @return the pairs of joining every component with itself */
  long pairs() {
    return pairs;
  }

  /** @return the points of the largest component */
  int largest() {
    return bySize.length == 0 ? 0 : (int) (bySize[bySize.length - 1] >>> 32);
  }

  /**
   * The smallest components whose joins together take at most {@code budget} pairs, as cells:
   * {@code cells[0]} their rows, component by component (each in row order), {@code cells[1]} where
   * each component starts, then the end.
   */
  int[][] smallest(long budget) {
    int[] cellOf = new int[n];
    Arrays.fill(cellOf, -1);
    int cells = 0;
    long spent = 0;
    for (long key : bySize) {
      long s = key >>> 32;
      if (spent + s * (s - 1) / 2 > budget) {
        break;
      }
      spent += s * (s - 1) / 2;
      cellOf[(int) key] = cells++;
    }
    int[] start = new int[cells + 1];
    for (int v = 0; v < n; v++) {
      int c = cellOf[root[v]];
      if (c >= 0) {
        start[c + 1]++;
      }
    }
    for (int c = 0; c < cells; c++) {
      start[c + 1] += start[c];
    }
    int[] members = new int[start[cells]];
    int[] fill = Arrays.copyOf(start, cells);
    for (int v = 0; v < n; v++) {
      int c = cellOf[root[v]];
      if (c >= 0) {
        members[fill[c]++] = v;
      }
    }
    return new int[][] {members, start};
  }
}
