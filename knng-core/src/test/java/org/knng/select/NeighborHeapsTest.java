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
 * {@link NeighborHeaps}: the kept set and its sorted order depend only on the candidates, never on
 * the order they were offered in (what makes the engine thread-count independent), ties go to the
 * smaller id, and short rows are padded.
 */
class NeighborHeapsTest {

  /** A candidate and its (distance, id) order, written independently of the heap. */
  private static final class Candidate {
    final float distance;
    final int id;

    Candidate(float distance, int id) {
      this.distance = distance;
      this.id = id;
    }
  }

  private static final Comparator<Candidate> ORDER =
      Comparator.<Candidate>comparingDouble(c -> c.distance).thenComparingInt(c -> c.id);

  /**
   * Many candidates with few distinct distances (so ties abound), offered in 20 random orders to 20
   * rows: every row ends identical, equal to the first k of the sorted candidates.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 16, 50, 200})
  void offerOrderDoesNotMatter(int k) {
    Random rnd = new Random(k);
    List<Candidate> candidates = new ArrayList<>();
    for (int id = 0; id < 200; id++) {
      candidates.add(new Candidate(rnd.nextInt(12) * 0.5f, id));
    }
    List<Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort(ORDER);
    int rows = 20;
    NeighborHeaps heaps = new NeighborHeaps(rows, k);
    for (int r = 0; r < rows; r++) {
      List<Candidate> shuffled = new ArrayList<>(candidates);
      Collections.shuffle(shuffled, new Random(r));
      for (Candidate c : shuffled) {
        heaps.keep(r, c.distance, c.id);
      }
      assertEquals(k, heaps.count(r));
    }
    NeighborHeaps.Sorted out = heaps.sortAndRelease();
    int[] expectedIds = new int[k];
    float[] expectedDist = new float[k];
    for (int j = 0; j < k; j++) {
      expectedIds[j] = sorted.get(j).id;
      expectedDist[j] = sorted.get(j).distance;
    }
    for (int r = 0; r < rows; r++) {
      int[] ids = new int[k];
      float[] dist = new float[k];
      System.arraycopy(out.ids, r * k, ids, 0, k);
      System.arraycopy(out.distances, r * k, dist, 0, k);
      assertArrayEquals(expectedIds, ids, "row " + r);
      assertArrayEquals(expectedDist, dist, "row " + r);
    }
  }

  /** Equal distances: the smaller ids are kept and listed first, whichever arrives first. */
  @Test
  void tiesGoToTheSmallerId() {
    NeighborHeaps heaps = new NeighborHeaps(2, 2);
    int[] order0 = {9, 5, 3, 7};
    int[] order1 = {3, 5, 7, 9};
    for (int id : order0) {
      heaps.keep(0, 1.0f, id);
    }
    for (int id : order1) {
      heaps.keep(1, 1.0f, id);
    }
    NeighborHeaps.Sorted out = heaps.sortAndRelease();
    assertArrayEquals(new int[] {3, 5, 3, 5}, out.ids);
  }

  /** A tie with the current worst is kept only if its id is smaller; offer reports the outcome. */
  @Test
  void offerReportsWhetherTheCandidateWasKept() {
    NeighborHeaps heaps = new NeighborHeaps(1, 2);
    assertTrue(heaps.keep(0, 2f, 4));
    assertTrue(heaps.keep(0, 1f, 8));
    assertFalse(heaps.keep(0, 3f, 0), "farther than the worst");
    assertFalse(heaps.keep(0, 2f, 6), "tie with the worst, larger id");
    assertTrue(heaps.keep(0, 2f, 2), "tie with the worst, smaller id");
    NeighborHeaps.Sorted out = heaps.sortAndRelease();
    assertArrayEquals(new int[] {8, 2}, out.ids);
    assertArrayEquals(new float[] {1f, 2f}, out.distances);
  }

  /** The threshold is +infinity until the row is full, then the largest kept distance. */
  @Test
  void thresholdIsInfiniteUntilFullThenTheWorstKept() {
    NeighborHeaps heaps = new NeighborHeaps(2, 3);
    assertEquals(Float.POSITIVE_INFINITY, heaps.threshold(0));
    heaps.keep(0, 5f, 1);
    heaps.keep(0, 2f, 2);
    assertEquals(Float.POSITIVE_INFINITY, heaps.threshold(0));
    heaps.keep(0, 7f, 3);
    assertEquals(7f, heaps.threshold(0));
    heaps.keep(0, 1f, 4);
    assertEquals(5f, heaps.threshold(0));
    assertEquals(Float.POSITIVE_INFINITY, heaps.threshold(1), "rows are independent");
    assertEquals(0, heaps.count(1));
  }

  /** Fewer candidates than k: the rest of the row is padded with id -1 and distance +infinity. */
  @Test
  void shortRowsArePadded() {
    NeighborHeaps heaps = new NeighborHeaps(3, 4);
    heaps.keep(0, 3f, 10);
    heaps.keep(0, 1f, 20);
    heaps.keep(2, 0.5f, 7);
    assertEquals(2, heaps.count(0));
    NeighborHeaps.Sorted out = heaps.sortAndRelease();
    float inf = Float.POSITIVE_INFINITY;
    assertArrayEquals(new int[] {20, 10, -1, -1, -1, -1, -1, -1, 7, -1, -1, -1}, out.ids);
    assertArrayEquals(new float[] {1f, 3f, inf, inf, inf, inf, inf, inf, 0.5f, inf, inf, inf},
        out.distances);
  }

  /** Negative distances (inner product) and zero are ordered like any other. */
  @Test
  void negativeDistancesSortFirst() {
    NeighborHeaps heaps = new NeighborHeaps(1, 3);
    heaps.keep(0, 0f, 1);
    heaps.keep(0, -4f, 2);
    heaps.keep(0, 3f, 3);
    heaps.keep(0, -1f, 4);
    NeighborHeaps.Sorted out = heaps.sortAndRelease();
    assertArrayEquals(new int[] {2, 4, 1}, out.ids);
  }

  @Test
  void accessors() {
    NeighborHeaps heaps = new NeighborHeaps(5, 3);
    assertEquals(5, heaps.rows());
    assertEquals(3, heaps.k());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void capacityBelowOneIsRejected(int k) {
    assertThrows(IllegalArgumentException.class, () -> new NeighborHeaps(3, k));
  }

  @Test
  void tooManyCellsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new NeighborHeaps(Integer.MAX_VALUE / 2, 3));
  }
}
