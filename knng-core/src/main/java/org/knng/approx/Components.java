package org.knng.approx;

import java.util.Arrays;
import java.util.BitSet;

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
 *
 * <p>With a focus (the rows whose lists matter here, as the home points of a distributed job's
 * cell), only the components holding a focus row are offered for joining and counted in {@link
 * #pairs()}: the others are joined where their own points are home.
 */
final class Components {
  private final int n;
  private final int[] root;     // each row's component, named by its smallest row
  private final int count;      // components in all
  private final long[] bySize;  // (size << 32 | root) of each component in focus, ascending
  private final long pairs;     // the pairs of joining every component in focus with itself
  private final int edges;      // entries of each list taken as edges
  private final NeighborLists lists;

  /** The components of {@code lists}, all in focus. */
  Components(NeighborLists lists) {
    this(lists, null, lists.k());
  }

  /**
   * The components of the first {@code edges} entries of each list (the nearest found).
   *
   * @param focus the rows whose components may be joined, or null for all
   * @param edges entries of each list taken as edges, at most its length
   */
  Components(NeighborLists lists, BitSet focus, int edges) {
    n = lists.rows();
    this.lists = lists;
    int k = Math.min(edges, lists.k());
    this.edges = k;
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
    BitSet inFocus = new BitSet(n); // by root
    int all = 0;
    int focused = 0;
    for (int v = 0; v < n; v++) {
      root[v] = find(v);
      if (size[root[v]]++ == 0) {
        all++;
      }
      if ((focus == null || focus.get(v)) && !inFocus.get(root[v])) {
        inFocus.set(root[v]);
        focused++;
      }
    }
    count = all;
    bySize = new long[focused];
    long joins = 0;
    for (int v = inFocus.nextSetBit(0), c = 0; v >= 0; v = inFocus.nextSetBit(v + 1)) {
      bySize[c++] = ((long) size[v] << 32) | v;
      joins += (long) size[v] * (size[v] - 1) / 2;
    }
    Arrays.sort(bySize);
    pairs = joins;
  }

  private int find(int v) {
    while (root[v] != v) {
      root[v] = root[root[v]];
      v = root[v];
    }
    return v;
  }

  /** @return the entries of each list taken as edges */
  int edges() {
    return edges;
  }

  /** @return the number of components, in focus or not */
  int count() {
    return count;
  }

  /** @return the number of components in focus */
  int focused() {
    return bySize.length;
  }

  /** @return the pairs of joining every component in focus with itself */
  long pairs() {
    return pairs;
  }

  /** @return the points of the largest component in focus */
  int largest() {
    return bySize.length == 0 ? 0 : (int) (bySize[bySize.length - 1] >>> 32);
  }

  /**
   * The smallest components in focus whose joins together take at most {@code budget} pairs, as
   * cells: {@code cells[0]} their rows, component by component (each in the order of a walk over
   * its lists, {@link #walkOrder}), {@code cells[1]} where each component starts, then the end.
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
    walkOrder(members, start);
    return new int[][] {members, start};
  }

  /**
   * Reorders each component's rows so that a row's list entries follow it closely: a breadth-first
   * walk over the lists from the component's first row (then from its next row not reached, where
   * only reverse entries lead on). A full join then meets each row's near points in its first
   * tiles, which tighten the thresholds that screen the rest.
   */
  private void walkOrder(int[] members, int[] start) {
    BitSet seen = new BitSet(n);
    int[] walk = new int[members.length];
    for (int c = 0; c + 1 < start.length; c++) {
      int head = start[c];
      int tail = start[c];
      for (int m = start[c]; m < start[c + 1]; m++) {
        if (seen.get(members[m])) {
          continue;
        }
        seen.set(members[m]);
        walk[tail++] = members[m];
        while (head < tail) {
          int v = walk[head++];
          for (int r = 0; r < edges; r++) {
            int u = lists.id(v, r);
            if (u < 0) {
              break;
            }
            if (!seen.get(u)) { // u is in v's component: an edge joined them
              seen.set(u);
              walk[tail++] = u;
            }
          }
        }
      }
    }
    System.arraycopy(walk, 0, members, 0, members.length);
  }
}
