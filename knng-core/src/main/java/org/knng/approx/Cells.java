package org.knng.approx;

import java.util.Arrays;
import org.knng.tile.BlockJoin.Pairs;

/**
 * Groups of rows, each joined in full with itself: every pair of a group once, each row keeping
 * its nearest of the group ({@link Updates.Worker#cells}). A group larger than a join's block is
 * cut into runs of at most a block, and each run is joined with itself and with each later run of
 * its group (both ways), so a group of {@code s} rows costs its {@code s (s - 1) / 2} pairs in
 * dense SIMD tiles whatever its size. The units of work are listed once, in group order, so the
 * lists do not depend on the thread count.
 */
final class Cells {
  private final int[] rows;
  /**
   * The units, 4 ints each (row run start and length, column run start and length): a run of rows
   * with itself (the same start), or two runs of one group.
   */
  private int[] plan = new int[256];
  private int units;

  /**
   * @param rows the groups' rows (of the screen), group by group
   * @param start where each group starts in {@code rows}, then the end
   * @param run the most rows of one side of a join (the screen's block)
   */
  Cells(int[] rows, int[] start, int run) {
    this.rows = rows;
    for (int g = 0; g + 1 < start.length; g++) {
      int end = start[g + 1];
      for (int a = start[g]; a < end; a += run) {
        int aCount = Math.min(run, end - a);
        add(a, aCount, a, aCount);
        for (int b = a + run; b < end; b += run) {
          add(a, aCount, b, Math.min(run, end - b));
        }
      }
    }
  }

  private void add(int rFrom, int rCount, int cFrom, int cCount) {
    if (4 * units == plan.length) {
      plan = Arrays.copyOf(plan, 2 * plan.length);
    }
    int at = 4 * units++;
    plan[at] = rFrom;
    plan[at + 1] = rCount;
    plan[at + 2] = cFrom;
    plan[at + 3] = cCount;
  }

  /** @return the units of join work, for {@link Updates#run} */
  int units() {
    return units;
  }

  /** Runs unit {@code u} on a worker. */
  void join(int u, Updates.Worker worker) {
    int at = 4 * u;
    if (plan[at] == plan[at + 2]) {
      if (plan[at + 1] > 1) {
        worker.cell(rows, plan[at], plan[at + 1]);
      }
    } else {
      worker.cells(rows, plan[at], plan[at + 1], rows, plan[at + 2], plan[at + 3], Pairs.BOTH_WAYS);
    }
  }
}
