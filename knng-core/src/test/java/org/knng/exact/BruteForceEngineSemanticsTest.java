package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.testing.Kernels;
import org.knng.testing.Kernels.Kernel;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * Small hand-checked cases of {@link BruteForceEngine}: distances in the metric's own units, the
 * include-self convention, duplicates, search semantics and progress reporting. Each expected
 * value here was worked out by hand, so these fail with a readable message when a convention
 * (not just a number) is broken.
 */
class BruteForceEngineSemanticsTest {

  static Stream<Kernel> kernels() {
    return Kernels.both().stream();
  }

  private static BruteForceEngine.Builder engine(Kernel kernel, Metric metric, int k) {
    return BruteForceEngine.builder().metric(metric).k(k).threads(1).vectorOps(kernel.ops());
  }

  private static KnnResult graph(Kernel kernel, Metric metric, int k, float[][] points) {
    return engine(kernel, metric, k).build().graph(Vectors.of(points));
  }

  /** (0,0) and (3,4): euclidean 5 (not 25), sqeuclidean 25, manhattan 7, in both directions. */
  @ParameterizedTest
  @MethodSource("kernels")
  void pythagoreanTripleInEachMetricsUnits(Kernel kernel) {
    float[][] p = {{0, 0}, {3, 4}};
    for (Object[] c : new Object[][] {
        {Metric.EUCLIDEAN, 5f}, {Metric.SQEUCLIDEAN, 25f}, {Metric.MANHATTAN, 7f}}) {
      KnnResult r = graph(kernel, (Metric) c[0], 1, p);
      assertArrayEquals(new int[] {1, 0}, r.ids(), c[0] + " ids");
      assertArrayEquals(new float[] {(float) c[1], (float) c[1]}, r.distances(), c[0] + " distances");
      assertEquals(c[0], r.metric());
    }
  }

  /** Euclidean distances are true distances also when not integers: (0,0,0)-(1,1,1) is sqrt 3. */
  @ParameterizedTest
  @MethodSource("kernels")
  void euclideanIsTheSquareRoot(Kernel kernel) {
    KnnResult r = graph(kernel, Metric.EUCLIDEAN, 1, new float[][] {{0, 0, 0}, {1, 1, 1}});
    assertEquals((float) Math.sqrt(3), r.distance(0, 0));
  }

  /** Cosine = 1 − cos: opposite vectors 2, orthogonal 1, same direction 0 (whatever the length). */
  @ParameterizedTest
  @MethodSource("kernels")
  void cosineDistances(Kernel kernel) {
    float[][] p = {{1, 0}, {-2, 0}, {0, 5}, {3, 0}};
    KnnResult r = graph(kernel, Metric.COSINE, 3, p);
    // Row 0: (3,0) same direction -> 0, (0,5) orthogonal -> 1, (-2,0) opposite -> 2.
    assertArrayEquals(new int[] {3, 2, 1}, r.neighbors(0));
    assertEquals(0f, r.distance(0, 0));
    assertEquals(1f, r.distance(0, 1));
    assertEquals(2f, r.distance(0, 2));
    // Row 1 (-2,0): opposite of both (1,0) and (3,0): ties at 2 go to the smaller index.
    assertArrayEquals(new int[] {2, 0, 3}, r.neighbors(1));
    assertArrayEquals(new float[] {1f, 2f, 2f}, new float[] {r.distance(1, 0), r.distance(1, 1), r.distance(1, 2)});
  }

  /**
   * Cosine distance of a vector and its exact copy, or a positive multiple of it, is exactly 0
   * (not 1e-16): the value is stored as an explicit zero weight, so it must be one.
   */
  @ParameterizedTest
  @MethodSource("kernels")
  void cosineOfCopiesAndMultiplesIsExactlyZero(Kernel kernel) {
    Random rnd = new Random(11);
    for (int t = 0; t < 200; t++) {
      int d = 1 + rnd.nextInt(40);
      float[] a = new float[d];
      float[] twice = new float[d];
      for (int i = 0; i < d; i++) {
        a[i] = (float) rnd.nextGaussian();
        twice[i] = 2 * a[i];
      }
      float[] far = new float[d];
      Arrays.fill(far, -1f);
      KnnResult r = graph(kernel, Metric.COSINE, 2, new float[][] {a, a.clone(), twice, far});
      assertEquals(0f, r.distance(0, 0), "copy, d=" + d);
      assertEquals(0f, r.distance(0, 1), "positive multiple, d=" + d);
      assertEquals(Set.of(1, 2), Set.of(r.neighbor(0, 0), r.neighbor(0, 1)));
    }
  }

  /** Inner product is reported as −dot: negative for aligned vectors, positive for opposed ones. */
  @ParameterizedTest
  @MethodSource("kernels")
  void innerProductIsNegatedDot(Kernel kernel) {
    float[][] p = {{1, 2}, {3, 4}, {-1, -1}};
    KnnResult r = graph(kernel, Metric.INNER_PRODUCT, 2, p);
    // Row 0: dot with (3,4) = 11 -> -11 (nearest); with (-1,-1) = -3 -> +3.
    assertArrayEquals(new int[] {1, 2}, r.neighbors(0));
    assertEquals(-11f, r.distance(0, 0));
    assertEquals(3f, r.distance(0, 1));
    // Row 2: dot with (1,2) = -3 -> 3, with (3,4) = -7 -> 7.
    assertArrayEquals(new int[] {0, 1}, r.neighbors(2));
    assertEquals(7f, r.distance(2, 1));
  }

  /** Manhattan sums absolute differences, with negative coordinates. */
  @ParameterizedTest
  @MethodSource("kernels")
  void manhattanSumsAbsoluteDifferences(Kernel kernel) {
    KnnResult r = graph(kernel, Metric.MANHATTAN, 1, new float[][] {{1, -2, 3}, {-1, 2, 3.5f}});
    assertEquals(6.5f, r.distance(0, 0));
  }

  /**
   * Copies of a point at scattered indices are each other's neighbours at distance 0, and a point is
   * never its own neighbour: self is excluded by index, not by "the first one at distance 0".
   */
  @ParameterizedTest
  @MethodSource("kernels")
  void duplicatesAreNeighboursButSelfIsNot(Kernel kernel) {
    float[] x = {1, 1};
    float[][] p = {x, {5, 5}, {9, 9}, {2, 1}, x.clone(), {7, 7}, {6, 5}, x.clone()};
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.SQEUCLIDEAN, Metric.MANHATTAN}) {
      KnnResult r = graph(kernel, metric, 3, p);
      assertArrayEquals(new int[] {4, 7, 3}, r.neighbors(0), metric + " row 0");
      assertArrayEquals(new int[] {0, 7, 3}, r.neighbors(4), metric + " row 4");
      assertArrayEquals(new int[] {0, 4, 3}, r.neighbors(7), metric + " row 7");
      for (int row : new int[] {0, 4, 7}) {
        assertEquals(0f, r.distance(row, 0), metric + " row " + row);
        assertEquals(0f, r.distance(row, 1), metric + " row " + row);
        assertEquals(1f, r.distance(row, 2), metric + " row " + row);
      }
    }
  }

  /**
   * Include-self: column 0 is the point itself at distance 0, then its k − 1 nearest others —
   * including its duplicates, at distance 0 — even when a duplicate has a smaller index.
   */
  @ParameterizedTest
  @MethodSource("kernels")
  void includeSelfPutsThePointFirstThenItsNearestOthers(Kernel kernel) {
    float[] x = {1, 1};
    float[][] p = {x, {5, 5}, {9, 9}, {2, 1}, x.clone(), {7, 7}};
    KnnResult r = engine(kernel, Metric.EUCLIDEAN, 3).includeSelf(true).build().graph(Vectors.of(p));
    assertTrue(r.includesSelf());
    assertArrayEquals(new int[] {0, 4, 3}, r.neighbors(0));
    assertArrayEquals(new int[] {4, 0, 3}, r.neighbors(4));
    assertArrayEquals(new float[] {0f, 0f, 1f}, new float[] {r.distance(4, 0), r.distance(4, 1), r.distance(4, 2)});
    // Row 1 (5,5): itself, then (7,7) at sqrt 8, then (2,1) at 5.
    assertArrayEquals(new int[] {1, 5, 3}, r.neighbors(1));
    assertEquals((float) Math.sqrt(8), r.distance(1, 1));
    assertEquals(5f, r.distance(1, 2));
  }

  /** Include-self with inner product: self comes first at 0 even though others are at negative distance. */
  @ParameterizedTest
  @MethodSource("kernels")
  void includeSelfFirstEvenWhenOthersAreCloser(Kernel kernel) {
    float[][] p = {{1, 0}, {2, 0}, {3, 0}};
    KnnResult r = engine(kernel, Metric.INNER_PRODUCT, 2).includeSelf(true).build().graph(Vectors.of(p));
    assertArrayEquals(new int[] {0, 2, 1, 2, 2, 1}, r.ids());
    assertArrayEquals(new float[] {0f, -3f, 0f, -6f, 0f, -6f}, r.distances());
  }

  /** With include-self, k = N is allowed (every point) and N = 1, k = 1 gives the point itself. */
  @ParameterizedTest
  @MethodSource("kernels")
  void includeSelfAllowsKEqualToN(Kernel kernel) {
    KnnResult one = engine(kernel, Metric.EUCLIDEAN, 1).includeSelf(true).build()
        .graph(Vectors.of(new float[][] {{4, 2}}));
    assertArrayEquals(new int[] {0}, one.ids());
    assertArrayEquals(new float[] {0f}, one.distances());

    float[][] p = {{0}, {10}, {3}};
    KnnResult all = engine(kernel, Metric.EUCLIDEAN, 3).includeSelf(true).build().graph(Vectors.of(p));
    assertArrayEquals(new int[] {0, 2, 1, 1, 2, 0, 2, 0, 1}, all.ids());
    assertArrayEquals(new float[] {0, 3, 10, 0, 7, 10, 0, 3, 7}, all.distances());
  }

  /** k = N − 1 without include-self: every other point, in order. */
  @ParameterizedTest
  @MethodSource("kernels")
  void kEqualToNMinusOneListsEveryOtherPoint(Kernel kernel) {
    float[][] p = {{0}, {10}, {3}, {3}};
    KnnResult r = graph(kernel, Metric.MANHATTAN, 3, p);
    assertArrayEquals(new int[] {2, 3, 1, 2, 3, 0, 3, 0, 1, 2, 0, 1}, r.ids());
    assertArrayEquals(new float[] {3, 3, 10, 7, 7, 10, 0, 3, 7, 0, 3, 7}, r.distances());
  }

  /** Equal distances go to the smaller index, wherever the tie sits in the row. */
  @ParameterizedTest
  @MethodSource("kernels")
  void tiesGoToTheSmallerIndex(Kernel kernel) {
    // Point 2 at the centre; points 0, 1, 3, 4 all at distance 1.
    float[][] p = {{0, 1}, {1, 0}, {0, 0}, {-1, 0}, {0, -1}};
    KnnResult r = graph(kernel, Metric.EUCLIDEAN, 2, p);
    assertArrayEquals(new int[] {0, 1}, r.neighbors(2));
    KnnResult r3 = graph(kernel, Metric.EUCLIDEAN, 3, p);
    assertArrayEquals(new int[] {0, 1, 3}, r3.neighbors(2));
  }

  /**
   * Search: a query equal to a base point finds it at distance 0 (nothing is excluded), ids index
   * the base, k = base size is allowed, and include-self does not apply.
   */
  @ParameterizedTest
  @MethodSource("kernels")
  void searchFindsExactHitsAndIgnoresIncludeSelf(Kernel kernel) {
    Vectors base = Vectors.of(new float[][] {{0, 0}, {3, 4}, {1, 0}});
    Vectors queries = Vectors.of(new float[][] {{3, 4}, {0.5f, 0}});
    for (boolean includeSelf : new boolean[] {false, true}) {
      KnnResult r = engine(kernel, Metric.EUCLIDEAN, 3).includeSelf(includeSelf).build().search(base, queries);
      assertFalse(r.includesSelf());
      assertEquals(2, r.rows());
      assertEquals(3, r.columns());
      assertArrayEquals(new int[] {1, 2, 0, 0, 2, 1}, r.ids());
      assertArrayEquals(new float[] {0f, (float) Math.sqrt(20), 5f, 0.5f, 0.5f,
          (float) Math.sqrt(2.5 * 2.5 + 16)}, r.distances());
    }
  }

  /** A base of one point: every query finds it. */
  @ParameterizedTest
  @MethodSource("kernels")
  void searchInABaseOfOne(Kernel kernel) {
    KnnResult r = engine(kernel, Metric.SQEUCLIDEAN, 1).build()
        .search(Vectors.of(new float[][] {{2}}), Vectors.of(new float[][] {{0}, {2}, {5}}));
    assertArrayEquals(new int[] {0, 0, 0}, r.ids());
    assertArrayEquals(new float[] {4, 0, 9}, r.distances());
  }

  /**
   * Progress: updates are serialized, {@code done} never decreases, the total is the row count and
   * the last update reports all rows done, also with several threads.
   */
  @Test
  void progressReachesTheTotal() {
    List<long[]> updates = new ArrayList<>();
    BruteForceEngine engine = BruteForceEngine.builder().k(3).threads(2)
        .progress((done, total) -> {
          synchronized (updates) {
            updates.add(new long[] {done, total});
          }
        }).build();
    engine.graph(Vectors.of(TestData.gaussian(1, 100, 5, 0f)));
    assertFalse(updates.isEmpty());
    long total = updates.get(0)[1];
    assertTrue(total > 0, "total must be positive");
    long last = 0;
    for (long[] u : updates) {
      assertEquals(total, u[1], "total changed during the run");
      assertTrue(u[0] > last, "done did not grow");
      last = u[0];
    }
    assertEquals(total, last, "progress stopped short of the total");
  }

  /** The builder's defaults are those documented: euclidean, k = 10, self excluded. */
  @Test
  void builderDefaults() {
    BruteForceEngine engine = BruteForceEngine.builder().build();
    assertEquals(Metric.EUCLIDEAN, engine.metric());
    assertEquals(10, engine.k());
    KnnResult r = engine.graph(Vectors.of(TestData.gaussian(2, 11, 3, 0f)));
    assertFalse(r.includesSelf());
    assertEquals(10, r.k());
  }

  static Stream<Arguments> metricsAndKernels() {
    List<Arguments> out = new ArrayList<>();
    for (Kernel kernel : Kernels.both()) {
      for (Metric m : Metric.values()) {
        out.add(Arguments.of(m, kernel));
      }
    }
    return out.stream();
  }

  /** Two points: each is the other's only neighbour, in every metric (N = 2, k = N − 1). */
  @ParameterizedTest
  @MethodSource("metricsAndKernels")
  void twoPointsAreEachOthersNeighbour(Metric metric, Kernel kernel) {
    KnnResult r = graph(kernel, metric, 1, new float[][] {{1, 2, 3}, {-3, 0.5f, 2}});
    assertArrayEquals(new int[] {1, 0}, r.ids());
    assertEquals(r.distance(0, 0), r.distance(1, 0), "symmetric metric");
  }
}
