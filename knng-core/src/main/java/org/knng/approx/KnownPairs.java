package org.knng.approx;

import org.knng.simd.VectorOps;
import org.knng.tile.Hits;
import org.knng.tile.Screen;
import org.knng.tile.Side;

/**
 * A screen that drops the pairs both of whose lists already hold each other before their value is
 * computed: later trees of the forest and later rounds meet many pairs already found, and
 * re-computing one from the full vectors costs more than looking it up in two short lists. The
 * lists only change between phases of {@link Updates}, so what is dropped does not depend on the
 * thread count.
 */
final class KnownPairs implements Screen {
  private final Screen screen;
  private NeighborLists lists;

  KnownPairs(Screen screen) {
    this.screen = screen;
  }

  /** The lists whose pairs are known (they change when the lists are widened). */
  void lists(NeighborLists lists) {
    this.lists = lists;
  }

  @Override
  public void values(Hits hits) {
    if (lists != null) {
      int kept = 0;
      for (int p = 0; p < hits.size(); p++) {
        if (!lists.holds(hits.rows[p], hits.columns[p]) || !lists.holds(hits.columns[p], hits.rows[p])) {
          hits.move(p, kept++);
        }
      }
      hits.truncate(kept);
    }
    screen.values(hits);
  }

  @Override
  public Side rows() {
    return screen.rows();
  }

  @Override
  public Side columns() {
    return screen.columns();
  }

  @Override
  public float scale() {
    return screen.scale();
  }

  @Override
  public VectorOps.Kernel kernel() {
    return screen.kernel();
  }

  @Override
  public int block() {
    return screen.block();
  }

  @Override
  public boolean nearFirst() {
    return screen.nearFirst();
  }

  @Override
  public String describe() {
    return screen.describe();
  }
}
