package org.knng.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The row heaps keep each row's k smallest by (distance, id), whatever order candidates come in,
 * report an exact threshold, and hand back the slots in ascending order.
 */
class RowHeapsTest {

  @Test
  void keepsTheKSmallestByDistanceThenIdInAnyOrder() {
    Random r = new Random(3);
    for (int k : new int[] {1, 2, 5, 10, 33}) {
      RowHeaps heaps = new RowHeaps(4, k);
      for (int trial = 0; trial < 20; trial++) {
        int rows = 1 + r.nextInt(4);
        heaps.reset(rows);
        List<List<float[]>> offered = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
          offered.add(new ArrayList<>());
        }
        int n = r.nextInt(3 * k + 2);
        for (int i = 0; i < n * rows; i++) {
          int row = r.nextInt(rows);
          float distance = r.nextInt(6); // many ties
          int id = (i * 7919) % 10007; // distinct, in no order
          int slot = 5000 + i;
          heaps.offer(row, distance, id, slot);
          offered.get(row).add(new float[] {distance, id, slot});
        }
        for (int row = 0; row < rows; row++) {
          List<float[]> all = offered.get(row);
          all.sort(Comparator.<float[]>comparingDouble(c -> c[0]).thenComparingDouble(c -> c[1]));
          List<float[]> best = new ArrayList<>(all.subList(0, Math.min(k, all.size())));
          float threshold = best.size() < k ? Float.POSITIVE_INFINITY : best.get(k - 1)[0];
          assertEquals(threshold, heaps.threshold(row), "threshold, k=" + k);
          int[] wantIds = new int[best.size()];
          for (int j = 0; j < best.size(); j++) {
            wantIds[j] = (int) best.get(j)[1];
          }
          int[] out = new int[k + 2];
          heaps.sortInto(row, out, 1);
          int[] gotIds = new int[best.size()];
          for (int j = 0; j < best.size(); j++) {
            gotIds[j] = slotId(offered.get(row), out[1 + j]);
          }
          assertArrayEquals(wantIds, gotIds, "ids in (distance, id) order, k=" + k);
          for (int j = best.size(); j < k; j++) {
            assertEquals(-1, out[1 + j], "padding");
          }
          assertEquals(0, out[0], "nothing written before the offset");
          assertEquals(0, out[k + 1], "nothing written after the row");
        }
      }
    }
  }

  private static int slotId(List<float[]> offered, int slot) {
    for (float[] c : offered) {
      if ((int) c[2] == slot) {
        return (int) c[1];
      }
    }
    throw new AssertionError("slot " + slot + " was never offered");
  }

  @Test
  void nanIsNeverKeptAndTheIdIsTheDefaultSlot() {
    RowHeaps heaps = new RowHeaps(1, 3);
    heaps.reset(1);
    heaps.offer(0, Float.NaN, 1);
    heaps.offer(0, 2f, 7);
    heaps.offer(0, 1f, 9);
    int[] out = new int[3];
    heaps.sortInto(0, out, 0);
    assertArrayEquals(new int[] {9, 7, -1}, out);
  }
}
