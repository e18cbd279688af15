package org.knng.exact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.graph.KnnResult;
import org.knng.vectors.Vectors;

/**
 * Builds a k-NN graph group by group for {@link BruteForceEngine#graph(Vectors, int[])}: the rows
 * of each label are copied into their own contiguous set (one group at a time per thread, so
 * memory stays near the input plus the largest groups in flight), searched exactly, and their
 * neighbour ids mapped back to global rows. Rows are ordered by (label, index), so within a group
 * the smaller local index is the smaller global index and ties still go to the smaller index.
 */
final class GroupedGraph {
  /** Groups up to this size run single-threaded side by side; larger ones use all threads each. */
  private static final int SMALL_GROUP = 4096;

  private final BruteForceEngine engine;
  private final Vectors points;
  private final int[] groups;
  private final int k;
  private long done;

  GroupedGraph(BruteForceEngine engine, Vectors points, int[] groups) {
    this.engine = engine;
    this.points = points;
    this.groups = groups;
    this.k = engine.k();
  }

  KnnResult build() {
    int n = points.size();
    long[] keyed = new long[n];
    for (int i = 0; i < n; i++) {
      keyed[i] = ((long) groups[i] << 32) | i;
    }
    Arrays.sort(keyed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) keyed[i];
    }
    List<int[]> small = new ArrayList<>();
    List<int[]> large = new ArrayList<>();
    for (int start = 0; start < n; ) {
      int end = start + 1;
      while (end < n && groups[order[end]] == groups[order[start]]) {
        end++;
      }
      (end - start <= SMALL_GROUP ? small : large).add(new int[] {start, end});
      start = end;
    }
    int[] ids = new int[n * k];
    float[] distances = new float[n * k];
    Arrays.fill(ids, -1);
    Arrays.fill(distances, Float.POSITIVE_INFINITY);
    for (int[] g : large) {
      search(order, g[0], g[1], engine.threads(), ids, distances);
    }
    AtomicInteger next = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(engine.threads(), small.size())), () -> {
      for (int t; (t = next.getAndIncrement()) < small.size(); ) {
        int[] g = small.get(t);
        search(order, g[0], g[1], 1, ids, distances);
      }
    });
    return new KnnResult(n, n, k, ids, distances, engine.metric(), engine.includeSelf());
  }

  /** Searches the group {@code order[from..to)} and writes its rows of the result. */
  private void search(int[] order, int from, int to, int threads, int[] ids, float[] distances) {
    int m = to - from;
    int kk = Math.min(k, engine.includeSelf() ? m : m - 1);
    if (kk > 0) {
      int d = points.dimension();
      float[] data = points.data();
      float[] copy = new float[m * d];
      for (int a = 0; a < m; a++) {
        System.arraycopy(data, order[from + a] * d, copy, a * d, d);
      }
      KnnResult local = engine.with(kk, threads).graph(Vectors.wrap(copy, d));
      for (int a = 0; a < m; a++) {
        int row = order[from + a];
        for (int j = 0; j < kk; j++) {
          ids[row * k + j] = order[from + local.neighbor(a, j)];
          distances[row * k + j] = local.distance(a, j);
        }
      }
    }
    reportProgress(m);
  }

  private synchronized void reportProgress(int rows) {
    done += rows;
    engine.progress().update(done, points.size());
  }
}
