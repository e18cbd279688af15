package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.InvalidInputException;
import org.knng.engine.KnnOptions;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * Cutting the exact engine's self-join into blocks, joining every block with itself and every pair
 * of blocks once, and merging each row's pieces in any order gives the engine's graph bit for bit:
 * the same ids (ties by the smaller index) and the same distances, for every metric, k,
 * include-self, both screens and inputs full of ties and duplicates.
 */
class SplitJoinTest {

  static Stream<Arguments> inputs() {
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of("gaussian 24-d", TestData.gaussian(3, 900, 24, 0.5f)));
    out.add(Arguments.of("integer grid 6-d with copies",
        TestData.plantDuplicates(TestData.grid(4, 700, 6, 3), 5, 60, 4)));
    out.add(Arguments.of("all equal", TestData.constant(200, 5, 0.5f)));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void mergedPiecesAreTheEnginesGraph(String name, float[][] rows) {
    Vectors points = Vectors.of(rows);
    for (Metric metric : Metric.values()) {
      for (int k : new int[] {1, 9, 60}) {
        for (boolean self : new boolean[] {false, true}) {
          KnnOptions options = KnnOptions.defaults().withMetric(metric).withK(k)
              .withIncludeSelf(self).withThreads(2);
          KnnResult want = BruteForceEngine.create(options).graph(points);
          for (Screening screening : new Screening[] {Screening.FULL, Screening.PROJECTED}) {
            for (int blocks : new int[] {1, 4}) {
              String what = name + ", " + metric + ", k=" + k + ", include-self " + self + ", "
                  + screening + ", " + blocks + " blocks";
              KnnResult got = split(points, SplitJoin.create(options, screening), blocks,
                  k + blocks + (self ? 1 : 0));
              assertArrayEquals(want.ids(), got.ids(), what + ": ids");
              assertArrayEquals(want.distances(), got.distances(), what + ": distances");
            }
          }
        }
      }
    }
  }

  /**
   * One screen for all the pieces, fitted on a sample of the whole (as the Spark job fits it on the
   * driver and ships it to every task): where a few directions hold the variance the pieces screen
   * on them, elsewhere at full width, and either way, also after the fit has travelled through
   * Java serialization, the merged pieces are the engine's graph bit for bit.
   */
  @Test
  void piecesSharingOneFitFromASampleAreTheEnginesGraph() throws Exception {
    float[][] flat = ProjectionTest.lowRank(3000, 64, 6, 0f, 41);
    float[][] round = TestData.gaussian(42, 3000, 64, 0f);
    for (float[][] rows : List.of(flat, round)) {
      boolean projected = rows == flat;
      Vectors points = Vectors.of(rows);
      float[][] sampled = new float[1500][];
      for (int s = 0; s < sampled.length; s++) {
        sampled[s] = rows[2 * s];
      }
      for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.COSINE, Metric.MANHATTAN}) {
        // The whole join is taken to be large (the fit is for a million points), so that the
        // data alone decides; manhattan has no projected screen.
        SplitJoin.Fit fit = SplitJoin.fit(Vectors.of(sampled), 1_000_000, 2000, metric);
        boolean screens = projected && metric != Metric.MANHATTAN;
        assertEquals(screens, fit.describe().startsWith("projected"), metric + ": " + fit.describe());
        SplitJoin.Fit travelled = roundTrip(fit);
        assertEquals(fit.describe(), travelled.describe());
        KnnOptions options = KnnOptions.defaults().withMetric(metric).withK(12).withThreads(2);
        KnnResult want = BruteForceEngine.create(options).graph(points);
        for (SplitJoin.Fit f : List.of(fit, travelled)) {
          KnnResult got = split(points, SplitJoin.create(options, f), 5, 3);
          String what = (projected ? "low rank" : "isotropic") + ", " + metric;
          assertArrayEquals(want.ids(), got.ids(), what + ": ids");
          assertArrayEquals(want.distances(), got.distances(), what + ": distances");
        }
      }
    }
    SplitJoin.Fit cosine = SplitJoin.fit(Vectors.of(flat), 1_000_000, 2000, Metric.COSINE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SplitJoin.create(KnnOptions.defaults(), cosine));
    assertEquals("a screen fitted for cosine cannot screen euclidean", e.getMessage());
  }

  /**
   * A block projected once ({@link SplitJoin#project}), also after Java serialization (as it
   * travels with its block to Spark tasks), gives each piece exactly the lists the piece gets by
   * projecting its blocks itself, whether both blocks of a pair come projected or only one.
   */
  @Test
  void blocksProjectedOnceGiveThePiecesTheListsTheyFindAlone() throws Exception {
    float[][] rows = ProjectionTest.lowRank(2400, 64, 6, 0f, 47);
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.COSINE}) {
      SplitJoin.Fit fit = SplitJoin.fit(Vectors.of(rows), 1_000_000, 2000, metric);
      assertTrue(fit.describe().startsWith("projected"), fit.describe());
      SplitJoin join = SplitJoin.create(
          KnnOptions.defaults().withMetric(metric).withK(15).withThreads(2), fit);
      Vectors a = Vectors.of(Arrays.copyOfRange(rows, 0, 1001));
      Vectors b = Vectors.of(Arrays.copyOfRange(rows, 1001, 2400));
      SplitJoin.BlockProjection pa = join.project(a);
      SplitJoin.BlockProjection pb = roundTrip(join.project(b));
      assertEquals(1001, pa.size());
      assertEquals(1399, pb.size());
      SplitJoin.Lists ownA = join.within(a);
      assertSameLists(ownA, join.within(a, pa), metric + ", within");
      float[] limitsA = new float[ownA.rows];
      for (int r = 0; r < ownA.rows; r++) {
        limitsA[r] = ownA.limit(r);
      }
      SplitJoin.Lists alone = join.between(a, b, limitsA, null);
      assertSameLists(alone, join.between(a, pa, b, pb, limitsA, null), metric + ", both projected");
      assertSameLists(alone, join.between(a, pa, b, null, limitsA, null), metric + ", one projected");
      assertSameLists(alone, join.between(a, null, b, pb, limitsA, null), metric + ", the other");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> join.between(a, pb, b, pa, null, null));
      assertEquals("a projection of 1399 rows given for a block of 1001", e.getMessage());
    }
    // Where the pieces screen at full width there is nothing to project.
    SplitJoin full = SplitJoin.create(KnnOptions.defaults(),
        SplitJoin.fit(Vectors.of(TestData.gaussian(48, 2000, 64, 0f)), 1_000_000, 2000,
            Metric.EUCLIDEAN));
    assertNull(full.project(Vectors.of(rows)));
    assertNull(SplitJoin.create(KnnOptions.defaults()).project(Vectors.of(rows)));
  }

  private static void assertSameLists(SplitJoin.Lists want, SplitJoin.Lists got, String what) {
    assertEquals(want.rows, got.rows, what + ": rows");
    assertArrayEquals(want.ids, got.ids, what + ": ids");
    assertArrayEquals(want.values, got.values, what + ": ranking values");
    assertArrayEquals(want.distances, got.distances, what + ": distances");
  }

  @SuppressWarnings("unchecked")
  private static <T extends java.io.Serializable> T roundTrip(T object) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(object);
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void blocksSmallerThanKAndSingleRows() {
    // Blocks of one row and blocks with fewer rows than k: every row's lists are short in
    // each piece and complete only once merged.
    float[][] rows = TestData.gaussian(9, 40, 3, 1f);
    KnnOptions options = KnnOptions.defaults().withK(30).withThreads(1);
    KnnResult want = BruteForceEngine.create(options).graph(Vectors.of(rows));
    for (int blocks : new int[] {2, 13, 40}) {
      KnnResult got = split(Vectors.of(rows), SplitJoin.create(options), blocks, blocks);
      assertArrayEquals(want.ids(), got.ids(), blocks + " blocks");
      assertArrayEquals(want.distances(), got.distances(), blocks + " blocks");
    }
  }

  @Test
  void includeSelfWithKOneKeepsNothingButSelf() {
    KnnOptions options = KnnOptions.defaults().withK(1).withIncludeSelf(true);
    SplitJoin join = SplitJoin.create(options);
    assertEquals(0, join.kept());
    SplitJoin.Lists lists = join.between(Vectors.of(new float[][] {{0}, {1}}),
        Vectors.of(new float[][] {{2}}));
    assertEquals(3, lists.rows);
    assertEquals(0, lists.count(2));
  }

  @Test
  void refusesBlocksOfDifferentDimensions() {
    SplitJoin join = SplitJoin.create(KnnOptions.defaults().withMetric(Metric.COSINE));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> join.between(
        Vectors.of(new float[][] {{1, 2}}), Vectors.of(new float[][] {{1, 2, 3}})));
    assertEquals("blocks of dimension 2 and 3 cannot be joined", e.getMessage());
    // Blocks side by side: each must have a row.
    Vectors both = Vectors.of(new float[][] {{1, 2}, {2, 1}});
    for (int sizeA : new int[] {0, 2}) {
      IllegalArgumentException side = assertThrows(IllegalArgumentException.class,
          () -> join.between(both, sizeA, null, null, null, null));
      assertEquals("a first block of " + sizeA + " of 2 rows", side.getMessage());
    }
    assertEquals(2, join.between(both, 1, null, null, null, null).rows);
  }

  @Test
  void mergeIsOrderFreeAndKeepsTheSmallestValueThenId() {
    PartialRow a = new PartialRow(new long[] {7, 3}, new float[] {1f, 2f}, new float[] {1f, 1.5f});
    PartialRow b = new PartialRow(new long[] {5, 2}, new float[] {1f, 2f}, new float[] {1f, 1.5f});
    PartialRow ab = a.merge(b, 3);
    PartialRow ba = b.merge(a, 3);
    long[] ids = new long[4];
    float[] dist = new float[4];
    ab.finish(9, true, 4, ids, dist, 0);
    assertArrayEquals(new long[] {9, 5, 7, 2}, ids);
    assertArrayEquals(new float[] {0f, 1f, 1f, 1.5f}, dist);
    long[] again = new long[4];
    ba.finish(9, true, 4, again, new float[4], 0);
    assertArrayEquals(ids, again);
    long[] padded = new long[5];
    float[] paddedDist = new float[5];
    new PartialRow(new long[] {4}, new float[] {3f}, new float[] {3f})
        .finish(1, false, 3, padded, paddedDist, 2);
    assertArrayEquals(new long[] {0, 0, 4, -1, -1}, padded);
    assertEquals(Float.POSITIVE_INFINITY, paddedDist[4]);
  }

  /**
   * The graph of {@code points} through the split join: rows dealt at random into {@code blocks}
   * blocks (each block in id order), every piece joined, the pieces' rows merged in a shuffled
   * order, then finished.
   */
  static KnnResult split(Vectors points, SplitJoin join, int blocks, long seed) {
    int n = points.size();
    int d = points.dimension();
    Random random = new Random(seed);
    List<List<Integer>> members = new ArrayList<>();
    for (int b = 0; b < blocks; b++) {
      members.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      members.get(i < blocks ? i : random.nextInt(blocks)).add(i); // no block empty
    }
    List<Vectors> vectors = new ArrayList<>();
    List<long[]> ids = new ArrayList<>();
    for (List<Integer> m : members) {
      float[] data = new float[m.size() * d];
      long[] id = new long[m.size()];
      for (int r = 0; r < m.size(); r++) {
        id[r] = m.get(r);
        System.arraycopy(points.data(), m.get(r) * d, data, r * d, d);
      }
      vectors.add(Vectors.wrap(data, d));
      ids.add(id);
    }
    List<Object[]> pieces = new ArrayList<>(); // {row id, PartialRow}
    // Each block with itself first; its rows' limits then bound what they take across (odd seeds
    // join across without them: both must give the same graph).
    List<float[]> limits = new ArrayList<>();
    // Each block projected once for all its pieces, where the pieces share a projected fit.
    List<SplitJoin.BlockProjection> projections = new ArrayList<>();
    for (Vectors block : vectors) {
      projections.add(join.project(block));
    }
    for (int a = 0; a < blocks; a++) {
      SplitJoin.Lists lists = join.within(vectors.get(a), projections.get(a));
      float[] limit = new float[lists.rows];
      for (int r = 0; r < lists.rows; r++) {
        pieces.add(new Object[] {ids.get(a)[r], PartialRow.of(lists, r, ids.get(a))});
        limit[r] = lists.limit(r);
      }
      limits.add(seed % 2 == 0 ? limit : null);
    }
    for (int a = 0; a < blocks; a++) {
      for (int b = a + 1; b < blocks; b++) {
        long[] idOf = concat(ids.get(a), ids.get(b));
        SplitJoin.Lists lists = join.between(vectors.get(a), projections.get(a), vectors.get(b),
            projections.get(b), limits.get(a), limits.get(b));
        for (int r = 0; r < lists.rows; r++) {
          pieces.add(new Object[] {idOf[r], PartialRow.of(lists, r, idOf)});
        }
      }
    }
    Collections.shuffle(pieces, random);
    PartialRow[] merged = new PartialRow[n];
    for (Object[] piece : pieces) {
      int row = (int) (long) (Long) piece[0];
      PartialRow p = (PartialRow) piece[1];
      merged[row] = merged[row] == null ? p : merged[row].merge(p, join.kept());
    }
    KnnOptions o = join.options();
    int k = o.k();
    long[] outIds = new long[n * k];
    float[] outDist = new float[n * k];
    for (int i = 0; i < n; i++) {
      PartialRow row = merged[i] != null ? merged[i] : new PartialRow(new long[0], new float[0], new float[0]);
      row.finish(i, o.includeSelf(), k, outIds, outDist, i * k);
    }
    int[] asInt = new int[n * k];
    for (int p = 0; p < asInt.length; p++) {
      asInt[p] = (int) outIds[p];
    }
    return new KnnResult(n, n, k, asInt, outDist, o.metric(), o.includeSelf());
  }

  private static long[] concat(long[] a, long[] b) {
    long[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

}
