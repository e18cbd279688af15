package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.InvalidInputException;
import org.knng.engine.KnnOptions;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.testing.TestData;
import org.knng.vectors.VectorSource;
import org.knng.vectors.Vectors;

/**
 * The exact graph and search built block by block from a {@link VectorSource} are the exact
 * engine's, bit for bit, whatever the block size: ids (ties by the smaller index) and distances,
 * for every metric, k, include-self, and inputs full of ties and duplicates (the split join's).
 */
class BlockedJoinTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.knng.exact.SplitJoinTest#inputs")
  void graphIsTheEnginesGraph(String name, float[][] rows) throws IOException {
    Vectors points = Vectors.of(rows);
    for (Metric metric : Metric.values()) {
      for (int k : new int[] {1, 9, 60}) {
        for (boolean self : new boolean[] {false, true}) {
          KnnOptions options = KnnOptions.defaults().withMetric(metric).withK(k)
              .withIncludeSelf(self).withThreads(2);
          KnnResult want = BruteForceEngine.create(options).graph(points);
          for (int blockRows : new int[] {points.size(), 97, 29}) {
            String what = name + ", " + metric + ", k=" + k + ", include-self " + self + ", blocks of "
                + blockRows;
            KnnResult got = BlockedJoin.graph(points, options, blockRows);
            assertEquals(want.includesSelf(), got.includesSelf(), what);
            assertArrayEquals(want.ids(), got.ids(), what + ": ids");
            assertArrayEquals(want.distances(), got.distances(), what + ": distances");
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.knng.exact.SplitJoinTest#inputs")
  void searchIsTheEnginesSearch(String name, float[][] rows) throws IOException {
    Vectors base = Vectors.of(rows);
    float[][] q = TestData.plantDuplicates(TestData.gaussian(8, 90, rows[0].length, 0.5f), 2, 10, 3);
    System.arraycopy(rows, 0, q, 0, 5); // some queries are base points
    Vectors queries = Vectors.of(q);
    for (Metric metric : Metric.values()) {
      for (int k : new int[] {1, 9, 60}) {
        KnnOptions options = KnnOptions.defaults().withMetric(metric).withK(k).withThreads(2);
        KnnResult want = BruteForceEngine.create(options).search(base, queries);
        for (int blockRows : new int[] {base.size(), 97, 29}) {
          String what = name + ", " + metric + ", k=" + k + ", blocks of " + blockRows;
          KnnResult got = BlockedJoin.search(base, queries, options, blockRows);
          assertEquals(base.size(), got.columns(), what);
          assertArrayEquals(want.ids(), got.ids(), what + ": ids");
          assertArrayEquals(want.distances(), got.distances(), what + ": distances");
        }
      }
    }
  }

  /**
   * A join large enough for the projected screen, on data with a few dominant directions: the
   * screen is fitted once, on rows read across the source (one read each, besides the blocks), and
   * the graph and the search are still the engine's bit for bit.
   */
  @Test
  void largeJoinsScreenOnOneFitFromRowsAcrossTheSource() throws IOException {
    Vectors points = Vectors.of(ProjectionTest.lowRank(Projection.MIN_POINTS + 116, 64, 6, 0f, 43));
    assertTrue(SplitJoin.mayProject(points.size(), points.dimension(), Metric.EUCLIDEAN));
    AtomicInteger singles = new AtomicInteger();
    VectorSource counted = counting(points, new AtomicInteger(), singles);
    KnnOptions options = KnnOptions.defaults().withK(10).withThreads(2);
    KnnResult want = BruteForceEngine.create(options).graph(points);
    KnnResult got = BlockedJoin.graph(counted, options, 6000);
    assertArrayEquals(want.ids(), got.ids());
    assertArrayEquals(want.distances(), got.distances());
    // 16,500 rows: every 4th read for the fit.
    assertEquals((points.size() + 3) / 4, singles.get());
    Vectors queries = Vectors.of(ProjectionTest.lowRank(300, 64, 6, 0f, 44));
    KnnResult wantSearch = BruteForceEngine.create(options).search(points, queries);
    KnnResult gotSearch = BlockedJoin.search(counted, queries, options, 6000);
    assertArrayEquals(wantSearch.ids(), gotSearch.ids());
    assertArrayEquals(wantSearch.distances(), gotSearch.distances());
  }

  @Test
  void readsEachBlockOnceForItsOwnPieceAndOncePerPair() throws IOException {
    Vectors points = Vectors.of(TestData.gaussian(5, 100, 4, 1f));
    AtomicInteger reads = new AtomicInteger();
    VectorSource counted = counting(points, reads, new AtomicInteger());
    BlockedJoin.graph(counted, KnnOptions.defaults().withK(5), 25); // 4 blocks
    // 4 own pieces; then block a once for its pairs (a = 0, 1, 2) and block b once per pair (6).
    assertEquals(4 + 3 + 6, reads.get());
    reads.set(0);
    BlockedJoin.search(counted, Vectors.of(TestData.gaussian(6, 10, 4, 1f)),
        KnnOptions.defaults().withK(5), 25);
    assertEquals(4, reads.get());
  }

  /** {@code points} as a source that counts its reads: all of them, and those of one row. */
  private static VectorSource counting(Vectors points, AtomicInteger reads, AtomicInteger singles) {
    return new VectorSource() {
      @Override
      public int size() {
        return points.size();
      }

      @Override
      public int dimension() {
        return points.dimension();
      }

      @Override
      public Vectors rows(int from, int count) {
        reads.incrementAndGet();
        if (count == 1) {
          singles.incrementAndGet();
        }
        return points.rows(from, count);
      }
    };
  }

  /**
   * Rows refused in a block are named as the input numbers them, not by their place in the block;
   * and the check that every value is too small concerns the whole input: tiny rows in the first
   * blocks among ordinary ones later build the engine's graph (searched again in double), while
   * an input that is tiny throughout is refused naming its largest value's row, as the engine does.
   */
  @Test
  void blocksAreCheckedAsPartsOfTheWholeInput() throws IOException {
    float[][] rows = TestData.gaussian(3, 90, 4, 1f);
    float[][] large = rows.clone();
    large[77] = new float[] {0f, 0f, 3e38f, 0f};
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> BlockedJoin.graph(Vectors.of(large), KnnOptions.defaults().withK(3), 20));
    assertTrue(e.getMessage().startsWith("row 77, column 2:"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> BlockedJoin.search(Vectors.of(large),
        Vectors.of(rows), KnnOptions.defaults().withK(3), 20));
    assertTrue(e.getMessage().startsWith("base row 77, column 2:"), e.getMessage());
    float[][] zero = rows.clone();
    zero[65] = new float[4];
    e = assertThrows(InvalidInputException.class, () -> BlockedJoin.graph(Vectors.of(zero),
        KnnOptions.defaults().withK(3).withMetric(Metric.COSINE), 20));
    assertTrue(e.getMessage().startsWith("row 65 is all zeros"), e.getMessage());

    float[][] tinyFirst = new float[90][];
    for (int i = 0; i < 90; i++) {
      tinyFirst[i] = rows[i].clone();
      for (int c = 0; c < 4 && i < 30; c++) {
        tinyFirst[i][c] *= 1e-20f;
      }
    }
    Vectors points = Vectors.of(tinyFirst);
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.SQEUCLIDEAN, Metric.INNER_PRODUCT}) {
      KnnOptions options = KnnOptions.defaults().withK(3).withMetric(metric);
      KnnResult want = BruteForceEngine.create(options).graph(points);
      KnnResult got = BlockedJoin.graph(points, options, 20);
      assertArrayEquals(want.ids(), got.ids(), metric + ": ids");
      assertArrayEquals(want.distances(), got.distances(), metric + ": distances");
      KnnResult wantSearch = BruteForceEngine.create(options).search(points, Vectors.of(rows));
      KnnResult gotSearch = BlockedJoin.search(points, Vectors.of(rows), options, 20);
      assertArrayEquals(wantSearch.ids(), gotSearch.ids(), metric + ": search ids");
    }
    float[][] tiny = new float[90][];
    for (int i = 0; i < 90; i++) {
      tiny[i] = rows[i].clone();
      for (int c = 0; c < 4; c++) {
        tiny[i][c] *= 1e-20f;
      }
    }
    KnnOptions options = KnnOptions.defaults().withK(3);
    String want = assertThrows(InvalidInputException.class,
        () -> BruteForceEngine.create(options).graph(Vectors.of(tiny))).getMessage();
    String got = assertThrows(InvalidInputException.class,
        () -> BlockedJoin.graph(Vectors.of(tiny), options, 20)).getMessage();
    assertEquals(want, got);
    got = assertThrows(InvalidInputException.class,
        () -> BlockedJoin.search(Vectors.of(tiny), Vectors.of(rows), options, 20)).getMessage();
    assertEquals(want.replace("(row ", "(base row "), got);
  }

  @Test
  void refusesWhatTheEngineRefuses() {
    Vectors points = Vectors.of(TestData.gaussian(1, 20, 3, 1f));
    KnnOptions options = KnnOptions.defaults().withK(20);
    assertThrows(InvalidInputException.class, () -> BlockedJoin.graph(points, options, 5));
    assertThrows(InvalidInputException.class, () -> BlockedJoin.search(points, points,
        KnnOptions.defaults().withK(21), 5));
    assertThrows(InvalidInputException.class, () -> BlockedJoin.search(points,
        Vectors.of(TestData.gaussian(1, 3, 4, 1f)), KnnOptions.defaults().withK(2), 5));
    assertThrows(InvalidInputException.class, () -> BlockedJoin.search(points, points,
        KnnOptions.defaults().withK(2).withIncludeSelf(true), 5));
    // A zero vector cannot be ranked by cosine: the block that holds it says so.
    float[][] rows = TestData.gaussian(1, 20, 3, 1f);
    rows[13] = new float[3];
    assertThrows(InvalidInputException.class, () -> BlockedJoin.graph(Vectors.of(rows),
        KnnOptions.defaults().withK(3).withMetric(Metric.COSINE), 5));
  }

  @Test
  void blocksFitTheirBudget() {
    assertEquals(1, BlockedJoin.blockRows(10, 128, 10), "at least one row");
    for (long budget : new long[] {1L << 20, 256L << 20, 3L << 30}) {
      for (int d : new int[] {3, 128, 784}) {
        for (int k : new int[] {1, 10, 1000}) {
          int rows = BlockedJoin.blockRows(budget, d, k);
          String what = budget + " bytes, d=" + d + ", k=" + k;
          assertTrue(rows == 1 || BlockedJoin.blockBytes(rows, d, k) <= budget, what + ": within");
          assertTrue(BlockedJoin.blockBytes(rows + 1, d, k) > budget, what + ": no row more fits");
        }
      }
    }
  }
}
