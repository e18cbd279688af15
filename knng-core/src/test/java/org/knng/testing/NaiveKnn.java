package org.knng.testing;

import java.util.Arrays;
import java.util.Comparator;
import org.knng.metric.Metric;

/**
 * The reference the engines are tested against: exact k-nearest neighbours straight from the
 * definitions, in double precision, comparing every pair and sorting.
 *
 * <p>Deliberately independent of the code under test: it never calls {@link Metric#distance} or a
 * {@code VectorOps} kernel, it only uses {@link Metric} as a label. It is slow ({@code O(N^2 D +
 * N^2 log N)}) and meant for N up to a few thousand.
 *
 * <p>Conventions (those of the design notes): a point is excluded from its own neighbours by its
 * index, so duplicates of it are kept; ties are broken by the smaller index; distances are in the
 * metric's own units (euclidean is the true distance, cosine is {@code 1 - cos} clamped at 0,
 * inner-product is {@code -dot}).
 */
public final class NaiveKnn {
  private NaiveKnn() {}

  /**
   * One distance from its definition, in double precision.
   *
   * @param metric which definition
   * @param a first vector
   * @param b second vector, same length
   * @return the distance in the metric's units
   */
  public static double distance(Metric metric, float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
    }
    switch (metric) {
      case EUCLIDEAN:
        return Math.sqrt(sumOfSquaredDifferences(a, b));
      case SQEUCLIDEAN:
        return sumOfSquaredDifferences(a, b);
      case MANHATTAN: {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
          s += Math.abs((double) a[i] - (double) b[i]);
        }
        return s;
      }
      case CHEBYSHEV: {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
          double diff = Math.abs((double) a[i] - (double) b[i]);
          if (diff > m) {
            m = diff;
          }
        }
        return m;
      }
      case INNER_PRODUCT:
        return -dot(a, b);
      case COSINE: {
        double na = Math.sqrt(dot(a, a));
        double nb = Math.sqrt(dot(b, b));
        if (na == 0 || nb == 0) {
          throw new IllegalArgumentException("cosine of a zero vector");
        }
        double cos = dot(a, b) / na / nb;
        return Math.max(0.0, 1.0 - cos);
      }
      default:
        throw new AssertionError(metric);
    }
  }

  private static double sumOfSquaredDifferences(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double diff = (double) a[i] - (double) b[i];
      s += diff * diff;
    }
    return s;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * (double) b[i];
    }
    return s;
  }

  /**
   * Ranks, for every query, all base points by (distance, index).
   *
   * @param queries query vectors
   * @param base searched vectors
   * @param metric the metric
   * @param excludeSelf leave index {@code i} out of row {@code i} (a self-join graph)
   * @return the full ranking
   */
  public static Ranking rank(float[][] queries, float[][] base, Metric metric, boolean excludeSelf) {
    int[][] ids = new int[queries.length][];
    double[][] dist = new double[queries.length][];
    for (int r = 0; r < queries.length; r++) {
      double[] all = new double[base.length];
      Integer[] order = new Integer[excludeSelf ? base.length - 1 : base.length];
      int n = 0;
      for (int j = 0; j < base.length; j++) {
        all[j] = distance(metric, queries[r], base[j]);
        if (!(excludeSelf && j == r)) {
          order[n++] = j;
        }
      }
      // Numeric comparison (so -0.0 == 0.0, as in float arithmetic), then the smaller index first.
      Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> 0.0 + all[j]).thenComparingInt(j -> j));
      ids[r] = new int[order.length];
      dist[r] = new double[order.length];
      for (int t = 0; t < order.length; t++) {
        ids[r][t] = order[t];
        dist[r][t] = all[order[t]];
      }
    }
    return new Ranking(ids, dist, excludeSelf);
  }

  /** Every base point, for every query, nearest first. */
  public static final class Ranking {
    private final int[][] ids;
    private final double[][] distances;
    private final boolean selfExcluded;

    Ranking(int[][] ids, double[][] distances, boolean selfExcluded) {
      this.ids = ids;
      this.distances = distances;
      this.selfExcluded = selfExcluded;
    }

    /** @return number of query rows */
    public int rows() {
      return ids.length;
    }

    /**
     * @param row query row
     * @return all candidate ids of the row, nearest first (do not modify)
     */
    public int[] ids(int row) {
      return ids[row];
    }

    /**
     * @param row query row
     * @return distances parallel to {@link #ids(int)} (do not modify)
     */
    public double[] distances(int row) {
      return distances[row];
    }

    /**
     * The expected k-NN ids of a row.
     *
     * @param row the row
     * @param k neighbours
     * @param includeSelf column 0 is the row itself, then its {@code k - 1} nearest others (only
     *     for a self-join ranking)
     * @return {@code k} ids
     */
    public int[] expectedIds(int row, int k, boolean includeSelf) {
      int[] out = new int[k];
      if (includeSelf) {
        if (!selfExcluded) {
          throw new IllegalStateException("include-self needs a self-join ranking");
        }
        out[0] = row;
        System.arraycopy(ids[row], 0, out, 1, k - 1);
      } else {
        System.arraycopy(ids[row], 0, out, 0, k);
      }
      return out;
    }

    /**
     * The expected k-NN distances of a row, parallel to {@link #expectedIds}.
     *
     * @param row the row
     * @param k neighbours
     * @param includeSelf as in {@link #expectedIds}
     * @return {@code k} distances
     */
    public double[] expectedDistances(int row, int k, boolean includeSelf) {
      double[] out = new double[k];
      if (includeSelf) {
        out[0] = 0.0;
        System.arraycopy(distances[row], 0, out, 1, k - 1);
      } else {
        System.arraycopy(distances[row], 0, out, 0, k);
      }
      return out;
    }
  }
}
