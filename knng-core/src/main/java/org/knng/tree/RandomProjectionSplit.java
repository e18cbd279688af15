package org.knng.tree;

import java.util.SplittableRandom;
import org.knng.simd.VectorOps;

/**
 * Orders points into the leaves of a random-projection tree: each node is split at the median of
 * its points' projections on the direction between two of its points drawn at random (as
 * PyNNDescent's trees split, but at the median, so the tree is balanced). Points in one leaf are
 * likely near each other; several trees with different seeds give the approximate engines their
 * first neighbours.
 *
 * <p>Splitting at the median gives every leaf more than {@code leaf / 2} and at most {@code leaf}
 * points, whatever the data: duplicates and points on a line split anywhere among equal
 * projections, so no node degenerates. The order depends only on the seed.
 */
public final class RandomProjectionSplit {
  private static final int DRAWS = 8; // tries to find two points that differ

  private final VectorOps ops;
  private final float[] points;
  private final int dimension;
  private final float[] unit;
  private final float[] direction;
  private float[] keys = new float[0];
  private int leaves;

  /**
   * @param ops the kernels (dot products)
   * @param points row-major vectors
   * @param dimension values per vector
   * @param unit {@code 1 / |x|} of each point to split by angle (cosine), or null to split the
   *     vectors as they are
   */
  public RandomProjectionSplit(VectorOps ops, float[] points, int dimension, float[] unit) {
    this.ops = ops;
    this.points = points;
    this.dimension = dimension;
    this.unit = unit;
    this.direction = new float[dimension];
  }

  /**
   * Permutes {@code order[0, n)} (row indices of the points) into the leaves of one
   * random-projection tree, and tells where each leaf starts.
   *
   * @param order row indices, permuted in place
   * @param n entries
   * @param leaf the most entries per leaf, at least 2
   * @param seed the tree's seed
   * @param starts filled with the first entry of each leaf, then {@code n} (at least {@code 2n /
   *     leaf + 2} long)
   * @return the number of leaves
   */
  public int order(int[] order, int n, int leaf, long seed, int[] starts) {
    if (keys.length < n) {
      keys = new float[n];
    }
    leaves = 0;
    split(order, 0, n, leaf, new SplittableRandom(seed), starts);
    starts[leaves] = n;
    return leaves;
  }

  /** @return the room {@link #order} needs for the leaf starts of {@code n} entries */
  public static int startsLength(int n, int leaf) {
    return 2 * n / leaf + 2;
  }

  private void split(int[] order, int lo, int hi, int leaf, SplittableRandom random, int[] starts) {
    while (hi - lo > leaf) {
      int mid = (lo + hi) >>> 1;
      direction(order, lo, hi, random);
      for (int i = lo; i < hi; i++) {
        int p = order[i];
        float dot = ops.dot(points, p * dimension, direction, 0, dimension);
        keys[i] = unit == null ? dot : dot * unit[p];
      }
      MedianSplit.select(order, keys, lo, hi, mid);
      split(order, lo, mid, leaf, random, starts);
      lo = mid;
    }
    starts[leaves++] = lo;
  }

  /** The difference of two points of the node that differ, drawn at random (zero if none found). */
  private void direction(int[] order, int lo, int hi, SplittableRandom random) {
    for (int draw = 0; draw < DRAWS; draw++) {
      int a = order[lo + random.nextInt(hi - lo)];
      int b = order[lo + random.nextInt(hi - lo)];
      float sa = unit == null ? 1f : unit[a];
      float sb = unit == null ? 1f : unit[b];
      boolean differ = false;
      for (int c = 0; c < dimension; c++) {
        float v = points[a * dimension + c] * sa - points[b * dimension + c] * sb;
        direction[c] = v;
        differ |= v != 0;
      }
      if (differ) {
        return;
      }
    }
  }
}
