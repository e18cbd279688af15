package org.knng.tree;

import java.util.ArrayDeque;
import org.knng.engine.Parallel;
import org.knng.vectors.Vectors;

/**
 * A bucketed kd-tree: the points copied into {@link MedianSplit} order (every node split at the
 * median of its widest coordinate, leaves of at most {@code leaf} points), each node knowing its
 * range of positions and the tight bounding box of its points. Searches read the copy, so a
 * leaf's points are contiguous in memory, and map positions back to points with {@link #point}.
 *
 * <p>Nodes are numbered in pre-order: node 0 is the root, an inner node's lower child is the next
 * node and its upper child is {@link #upper(int)}. Bounding boxes, not split planes, are what
 * searches prune with, so a node of equal points (duplicates, points on a line) is as valid as
 * any other. The tree is the same for any thread count.
 */
public final class KdTree {
  private final int size;
  private final int dimension;
  private final int[] points;    // position -> point index
  private final Vectors ordered; // the points in position order
  private final float[] columns; // the same, coordinate by coordinate
  private final int[] start;     // node -> first position
  private final int[] end;       // node -> end position
  private final int[] upper;     // node -> upper child, or -1 for a leaf
  private final float[] low;     // node -> box, dimension values each
  private final float[] high;
  private final int[] leaves;    // leaf nodes in position order
  private int nodes;

  private KdTree(Vectors vectors, int leaf, int threads) {
    this.size = vectors.size();
    this.dimension = vectors.dimension();
    float[] x = vectors.data().clone();
    this.points = order(x, size, dimension, leaf, threads);
    this.ordered = Vectors.wrap(x, dimension);
    this.columns = new float[x.length];
    for (int p = 0; p < size; p++) {
      for (int c = 0; c < dimension; c++) {
        columns[c * size + p] = x[p * dimension + c];
      }
    }
    int leafCount = Math.max(1, (size + leaf - 1) / leaf);
    int count = 2 * leafCount - 1;
    this.start = new int[count];
    this.end = new int[count];
    this.upper = new int[count];
    this.low = new float[count * dimension];
    this.high = new float[count * dimension];
    this.leaves = new int[leafCount];
    int[] leafIndex = new int[1];
    build(0, size, leaf, leafIndex);
  }

  /**
   * Builds the tree of a set of points.
   *
   * @param vectors the points (copied)
   * @param leaf the most points per leaf, at least 1
   * @param threads threads for the splits
   * @return the tree
   */
  public static KdTree build(Vectors vectors, int leaf, int threads) {
    if (leaf < 1) {
      throw new IllegalArgumentException("leaf size must be at least 1, got " + leaf);
    }
    return new KdTree(vectors, leaf, threads);
  }

  /**
   * The median order of the rows of {@code x}, which move with it. Nodes are tasks: a worker splits
   * a node of more than {@code n / (8 threads)} points and leaves its two halves to whichever
   * workers are free (only the root's split runs while the other threads wait), and orders a
   * smaller node's whole subtree itself, with its own {@link MedianSplit}. Each node's split
   * depends on its points alone, so the order is the same for any thread count.
   */
  private static int[] order(float[] x, int n, int d, int leaf, int threads) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (threads == 1) {
      new MedianSplit(x, d, d).order(order, 0, n, leaf);
      return order;
    }
    int shared = Math.max(leaf, n / (8 * threads));
    Nodes nodes = new Nodes(n);
    Parallel.run(threads, () -> {
      MedianSplit split = new MedianSplit(x, d, d);
      for (int[] node; (node = nodes.take()) != null; ) {
        int lo = node[0];
        int hi = node[1];
        if (hi - lo > shared) {
          int mid = split.split(order, lo, hi, leaf);
          nodes.put(lo, mid, mid, hi);
        } else {
          split.order(order, lo, hi, leaf);
          nodes.done();
        }
      }
    });
    return order;
  }

  /** The nodes waiting to be split or ordered, and how many are not finished. */
  private static final class Nodes {
    private final ArrayDeque<int[]> waiting = new ArrayDeque<>();
    private int unfinished = 1;

    Nodes(int n) {
      waiting.add(new int[] {0, n});
    }

    /** @return a node to work on, waiting while others may still add some; null when all done */
    synchronized int[] take() {
      while (waiting.isEmpty() && unfinished > 0) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while building a tree", e);
        }
      }
      return waiting.poll();
    }

    /** A node was split into {@code [lo1, hi1)} and {@code [lo2, hi2)}. */
    synchronized void put(int lo1, int hi1, int lo2, int hi2) {
      waiting.add(new int[] {lo1, hi1});
      waiting.add(new int[] {lo2, hi2});
      unfinished++;
      notifyAll();
    }

    /** A node's subtree is ordered. */
    synchronized void done() {
      if (--unfinished == 0) {
        notifyAll();
      }
    }
  }

  /** Numbers the node {@code [lo, hi)} and its subtree in pre-order, with boxes; returns it. */
  private int build(int lo, int hi, int leaf, int[] leafIndex) {
    int node = nodes++;
    start[node] = lo;
    end[node] = hi;
    int d = dimension;
    if (hi - lo <= leaf) {
      upper[node] = -1;
      leaves[leafIndex[0]++] = node;
      float[] x = ordered.data();
      for (int c = 0; c < d; c++) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int p = lo; p < hi; p++) {
          float v = x[p * d + c];
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        low[node * d + c] = min;
        high[node * d + c] = max;
      }
      return node;
    }
    int mid = MedianSplit.middle(lo, hi, leaf);
    int a = build(lo, mid, leaf, leafIndex);
    int b = build(mid, hi, leaf, leafIndex);
    upper[node] = b;
    for (int c = 0; c < d; c++) {
      low[node * d + c] = Math.min(low[a * d + c], low[b * d + c]);
      high[node * d + c] = Math.max(high[a * d + c], high[b * d + c]);
    }
    return node;
  }

  /** @return the number of points */
  public int size() {
    return size;
  }

  /** @return values per point */
  public int dimension() {
    return dimension;
  }

  /** @return the points in position order ({@code ordered().data()} is position-major) */
  public Vectors ordered() {
    return ordered;
  }

  /**
   * The points in position order, coordinate by coordinate, for loops over a run of points (one
   * coordinate of many points is contiguous).
   *
   * @return coordinate {@code c} of position {@code p} at {@code c * size() + p} (read-only)
   */
  public float[] columns() {
    return columns;
  }

  /**
   * @param position a position
   * @return the index of the point at that position in the vectors the tree was built from
   */
  public int point(int position) {
    return points[position];
  }

  /** @return the point of every position (read-only) */
  public int[] points() {
    return points;
  }

  /** @return the number of nodes */
  public int nodes() {
    return nodes;
  }

  /** @return the most points a leaf holds (the first leaf's count: only the last may be smaller) */
  public int largestLeaf() {
    return end[leaves[0]] - start[leaves[0]];
  }

  /** @return the leaf nodes, in position order (read-only) */
  public int[] leaves() {
    return leaves;
  }

  /**
   * @param node a node
   * @return its first position
   */
  public int start(int node) {
    return start[node];
  }

  /**
   * @param node a node
   * @return the end of its positions
   */
  public int end(int node) {
    return end[node];
  }

  /**
   * @param node a node
   * @return whether it is a leaf
   */
  public boolean isLeaf(int node) {
    return upper[node] < 0;
  }

  /**
   * @param node an inner node
   * @return its upper child (the lower child is {@code node + 1})
   */
  public int upper(int node) {
    return upper[node];
  }

  /** @return the lower corners of the nodes' boxes, {@code dimension} values per node */
  public float[] low() {
    return low;
  }

  /** @return the upper corners of the nodes' boxes, {@code dimension} values per node */
  public float[] high() {
    return high;
  }
}
