package org.knng.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link NeighborReservoirs}: the kept set and its sorted order depend only on the candidates, never
 * on the order they were offered in nor on the spill size (what makes the engine thread-count
 * independent and lets the spill be chosen by k), ties go to the smaller id, and short rows are
 * padded.
 */
class NeighborReservoirsTest {

  /** A candidate and its (distance, id) order, written independently of the lists. */
  private static final class Candidate {
    final float distance;
    final int id;

    Candidate(float distance, int id) {
      this.distance = distance;
      this.id = id;
    }
  }

  private static final Comparator<Candidate> ORDER =
      // -0 and +0 are one distance (as == has it): adding +0 turns -0 into +0.
      Comparator.<Candidate>comparingDouble(c -> c.distance + 0f).thenComparingInt(c -> c.id);

  /**
   * Many candidates with few distinct distances (so ties abound), offered in 20 random orders to 20
   * rows, with spill areas from 1 (a partition per candidate, like a heap) to larger than k: every
   * row ends identical, equal to the first k of the sorted candidates.
   */
  @ParameterizedTest(name = "k {0}")
  @ValueSource(ints = {1, 2, 3, 7, 16, 50, 199, 200, 250})
  void offerOrderDoesNotMatter(int k) {
    Random rnd = new Random(k);
    List<Candidate> candidates = new ArrayList<>();
    for (int id = 0; id < 200; id++) {
      candidates.add(new Candidate(rnd.nextInt(12) * 0.5f, id));
    }
    List<Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort(ORDER);
    int kept = Math.min(k, candidates.size());
    int[] expectedIds = new int[k];
    float[] expectedDist = new float[k];
    for (int j = 0; j < k; j++) {
      expectedIds[j] = j < kept ? sorted.get(j).id : -1;
      expectedDist[j] = j < kept ? sorted.get(j).distance : Float.POSITIVE_INFINITY;
    }
    for (int spill : new int[] {1, 2, 5, NeighborReservoirs.spill(k), 3 * k}) {
      int rows = 20;
      NeighborReservoirs lists = new NeighborReservoirs(rows, k, spill);
      NeighborReservoirs.Worker worker = lists.worker();
      for (int r = 0; r < rows; r++) {
        List<Candidate> shuffled = new ArrayList<>(candidates);
        Collections.shuffle(shuffled, new Random(r));
        for (Candidate c : shuffled) {
          worker.keep(r, c.distance, c.id);
        }
        assertEquals(kept, lists.count(r));
        assertTrue(lists.threshold(r) >= expectedDist[kept - 1], "a threshold never cuts a winner");
      }
      NeighborReservoirs.Sorted out = lists.sortAndRelease(1 + spill % 2);
      for (int r = 0; r < rows; r++) {
        int[] ids = new int[k];
        float[] dist = new float[k];
        System.arraycopy(out.ids, r * k, ids, 0, k);
        System.arraycopy(out.distances, r * k, dist, 0, k);
        assertArrayEquals(expectedIds, ids, "spill " + spill + ", row " + r);
        assertArrayEquals(expectedDist, dist, "spill " + spill + ", row " + r);
      }
    }
  }

  /**
   * Offers from a real stream: each row sees candidates that pass its live threshold only (as the
   * tile screen offers them), with distinct and duplicated distances; the kept rows equal a full
   * sort of everything the row could have seen.
   */
  @ParameterizedTest(name = "k {0}")
  @ValueSource(ints = {1, 10, 100, 1000})
  void screenedStreamKeepsTheKSmallest(int k) {
    Random rnd = new Random(31 + k);
    int rows = 8;
    int candidates = 4000;
    NeighborReservoirs lists = new NeighborReservoirs(rows, k);
    NeighborReservoirs.Worker worker = lists.worker();
    float[][] all = new float[rows][candidates];
    for (int r = 0; r < rows; r++) {
      for (int id = 0; id < candidates; id++) {
        // Rows 0-3: continuous values; rows 4-7: a few levels, so ties cross the k-th place.
        all[r][id] = r < 4 ? (float) rnd.nextGaussian() : rnd.nextInt(40) - 20;
      }
    }
    for (int id = 0; id < candidates; id++) {
      for (int r = 0; r < rows; r++) {
        if (all[r][id] <= lists.thresholds()[r]) {
          worker.offer(r, all[r][id], id);
        }
      }
    }
    NeighborReservoirs.Sorted out = lists.sortAndRelease(2);
    for (int r = 0; r < rows; r++) {
      List<Candidate> row = new ArrayList<>();
      for (int id = 0; id < candidates; id++) {
        row.add(new Candidate(all[r][id], id));
      }
      row.sort(ORDER);
      for (int j = 0; j < k; j++) {
        assertEquals(row.get(j).id, out.ids[r * k + j], "row " + r + " rank " + j);
        assertEquals(row.get(j).distance, out.distances[r * k + j], "row " + r + " rank " + j);
      }
    }
  }

  /** The selection behind each partition agrees with a sort, with and without repeated values. */
  @ParameterizedTest(name = "{0} values")
  @ValueSource(ints = {1, 2, 17, 25, 100, 1250, 5000})
  void selectFindsTheValueASortPutsThere(int n) {
    Random rnd = new Random(n);
    for (int trial = 0; trial < 20; trial++) {
      float[] a = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = trial % 3 == 0 ? rnd.nextInt(3) : trial % 3 == 1 ? i : (float) rnd.nextGaussian();
      }
      float[] sorted = a.clone();
      java.util.Arrays.sort(sorted);
      int nth = rnd.nextInt(n);
      assertEquals(sorted[nth], NeighborReservoirs.select(a, n, nth), "trial " + trial);
      java.util.Arrays.sort(a);
      assertArrayEquals(sorted, a, "select only reorders");
    }
  }

  /** A candidate's key orders as (distance, id), with -0 equal to +0, and decodes back. */
  @Test
  void orderedBitsOrderAsTheFloatsDoAndMapBack() {
    float[] values = {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1.5f, -Float.MIN_NORMAL, -Float.MIN_VALUE,
        -0f, 0f, Float.MIN_VALUE, Float.MIN_NORMAL, 1f, Math.nextUp(1f), 3.25e7f, Float.MAX_VALUE,
        Float.POSITIVE_INFINITY};
    for (float a : values) {
      float back = NeighborReservoirs.fromOrderedBits(NeighborReservoirs.orderedBits(a));
      assertEquals(a == 0 ? 0f : a, back); // -0 comes back as +0, every other value as itself
      assertEquals(Float.floatToRawIntBits(a == 0 ? 0f : a), Float.floatToRawIntBits(back));
      for (float b : values) {
        int expected = a < b ? -1 : a == b ? 0 : 1; // the order of <, in which -0 == +0
        assertEquals(expected, Integer.signum(Integer.compare(NeighborReservoirs.orderedBits(a),
            NeighborReservoirs.orderedBits(b))), a + " against " + b);
      }
    }
  }

  @Test
  void keysOrderAsDistanceThenId() {
    float[] distances = {Float.NEGATIVE_INFINITY, -3.5f, -1e-30f, -0.0f, 0f, 1e-30f, 2f, 2.5f,
        Float.MAX_VALUE, Float.POSITIVE_INFINITY};
    int[] ids = {0, 1, 7, Integer.MAX_VALUE};
    List<Candidate> all = new ArrayList<>();
    for (float d : distances) {
      for (int id : ids) {
        all.add(new Candidate(d, id));
      }
    }
    for (Candidate a : all) {
      long key = NeighborReservoirs.key(a.distance, a.id);
      assertEquals(a.id, NeighborReservoirs.id(key));
      assertEquals(a.distance + 0f, NeighborReservoirs.distance(key) + 0f);
      for (Candidate b : all) {
        int expected = Integer.signum(ORDER.compare(a, b));
        assertEquals(expected, Long.signum(Long.compare(key, NeighborReservoirs.key(b.distance, b.id))),
            a.distance + "/" + a.id + " vs " + b.distance + "/" + b.id);
      }
    }
  }

  /** Equal distances: the smaller ids are kept and listed first, whichever arrives first. */
  @Test
  void tiesGoToTheSmallerId() {
    NeighborReservoirs lists = new NeighborReservoirs(2, 2, 1);
    NeighborReservoirs.Worker worker = lists.worker();
    int[] order0 = {9, 5, 3, 7};
    int[] order1 = {3, 5, 7, 9};
    for (int id : order0) {
      worker.keep(0, 1.0f, id);
    }
    for (int id : order1) {
      worker.keep(1, 1.0f, id);
    }
    NeighborReservoirs.Sorted out = lists.sortAndRelease(1);
    assertArrayEquals(new int[] {3, 5, 3, 5}, out.ids);
  }

  /** A tie with the current worst is taken only if its id is smaller; keep reports the outcome. */
  @Test
  void keepReportsWhetherTheCandidateWasTaken() {
    NeighborReservoirs lists = new NeighborReservoirs(1, 2, 4);
    NeighborReservoirs.Worker worker = lists.worker();
    assertTrue(worker.keep(0, 2f, 4));
    assertTrue(worker.keep(0, 1f, 8));
    assertFalse(worker.keep(0, 3f, 0), "farther than the worst");
    assertFalse(worker.keep(0, 2f, 6), "tie with the worst, larger id");
    assertFalse(worker.keep(0, Float.NaN, 1), "NaN");
    assertTrue(worker.keep(0, 2f, 2), "tie with the worst, smaller id");
    NeighborReservoirs.Sorted out = lists.sortAndRelease(1);
    assertArrayEquals(new int[] {8, 2}, out.ids);
    assertArrayEquals(new float[] {1f, 2f}, out.distances);
  }

  /**
   * The threshold is +infinity until the row has k candidates, then the k-th distance, updated when
   * the spill area fills (every candidate with a spill of 1, every second one with 2).
   */
  @Test
  void thresholdIsInfiniteUntilFullThenTheKthAtEachPartition() {
    NeighborReservoirs lists = new NeighborReservoirs(2, 3, 2);
    NeighborReservoirs.Worker worker = lists.worker();
    assertEquals(Float.POSITIVE_INFINITY, lists.threshold(0));
    worker.keep(0, 5f, 1);
    worker.keep(0, 2f, 2);
    assertEquals(Float.POSITIVE_INFINITY, lists.threshold(0));
    worker.keep(0, 7f, 3);
    assertEquals(7f, lists.threshold(0));
    worker.keep(0, 1f, 4);
    assertEquals(7f, lists.threshold(0), "the spill area takes one more before a partition");
    worker.keep(0, 3f, 5);
    assertEquals(3f, lists.threshold(0), "partitioned: 1, 2, 3 kept");
    assertEquals(lists.threshold(0), lists.thresholds()[0]);
    assertEquals(Float.POSITIVE_INFINITY, lists.threshold(1), "rows are independent");
    assertEquals(0, lists.count(1));
  }

  /** Fewer candidates than k: the rest of the row is padded with id -1 and distance +infinity. */
  @Test
  void shortRowsArePadded() {
    NeighborReservoirs lists = new NeighborReservoirs(3, 4);
    NeighborReservoirs.Worker worker = lists.worker();
    worker.keep(0, 3f, 10);
    worker.keep(0, 1f, 20);
    worker.keep(2, 0.5f, 7);
    assertEquals(2, lists.count(0));
    NeighborReservoirs.Sorted out = lists.sortAndRelease(2);
    float inf = Float.POSITIVE_INFINITY;
    assertArrayEquals(new int[] {20, 10, -1, -1, -1, -1, -1, -1, 7, -1, -1, -1}, out.ids);
    assertArrayEquals(new float[] {1f, 3f, inf, inf, inf, inf, inf, inf, 0.5f, inf, inf, inf},
        out.distances);
  }

  /** Negative distances (inner product) and zero are ordered like any other. */
  @Test
  void negativeDistancesSortFirst() {
    NeighborReservoirs lists = new NeighborReservoirs(1, 3, 1);
    NeighborReservoirs.Worker worker = lists.worker();
    worker.keep(0, 0f, 1);
    worker.keep(0, -4f, 2);
    worker.keep(0, 3f, 3);
    worker.keep(0, -1f, 4);
    NeighborReservoirs.Sorted out = lists.sortAndRelease(1);
    assertArrayEquals(new int[] {2, 4, 1}, out.ids);
  }

  @Test
  void accessors() {
    NeighborReservoirs lists = new NeighborReservoirs(5, 3);
    assertEquals(5, lists.rows());
    assertEquals(3, lists.k());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void capacityBelowOneIsRejected(int k) {
    assertThrows(IllegalArgumentException.class, () -> new NeighborReservoirs(3, k));
  }

  @Test
  void tooManyCellsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new NeighborReservoirs(Integer.MAX_VALUE / 2, 3));
  }

  /**
   * Lists borrowed from larger ones (the starting thresholds' sample) keep what lists of their own
   * keep, and the lender, used afterwards, keeps what it would have kept had it never lent: its
   * slots are overwritten by the borrower but its counts say they are empty. A lender that holds a
   * candidate refuses; a borrower larger than the lender gets lists of its own.
   */
  @Test
  void borrowedListsKeepWhatTheirOwnWouldAndTheLenderIsUntouched() {
    int rows = 30;
    Random rnd = new Random(3);
    float[][] values = new float[rows][400];
    for (float[] row : values) {
      for (int id = 0; id < row.length; id++) {
        row[id] = rnd.nextInt(40) * 0.25f; // ties abound
      }
    }
    NeighborReservoirs lender = new NeighborReservoirs(rows, 100);
    NeighborReservoirs borrowed = lender.borrow(9);
    NeighborReservoirs own = new NeighborReservoirs(rows, 9);
    for (NeighborReservoirs lists : new NeighborReservoirs[] {borrowed, own}) {
      NeighborReservoirs.Worker w = lists.worker();
      for (int r = 0; r < rows; r++) {
        for (int id = values[r].length - 1; id >= 0; id--) {
          w.keep(r, values[r][id], id);
        }
      }
    }
    NeighborReservoirs.Sorted fromOwn = own.sortAndRelease(2);
    NeighborReservoirs.Sorted fromBorrowed = borrowed.sortAndRelease(1);
    assertArrayEquals(fromOwn.ids, java.util.Arrays.copyOf(fromBorrowed.ids, rows * 9));
    assertArrayEquals(fromOwn.distances, java.util.Arrays.copyOf(fromBorrowed.distances, rows * 9));
    for (int r = 0; r < rows; r++) {
      lender.limit(r, fromOwn.distances[r * 9 + 8] + 3f);
      assertEquals(0, lender.count(r));
    }
    NeighborReservoirs fresh = new NeighborReservoirs(rows, 100);
    for (int r = 0; r < rows; r++) {
      fresh.limit(r, fromOwn.distances[r * 9 + 8] + 3f);
    }
    for (NeighborReservoirs lists : new NeighborReservoirs[] {lender, fresh}) {
      NeighborReservoirs.Worker w = lists.worker();
      for (int r = 0; r < rows; r++) {
        for (int id = 0; id < values[r].length; id++) {
          w.keep(r, values[r][id], id);
        }
      }
    }
    NeighborReservoirs.Sorted afterLending = lender.sortAndRelease(2);
    NeighborReservoirs.Sorted neverLent = fresh.sortAndRelease(2);
    assertArrayEquals(neverLent.ids, afterLending.ids);
    assertArrayEquals(neverLent.distances, afterLending.distances);
    assertTrue(neverLent.ids[99] >= 0 && neverLent.ids[100] >= 0, "the limits leave full rows");

    NeighborReservoirs used = new NeighborReservoirs(rows, 10);
    used.worker().keep(4, 1f, 7);
    assertThrows(IllegalStateException.class, () -> used.borrow(3));
    NeighborReservoirs small = new NeighborReservoirs(rows, 4);
    NeighborReservoirs larger = small.borrow(8);
    assertEquals(8, larger.k());
    larger.worker().keep(0, 1f, 1);
    assertEquals(0, small.count(0), "lists larger than the lender's are their own");
  }
}
