package org.knng.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Deals points into overlapping cells for the approximate job: k-means centroids fitted on a
 * sample, and each point put in the cells of its {@code overlap} nearest centroids. Near points
 * share their nearest centroids, so a cell holds most of each member's neighbours; a point near
 * the border between two centroids is in both cells, so its neighbours on the far side are found
 * too, and a cluster of the data that straddles two centroids is whole in each of their cells.
 * (Independent fits, each point in its nearest centroid's cell of each, did worse on the 96-d
 * mixture: recall 0.95 at 200,000 points and 0.86 at 1,000,000 against 0.997 at 200,000, as
 * the fits drew their borders through the same clusters.)
 *
 * <p><b>Bounded cells.</b> In high dimensions a few central centroids are among the nearest of
 * most points (one cell held 188,620 of 400,000 memberships on the 200k mixture), and data may
 * pile up anywhere. A centroid whose cell would hold more than {@code cap} points (by the
 * sample's count) is split further: its cell becomes the leaves of a {@link SpatialBlocks} tree
 * fitted on the sample points in it, so that no task gets more than about {@code cap} points,
 * whatever the skew; the tree deals equal points by a hash of their id, so even a pile of
 * duplicates is spread.
 *
 * <p>The fit is deterministic (seeded k-means++ then Lloyd's iterations on the sample); with the
 * cosine metric centroids and points are compared as unit vectors.
 */
final class KMeansCover implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Lloyd's iterations on the sample (they stop early once no sample point moves). */
  private static final int ITERATIONS = 10;

  private final int dimension;
  private final boolean unit;
  private final int overlap;
  /** The centroids, row-major. */
  private final float[] centroids;
  /** Each centroid's first cell. */
  private final int[] firstCell;
  /** Each centroid's splitting tree, or null when its cell is not split. */
  private final SpatialBlocks[] splits;
  private final int cells;

  private KMeansCover(int dimension, boolean unit, int overlap, float[] centroids, int[] firstCell,
      SpatialBlocks[] splits, int cells) {
    this.dimension = dimension;
    this.unit = unit;
    this.overlap = overlap;
    this.centroids = centroids;
    this.firstCell = firstCell;
    this.splits = splits;
    this.cells = cells;
  }

  /**
   * Fits the cover on a sample of the points.
   *
   * @param sample sample vectors, row-major
   * @param rows how many, at least 1
   * @param dimension values per vector
   * @param centroids centroids wanted, at least 1 (fewer are used if the sample has fewer
   *     distinct points)
   * @param overlap cells per point, at least 1 (at most the centroids)
   * @param points how many points the sample was drawn from
   * @param cap the most points a cell should hold
   * @param unit whether to compare as unit vectors (cosine)
   * @param seed the seed of k-means++ and of the splits
   * @return the cover
   */
  static KMeansCover fit(float[] sample, int rows, int dimension, int centroids, int overlap,
      long points, long cap, boolean unit, long seed) {
    int d = dimension;
    float[] x = sample.clone();
    if (unit) {
      for (int r = 0; r < rows; r++) {
        normalize(x, r * d, d);
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] c = lloyd(x, rows, d, seed(x, rows, d, Math.max(1, centroids), random));
    int m = c.length / d;
    int kept = Math.min(overlap, m);
    // Each centroid's sample members (rows having it among their nearest), to size its cell and,
    // if too big, to fit the tree that splits it.
    int[] near = new int[kept];
    int[] all = new int[rows * kept];
    int[] count = new int[m];
    for (int r = 0; r < rows; r++) {
      nearestOf(x, r * d, c, m, d, near);
      for (int s = 0; s < kept; s++) {
        all[r * kept + s] = near[s];
        count[near[s]]++;
      }
    }
    int[] first = new int[m];
    SpatialBlocks[] trees = new SpatialBlocks[m];
    int cells = 0;
    // Cells numbered from the largest centroid down: Spark starts tasks in partition order, so the
    // longest tasks start first and the short ones fill in around them (200k mixture: local
    // graphs 48.8 s -> 40.0 s on 2 slots).
    Integer[] bySize = new Integer[m];
    Arrays.setAll(bySize, q -> q);
    Arrays.sort(bySize, (a, b) -> count[a] != count[b] ? Integer.compare(count[b], count[a]) : Integer.compare(a, b));
    for (int q : bySize) {
      first[q] = cells;
      double estimate = (double) count[q] * points / rows;
      int parts = (int) Math.min(Math.max(1, count[q]), Math.ceil(estimate / Math.max(1, cap)));
      if (parts > 1) {
        float[] mine = new float[count[q] * d];
        for (int e = 0, s = 0; e < all.length; e++) {
          if (all[e] == q) {
            System.arraycopy(sample, e / kept * d, mine, s++ * d, d);
          }
        }
        trees[q] = SpatialBlocks.fit(mine, count[q], d, parts, unit, random.nextLong());
      }
      cells += Math.max(1, parts);
    }
    return new KMeansCover(d, unit, kept, c, first, trees, cells);
  }

  /** Lloyd's iterations from the given centroids; a centroid left without points stays put. */
  private static float[] lloyd(float[] x, int rows, int d, float[] c) {
    int m = c.length / d;
    int[] nearest = new int[rows];
    Arrays.fill(nearest, -1);
    for (int it = 0; it < ITERATIONS; it++) {
      boolean moved = false;
      for (int r = 0; r < rows; r++) {
        int best = nearest(x, r * d, c, m, d);
        moved |= best != nearest[r];
        nearest[r] = best;
      }
      if (!moved) {
        break;
      }
      double[] sum = new double[m * d];
      int[] count = new int[m];
      for (int r = 0; r < rows; r++) {
        count[nearest[r]]++;
        for (int j = 0; j < d; j++) {
          sum[nearest[r] * d + j] += x[r * d + j];
        }
      }
      for (int q = 0; q < m; q++) {
        if (count[q] > 0) {
          for (int j = 0; j < d; j++) {
            c[q * d + j] = (float) (sum[q * d + j] / count[q]);
          }
        }
      }
    }
    return c;
  }

  /** k-means++: the first centroid a random row, each next one a row drawn by its squared distance to the nearest chosen. */
  private static float[] seed(float[] x, int rows, int d, int wanted, SplittableRandom random) {
    float[] c = new float[Math.min(wanted, rows) * d];
    double[] dist = new double[rows];
    Arrays.fill(dist, Double.POSITIVE_INFINITY);
    int chosen = random.nextInt(rows);
    int m = 0;
    while (true) {
      System.arraycopy(x, chosen * d, c, m * d, d);
      m++;
      if (m == c.length / d) {
        return c;
      }
      double total = 0;
      for (int r = 0; r < rows; r++) {
        dist[r] = Math.min(dist[r], squared(x, r * d, c, (m - 1) * d, d));
        total += dist[r];
      }
      if (total == 0) {
        return Arrays.copyOf(c, m * d); // fewer distinct points than centroids
      }
      double target = random.nextDouble() * total;
      chosen = rows - 1;
      for (int r = 0; r < rows; r++) {
        target -= dist[r];
        if (target < 0) {
          chosen = r;
          break;
        }
      }
    }
  }

  /** @return how many cells there are (numbered from 0) */
  int cells() {
    return cells;
  }

  /** @return how many cells a point is put in */
  int overlap() {
    return overlap;
  }

  /**
   * The cells of one point, its nearest centroid's first (its home cell).
   *
   * @param id the point's id (splits deal equal points by it)
   * @param values its vector
   * @param offset where the vector starts in {@code values}
   * @param out receives {@link #overlap()} distinct cells
   */
  void cellsOf(long id, float[] values, int offset, int[] out) {
    int d = dimension;
    float[] v = values;
    int at = offset;
    if (unit) {
      v = Arrays.copyOfRange(values, offset, offset + d);
      normalize(v, 0, d);
      at = 0;
    }
    int[] near = new int[overlap];
    nearestOf(v, at, centroids, firstCell.length, d, near);
    for (int s = 0; s < overlap; s++) {
      int q = near[s];
      out[s] = firstCell[q] + (splits[q] == null ? 0 : splits[q].block(id, values, offset));
    }
  }

  /** The {@code out.length} centroids nearest row {@code at} of {@code x}, nearest first (ties by index). */
  private static void nearestOf(float[] x, int at, float[] c, int m, int d, int[] out) {
    int want = out.length;
    double[] best = new double[want];
    int found = 0;
    for (int q = 0; q < m; q++) {
      double s = squared(x, at, c, q * d, d);
      if (found < want || s < best[want - 1]) {
        int p = Math.min(found, want - 1);
        while (p > 0 && best[p - 1] > s) {
          best[p] = best[p - 1];
          out[p] = out[p - 1];
          p--;
        }
        best[p] = s;
        out[p] = q;
        found = Math.min(want, found + 1);
      }
    }
  }

  /** The index of the centroid nearest row {@code at} of {@code x} (the smaller index on a tie). */
  private static int nearest(float[] x, int at, float[] c, int m, int d) {
    int best = 0;
    double bestDist = Double.POSITIVE_INFINITY;
    for (int q = 0; q < m; q++) {
      double s = squared(x, at, c, q * d, d);
      if (s < bestDist) {
        bestDist = s;
        best = q;
      }
    }
    return best;
  }

  private static double squared(float[] a, int ao, float[] b, int bo, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double t = (double) a[ao + j] - b[bo + j];
      s += t * t;
    }
    return s;
  }

  private static void normalize(float[] x, int at, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      s += (double) x[at + j] * x[at + j];
    }
    if (s > 0) {
      double inv = 1 / Math.sqrt(s);
      for (int j = 0; j < d; j++) {
        x[at + j] = (float) (x[at + j] * inv);
      }
    }
  }
}
