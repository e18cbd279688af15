package org.knng.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knng.Algorithm;
import org.knng.InvalidInputException;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.graph.RecallEstimate;
import org.knng.metric.Metric;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * The approximate Spark job: rows with the core's semantics (k distinct real neighbours, never the
 * point itself, ordered by (distance, id), distances the exact ones of those pairs), a recall
 * against the exact graph above a floor and inside the job's own estimate, the same rows after
 * failed tasks, rows short of k repaired, a target recall of 1 giving the exact graph, and cells
 * that stay bounded when half the points are one point.
 */
class SparkApproximateTest {
  private static SparkSession spark;
  private static JavaSparkContext context;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2,2]").appName("knng-approx-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    context = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void rowsKeepTheCoresSemanticsAndTheEstimateHoldsTheTrueRecall() {
    float[][] rows = TestData.clusters(5, 6000, 24, 12, 6);
    Vectors points = Vectors.of(rows);
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.COSINE, Metric.MANHATTAN}) {
      KnnResult exact = BruteForceEngine.create(KnnOptions.defaults().withK(10).withMetric(metric))
          .graph(points);
      SparkKnn job = SparkKnn.builder().k(10).metric(metric).algorithm(Algorithm.NNDESCENT).blocks(6).build();
      SparkGraph graph = job.graph(context, points);
      assertEquals("nndescent", graph.algorithm());
      KnnResult got = job.collect(graph);
      assertValidRows(got, points, metric);
      double recall = recall(got, exact);
      RecallEstimate e = graph.recall().orElseThrow();
      assertTrue(recall >= 0.9, metric + ": recall " + recall);
      // The estimate is of 1000 sampled rows: its interval holds the whole graph's recall, up to
      // a sampling slack.
      assertTrue(e.low() - 0.01 <= recall && recall <= e.high() + 0.01, metric + ": " + e + " vs " + recall);
      assertEquals(1000, e.rows());
      assertEquals(e, got.recall().orElseThrow(), "the collected result carries the estimate");
    }
  }

  @Test
  void largeCellsRunNnDescentAndATaskThatFailsOnceChangesNothing() {
    // Two cells of about 30,000 points each: above the core's exact size, so each runs NN-Descent.
    float[][] rows = TestData.clusters(8, 40_000, 12, 20, 8);
    Vectors points = Vectors.of(rows);
    SparkKnn job = SparkKnn.builder().k(8).algorithm(Algorithm.NNDESCENT).blocks(2).build();
    KnnResult once = job.collect(job.graph(context, points));
    assertValidRows(once, points, Metric.EUCLIDEAN);
    KnnResult exact = BruteForceEngine.create(KnnOptions.defaults().withK(8)).graph(points);
    assertTrue(recall(once, exact) >= 0.95, "recall " + recall(once, exact));
    SparkKnn failing = SparkKnn.builder().k(8).algorithm(Algorithm.NNDESCENT).blocks(2)
        .failFirstAttempts(true).build();
    KnnResult again = failing.collect(failing.graph(context, points));
    assertArrayEquals(once.ids(), again.ids());
    assertArrayEquals(once.distances(), again.distances());
  }

  @Test
  void tablesGiveTheSameRowsAsDriverVectorsAndIncludeSelfListsThePointFirst() {
    float[][] rows = TestData.clusters(3, 3000, 10, 6, 4);
    Vectors points = Vectors.of(rows);
    SparkKnn job = SparkKnn.builder().k(6).includeSelf(true).algorithm(Algorithm.NNDESCENT).blocks(4).build();
    KnnResult fromDriver = job.collect(job.graph(context, points));
    for (int i = 0; i < rows.length; i++) {
      assertEquals(i, fromDriver.neighbor(i, 0), "row " + i + " starts with itself");
    }
    SparkGraph fromTable = job.graph(SparkKnnTest.table(rows, DataTypes.FloatType, null));
    assertTrue(fromTable.recall().orElseThrow().recall() > 0.9);
    KnnResult table = job.collect(fromTable);
    KnnResult exact = BruteForceEngine.create(KnnOptions.defaults().withK(6).withIncludeSelf(true)).graph(points);
    assertTrue(recall(table, exact) >= 0.9, "recall " + recall(table, exact));
  }

  @Test
  void rowsShortOfKAreSearchedExactly() {
    // Three far points and many near ones: the far points' cells (with their nearest centroids)
    // hold fewer than k points, yet every row gets k neighbours, the exact ones.
    float[][] near = TestData.gaussian(2, 2000, 6, 0f);
    float[][] rows = new float[near.length + 3][];
    System.arraycopy(near, 0, rows, 0, near.length);
    for (int f = 0; f < 3; f++) {
      rows[near.length + f] = new float[] {1000f + f, 1000f, 1000f, 1000f, 1000f, 1000f};
    }
    Vectors points = Vectors.of(rows);
    SparkKnn job = SparkKnn.builder().k(8).algorithm(Algorithm.NNDESCENT).blocks(12).build();
    KnnResult got = job.collect(job.graph(context, points));
    KnnResult exact = BruteForceEngine.create(KnnOptions.defaults().withK(8)).graph(points);
    assertValidRows(got, points, Metric.EUCLIDEAN);
    for (int f = 0; f < 3; f++) {
      int row = near.length + f;
      assertArrayEquals(exact.neighbors(row), got.neighbors(row), "far row " + row);
    }
  }

  @Test
  void targetRecallOneIsTheExactJob() {
    float[][] rows = TestData.gaussian(4, 1500, 20, 0.5f);
    Vectors points = Vectors.of(rows);
    KnnResult exact = BruteForceEngine.create(KnnOptions.defaults().withK(5)).graph(points);
    SparkKnn job = SparkKnn.builder().k(5).algorithm(Algorithm.NNDESCENT).targetRecall(1).build();
    SparkGraph graph = job.graph(context, points);
    assertEquals("exact", graph.algorithm());
    KnnResult got = job.collect(graph);
    assertArrayEquals(exact.ids(), got.ids());
    assertArrayEquals(exact.distances(), got.distances());
  }

  @Test
  void aTargetAboveWhatTheCellsGiveRaisesTheOverlapOrRunsExactly() {
    // Uniform noise in 32 dimensions: cells of near points miss many neighbours.
    float[][] rows = TestData.gaussian(6, 4000, 32, 0f);
    Vectors points = Vectors.of(rows);
    KnnResult exact = BruteForceEngine.create(KnnOptions.defaults().withK(10)).graph(points);
    SparkKnn plain = SparkKnn.builder().k(10).algorithm(Algorithm.NNDESCENT).blocks(16).build();
    double first = plain.graph(context, points).recall().orElseThrow().low();
    double target = Math.min(1, first + 0.05);
    SparkKnn job = SparkKnn.builder().k(10).algorithm(Algorithm.NNDESCENT).blocks(16).targetRecall(target).build();
    SparkGraph graph = job.graph(context, points);
    KnnResult got = job.collect(graph);
    if (graph.algorithm().equals("exact")) {
      assertArrayEquals(exact.ids(), got.ids());
    } else {
      assertTrue(graph.recall().orElseThrow().low() >= target, graph.recall() + " vs target " + target);
      assertTrue(recall(got, exact) > first);
    }
  }

  /**
   * Uniform noise in 32 dimensions, in 16 cells: the cells miss neighbours across their borders,
   * and a target above the first estimate runs rounds of NN-Descent across the cells first, which
   * find them (rows still valid: distinct ids, exact distances, in order).
   */
  @Test
  void roundsAcrossCellsFindNeighboursThatNoCellHeld() {
    float[][] rows = TestData.gaussian(6, 4000, 32, 0f);
    Vectors points = Vectors.of(rows);
    KnnResult exact = BruteForceEngine.create(KnnOptions.defaults().withK(10)).graph(points);
    SparkKnn plain = SparkKnn.builder().k(10).algorithm(Algorithm.NNDESCENT).blocks(16).build();
    SparkGraph once = plain.graph(context, points);
    double first = recall(plain.collect(once), exact);
    double target = once.recall().orElseThrow().recall() + 0.03;
    java.util.List<String> notes = new java.util.ArrayList<>();
    SparkKnn job = SparkKnn.builder().k(10).algorithm(Algorithm.NNDESCENT).blocks(16).targetRecall(target)
        .progress(org.knng.ProgressListener.notes(notes::add)).build();
    SparkGraph graph = job.graph(context, points);
    assertEquals("nndescent", graph.algorithm());
    assertTrue(notes.stream().anyMatch(m -> m.contains("round 1 across cells")), notes.toString());
    assertTrue(notes.stream().noneMatch(m -> m.contains("3 per point")), "rounds sufficed: " + notes);
    assertTrue(graph.recall().orElseThrow().low() >= target, graph.recall() + " vs " + target);
    KnnResult got = job.collect(graph);
    assertValidRows(got, points, Metric.EUCLIDEAN);
    assertTrue(recall(got, exact) >= first + 0.03, recall(got, exact) + " vs " + first);
    // Rounds are deterministic: retried tasks give the same rows.
    SparkKnn failing = SparkKnn.builder().k(10).algorithm(Algorithm.NNDESCENT).blocks(16).targetRecall(target)
        .failFirstAttempts(true).build();
    KnnResult again = failing.collect(failing.graph(context, points));
    assertArrayEquals(got.ids(), again.ids());
    assertArrayEquals(got.distances(), again.distances());
  }

  @Test
  void halfThePointsEqualStayInBoundedCells() {
    float[][] rows = TestData.gaussian(9, 4000, 8, 0f);
    for (int i = 0; i < rows.length; i += 2) {
      rows[i] = rows[0].clone();
    }
    Vectors points = Vectors.of(rows);
    float[] sample = TestData.flatten(rows);
    KMeansCover cover = KMeansCover.fit(sample, rows.length, 8, 4, 2, rows.length, 1200, false, 7);
    int[] sizes = new int[cover.cells()];
    int[] cells = new int[2];
    for (int i = 0; i < rows.length; i++) {
      cover.cellsOf(i, sample, i * 8, cells);
      assertTrue(cells[0] != cells[1], "two different cells for point " + i);
      sizes[cells[0]]++;
      sizes[cells[1]]++;
    }
    for (int size : sizes) {
      assertTrue(size <= 1200 * 1.5, "a cell of " + size + " points (cap 1200)");
    }
    SparkKnn job = SparkKnn.builder().k(5).algorithm(Algorithm.NNDESCENT).build();
    KnnResult got = job.collect(job.graph(context, points));
    assertValidRows(got, points, Metric.EUCLIDEAN);
  }

  @Test
  void autoIsExactBelowTheCoresThresholdAndKdTreeIsRefused() {
    float[][] rows = TestData.gaussian(1, 500, 4, 0f);
    SparkKnn job = SparkKnn.builder().k(3).algorithm(Algorithm.AUTO).build();
    assertEquals("exact", job.graph(context, Vectors.of(rows)).algorithm());
    assertThrows(InvalidInputException.class, () -> SparkKnn.builder().algorithm(Algorithm.KDTREE));
    assertThrows(InvalidInputException.class, () -> SparkKnn.builder().targetRecall(0));
    assertThrows(InvalidInputException.class, () -> SparkKnn.builder().targetRecall(1.5));
  }

  /** Every row: k distinct real ids, not itself (but first under include-self), by (distance, id), exact distances. */
  private static void assertValidRows(KnnResult g, Vectors points, Metric metric) {
    int d = points.dimension();
    float[] x = points.data();
    int first = g.includesSelf() ? 1 : 0;
    for (int i = 0; i < g.rows(); i++) {
      Set<Integer> seen = new HashSet<>();
      for (int s = 0; s < g.k(); s++) {
        int j = g.neighbor(i, s);
        assertTrue(j >= 0, "row " + i + " slot " + s + " is empty");
        assertTrue(seen.add(j), "row " + i + " lists " + j + " twice");
        if (s < first) {
          assertEquals(i, j);
          continue;
        }
        assertFalse(j == i, "row " + i + " lists itself");
        assertEquals((float) metric.distance(x, i * d, x, j * d, d), g.distance(i, s), "row " + i + " slot " + s);
        if (s > first) {
          float before = g.distance(i, s - 1);
          assertTrue(before < g.distance(i, s) || (before == g.distance(i, s) && g.neighbor(i, s - 1) < j),
              "row " + i + " is out of order at slot " + s);
        }
      }
    }
  }

  /** The share of the exact graph's neighbours (ties at the k-th distance counted) the graph lists. */
  private static double recall(KnnResult got, KnnResult exact) {
    long hits = 0;
    for (int i = 0; i < got.rows(); i++) {
      float kth = exact.distance(i, exact.k() - 1);
      for (int s = 0; s < got.k(); s++) {
        if (got.neighbor(i, s) >= 0 && got.distance(i, s) <= kth) {
          hits++;
        }
      }
    }
    return (double) hits / ((long) got.rows() * got.k());
  }

  /**
   * Which size the job hands to the approximate job follows the core's choice for its own k: auto
   * from 150,000 points at k = 10, from 592,233 at k = 30 ((30 / 10)^1.25 times as many), never
   * with a target recall of 1; nndescent always, unless the target is 1.
   */
  @Test
  void theSizeFromWhichAutoIsApproximateGrowsWithTheJobsK() {
    SparkKnn ten = SparkKnn.builder().k(10).algorithm(Algorithm.AUTO).build();
    assertFalse(ten.approximate(149_999));
    assertTrue(ten.approximate(150_000));
    SparkKnn thirty = SparkKnn.builder().k(30).algorithm(Algorithm.AUTO).build();
    assertFalse(thirty.approximate(592_232));
    assertTrue(thirty.approximate(592_233));
    assertFalse(SparkKnn.builder().k(30).algorithm(Algorithm.AUTO).targetRecall(1).build().approximate(10_000_000));
    assertTrue(SparkKnn.builder().k(30).algorithm(Algorithm.NNDESCENT).build().approximate(1000));
    assertFalse(SparkKnn.builder().k(30).algorithm(Algorithm.NNDESCENT).targetRecall(1).build().approximate(1000));
    assertFalse(SparkKnn.builder().k(30).algorithm(Algorithm.EXACT).build().approximate(10_000_000));
  }
}
