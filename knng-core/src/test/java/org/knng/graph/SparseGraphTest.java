package org.knng.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link SparseGraph}: lookups on a canonical CSR matrix and rejection of non-canonical arrays. */
class SparseGraphTest {

  /**
   * 3 x 4: row 0 -> {1: 0.5, 3: 0}, row 1 empty, row 2 -> {0: 2, 1: 1, 2: 7}.
   */
  private static SparseGraph sample() {
    return new SparseGraph(3, 4, new int[] {0, 2, 2, 5}, new int[] {1, 3, 0, 1, 2},
        new float[] {0.5f, 0f, 2f, 1f, 7f});
  }

  @Test
  void lookups() {
    SparseGraph g = sample();
    assertEquals(3, g.rows());
    assertEquals(4, g.columns());
    assertEquals(5, g.edgeCount());
    assertEquals(2, g.degree(0));
    assertEquals(0, g.degree(1));
    assertEquals(3, g.degree(2));
    assertEquals(0.5f, g.weight(0, 1));
    assertEquals(7f, g.weight(2, 2));
    assertEquals(2f, g.weight(2, 0));
    assertTrue(Float.isNaN(g.weight(0, 2)));
    assertTrue(Float.isNaN(g.weight(1, 0)));
  }

  /** An explicit zero weight is an edge; a missing entry is not. */
  @Test
  void explicitZeroIsAnEdge() {
    SparseGraph g = sample();
    assertTrue(g.hasEdge(0, 3));
    assertEquals(0f, g.weight(0, 3));
    assertFalse(g.hasEdge(0, 0));
    assertFalse(g.hasEdge(1, 1));
  }

  @Test
  void emptyGraph() {
    SparseGraph g = new SparseGraph(0, 0, new int[] {0}, new int[0], new float[0]);
    assertEquals(0, g.edgeCount());
  }

  @Test
  void unsortedOrRepeatedColumnsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new SparseGraph(1, 4, new int[] {0, 2}, new int[] {3, 1}, new float[2]));
    assertThrows(IllegalArgumentException.class,
        () -> new SparseGraph(1, 4, new int[] {0, 2}, new int[] {1, 1}, new float[2]));
  }

  @Test
  void columnsOutOfRangeAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new SparseGraph(1, 4, new int[] {0, 1}, new int[] {4}, new float[1]));
    assertThrows(IllegalArgumentException.class,
        () -> new SparseGraph(1, 4, new int[] {0, 1}, new int[] {-1}, new float[1]));
  }

  @Test
  void inconsistentLengthsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new SparseGraph(2, 4, new int[] {0, 1}, new int[] {1}, new float[1]));
    assertThrows(IllegalArgumentException.class,
        () -> new SparseGraph(1, 4, new int[] {0, 1}, new int[] {1}, new float[2]));
    assertThrows(IllegalArgumentException.class,
        () -> new SparseGraph(1, 4, new int[] {1, 1}, new int[] {1}, new float[1]));
    assertThrows(IllegalArgumentException.class,
        () -> new SparseGraph(1, 4, new int[] {0, 2}, new int[] {1}, new float[1]));
  }

  /**
   * Offsets that decrease, or point past the end of the edge arrays before coming back, are
   * rejected with the documented IllegalArgumentException (not an index error).
   */
  @Test
  void decreasingOrOverlongOffsetsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new SparseGraph(2, 4, new int[] {0, 2, 1}, new int[] {0}, new float[1]));
    assertThrows(IllegalArgumentException.class,
        () -> new SparseGraph(2, 4, new int[] {0, 5, 3}, new int[] {0, 1, 2}, new float[3]));
  }
}
