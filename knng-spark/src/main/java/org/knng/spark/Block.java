package org.knng.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import org.knng.InvalidInputException;
import org.knng.exact.SplitJoin;
import org.knng.vectors.Vectors;
import scala.Tuple2;

/**
 * One block of the points, as a task of the exact job holds it (or a cell of the approximate job): the ids in ascending order (so that
 * a position's order is the id order and ties go to the smaller id, as in the core) and their
 * vectors row-major. Serializable: blocks travel to the tasks that join them.
 */
final class Block implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The block's number, {@code 0 <= index < blocks}. */
  final int index;
  /** The points' ids, ascending and distinct. */
  final long[] ids;
  /** Their vectors, {@code ids.length x dimension}, row-major. */
  final float[] data;
  /** Values per vector. */
  final int dimension;
  /**
   * Each row's limit once the block has been joined with itself ({@code SplitJoin.Lists#limit}):
   * what the row takes from other blocks; null before.
   */
  final float[] limits;
  /**
   * In the approximate job, where a block is a cell of a {@link KMeansCover}: the rows whose home
   * this cell is (the cell of their nearest centroid; each point has one home). Null before.
   */
  final BitSet home;
  /**
   * In the exact job: the block projected once for all its pieces ({@code SplitJoin#project}), set
   * with the limits; null before, or where the pieces screen at full width.
   */
  final SplitJoin.BlockProjection projection;

  private Block(int index, long[] ids, float[] data, int dimension, float[] limits, BitSet home,
      SplitJoin.BlockProjection projection) {
    this.index = index;
    this.ids = ids;
    this.data = data;
    this.dimension = dimension;
    this.limits = limits;
    this.home = home;
    this.projection = projection;
  }

  /**
   * @param limits each row's limit
   * @param projection the block's projection, or null
   * @return this block carrying them
   */
  Block withLimits(float[] limits, SplitJoin.BlockProjection projection) {
    return new Block(index, ids, data, dimension, limits, home, projection);
  }

  /**
   * @param home the rows whose home cell this block is
   * @return this block carrying them
   */
  Block withHome(BitSet home) {
    return new Block(index, ids, data, dimension, limits, home, projection);
  }

  /**
   * The block of the points a partition holds, sorted by id.
   *
   * @param index the block's number
   * @param points (id, vector) pairs, every vector of length {@code dimension}
   * @param dimension values per vector
   * @return the block
   * @throws InvalidInputException if an id appears twice
   */
  static Block of(int index, Iterator<Tuple2<Long, float[]>> points, int dimension) {
    List<Tuple2<Long, float[]>> all = new ArrayList<>();
    points.forEachRemaining(all::add);
    all.sort((a, b) -> Long.compare(a._1(), b._1()));
    long[] ids = new long[all.size()];
    float[] data = new float[Math.multiplyExact(all.size(), dimension)];
    for (int r = 0; r < ids.length; r++) {
      ids[r] = all.get(r)._1();
      if (r > 0 && ids[r] == ids[r - 1]) {
        throw new InvalidInputException("duplicate id " + ids[r]
            + ": every point needs its own id (the graph is keyed by id)");
      }
      System.arraycopy(all.get(r)._2(), 0, data, r * dimension, dimension);
    }
    return new Block(index, ids, data, dimension, null, null, null);
  }

  /**
   * A block of points already in id order.
   *
   * @param index the block's number
   * @param ids ascending, distinct ids
   * @param data their vectors, row-major
   * @param dimension values per vector
   * @return the block
   */
  static Block sorted(int index, long[] ids, float[] data, int dimension) {
    return new Block(index, ids, data, dimension, null, null, null);
  }

  /** @return the block's points as the core reads them */
  Vectors vectors() {
    return Vectors.wrap(data, dimension);
  }

  /** @return rows */
  int size() {
    return ids.length;
  }

  /**
   * @param other another block
   * @return this block's ids followed by the other's: the ids of a join between them
   */
  long[] idsWith(Block other) {
    long[] both = Arrays.copyOf(ids, ids.length + other.ids.length);
    System.arraycopy(other.ids, 0, both, ids.length, other.ids.length);
    return both;
  }
}
