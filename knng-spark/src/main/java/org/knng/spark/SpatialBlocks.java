package org.knng.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Deals points into blocks of near points: a small tree fitted on a sample (each node split across
 * the principal direction of its sample points, at the quantile that gives its two sides their
 * share of the leaves), then every point routed down it. Near points share a
 * block, so a block joined with itself already finds most of each point's neighbours and the
 * limits it gives the joins across blocks are tight: those joins screen out nearly every pair.
 * Any dealing gives the same graph; this one only makes it cheaper.
 *
 * <p>Points on a split (equal projections, e.g. duplicates) go left or right by a hash of their
 * id, so that many equal points cannot pile into one block.
 */
final class SpatialBlocks implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int POWER_STEPS = 12;

  private final int dimension;
  private final boolean unit;
  private final float[] directions; // one per inner node, row-major
  private final double[] splits;    // where each inner node splits its projections
  private final int[] left;         // child of each inner node: >= 0 inner node, < 0 leaf -(b + 1)
  private final int[] right;
  private int nodes;

  private SpatialBlocks(int dimension, boolean unit, int blocks) {
    this.dimension = dimension;
    this.unit = unit;
    int inner = Math.max(1, blocks - 1);
    this.directions = new float[inner * dimension];
    this.splits = new double[inner];
    this.left = new int[inner];
    this.right = new int[inner];
  }

  /**
   * Fits the tree on a sample.
   *
   * @param sample sample vectors, row-major
   * @param rows how many
   * @param dimension values per vector
   * @param blocks leaves wanted, at least 1
   * @param unit whether to split by angle (cosine: vectors scaled to unit length)
   * @param seed the seed of the directions
   * @return the tree
   */
  static SpatialBlocks fit(float[] sample, int rows, int dimension, int blocks, boolean unit, long seed) {
    SpatialBlocks tree = new SpatialBlocks(dimension, unit, blocks);
    int[] order = new int[rows];
    Arrays.setAll(order, i -> i);
    if (blocks > 1) {
      tree.split(sample, order, 0, rows, 0, blocks, new SplittableRandom(seed));
    }
    return tree;
  }

  /** Splits sample rows {@code order[from, to)} into leaves {@code firstLeaf ..+ leaves}; returns the node. */
  private int split(float[] sample, int[] order, int from, int to, int firstLeaf, int leaves,
      SplittableRandom random) {
    if (leaves == 1) {
      return -(firstLeaf + 1);
    }
    int node = nodes++;
    int d = dimension;
    int n = to - from;
    float[] dir = principalDirection(sample, order, from, to, random);
    System.arraycopy(dir, 0, directions, node * d, d);
    int leftLeaves = leaves / 2;
    double[] proj = new double[n];
    Integer[] byProj = new Integer[n];
    for (int i = 0; i < n; i++) {
      proj[i] = project(sample, order[from + i] * d, node);
      byProj[i] = i;
    }
    Arrays.sort(byProj, (x, y) -> Double.compare(proj[x], proj[y]));
    int cut = (int) ((long) n * leftLeaves / leaves);
    splits[node] = n == 0 ? 0 : proj[byProj[Math.min(n - 1, cut)]];
    int[] copy = new int[n];
    for (int i = 0; i < n; i++) {
      copy[i] = order[from + byProj[i]];
    }
    System.arraycopy(copy, 0, order, from, n);
    left[node] = split(sample, order, from, from + cut, firstLeaf, leftLeaves, random);
    right[node] = split(sample, order, from + cut, to, firstLeaf + leftLeaves, leaves - leftLeaves, random);
    return node;
  }

  /**
   * The direction of largest variance of sample rows {@code order[from, to)} (scaled to unit
   * length for cosine), by power iteration from a random start: splitting across it keeps near
   * points together better than a random direction does.
   */
  private float[] principalDirection(float[] sample, int[] order, int from, int to,
      SplittableRandom random) {
    int d = dimension;
    int n = to - from;
    double[] mean = new double[d];
    double[] scale = new double[n];
    for (int i = 0; i < n; i++) {
      int off = order[from + i] * d;
      scale[i] = unit ? inverseNorm(sample, off) : 1;
      for (int j = 0; j < d; j++) {
        mean[j] += sample[off + j] * scale[i];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= Math.max(1, n);
    }
    double[] v = new double[d];
    for (int j = 0; j < d; j++) {
      v[j] = random.nextDouble() - 0.5;
    }
    double[] next = new double[d];
    for (int it = 0; it < POWER_STEPS; it++) {
      java.util.Arrays.fill(next, 0);
      for (int i = 0; i < n; i++) {
        int off = order[from + i] * d;
        double dot = 0;
        for (int j = 0; j < d; j++) {
          dot += (sample[off + j] * scale[i] - mean[j]) * v[j];
        }
        for (int j = 0; j < d; j++) {
          next[j] += dot * (sample[off + j] * scale[i] - mean[j]);
        }
      }
      double norm = 0;
      for (double x : next) {
        norm += x * x;
      }
      if (norm == 0) {
        break; // all sample points equal: any direction splits them (by id)
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < d; j++) {
        v[j] = next[j] / norm;
      }
    }
    float[] dir = new float[d];
    for (int j = 0; j < d; j++) {
      dir[j] = (float) v[j];
    }
    return dir;
  }

  /**
   * @param id the point's id
   * @param values its vector
   * @param offset where the vector starts in {@code values}
   * @return its block
   */
  int block(long id, float[] values, int offset) {
    if (nodes == 0) {
      return 0;
    }
    int node = 0;
    long hash = mix(id);
    for (int depth = 0; ; depth++) {
      double p = project(values, offset, node);
      // A tie goes by one bit of the id's hash, another bit at each depth, so that equal points
      // spread over every leaf.
      boolean goLeft = p < splits[node] || (p == splits[node] && ((hash >>> depth) & 1) == 0);
      int next = goLeft ? left[node] : right[node];
      if (next < 0) {
        return -next - 1;
      }
      node = next;
    }
  }

  private double project(float[] values, int offset, int node) {
    double s = 0;
    int base = node * dimension;
    for (int j = 0; j < dimension; j++) {
      s += (double) values[offset + j] * directions[base + j];
    }
    return unit ? s * inverseNorm(values, offset) : s;
  }

  private double inverseNorm(float[] values, int offset) {
    double s = 0;
    for (int j = 0; j < dimension; j++) {
      s += (double) values[offset + j] * values[offset + j];
    }
    return s == 0 ? 0 : 1 / Math.sqrt(s);
  }

  static long mix(long x) {
    x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
    x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return x ^ (x >>> 33);
  }
}
