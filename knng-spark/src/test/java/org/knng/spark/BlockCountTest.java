package org.knng.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * How many blocks the exact job deals its points into: enough for memory (a block at most an
 * eighth of a task's memory), two per task slot where tasks run side by side, one where a single
 * task slot runs them one after the other (local mode: a task takes every local thread). And how
 * many cells the approximate job's cover has: by the same rule, four per slot and enough that two
 * copies of every point fit, one where one slot has room for every point.
 */
class BlockCountTest {
  private static final long MB = 1L << 20;

  @Test
  void oneSlotWithRoomGetsOneBlock() {
    // Fashion-MNIST (60,000 x 784 floats, 188 MB) on a driver with 6 GB: one block, one task.
    assertEquals(1, SparkKnn.blockCount(60_000, 784, 1, 6144 * MB));
  }

  @Test
  void severalSlotsGetTwoBlocksEach() {
    assertEquals(4, SparkKnn.blockCount(60_000, 784, 2, 3072 * MB));
    assertEquals(16, SparkKnn.blockCount(60_000, 784, 8, 1024 * MB));
  }

  @Test
  void memoryBoundsTheBlockWhateverTheSlots() {
    // 100 MB a task: blocks of at most 12.5 MB (13,107,200 bytes); 188,160,000 bytes need 14.4.
    assertEquals(15, SparkKnn.blockCount(60_000, 784, 1, 100 * MB));
    assertEquals(15, SparkKnn.blockCount(60_000, 784, 2, 100 * MB));
    // A block is never below 1 MB, however little memory a task has.
    assertEquals(180, SparkKnn.blockCount(60_000, 784, 1, MB));
  }

  @Test
  void neverMoreBlocksThanPoints() {
    assertEquals(3, SparkKnn.blockCount(3, 2, 8, 1024 * MB));
  }

  @Test
  void oneSlotWithRoomGetsOneCell() {
    // The 1,000,000 x 96 mixture on a driver whose task holds 1,543,168 points in a cell.
    assertEquals(1, SparkKnn.cellCount(1_000_000, 1, 1_543_168));
    // Without room for every point: two copies of 2,000,000 points need ceil(4,000,000 /
    // 1,543,168) = 3 cells, and one slot gets at least 4.
    assertEquals(4, SparkKnn.cellCount(2_000_000, 1, 1_543_168));
  }

  @Test
  void cellsPerSlotAndForMemory() {
    assertEquals(8, SparkKnn.cellCount(1_000_000, 2, 1_543_168));
    // 2,000,000 copies in cells of at most 100,000 points: 20.
    assertEquals(20, SparkKnn.cellCount(1_000_000, 2, 100_000));
    assertEquals(3, SparkKnn.cellCount(3, 2, 1000));
  }
}
