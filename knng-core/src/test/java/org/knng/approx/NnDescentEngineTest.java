package org.knng.approx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.knng.InvalidInputException;
import org.knng.ProgressListener;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.graph.RecallEstimate;
import org.knng.metric.Metric;
import org.knng.testing.EngineChecks;
import org.knng.testing.KnnAssertions;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * NN-Descent on small seeded data, run as on large data (the exact shortcut for small inputs is
 * lowered): recall floors in every metric, the same graph for any thread count, well-formed rows
 * (no self, no repeated id, no padding) on duplicate-heavy data, the recall estimate, and the
 * target-recall loop.
 */
class NnDescentEngineTest {
  private static final float[][] CLUSTERS = TestData.clusters(3, 3000, 24, 12, 4);

  private static NnDescentEngine engine(Metric metric, int k, int threads) {
    return NnDescentEngine.builder().metric(metric).k(k).threads(threads).seed(5).exactBelow(0).build();
  }

  /**
   * One cluster of 2,000 isotropic 48-d points: joining it in full takes all of its own pairs,
   * more than the share of them NN-Descent may spend, so alone it descends (and misses some
   * neighbours); as a part of a 40,000-point graph its share of that graph's budget covers the
   * join, and its lists are exact.
   */
  @Test
  void aPartOfALargerGraphJoinsItsClusterInFull() {
    Vectors points = Vectors.of(TestData.gaussian(17, 2000, 48, 0f));
    KnnResult exact = BruteForceEngine.create(graph(10)).graph(points);
    KnnResult alone = engine(Metric.EUCLIDEAN, 10, 2).graph(points);
    KnnResult part = NnDescentEngine.builder().k(10).threads(2).seed(5).exactBelow(0).partOf(40_000).build()
        .graph(points);
    assertTrue(alone.recall().orElseThrow().recall() < 1, "alone: " + alone.recall());
    assertArrayEquals(exact.ids(), part.ids());
    assertArrayEquals(exact.distances(), part.distances());
  }

  /**
   * Two far-apart clusters of 2,000 full-rank 48-dimensional Gaussians, as a part of a 40,000-point
   * graph, with the rows of the first in focus: its rows are exact (its cluster joined in full),
   * while the second cluster, holding no focus row, is left to NN-Descent and misses neighbours.
   * Without a focus both are exact.
   */
  @Test
  void onlyClustersInFocusAreJoinedInFull() {
    float[][] a = TestData.gaussian(17, 2000, 48, 0f);
    float[][] b = TestData.gaussian(18, 2000, 48, 100f);
    float[][] both = new float[4000][];
    for (int i = 0; i < 2000; i++) { // interleaved: the focus is not a prefix of the rows
      both[2 * i] = a[i];
      both[2 * i + 1] = b[i];
    }
    Vectors points = Vectors.of(both);
    java.util.BitSet focus = new java.util.BitSet();
    for (int i = 0; i < 4000; i += 2) {
      focus.set(i);
    }
    KnnResult exact = BruteForceEngine.create(graph(10)).graph(points);
    NnDescentEngine engine = NnDescentEngine.builder().k(10).threads(2).seed(5).exactBelow(0)
        .partOf(40_000).build();
    KnnResult all = engine.graph(points);
    KnnResult focused = engine.focusedGraph(points, focus);
    assertArrayEquals(exact.ids(), all.ids());
    int wrong = 0;
    for (int r = 0; r < 4000; r++) {
      boolean same = Arrays.equals(exact.ids(), r * 10, r * 10 + 10, focused.ids(), r * 10, r * 10 + 10);
      if (focus.get(r)) {
        assertTrue(same, "row " + r + " in focus");
      } else if (!same) {
        wrong++;
      }
    }
    assertTrue(wrong > 0, "the cluster out of focus was joined in full");
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void reachesARecallFloorInEveryMetric(Metric metric) {
    // Inner product ranks by the largest dot product, which NN-Descent's neighbour-of-neighbour
    // premise serves less well: a lower floor.
    double floor = metric == Metric.INNER_PRODUCT ? 0.7 : 0.95;
    EngineChecks.assertRecallAtLeast(engine(metric, 10, 2), CLUSTERS, floor);
  }

  /**
   * Separate clusters of 24-dimensional Gaussians (full rank: neighbours of neighbours are poor
   * guides within them), 3 of 700 points (more than a join's block, so joined in runs) and 40 of 45
   * to 90, with a tenth of the points duplicated: the lists fall apart into the clusters, which are
   * joined in full, so the graph is the exact one, bit for bit, on 1 and 2 threads.
   */
  @ParameterizedTest
  @EnumSource(value = Metric.class, names = {"EUCLIDEAN", "SQEUCLIDEAN", "MANHATTAN", "COSINE"})
  void separateClustersGetTheirExactGraph(Metric metric) {
    float[][] points = separateClusters();
    KnnResult exact = BruteForceEngine.create(graph(10).withMetric(metric)).graph(Vectors.of(points));
    KnnResult one = engine(metric, 10, 1).graph(Vectors.of(points));
    KnnResult two = engine(metric, 10, 2).graph(Vectors.of(points));
    assertArrayEquals(exact.ids(), one.ids());
    assertArrayEquals(exact.distances(), one.distances());
    assertArrayEquals(one.ids(), two.ids());
    assertEquals(1.0, one.recall().orElseThrow().recall());
  }

  /**
   * On separate clusters the forest stops once the components of the lists' nearest entries
   * settle (the graph is still the exact one); with rows out of focus, or on one Gaussian blob (one
   * component that never fits the budget), every tree is built.
   */
  @Test
  void theForestStopsEarlyOnlyWhereTheClustersHaveSettled() {
    float[][] points = separateClusters();
    List<String> notes = new ArrayList<>();
    KnnResult got = NnDescentEngine.builder().k(10).threads(2).seed(5).exactBelow(0)
        .progress(ProgressListener.notes(notes::add)).build().graph(Vectors.of(points));
    KnnResult exact = BruteForceEngine.create(graph(10)).graph(Vectors.of(points));
    assertArrayEquals(exact.ids(), got.ids());
    int trees = forestTrees(notes);
    assertTrue(trees < 16 && notes.stream().anyMatch(n -> n.contains("settled")), notes.toString());
    // With rows out of focus (a Spark cell's visitors, whose lists are the forest's) every tree.
    notes.clear();
    java.util.BitSet half = new java.util.BitSet(points.length);
    half.set(0, points.length / 2);
    NnDescentEngine.builder().k(10).threads(2).seed(5).exactBelow(0).sampleRows(0)
        .progress(ProgressListener.notes(notes::add)).build().focusedGraph(Vectors.of(points), half);
    assertEquals(16, forestTrees(notes), notes.toString());
    notes.clear();
    NnDescentEngine.builder().k(10).threads(2).seed(5).exactBelow(0)
        .progress(ProgressListener.notes(notes::add)).build()
        .graph(Vectors.of(TestData.gaussian(3, 3000, 24, 0f)));
    assertEquals(16, forestTrees(notes), notes.toString());
  }

  /** The trees of the forest, from the build's note. */
  private static int forestTrees(List<String> notes) {
    for (String note : notes) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("forest of (\\d+) trees").matcher(note);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("no forest note in " + notes);
  }

  /**
   * 43 separate clusters of 24-dimensional Gaussians: 3 of 700 points and 40 of 45 to 90, with a
   * tenth of the points duplicated, interleaved.
   */
  private static float[][] separateClusters() {
    java.util.Random random = new java.util.Random(11);
    java.util.List<float[]> rows = new java.util.ArrayList<>();
    int d = 24;
    for (int c = 0; c < 43; c++) {
      int size = c < 3 ? 700 : 45 + random.nextInt(46);
      float[] centre = new float[d];
      for (int a = 0; a < d; a++) {
        centre[a] = 50f * (float) random.nextGaussian();
      }
      float spread = 0.2f + random.nextFloat();
      for (int i = 0; i < size; i++) {
        float[] row = centre.clone();
        for (int a = 0; a < d; a++) {
          row[a] += spread * (float) random.nextGaussian();
        }
        rows.add(row);
      }
    }
    float[][] points = TestData.plantDuplicates(rows.toArray(new float[0][]), 3, 250, 2);
    java.util.Collections.shuffle(java.util.Arrays.asList(points), random); // clusters interleaved
    return points;
  }

  @ParameterizedTest
  @EnumSource(value = Metric.class, names = {"EUCLIDEAN", "COSINE"})
  void theSameSeedGivesTheSameGraphOnOneAndTwoThreads(Metric metric) {
    // Noise of 32 dimensions: far from every neighbour found, so any difference in the order of
    // work would show.
    Vectors points = Vectors.of(TestData.gaussian(4, 4000, 32, 0f));
    KnnResult one = engine(metric, 10, 1).graph(points);
    KnnResult two = engine(metric, 10, 2).graph(points);
    assertArrayEquals(one.ids(), two.ids());
    assertArrayEquals(one.distances(), two.distances());
    assertEquals(one.recall().orElseThrow(), two.recall().orElseThrow());
    assertTrue(one.recall().orElseThrow().recall() < 0.999, "not the exact graph");
    KnnResult other = NnDescentEngine.builder().metric(metric).k(10).threads(2).seed(6).exactBelow(0)
        .build().graph(points);
    assertFalse(Arrays.equals(one.ids(), other.ids()), "another seed, another graph");
  }

  @Test
  void rowsAreWellFormedOnDuplicateHeavyData() {
    // Half of the rows are copies of the other half (some copied several times).
    float[][] base = TestData.clusters(8, 1500, 16, 6, 3);
    float[][] rows = new float[3000][];
    for (int i = 0; i < 1500; i++) {
      rows[i] = base[i];
      rows[1500 + i] = base[(i * 7) % 500].clone();
    }
    KnnResult graph = engine(Metric.EUCLIDEAN, 10, 2).graph(Vectors.of(rows));
    KnnAssertions.assertWellFormed(graph, rows.length, rows.length, 10, true, false);
    for (int r = 0; r < rows.length; r++) {
      int row = r;
      int[] ids = graph.neighbors(r);
      assertEquals(10, Arrays.stream(ids).filter(id -> id >= 0 && id != row).distinct().count(),
          "row " + r + ": " + Arrays.toString(ids));
    }
    double recall = EngineChecks.recall(graph,
        BruteForceEngine.create(graph(10)).graph(Vectors.of(rows)), rows, rows);
    assertTrue(recall >= 0.95, "recall " + recall);
  }

  private static KnnOptions graph(int k) {
    return KnnOptions.defaults().withK(k);
  }

  /** A graph within groups carries its groups' estimates combined, close to its measured recall. */
  @Test
  void aGraphWithinGroupsCarriesItsEstimatedRecall() {
    float[][] rows = TestData.gaussian(12, 8000, 24, 0); // no clusters to join in full: approximate
    Vectors points = Vectors.of(rows);
    int[] groups = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      groups[i] = i % 2;
    }
    KnnResult graph = NnDescentEngine.builder().k(10).threads(2).seed(5).effort(1).exactBelow(0).build()
        .graph(points, groups);
    double measured = 0;
    for (int g = 0; g < 2; g++) {
      int[] members = new int[rows.length / 2];
      float[][] part = new float[members.length][];
      for (int i = 0; i < members.length; i++) {
        members[i] = 2 * i + g;
        part[i] = rows[members[i]];
      }
      KnnResult mine = new KnnResult(members.length, members.length, 10, local(graph, members, groups),
          new float[members.length * 10], Metric.EUCLIDEAN, false);
      measured += EngineChecks.recall(mine, BruteForceEngine.create(graph(10)).graph(Vectors.of(part)), part,
          part) / 2;
    }
    RecallEstimate estimate = graph.recall().orElseThrow();
    assertTrue(measured < 0.999, "the test needs an approximate graph: " + measured);
    assertEquals(measured, estimate.recall(), 0.02);
    assertTrue(estimate.low() < estimate.recall() && estimate.recall() <= estimate.high(), estimate.describe());
    assertEquals(2 * NnDescentEngine.SAMPLE_ROWS, estimate.rows(), "the rows sampled in each group");
  }

  /** The rows {@code members} of a graph within groups, their ids as positions in {@code members}. */
  private static int[] local(KnnResult graph, int[] members, int[] groups) {
    int[] position = new int[groups.length];
    for (int i = 0; i < members.length; i++) {
      position[members[i]] = i;
    }
    int[] ids = new int[members.length * 10];
    for (int i = 0; i < members.length; i++) {
      for (int j = 0; j < 10; j++) {
        int id = graph.neighbor(members[i], j);
        assertEquals(groups[members[i]], groups[id], "within the group");
        ids[i * 10 + j] = position[id];
      }
    }
    return ids;
  }

  @Test
  void includeSelfPutsThePointFirst() {
    KnnResult graph = NnDescentEngine.builder().k(8).includeSelf(true).threads(2).exactBelow(0).build()
        .graph(Vectors.of(CLUSTERS));
    for (int r = 0; r < CLUSTERS.length; r++) {
      assertEquals(r, graph.neighbor(r, 0));
      assertEquals(0f, graph.distance(r, 0));
    }
    assertTrue(graph.recall().orElseThrow().recall() >= 0.95);
  }

  @Test
  void tinyInputsAreExact() {
    for (int n : new int[] {2, 5, 11, 12}) {
      float[][] rows = Arrays.copyOf(CLUSTERS, n);
      int k = Math.min(10, n - 1);
      KnnResult graph = engine(Metric.EUCLIDEAN, k, 2).graph(Vectors.of(rows));
      KnnResult exact = BruteForceEngine.create(graph(k)).graph(Vectors.of(rows));
      assertArrayEquals(exact.ids(), graph.ids(), "n = " + n);
    }
    assertThrows(InvalidInputException.class,
        () -> engine(Metric.EUCLIDEAN, 5, 1).graph(Vectors.of(Arrays.copyOf(CLUSTERS, 5))));
  }

  /**
   * Above 20,000 points NN-Descent runs at k = 10 (and estimates its recall), but at k = 30 it
   * hands the graph to the exact engine until 78,964 points: its work grows with k much faster.
   */
  @Test
  void theSizeItHandsOverBelowGrowsWithK() {
    Vectors points = Vectors.of(TestData.gaussian(8, 21_000, 4, 0));
    KnnResult ten = NnDescentEngine.builder().k(10).threads(2).build().graph(points);
    assertTrue(ten.recall().isPresent(), "k = 10: NN-Descent, measured");
    KnnResult thirty = NnDescentEngine.builder().k(30).threads(2).build().graph(points);
    assertTrue(thirty.recall().isEmpty(), "k = 30: the exact engine");
    assertArrayEquals(BruteForceEngine.create(graph(30)).graph(points).ids(), thirty.ids());
  }

  @Test
  void theEstimateIsCloseToTheMeasuredRecall() {
    Vectors points = Vectors.of(CLUSTERS);
    KnnResult graph = NnDescentEngine.builder().k(10).threads(2).effort(1).exactBelow(0).build().graph(points);
    RecallEstimate estimate = graph.recall().orElseThrow();
    double measured = EngineChecks.recall(graph, BruteForceEngine.create(graph(10)).graph(points),
        CLUSTERS, CLUSTERS);
    assertTrue(estimate.low() <= measured + 0.01 && measured - 0.01 <= estimate.high(),
        estimate.describe() + " vs measured " + measured);
    assertEquals(NnDescentEngine.SAMPLE_ROWS, estimate.rows());
  }

  @Test
  void aTargetRecallIsReachedAndOneMeansExact() {
    Vectors points = Vectors.of(CLUSTERS);
    KnnResult graph = NnDescentEngine.builder().k(10).threads(2).effort(1).targetRecall(0.995)
        .exactBelow(0).build().graph(points);
    KnnResult exact = BruteForceEngine.create(graph(10)).graph(points);
    assertTrue(graph.recall().orElseThrow().low() >= 0.995, graph.recall().orElseThrow().describe());
    assertTrue(EngineChecks.recall(graph, exact, CLUSTERS, CLUSTERS) >= 0.99);
    KnnResult one = NnDescentEngine.builder().k(10).threads(2).targetRecall(1).exactBelow(0).build()
        .graph(points);
    assertArrayEquals(exact.ids(), one.ids());
  }

  @Test
  void aTargetIsReachedOnNoiseToo() {
    // 64-dimensional noise: neighbours of neighbours are rarely neighbours, so the effort rises
    // (or the exact engine takes over) until the estimate's lower end reaches the target.
    float[][] noise = TestData.gaussian(9, 3000, 64, 0f);
    KnnResult graph = NnDescentEngine.builder().k(10).threads(2).effort(1).targetRecall(0.99)
        .exactBelow(0).build().graph(Vectors.of(noise));
    KnnResult exact = BruteForceEngine.create(graph(10)).graph(Vectors.of(noise));
    assertTrue(graph.recall().orElseThrow().low() >= 0.99);
    double measured = EngineChecks.recall(graph, exact, noise, noise);
    assertTrue(measured >= 0.985, "measured " + measured);
  }

  @Test
  void theIntrinsicDimensionTellsNoiseFromStructure() {
    KnnOptions options = graph(10).withThreads(2);
    double clustered = org.knng.eval.RecallSample.draw(Vectors.of(CLUSTERS), options, 500, 1)
        .intrinsicDimension();
    float[][] noise = TestData.gaussian(5, 4000, 128, 0f);
    double uniform = org.knng.eval.RecallSample.draw(Vectors.of(noise), options, 500, 1)
        .intrinsicDimension();
    assertTrue(clustered < 12, "clusters of dimension 4: " + clustered);
    assertTrue(uniform > Approximation.HIGH_DIMENSION, "noise of dimension 128: " + uniform);
    // With a target recall such data goes to the exact engine before any descent.
    KnnResult graph = NnDescentEngine.builder().k(10).threads(2).targetRecall(0.95).exactBelow(0)
        .build().graph(Vectors.of(noise));
    assertArrayEquals(BruteForceEngine.create(graph(10)).graph(Vectors.of(noise)).ids(), graph.ids());
    assertEquals(1.0, graph.recall().orElseThrow().recall());
  }

  @Test
  void refiningWithMoreEffortRaisesTheRecall() {
    // The target-recall loop's step, run directly: the same build, then longer lists.
    float[][] noise = TestData.gaussian(12, 4000, 24, 0f);
    Vectors points = Vectors.of(noise);
    KnnOptions options = graph(10).withThreads(2);
    Approximation approximation = new Approximation("test", options,
        org.knng.simd.VectorOpsProvider.get(), points);
    Settings low = Settings.auto(4000, 10, 1, 3);
    Settings high = Settings.auto(4000, 10, 3, 3);
    org.knng.tile.Screen screen = approximation.screen(Math.max(high.leaf(), 2 * high.candidates()));
    NnDescent descent = new NnDescent(org.knng.simd.VectorOpsProvider.get(), screen, low, 2,
        org.knng.ProgressListener.NONE);
    KnnResult exact = BruteForceEngine.create(options).graph(points);
    double before = EngineChecks.recall(approximation.result(descent.build()), exact, noise, noise);
    double after = EngineChecks.recall(approximation.result(descent.refine(high)), exact, noise, noise);
    assertTrue(after > before + 0.02 && after > 0.9, before + " -> " + after);
  }

  /**
   * A forest of one tree and no rounds: a leaf offers each row its nearest {@code kept} (5 of a
   * list of 12), so the lists' far ends stay empty for the rounds to fill; a Spark cell with
   * visitors (rows out of focus, which may see no round) fills whole lists.
   */
  @Test
  void forestLeavesOfferTheKeptNearestAndVisitorsWholeLists() {
    float[][] noise = TestData.gaussian(21, 3000, 24, 0f);
    Vectors points = Vectors.of(noise);
    org.knng.simd.VectorOps ops = org.knng.simd.VectorOpsProvider.get();
    Approximation approximation = new Approximation("test", graph(5).withThreads(2), ops, points);
    Settings forestOnly = new Settings(5, 12, 1, 40, 12, 0, 0.001, 9);
    org.knng.tile.Screen screen = approximation.screen(Math.max(forestOnly.leaf(),
        2 * forestOnly.candidates()));
    NeighborLists own = new NnDescent(ops, screen, forestOnly, 2, ProgressListener.NONE).build();
    java.util.BitSet focus = new java.util.BitSet();
    focus.set(0, 1500);
    NeighborLists visited = new NnDescent(ops, screen, forestOnly, 2, ProgressListener.NONE, 3000,
        focus).build();
    for (int r = 0; r < 3000; r++) {
      assertTrue(own.id(r, 4) >= 0, "row " + r + " has its kept 5");
      assertEquals(-1, own.id(r, 5), "row " + r + " holds more than the kept 5");
      assertTrue(visited.id(r, 11) >= 0, "row " + r + " of a cell with visitors fills its list");
    }
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(InvalidInputException.class, () -> NnDescentEngine.builder().effort(0.5));
    assertThrows(InvalidInputException.class, () -> NnDescentEngine.builder().effort(5));
    assertThrows(InvalidInputException.class, () -> NnDescentEngine.builder().targetRecall(0));
    assertThrows(InvalidInputException.class, () -> NnDescentEngine.builder().targetRecall(1.5));
    assertThrows(InvalidInputException.class, () -> NnDescentEngine.builder().sampleRows(-1));
    assertTrue(Double.isNaN(NnDescentEngine.builder().targetRecall(0.9).targetRecall(Double.NaN).build()
        .options().targetRecall()), "NaN clears the target");
  }
}
