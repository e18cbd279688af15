package org.knng.exact;

import java.util.Arrays;
import java.util.List;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;

/**
 * Builds a radius graph for {@link BruteForceEngine#radiusGraph}: {@link TiledSearch} collects,
 * per worker, every pair whose float32 ranking value is within the radius plus a small margin;
 * the pairs are then gathered row by row into CSR, re-scored in double precision and kept if
 * their distance is at most the radius.
 */
final class RadiusGraph {
  private final TiledSearch tiles;
  private final Metric metric;
  private final boolean includeSelf;

  RadiusGraph(TiledSearch tiles, Metric metric, boolean includeSelf) {
    this.tiles = tiles;
    this.metric = metric;
    this.includeSelf = includeSelf;
  }

  SparseGraph build(Vectors points, double radius) {
    double rank = metric == Metric.EUCLIDEAN ? radius * radius : radius;
    // The collected values are float32: a relative margin keeps every pair that is within the
    // radius in double precision; the exact test below removes the few extra.
    float collect = (float) (rank + Math.abs(rank) * 1e-4 + 1e-6);
    List<EdgeBuffer> buffers = tiles.radiusJoin(points, collect);
    int n = points.size();
    int d = points.dimension();
    float[] x = points.data();
    int[] counts = new int[n + 1];
    for (EdgeBuffer b : buffers) {
      for (int e = 0; e < b.size(); e++) {
        counts[b.row(e) + 1]++;
      }
    }
    if (includeSelf) {
      for (int i = 0; i < n; i++) {
        counts[i + 1]++;
      }
    }
    for (int i = 0; i < n; i++) {
      counts[i + 1] += counts[i];
    }
    long[] keyed = new long[counts[n]];
    int[] fill = Arrays.copyOf(counts, n);
    for (EdgeBuffer b : buffers) {
      for (int e = 0; e < b.size(); e++) {
        keyed[fill[b.row(e)]++] = b.column(e);
      }
    }
    if (includeSelf) {
      for (int i = 0; i < n; i++) {
        keyed[fill[i]++] = i;
      }
    }
    int[] indptr = new int[n + 1];
    int[] indices = new int[keyed.length];
    float[] weights = new float[keyed.length];
    int out = 0;
    for (int i = 0; i < n; i++) {
      Arrays.sort(keyed, counts[i], counts[i + 1]);
      for (int p = counts[i]; p < counts[i + 1]; p++) {
        int j = (int) keyed[p];
        double dist = j == i ? 0 : metric.distance(x, i * d, x, j * d, d);
        if (dist <= radius) {
          indices[out] = j;
          weights[out] = (float) dist;
          out++;
        }
      }
      indptr[i + 1] = out;
    }
    return new SparseGraph(n, n, indptr, Arrays.copyOf(indices, out), Arrays.copyOf(weights, out));
  }
}
