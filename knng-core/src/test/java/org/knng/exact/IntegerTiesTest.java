package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.engine.KnnEngine;
import org.knng.graph.KnnResult;
import org.knng.kdtree.KdTreeEngine;
import org.knng.metric.Metric;
import org.knng.testing.Kernels;
import org.knng.testing.Kernels.Kernel;
import org.knng.testing.NaiveKnn;
import org.knng.vectors.Vectors;

/**
 * Ties at the k-th place between vectors of integers go to the smaller index ({@link
 * org.knng.tile.Differences}), as the rows are
 * ordered: each row is the k smallest by (the reported float32 distance, index), the reported
 * distance being the double-precision definition rounded once ({@link NaiveKnn}). Data on which
 * float32 sums of the same terms in other lanes round apart: 0/993 values in 257 dimensions
 * (squared distances past 2^24), a grid of spacing 4,999 in 3 dimensions, and cosine between 0/1
 * vectors (equal dot products and norms, fractions once divided by the norms). Every kernel, both
 * screens of the exact engine, and the tree engine.
 */
class IntegerTiesTest {
  static Stream<Arguments> kernelsAndScreens() {
    return Kernels.both().stream().flatMap(kernel -> Stream.of(Screening.FULL, Screening.PROJECTED)
        .map(screening -> Arguments.of(kernel, screening)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("kernelsAndScreens")
  void euclideanTiesBetweenLargeIntegersGoToTheSmallerIndex(Kernel kernel, Screening screening) {
    float[][] points = scaledBits(240, 257, 993f, 1);
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.SQEUCLIDEAN}) {
      KnnResult r = BruteForceEngine.builder().metric(metric).k(16).threads(2)
          .vectorOps(kernel.ops()).screening(screening).build().graph(Vectors.of(points));
      assertSmallestByReportedDistanceThenIndex(r, points, metric);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("kernelsAndScreens")
  void cosineTiesBetweenBinaryVectorsGoToTheSmallerIndex(Kernel kernel, Screening screening) {
    float[][] bits = scaledBits(300, 64, 1f, 0);
    float[][] large = scaledBits(200, 257, 993f, 2);
    for (float[][] points : new float[][][] {bits, large}) {
      KnnResult r = BruteForceEngine.builder().metric(Metric.COSINE).k(5).threads(2)
          .vectorOps(kernel.ops()).screening(screening).build().graph(Vectors.of(points));
      assertSmallestByReportedDistanceThenIndex(r, points, Metric.COSINE);
    }
  }

  static Stream<Kernel> kernels() {
    return Kernels.both().stream();
  }

  /**
   * The tree engine ranks the pairs of a scaled grid as the exact engine does, bit for bit, with
   * the ties at the k-th place to the smaller index: its scan's running float32 sums are not the
   * ranking values there.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void treeTiesOnAScaledGridGoToTheSmallerIndex(Kernel kernel) {
    Random random = new Random(6);
    float[][] points = new float[2500][3];
    for (float[] p : points) {
      for (int c = 0; c < 3; c++) {
        p[c] = 4999f * random.nextInt(21);
      }
    }
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.COSINE}) {
      KnnEngine tree = KdTreeEngine.builder().metric(metric).k(30).threads(2)
          .vectorOps(kernel.ops()).build();
      KnnResult r = tree.graph(Vectors.of(points));
      if (metric == Metric.EUCLIDEAN) {
        assertSmallestByReportedDistanceThenIndex(r, points, metric);
      }
      KnnResult exact = BruteForceEngine.builder().metric(metric).k(30).threads(2)
          .vectorOps(kernel.ops()).build().graph(Vectors.of(points));
      assertArrayEquals(exact.ids(), r.ids(), metric + ": the exact engine's ids");
      assertArrayEquals(exact.distances(), r.distances(), metric + ": the exact engine's distances");
    }
  }

  /**
   * Cosine between integers near 2^24, nearly parallel (1 - cos about 1e-15): the tree engine's
   * scan of the float32 unit vectors lets through every pair the exact engine keeps, so both give
   * the same graph, bit for bit.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void treeAndExactAgreeOnNearlyParallelLargeIntegers(Kernel kernel) {
    Random random = new Random(3);
    for (int d = 2; d <= 7; d++) {
      float[][] points = new float[40][d];
      for (float[] p : points) {
        for (int c = 0; c < d; c++) {
          p[c] = (1 << 24) - random.nextInt(8);
        }
      }
      KnnResult tree = KdTreeEngine.builder().metric(Metric.COSINE).k(3).threads(2)
          .vectorOps(kernel.ops()).build().graph(Vectors.of(points));
      KnnResult exact = BruteForceEngine.builder().metric(Metric.COSINE).k(3).threads(2)
          .vectorOps(kernel.ops()).build().graph(Vectors.of(points));
      assertArrayEquals(exact.ids(), tree.ids(), "d=" + d + ": ids");
      assertArrayEquals(exact.distances(), tree.distances(), "d=" + d + ": distances");
    }
  }

  /** {@code n x d} values, each 0 or {@code scale}, from {@code seed}. */
  private static float[][] scaledBits(int n, int d, float scale, long seed) {
    Random random = new Random(seed);
    float[][] points = new float[n][d];
    for (float[] p : points) {
      for (int c = 0; c < d; c++) {
        p[c] = random.nextBoolean() ? scale : 0f;
      }
      p[random.nextInt(d)] = scale; // no zero vector (cosine)
    }
    return points;
  }

  /**
   * Every row holds the k other points smallest by (the definition's distance rounded to float32,
   * index), in that order, with those distances.
   */
  private static void assertSmallestByReportedDistanceThenIndex(KnnResult r, float[][] points,
      Metric metric) {
    int n = points.length;
    int k = r.k();
    int wrong = 0;
    String first = null;
    for (int i = 0; i < n; i++) {
      float[] reported = new float[n];
      for (int j = 0; j < n; j++) {
        reported[j] = (float) NaiveKnn.distance(metric, points[i], points[j]);
      }
      int row = i;
      Integer[] order = new Integer[n - 1];
      for (int j = 0, o = 0; j < n; j++) {
        if (j != row) {
          order[o++] = j;
        }
      }
      Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> reported[j]).thenComparingInt(j -> j));
      int[] want = Arrays.stream(order, 0, k).mapToInt(Integer::intValue).toArray();
      int[] got = r.neighbors(i);
      if (!Arrays.equals(want, got)) {
        wrong++;
        if (first == null) {
          first = "row " + i + ": " + Arrays.toString(got) + ", want " + Arrays.toString(want);
        }
      }
      for (int j = 0; j < k; j++) {
        assertEquals(reported[want[j]], r.distance(i, j), "row " + i + " rank " + j + " distance");
      }
    }
    assertEquals(0, wrong, metric + ": rows with other neighbours, e.g. " + first);
  }
}
