package org.knng.approx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeighborListsTest {
  @Test
  void keepsTheSmallestDistinctIdsInOrderWhateverTheOfferOrder() {
    List<float[]> offers = new ArrayList<>();
    Random rnd = new Random(3);
    for (int i = 0; i < 200; i++) {
      int id = rnd.nextInt(60);
      // The same id always comes with the same value (as pair distances do); ties between ids.
      offers.add(new float[] {(id % 13) * 0.5f, id});
    }
    int[] first = null;
    for (int trial = 0; trial < 5; trial++) {
      Collections.shuffle(offers, new Random(trial));
      NeighborLists lists = new NeighborLists(1, 8);
      for (float[] o : offers) {
        lists.insert(0, o[0], (int) o[1]);
      }
      int[] ids = lists.firstIds(8);
      if (first == null) {
        first = ids;
      }
      assertArrayEquals(first, ids);
    }
    // The 8 smallest by (value, id) of the distinct ids offered.
    List<float[]> distinct = new ArrayList<>();
    boolean[] seen = new boolean[60];
    for (float[] o : offers) {
      if (!seen[(int) o[1]]) {
        seen[(int) o[1]] = true;
        distinct.add(o);
      }
    }
    distinct.sort((a, b) -> a[0] != b[0] ? Float.compare(a[0], b[0]) : Float.compare(a[1], b[1]));
    for (int r = 0; r < 8; r++) {
      assertEquals((int) distinct.get(r)[1], first[r]);
    }
  }

  @Test
  void flagsThresholdsAndWidening() {
    NeighborLists lists = new NeighborLists(2, 3);
    assertEquals(Float.POSITIVE_INFINITY, lists.thresholds()[0]);
    assertTrue(lists.insert(0, 3f, 7));
    assertTrue(lists.insert(0, 1f, 9));
    assertFalse(lists.insert(0, 1f, 9), "a repeat is refused");
    assertTrue(lists.insert(0, 2f, 4));
    assertEquals(3f, lists.thresholds()[0]);
    assertFalse(lists.insert(0, 3f, 8), "equal value, larger id than the last: refused");
    assertTrue(lists.insert(0, 3f, 5), "equal value, smaller id: kept");
    assertArrayEquals(new int[] {9, 4, 5, -1, -1, -1}, lists.firstIds(3));
    assertTrue(lists.isFresh(0, 0));
    lists.markOld(0, 0);
    assertFalse(lists.isFresh(0, 0));
    assertEquals(-1, lists.id(1, 0));
    NeighborLists wide = lists.widen(5);
    assertArrayEquals(new int[] {9, 4, 5, -1, -1, -1, -1, -1, -1, -1}, wide.firstIds(5));
    assertTrue(wide.isFresh(0, 0));
    assertEquals(Float.POSITIVE_INFINITY, wide.thresholds()[0]);
  }
}
