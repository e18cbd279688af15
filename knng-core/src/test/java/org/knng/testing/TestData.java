package org.knng.testing;

import java.util.Random;

/**
 * Seeded random point sets for the property tests. Every generator is deterministic for a given
 * seed, so a failure reproduces exactly.
 */
public final class TestData {
  private TestData() {}

  /**
   * Standard normal coordinates, plus {@code offset} on every coordinate.
   *
   * @param seed random seed
   * @param n number of points
   * @param d dimension
   * @param offset added to every coordinate (0 for centred data)
   * @return {@code n x d} points
   */
  public static float[][] gaussian(long seed, int n, int d, float offset) {
    Random rnd = new Random(seed);
    float[][] p = new float[n][d];
    for (float[] row : p) {
      for (int j = 0; j < d; j++) {
        row[j] = offset + (float) rnd.nextGaussian();
      }
    }
    return p;
  }

  /**
   * Clustered points of low intrinsic dimension, as real embeddings are: {@code clusters} centres
   * spread widely, each point its centre plus a Gaussian in a random {@code intrinsic}-dimensional
   * subspace of the cluster's own, plus a little full-dimensional noise. Approximate engines
   * reach a high recall on such data (not on uniform noise of high dimension).
   *
   * @param seed random seed
   * @param n number of points
   * @param d dimension
   * @param clusters number of clusters
   * @param intrinsic dimension of each cluster's subspace
   * @return {@code n x d} points
   */
  public static float[][] clusters(long seed, int n, int d, int clusters, int intrinsic) {
    Random rnd = new Random(seed);
    float[][] centres = new float[clusters][d];
    float[][][] bases = new float[clusters][intrinsic][d];
    for (int c = 0; c < clusters; c++) {
      for (int j = 0; j < d; j++) {
        centres[c][j] = 8f * (float) rnd.nextGaussian();
      }
      for (float[] axis : bases[c]) {
        for (int j = 0; j < d; j++) {
          axis[j] = (float) rnd.nextGaussian();
        }
      }
    }
    float[][] p = new float[n][d];
    for (float[] row : p) {
      int c = rnd.nextInt(clusters);
      System.arraycopy(centres[c], 0, row, 0, d);
      for (float[] axis : bases[c]) {
        float w = (float) rnd.nextGaussian();
        for (int j = 0; j < d; j++) {
          row[j] += w * axis[j];
        }
      }
      for (int j = 0; j < d; j++) {
        row[j] += 0.05f * (float) rnd.nextGaussian();
      }
    }
    return p;
  }

  /**
   * Integer coordinates in {@code [-radius, radius]}: every float32 sum, product and square of
   * these stays an exactly representable integer, so float32 kernels compute exact distances and
   * many distances tie exactly. No row is all zeros (cosine rejects those): such a row gets a 1 in
   * column 0.
   *
   * @param seed random seed
   * @param n number of points
   * @param d dimension
   * @param radius largest absolute coordinate
   * @return {@code n x d} points
   */
  public static float[][] grid(long seed, int n, int d, int radius) {
    Random rnd = new Random(seed);
    float[][] p = new float[n][d];
    for (float[] row : p) {
      boolean zero = true;
      for (int j = 0; j < d; j++) {
        row[j] = rnd.nextInt(2 * radius + 1) - radius;
        zero &= row[j] == 0;
      }
      if (zero) {
        row[0] = 1;
      }
    }
    return p;
  }

  /**
   * Overwrites rows with exact copies of other rows: {@code groups} source rows, each copied to
   * {@code copies} other rows at random (scattered, before and after the source) indices.
   *
   * @param points modified in place
   * @param seed random seed
   * @param groups number of duplicated points
   * @param copies extra copies of each
   * @return {@code points}
   */
  public static float[][] plantDuplicates(float[][] points, long seed, int groups, int copies) {
    int n = points.length;
    if (n < 2) {
      return points;
    }
    Random rnd = new Random(seed);
    for (int g = 0; g < groups; g++) {
      int source = rnd.nextInt(n);
      for (int c = 0; c < copies; c++) {
        int target = rnd.nextInt(n);
        if (target != source) {
          points[target] = points[source].clone();
        }
      }
    }
    return points;
  }

  /**
   * Query points for a search: {@code fresh} new points like {@code base} (same generator kind)
   * followed by exact copies of a few base points.
   *
   * @param base the searched set
   * @param fresh new points, already generated
   * @param seed random seed for the copied rows
   * @param copied how many base rows to copy in
   * @return the queries
   */
  public static float[][] queriesWithHits(float[][] base, float[][] fresh, long seed, int copied) {
    Random rnd = new Random(seed);
    float[][] q = new float[fresh.length + copied][];
    for (int i = 0; i < fresh.length; i++) {
      q[i] = fresh[i].clone();
    }
    for (int c = 0; c < copied; c++) {
      q[fresh.length + c] = base[rnd.nextInt(base.length)].clone();
    }
    return q;
  }

  /**
   * @param rows row-major points
   * @return the same values in one flat row-major array
   */
  public static float[] flatten(float[][] rows) {
    int d = rows[0].length;
    float[] out = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * d, d);
    }
    return out;
  }

  /**
   * @param n rows
   * @param d values per row
   * @param value the value of every coordinate
   * @return n copies of one point: every distance ties
   */
  public static float[][] constant(int n, int d, float value) {
    float[][] x = new float[n][d];
    for (float[] row : x) {
      java.util.Arrays.fill(row, value);
    }
    return x;
  }
}
