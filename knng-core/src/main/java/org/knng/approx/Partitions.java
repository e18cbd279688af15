package org.knng.approx;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.knng.ProgressListener;
import org.knng.engine.Parallel;

/**
 * Joins the cells of several partitions of the points into the neighbour lists: the leaves of
 * random-projection trees (NN-Descent's first graph) or the buckets of hash tables (LSH). Each cell
 * is joined with itself as one dense block of SIMD tiles. Partitions are made a few at a time, one
 * per thread, then their cells are joined on all threads through {@link Updates}, in partition
 * order, so the lists do not depend on the thread count. Memory: {@code threads} partitions at a
 * time, about {@code 8 N} bytes each, reused.
 */
final class Partitions {
  /** Makes partition {@code p}: fills the points' order, cell by cell, and where each cell starts. */
  interface Maker {
    /**
     * @param p the partition's number (with the seed, it decides the partition)
     * @param order filled with the points, cell by cell
     * @param starts filled with where each cell starts, then N
     * @return the number of cells
     */
    int make(int p, int[] order, int[] starts);
  }

  private Partitions() {}

  /**
   * @param lists the lists offers go to
   * @param updates the join of the cells
   * @param n points
   * @param count partitions
   * @param maxCell the most points in a cell
   * @param keep candidates a cell offers each row: its nearest of the cell, at most {@code
   *     lists.k()}
   * @param startsLength room for the cell starts of one partition
   * @param threads partitions made at once
   * @param maker makes one partition (called on several threads at once: each call its own)
   * @param enough called after each partition is joined: true stops the joins there
   * @return the partitions joined
   */
  static int join(NeighborLists lists, Updates updates, int n, int count, int maxCell, int keep,
      int startsLength, int threads, Maker maker, BooleanSupplier enough) {
    int[][] orders = new int[threads][];
    int[][] starts = new int[threads][];
    for (int p0 = 0; p0 < count; p0 += threads) {
      int batch = Math.min(threads, count - p0);
      int[] cells = new int[batch];
      AtomicInteger next = new AtomicInteger();
      int first = p0;
      Parallel.run(batch, () -> {
        for (int t; (t = next.getAndIncrement()) < batch; ) {
          if (orders[t] == null) {
            orders[t] = new int[n];
            starts[t] = new int[startsLength];
          }
          cells[t] = maker.make(first + t, orders[t], starts[t]);
        }
      });
      for (int t = 0; t < batch; t++) {
        int[] order = orders[t];
        int[] start = starts[t];
        updates.run(lists, cells[t], (long) maxCell * Math.min(maxCell - 1, keep), keep, (u, w) -> {
          int size = start[u + 1] - start[u];
          if (size > 1) {
            w.cell(order, start[u], size);
          }
        });
        if (enough.getAsBoolean()) {
          return p0 + t + 1;
        }
      }
    }
    return count;
  }
}
