package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link PartialRow#merge}: the (value, id) order, the cut at {@code kept}, and overlapping pieces. */
class PartialRowTest {
  @Test
  void disjointPiecesMergeInValueThenIdOrder() {
    PartialRow a = new PartialRow(new long[] {7, 3, 9}, new float[] {1, 2, 2}, new float[] {1, 2, 2});
    PartialRow b = new PartialRow(new long[] {1, 5}, new float[] {2, 3}, new float[] {2, 3});
    long[] ids = new long[4];
    float[] dist = new float[4];
    assertEquals(4, a.merge(b, 4).finish(100, false, 4, ids, dist, 0));
    assertArrayEquals(new long[] {7, 1, 3, 9}, ids);
    assertArrayEquals(new float[] {1, 2, 2, 2}, dist);
  }

  @Test
  void anIdInBothPiecesIsKeptOnce() {
    // Cells of the approximate job overlap: both found 4 and 8 (same pair, same value).
    PartialRow a = new PartialRow(new long[] {4, 8, 2}, new float[] {1, 2, 5}, new float[] {1, 2, 5});
    PartialRow b = new PartialRow(new long[] {4, 6, 8}, new float[] {1, 1.5f, 2}, new float[] {1, 1.5f, 2});
    PartialRow m = a.merge(b, 10);
    assertEquals(4, m.size());
    long[] ids = new long[5];
    float[] dist = new float[5];
    assertEquals(4, m.finish(100, false, 5, ids, dist, 0));
    assertArrayEquals(new long[] {4, 6, 8, 2, -1}, ids);
    // Merging in the other order, or a row with itself, gives the same.
    assertEquals(4, b.merge(a, 10).size());
    assertEquals(3, a.merge(a, 10).size());
    // The cut counts distinct ids.
    PartialRow cut = a.merge(b, 3);
    long[] three = new long[3];
    cut.finish(100, false, 3, three, new float[3], 0);
    assertArrayEquals(new long[] {4, 6, 8}, three);
  }
}
