package org.knng.engine;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.select.EdgeBuffer;
import org.knng.vectors.Vectors;

/**
 * The last step of every engine's result: the candidates it kept (from float32 kernels, or from
 * an approximate search) are re-computed in double precision from the metric's definition ({@link
 * Metric#distance}) and reported in its units. For k-NN rows the neighbours are re-sorted by (distance, id) and, with include-self, the
 * point itself is put first; for a radius graph the collected pairs are gathered row by row into
 * CSR and kept if their distance is at most the radius.
 */
public final class Rescoring {
  /** Rows per task: N x k double-precision distances are a tenth of a second per thread for 60k x 784. */
  private static final int CHUNK = 1024;

  private final KnnOptions options;
  private final Metric metric;

  /** @param options the metric, k, include-self and threads of the result */
  public Rescoring(KnnOptions options) {
    this.options = options;
    this.metric = options.metric();
  }

  /**
   * The k-NN graph of {@code points} from the candidates of its self-join ({@code n x kept} ids,
   * {@code kept = k} or {@code k - 1} with include-self, -1 where a row has fewer; null when kept
   * is 0).
   *
   * @param points the points
   * @param candidates each row's kept neighbours, any order, {@code -1} for none
   * @return the sorted, re-scored graph
   */
  public KnnResult graph(Vectors points, int[] candidates) {
    return knn(points, points, candidates, options.includeSelf());
  }

  /**
   * The k nearest base points of each query, from the search's {@code queries x k} candidates.
   *
   * @param base the set searched
   * @param queries the queries
   * @param candidates each query's kept base ids, any order, {@code -1} for none
   * @return the sorted, re-scored result
   */
  public KnnResult search(Vectors base, Vectors queries, int[] candidates) {
    return knn(queries, base, candidates, false);
  }

  private KnnResult knn(Vectors queries, Vectors base, int[] candidates, boolean selfFirst) {
    int k = options.k();
    int rows = queries.size();
    int first = selfFirst ? 1 : 0;
    int kept = k - first;
    int[] ids = new int[rows * k];
    float[] dist = new float[rows * k];
    float[] q = queries.data();
    float[] x = base.data();
    int d = base.dimension();
    AtomicInteger next = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(options.threads(), (rows + CHUNK - 1) / CHUNK)), () -> {
      for (int r0; (r0 = next.getAndAdd(CHUNK)) < rows; ) {
        for (int r = r0; r < Math.min(rows, r0 + CHUNK); r++) {
          int out = r * k;
          if (selfFirst) {
            ids[out] = r;
            dist[out] = 0f;
          }
          for (int j = 0; j < kept; j++) {
            int id = candidates[r * kept + j];
            ids[out + first + j] = id;
            dist[out + first + j] = id < 0 ? Float.POSITIVE_INFINITY
                : (float) metric.distance(q, r * d, x, id * d, d);
          }
          sortRow(ids, dist, out + first, out + k);
        }
      }
    });
    return new KnnResult(rows, base.size(), k, ids, dist, metric, selfFirst);
  }

  /** Insertion sort of one row segment by (distance, id): k is small and the row nearly sorted. */
  private static void sortRow(int[] ids, float[] dist, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      float dv = dist[i];
      int iv = ids[i];
      int j = i - 1;
      while (j >= from && (dist[j] > dv || (dist[j] == dv && ids[j] > iv))) {
        dist[j + 1] = dist[j];
        ids[j + 1] = ids[j];
        j--;
      }
      dist[j + 1] = dv;
      ids[j + 1] = iv;
    }
  }

  /**
   * The radius graph of {@code points} from the pairs its self-join collected (each within the
   * radius plus a float32 margin, in both directions): gathered into rows, sorted by column,
   * re-computed, and kept if at most {@code radius}; with include-self each point also gets itself.
   *
   * @param points the points
   * @param buffers the collected pairs
   * @param radius the largest distance kept
   * @return the radius graph
   */
  public SparseGraph radius(Vectors points, List<EdgeBuffer> buffers, double radius) {
    boolean includeSelf = options.includeSelf();
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
