package org.knng.approx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.knng.tile.FullWidthScreen;
import org.knng.vectors.Vectors;

/**
 * The cells of a forest as {@link Updates} joins them when a cell offers each row only its nearest
 * {@code keep} (the forest's leaves): after each partition, every row's list is checked against
 * its list before and its cell. Points of small integers, all pairwise squared distances distinct,
 * so the float32 values are exact and no tie decides anything.
 */
class UpdatesTest {
  private static final int N = 48;
  private static final int D = 6;
  private static final int[][] POINTS = points();

  /** Integer points in [0, 1000)^D whose pairwise squared distances are all different. */
  private static int[][] points() {
    for (long seed = 1; ; seed++) {
      Random random = new Random(seed);
      int[][] p = new int[N][D];
      for (int[] row : p) {
        for (int a = 0; a < D; a++) {
          row[a] = random.nextInt(1000);
        }
      }
      Set<Long> seen = new HashSet<>();
      boolean distinct = true;
      for (int i = 0; i < N && distinct; i++) {
        for (int j = i + 1; j < N && distinct; j++) {
          distinct = seen.add(squared(p, i, j));
        }
      }
      if (distinct) {
        return p;
      }
    }
  }

  private static long squared(int[][] p, int i, int j) {
    long s = 0;
    for (int a = 0; a < D; a++) {
      long d = p[i][a] - p[j][a];
      s += d * d;
    }
    return s;
  }

  private static Vectors vectors() {
    float[][] rows = new float[N][D];
    for (int i = 0; i < N; i++) {
      for (int a = 0; a < D; a++) {
        rows[i][a] = POINTS[i][a];
      }
    }
    return Vectors.of(rows);
  }

  /** Cells given as lists of points, run as one phase per call, as the forest runs a partition. */
  private static long run(Updates updates, NeighborLists lists, int keep, int[]... cells) {
    int total = 0;
    for (int[] cell : cells) {
      total += cell.length;
    }
    int[] order = new int[total];
    int[] starts = new int[cells.length + 1];
    for (int c = 0, at = 0; c < cells.length; c++) {
      starts[c] = at;
      System.arraycopy(cells[c], 0, order, at, cells[c].length);
      at += cells[c].length;
      starts[c + 1] = at;
    }
    return updates.run(lists, cells.length, (long) N * keep, keep,
        (u, w) -> w.cell(order, starts[u], starts[u + 1] - starts[u]));
  }

  /** A row's list as (squared distance, id) pairs, nearest first; empty slots left out. */
  private static List<long[]> list(NeighborLists lists, int row) {
    List<long[]> out = new ArrayList<>();
    for (int rank = 0; rank < lists.k() && lists.id(row, rank) >= 0; rank++) {
      out.add(new long[] {squared(POINTS, row, lists.id(row, rank)), lists.id(row, rank)});
    }
    return out;
  }

  private static List<long[]> nearest(List<long[]> entries, int count) {
    List<long[]> sorted = new ArrayList<>(entries);
    sorted.sort((a, b) -> Long.compare(a[0], b[0]));
    return sorted.subList(0, Math.min(count, sorted.size()));
  }

  private static List<Long> ids(List<long[]> entries) {
    List<Long> out = new ArrayList<>();
    for (long[] e : entries) {
      out.add(e[1]);
    }
    return out;
  }

  /**
   * What one phase must have done to each row, from its list before ({@code old}) and after: its
   * nearest {@code keep} are those of its old list and of the others of its cell nearer than its
   * old {@code keep}-th (the cell cannot have offered fewer); at most {@code keep} ids are new
   * (the cell offered no more), each of the row's cell; and the list is the nearest k of the old
   * entries and the new ones (nothing lost), with the values of the pairs.
   */
  private static void assertPhase(List<List<long[]>> old, NeighborLists lists, int keep,
      int[][] cells) {
    for (int[] cell : cells) {
      for (int r : cell) {
        List<long[]> before = old.get(r);
        List<long[]> after = list(lists, r);
        long limit = before.size() >= keep ? before.get(keep - 1)[0] : Long.MAX_VALUE;
        List<long[]> offered = new ArrayList<>(before);
        Set<Long> held = new HashSet<>(ids(before));
        for (int c : cell) {
          long value = squared(POINTS, r, c);
          if (c != r && value < limit && !held.contains((long) c)) {
            offered.add(new long[] {value, c});
          }
        }
        String row = "keep " + keep + ", row " + r;
        assertEquals(ids(nearest(offered, keep)), ids(after.subList(0, Math.min(keep, after.size()))),
            row + ": its nearest " + keep);
        Set<Long> members = new HashSet<>();
        for (int c : cell) {
          members.add((long) c);
        }
        List<long[]> fresh = new ArrayList<>();
        for (long[] e : after) {
          if (!held.contains(e[1])) {
            assertTrue(members.contains(e[1]), row + ": " + e[1] + " is not of its cell");
            fresh.add(e);
          }
        }
        assertTrue(fresh.size() <= keep, row + ": " + fresh.size() + " new ids, more than " + keep);
        List<long[]> union = new ArrayList<>(before);
        union.addAll(fresh);
        assertEquals(ids(nearest(union, lists.k())), ids(after), row + ": the list");
        for (int rank = 0; rank < after.size(); rank++) {
          assertEquals((float) after.get(rank)[0], lists.value(r, rank), row + " rank " + rank);
        }
      }
    }
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    Arrays.setAll(r, i -> from + i);
    return r;
  }

  /** Every other point of a range, so that cells of two partitions overlap in part. */
  private static int[] stride(int from, int to, int step) {
    int[] r = new int[(to - from + step - 1) / step];
    Arrays.setAll(r, i -> from + i * step);
    return r;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void cellsOfferEachRowItsNearestKeepThatBeatItsKeepthValue(int threads) {
    VectorOps ops = VectorOpsProvider.get();
    Vectors points = vectors();
    int k = 7;
    for (int keep : new int[] {1, 3, k}) {
      Updates updates = new Updates(ops, FullWidthScreen.lists(Metric.EUCLIDEAN, ops, points, 64),
          threads, 1 << 20);
      NeighborLists lists = new NeighborLists(N, k);
      // Three partitions, as three trees: cells of 16, of 20 and 8, and of interleaved points.
      int[][][] partitions = {
          {range(0, 16), range(16, 32), range(32, 48)},
          {range(8, 28), range(28, 36), range(36, 48), range(0, 8)},
          {stride(0, 48, 2), stride(1, 48, 2)},
      };
      for (int[][] cells : partitions) {
        List<List<long[]>> old = new ArrayList<>();
        for (int r = 0; r < N; r++) {
          old.add(list(lists, r));
        }
        run(updates, lists, keep, cells);
        assertPhase(old, lists, keep, cells);
      }
    }
  }

  @Test
  void keepMustBeWithinTheListSize() {
    VectorOps ops = VectorOpsProvider.get();
    Vectors points = vectors();
    Updates updates = new Updates(ops, FullWidthScreen.lists(Metric.EUCLIDEAN, ops, points, 64), 1,
        1 << 20);
    NeighborLists lists = new NeighborLists(N, 4);
    assertThrows(IllegalArgumentException.class, () -> run(updates, lists, 0, range(0, 8)));
    assertThrows(IllegalArgumentException.class, () -> run(updates, lists, 5, range(0, 8)));
  }

  /**
   * A chunk that gets no offer in one phase (likely at k = 1) still takes offers in the next, and
   * sorts them by row (a phase without offers once left it arrays of length 0, and the next offer
   * failed: NN-Descent on 22,000 x 128 uniform points at k = 1, seed 11).
   */
  @Test
  void aBufferTakesOffersAfterAPhaseWithout() {
    Updates.Buffer buffer = new Updates.Buffer();
    buffer.sortByBin(1000);
    assertEquals(0, buffer.binStart[256]);
    for (int phase = 0; phase < 3; phase++) {
      buffer.size = 0;
      int offers = phase == 1 ? 0 : 700; // more than the first arrays hold, then none, then again
      for (int e = 0; e < offers; e++) {
        buffer.offer(999 - e % 1000, e, e);
      }
      buffer.sortByBin(1000);
      assertEquals(offers, buffer.binStart[256]);
      for (int e = 1; e < offers; e++) {
        assertTrue(buffer.rows[e - 1] * 256 / 1000 <= buffer.rows[e] * 256 / 1000, "phase " + phase);
      }
    }
  }
}
