package org.knng.spark;

import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * Every unordered pair of distinct blocks once, as one partition each, read straight from the
 * blocks' (cached) partitions: a narrow dependency on two parent partitions, as Spark's cartesian
 * product has, but without the pairs of a block with itself or the pairs twice. No block is
 * shuffled; a task fetches the two it joins (from its own executor's memory when they are there).
 */
final class BlockPairs extends RDD<Tuple2<Block, Block>> {
  private static final long serialVersionUID = 1L;

  private final RDD<Block> blocks;
  private final int count;

  /**
   * @param blocks one block per partition, partition {@code b} holding block {@code b}
   * @param count how many blocks
   */
  BlockPairs(RDD<Block> blocks, int count) {
    super(blocks.context(), dependencies(blocks, count), ClassTag$.MODULE$.apply(Tuple2.class));
    this.blocks = blocks;
    this.count = count;
  }

  private static Seq<Dependency<?>> dependencies(RDD<Block> blocks, int count) {
    Dependency<?> both = new NarrowDependency<Block>(blocks) {
      private static final long serialVersionUID = 1L;

      @Override
      public Seq<Object> getParents(int partitionId) {
        int[] ab = pair(partitionId, count);
        return CollectionConverters.asScala(List.<Object>of(ab[0], ab[1])).toList();
      }
    };
    return CollectionConverters.asScala(List.<Dependency<?>>of(both)).toList();
  }

  /** The blocks {@code a < b} of pair number {@code p}, pairs numbered row by row of the triangle. */
  static int[] pair(int p, int count) {
    int a = 0;
    int rest = p;
    while (rest >= count - 1 - a) {
      rest -= count - 1 - a;
      a++;
    }
    return new int[] {a, a + 1 + rest};
  }

  @Override
  public Partition[] getPartitions() {
    // The parents' partitions are taken here, on the driver, and travel with each pair (an RDD's
    // partitions cannot be listed again inside a task).
    Partition[] parents = blocks.partitions();
    Partition[] out = new Partition[count * (count - 1) / 2];
    for (int p = 0; p < out.length; p++) {
      int[] ab = pair(p, count);
      out[p] = new Pair(p, parents[ab[0]], parents[ab[1]]);
    }
    return out;
  }

  /** One pair's partition. */
  private static final class Pair implements Partition {
    private static final long serialVersionUID = 1L;
    private final int index;
    private final Partition first;
    private final Partition second;

    Pair(int index, Partition first, Partition second) {
      this.index = index;
      this.first = first;
      this.second = second;
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public int hashCode() {
      return index;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pair && ((Pair) o).index == index;
    }
  }

  @Override
  public Iterator<Tuple2<Block, Block>> compute(Partition split, TaskContext context) {
    Pair pair = (Pair) split;
    Block a = blocks.iterator(pair.first, context).next();
    Block b = blocks.iterator(pair.second, context).next();
    return CollectionConverters.asScala(List.of(new Tuple2<>(a, b)).iterator());
  }
}
