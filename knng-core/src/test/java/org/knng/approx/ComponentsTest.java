package org.knng.approx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The lists' components, counted by hand on small lists. */
class ComponentsTest {
  /** Lists of 2 over 9 rows: {0, 3, 6} (a chain through reverse edges), {1, 4}, {2, 5, 7, 8}. */
  private static NeighborLists lists() {
    NeighborLists lists = new NeighborLists(9, 2);
    int[][] edges = {{0, 3}, {3, 6}, {1, 4}, {2, 5}, {5, 7}, {8, 7}, {8, 2}};
    for (int[] e : edges) {
      lists.insert(e[0], e[1], e[1]);
    }
    return lists;
  }

  @Test
  void countsComponentsThroughEdgesEitherWay() {
    Components components = new Components(lists());
    assertEquals(3, components.count());
    assertEquals(4, components.largest());
    assertEquals(3 + 1 + 6, components.pairs());
  }

  @Test
  void theSmallestComponentsThatFitTheBudgetComeFirst() {
    Components components = new Components(lists());
    int[][] all = components.smallest(10);
    assertArrayEquals(new int[] {1, 4, 0, 3, 6, 2, 5, 7, 8}, all[0]);
    assertArrayEquals(new int[] {0, 2, 5, 9}, all[1]);
    int[][] two = components.smallest(9); // 1 + 3 pairs fit, the 6 of the largest do not
    assertArrayEquals(new int[] {1, 4, 0, 3, 6}, two[0]);
    assertArrayEquals(new int[] {0, 2, 5}, two[1]);
    int[][] none = components.smallest(0);
    assertEquals(0, none[0].length);
    assertArrayEquals(new int[] {0}, none[1]);
  }

  /**
   * One component of six rows: 0 lists 4, 4 lists 2 and 5, 5 lists 1, and 3 reaches it only by a
   * reverse edge (3 lists 0). A walk over the lists from row 0 meets 0, 4, 2, 5, 1 (each row's
   * entries nearest first, behind the rows met before); 3, which no list names, follows.
   */
  @Test
  void eachComponentComesInTheOrderOfAWalkOverItsLists() {
    NeighborLists lists = new NeighborLists(6, 2);
    lists.insert(0, 1f, 4);
    lists.insert(4, 1f, 2);
    lists.insert(4, 2f, 5);
    lists.insert(5, 1f, 1);
    lists.insert(3, 1f, 0);
    int[][] cells = new Components(lists).smallest(100);
    assertArrayEquals(new int[] {0, 4, 2, 5, 1, 3}, cells[0]);
    assertArrayEquals(new int[] {0, 6}, cells[1]);
  }

  @Test
  void aPointWithAnEmptyListIsItsOwnComponent() {
    NeighborLists lists = new NeighborLists(4, 3);
    lists.insert(0, 1f, 1);
    Components components = new Components(lists);
    assertEquals(3, components.count());
    assertArrayEquals(new int[] {2, 3, 0, 1}, components.smallest(1)[0]);
  }

  /**
   * Two triangles by their nearest entries (distance 1), glued by one far entry (2 lists 3 at
   * distance 5): one component of the whole lists, two of the nearest entry alone.
   */
  @Test
  void theNearestEntriesAloneLeaveOutAFarEntrysGlue() {
    NeighborLists lists = new NeighborLists(6, 2);
    int[][] nearest = {{0, 1}, {1, 2}, {2, 0}, {3, 4}, {4, 5}, {5, 3}};
    for (int[] e : nearest) {
      lists.insert(e[0], 1f, e[1]);
    }
    lists.insert(2, 5f, 3);
    Components whole = new Components(lists);
    assertEquals(1, whole.count());
    assertEquals(15, whole.pairs());
    assertEquals(2, whole.edges());
    Components near = new Components(lists, null, 1);
    assertEquals(2, near.count());
    assertEquals(3 + 3, near.pairs());
    assertEquals(1, near.edges());
  }
}
