package org.knng.tile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.metric.Metric;
import org.knng.select.NeighborReservoirs;
import org.knng.simd.VectorOps;
import org.knng.testing.Kernels;
import org.knng.testing.Kernels.Kernel;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * Joins of arbitrary lists of row ids (an rp-tree leaf, candidate sets) against a reference
 * computed pair by pair with the same float32 values the join offers: every pair of a list
 * ({@code WITHIN}), two lists both ways, and one way. The lists are scattered, unsorted, cross
 * panel and strip boundaries, and include bit-identical duplicates.
 */
class BlockJoinTest {
  private static final int N = 400;
  private static final int K = 6;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Kernel kernel : Kernels.both()) {
      // Up to a whole block of this data: 96 rows for the scalar kernels, 192 for AVX-512's.
      int block = TileJoin.blockSize(kernel.ops(), N, 37);
      for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.COSINE}) {
        for (int size : new int[] {1, 7, 64, 95, block}) {
          out.add(Arguments.of(kernel, metric, size));
        }
      }
    }
    return out.stream();
  }

  private static Vectors points() {
    return Vectors.of(TestData.plantDuplicates(TestData.gaussian(17, N, 37, 0.3f), 5, 20, 3));
  }

  /** {@code count} distinct rows in a scattered order. */
  private static int[] list(long seed, int count, int[] exclude) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      final int row = i;
      if (Arrays.stream(exclude).noneMatch(x -> x == row)) {
        all.add(i);
      }
    }
    java.util.Collections.shuffle(all, new Random(seed));
    return all.subList(0, count).stream().mapToInt(Integer::intValue).toArray();
  }

  /** The value a candidate list holds for a pair: re-computed from the differences in float32. */
  private static float value(VectorOps ops, Metric metric, Vectors v, int i, int j) {
    int d = v.dimension();
    if (metric == Metric.COSINE) {
      float[] inv = v.inverseNorms();
      return 0.5f * ops.squaredDistance(v.data(), i * d, inv[i], v.data(), j * d, inv[j], d);
    }
    return ops.squaredDistance(v.data(), i * d, v.data(), j * d, d);
  }

  /** Offers every (row, column) pair by hand to fresh lists, both ways if asked. */
  private static NeighborReservoirs reference(VectorOps ops, Metric metric, Vectors v, int[][] pairs,
      boolean both) {
    NeighborReservoirs heaps = new NeighborReservoirs(N, K);
    NeighborReservoirs.Worker worker = heaps.worker();
    for (int[] p : pairs) {
      float d = value(ops, metric, v, p[0], p[1]);
      worker.offer(p[0], d, p[1]);
      if (both) {
        worker.offer(p[1], d, p[0]);
      }
    }
    return heaps;
  }

  private static NeighborReservoirs joined(Screen screen, VectorOps ops, int[] rows, int[] cols,
      BlockJoin.Pairs pairs) {
    NeighborReservoirs heaps = new NeighborReservoirs(N, K);
    new BlockJoin(ops, screen, heaps.thresholds(), heaps.worker()).join(rows, rows.length, cols, cols.length,
        pairs);
    return heaps;
  }

  private static void assertSameHeaps(NeighborReservoirs expected, NeighborReservoirs actual) {
    NeighborReservoirs.Sorted e = expected.sortAndRelease(1);
    NeighborReservoirs.Sorted a = actual.sortAndRelease(1);
    assertArrayEquals(e.ids, a.ids, "ids");
    assertArrayEquals(e.distances, a.distances, "values");
  }

  @ParameterizedTest(name = "{0} {1} list of {2}")
  @MethodSource("cases")
  void everyPairOfAListOnceForBothRows(Kernel kernel, Metric metric, int size) {
    Vectors v = points();
    VectorOps ops = kernel.ops();
    int[] list = list(size, size, new int[0]);
    List<int[]> pairs = new ArrayList<>();
    for (int a = 0; a < size; a++) {
      for (int b = a + 1; b < size; b++) {
        pairs.add(new int[] {list[a], list[b]});
      }
    }
    Screen screen = FullWidthScreen.selfJoin(metric, ops, v);
    assertSameHeaps(reference(ops, metric, v, pairs.toArray(new int[0][]), true),
        joined(screen, ops, list, list, BlockJoin.Pairs.WITHIN));
  }

  @ParameterizedTest(name = "{0} {1} lists of {2}")
  @MethodSource("cases")
  void twoListsBothWaysAndOneWay(Kernel kernel, Metric metric, int size) {
    Vectors v = points();
    VectorOps ops = kernel.ops();
    int[] rows = list(size, size, new int[0]);
    int[] cols = list(size + 1000, Math.max(1, size / 2 + 3), rows);
    int[][] pairs = new int[rows.length * cols.length][];
    for (int a = 0; a < rows.length; a++) {
      for (int b = 0; b < cols.length; b++) {
        pairs[a * cols.length + b] = new int[] {rows[a], cols[b]};
      }
    }
    Screen screen = FullWidthScreen.selfJoin(metric, ops, v);
    assertSameHeaps(reference(ops, metric, v, pairs, true),
        joined(screen, ops, rows, cols, BlockJoin.Pairs.BOTH_WAYS));
    assertSameHeaps(reference(ops, metric, v, pairs, false),
        joined(screen, ops, rows, cols, BlockJoin.Pairs.ONE_WAY));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void aListJoinEqualsTheRangeJoinOfTheSameRows(Kernel kernel, Metric metric, int size) {
    // The first `size` rows as a range and as a list in the same order: same heaps, bit for bit.
    Vectors v = points();
    VectorOps ops = kernel.ops();
    int[] list = new int[size];
    Arrays.setAll(list, i -> i);
    Screen screen = FullWidthScreen.selfJoin(metric, ops, v);
    NeighborReservoirs byRange = new NeighborReservoirs(N, K);
    new BlockJoin(ops, screen, byRange.thresholds(), byRange.worker()).join(0, size, 0, size,
        BlockJoin.Pairs.WITHIN);
    assertSameHeaps(byRange, joined(screen, ops, list, list, BlockJoin.Pairs.WITHIN));
  }

  @org.junit.jupiter.api.Test
  void listsLargerThanTheBlockAreRefused() {
    Vectors v = points();
    VectorOps ops = Kernels.scalar();
    Screen screen = FullWidthScreen.selfJoin(Metric.EUCLIDEAN, ops, v);
    int[] big = new int[screen.block() + 1];
    NeighborReservoirs heaps = new NeighborReservoirs(N, K);
    BlockJoin join = new BlockJoin(ops, screen, heaps.thresholds(), heaps.worker());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> join.join(big, big.length, big, 1, BlockJoin.Pairs.BOTH_WAYS));
    assertEquals("blocks of " + big.length + " and 1 rows exceed this join's block of "
        + screen.block(), e.getMessage());
  }
}
