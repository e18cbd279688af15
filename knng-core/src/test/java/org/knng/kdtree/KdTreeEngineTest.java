package org.knng.kdtree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.InvalidInputException;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.simd.ScalarVectorOps;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * The tree engine gives the exact engine's output bit for bit (ids and distances) on the inputs
 * that break trees: lattices (many equal distances, ties by index), duplicates, all points on a
 * line or equal, tiny sets and tiny leaves, for k-NN, include-self, groups, searches and radius
 * graphs, with both kernels and any thread count.
 */
class KdTreeEngineTest {

  /** Named point sets, each hard in its own way. */
  static Stream<Arguments> inputs() {
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of("uniform 3-d", uniform(1, 3000, 3)));
    out.add(Arguments.of("lattice 3-d", lattice(14, 3)));
    out.add(Arguments.of("lattice 2-d with copies", TestData.plantDuplicates(lattice(40, 2), 3, 50, 4)));
    out.add(Arguments.of("half the rows copies", halfCopies(2, 1500, 3)));
    out.add(Arguments.of("all on a line", line(800)));
    out.add(Arguments.of("all equal", TestData.constant(300, 3, 0.25f)));
    out.add(Arguments.of("gaussian 8-d", TestData.gaussian(4, 1200, 8, 0.5f)));
    out.add(Arguments.of("grid 1-d", TestData.grid(5, 500, 1, 20)));
    out.add(Arguments.of("permuted offsets 3-d", permutedOffsets(7, 150)));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void graphsAreTheExactEnginesBitForBit(String name, float[][] rows) {
    Vectors points = Vectors.of(rows);
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.SQEUCLIDEAN, Metric.MANHATTAN,
        Metric.CHEBYSHEV, Metric.COSINE}) {
      if (metric == Metric.COSINE && hasZeroRow(rows)) {
        continue;
      }
      for (int k : new int[] {1, 7, 40}) {
        for (boolean self : new boolean[] {false, true}) {
          KnnResult want = BruteForceEngine.builder().metric(metric).k(k).includeSelf(self).build()
              .graph(points);
          // Leaves of one point make the deepest trees; the default leaves (0) run on two threads.
          for (int leaf : new int[] {1, 0}) {
            {
              int threads = leaf == 1 ? 1 : 2;
              KdTreeEngine.Builder builder = KdTreeEngine.builder().metric(metric).k(k)
                  .includeSelf(self).threads(threads);
              KnnResult got = (leaf > 0 ? builder.leaf(leaf) : builder).build().graph(points);
              String what = name + ", " + metric + ", k=" + k + ", include-self " + self + ", leaf "
                  + leaf + ", threads " + threads;
              assertArrayEquals(want.ids(), got.ids(), what + ": ids");
              assertArrayEquals(want.distances(), got.distances(), what + ": distances");
            }
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Metric.class, names = {"EUCLIDEAN", "MANHATTAN", "CHEBYSHEV", "COSINE"})
  void bothKernelsGiveTheSameGraph(Metric metric) {
    // The scalar kernels rank with other rounding than the SIMD ones; each engine pair must agree.
    float[][] rows = TestData.plantDuplicates(uniform(6, 2000, 4), 2, 30, 3);
    for (VectorOps ops : new VectorOps[] {new ScalarVectorOps(), VectorOpsProvider.get()}) {
      KnnResult want = BruteForceEngine.builder().metric(metric).k(9).vectorOps(ops).build()
          .graph(Vectors.of(rows));
      KnnResult got = KdTreeEngine.builder().metric(metric).k(9).vectorOps(ops).build()
          .graph(Vectors.of(rows));
      assertArrayEquals(want.ids(), got.ids(), ops.name());
      assertArrayEquals(want.distances(), got.distances(), ops.name());
    }
  }

  @Test
  void tinyInputsUpToEveryOtherPoint() {
    for (int n = 1; n <= 6; n++) {
      float[][] rows = uniform(n, n, 2);
      for (int k = 1; k <= n; k++) {
        for (boolean self : new boolean[] {false, true}) {
          if (!self && k == n) {
            continue;
          }
          KnnResult want = BruteForceEngine.builder().k(k).includeSelf(self).build().graph(Vectors.of(rows));
          KnnResult got = KdTreeEngine.builder().k(k).includeSelf(self).leaf(1).build()
              .graph(Vectors.of(rows));
          assertArrayEquals(want.ids(), got.ids(), "n=" + n + " k=" + k + " self " + self);
          assertArrayEquals(want.distances(), got.distances(), "n=" + n + " k=" + k);
        }
      }
    }
  }

  @Test
  void groupsWithUnsortedLabelsAreTheExactEnginesGroups() {
    // 40 clouds of 50 points, labels shuffled, as a PyG batch may be; one group smaller than k.
    int clouds = 40;
    float[][] rows = uniform(8, clouds * 50 + 3, 3);
    int[] labels = new int[rows.length];
    Random r = new Random(9);
    for (int i = 0; i < rows.length; i++) {
      labels[i] = i < clouds * 50 ? r.nextInt(clouds) * 7 - 100 : 999;
    }
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.MANHATTAN, Metric.CHEBYSHEV}) {
      KnnResult want = BruteForceEngine.builder().metric(metric).k(6).build()
          .graph(Vectors.of(rows), labels);
      KnnResult got = KdTreeEngine.builder().metric(metric).k(6).build().graph(Vectors.of(rows), labels);
      assertArrayEquals(want.ids(), got.ids(), metric.id());
      assertArrayEquals(want.distances(), got.distances(), metric.id());
      assertEquals(3, got.rowsWithFewerThanK(), "the group of 3 points has padded rows");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Metric.class, names = {"EUCLIDEAN", "SQEUCLIDEAN", "MANHATTAN", "CHEBYSHEV", "COSINE"})
  void searchesAreTheExactEnginesBitForBit(Metric metric) {
    float[][] base = TestData.plantDuplicates(lattice(12, 3), 1, 40, 2);
    // Queries: fresh points, some copies of base points (distance 0), some far outside the box.
    float[][] queries = TestData.queriesWithHits(base, uniform(3, 300, 3), 4, 40);
    for (int i = 0; i < 20; i++) {
      queries[i] = new float[] {50 + i, -30, 7};
    }
    for (int k : new int[] {1, 10, 200}) {
      KnnResult want = BruteForceEngine.builder().metric(metric).k(k).build()
          .search(Vectors.of(base), Vectors.of(queries));
      for (int threads : new int[] {1, 2}) {
        KnnResult got = KdTreeEngine.builder().metric(metric).k(k).threads(threads).leaf(4).build()
            .search(Vectors.of(base), Vectors.of(queries));
        assertArrayEquals(want.ids(), got.ids(), metric + " k=" + k);
        assertArrayEquals(want.distances(), got.distances(), metric + " k=" + k);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Metric.class, names = {"EUCLIDEAN", "SQEUCLIDEAN", "MANHATTAN", "CHEBYSHEV", "COSINE"})
  void radiusGraphsAreTheExactEngines(Metric metric) {
    float[][] rows = TestData.plantDuplicates(lattice(11, 3), 5, 30, 3);
    if (metric == Metric.COSINE) {
      for (float[] row : rows) {
        row[0] += 0.5f; // no zero vector
      }
    }
    Vectors points = Vectors.of(rows);
    // On the lattice many pairs lie exactly on the radius: they are kept by both.
    double radius = metric == Metric.COSINE ? 0.01 : metric == Metric.SQEUCLIDEAN ? 2 : 1.5;
    for (boolean self : new boolean[] {false, true}) {
      SparseGraph want = BruteForceEngine.builder().metric(metric).includeSelf(self).build()
          .radiusGraph(points, radius);
      for (int threads : new int[] {1, 2}) {
        SparseGraph got = KdTreeEngine.builder().metric(metric).includeSelf(self).threads(threads)
            .leaf(3).build().radiusGraph(points, radius);
        assertArrayEquals(want.indptr(), got.indptr(), metric + ": row sizes");
        assertArrayEquals(want.indices(), got.indices(), metric + ": columns");
        assertArrayEquals(want.weights(), got.weights(), metric + ": weights");
        assertTrue(got.edgeCount() > rows.length, "the radius reaches the lattice neighbours");
      }
    }
  }

  @Test
  void innerProductAndBadInputAreRefusedClearly() {
    Vectors points = Vectors.of(uniform(1, 10, 3));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> KdTreeEngine.builder().metric(Metric.INNER_PRODUCT).k(2).build().graph(points));
    assertEquals("the kdtree engine cannot rank by inner-product (it needs a distance; use"
        + " --algorithm exact)", e.getMessage());
    // ... also where every group has one point, and so no group reaches the engine.
    e = assertThrows(InvalidInputException.class, () -> KdTreeEngine.builder()
        .metric(Metric.INNER_PRODUCT).k(1).build().graph(points, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    assertTrue(e.getMessage().startsWith("the kdtree engine cannot rank by inner-product"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> KdTreeEngine.builder().k(10).build().graph(points));
    assertTrue(e.getMessage().startsWith("k=10 is too large for 10 points"), e.getMessage());
    float[][] bad = uniform(1, 10, 3);
    bad[4][1] = Float.NaN;
    e = assertThrows(InvalidInputException.class,
        () -> KdTreeEngine.builder().k(2).build().graph(Vectors.of(bad)));
    assertTrue(e.getMessage().contains("row 4"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KdTreeEngine.builder().leaf(0));
  }

  private static float[][] uniform(long seed, int n, int d) {
    Random r = new Random(seed);
    float[][] x = new float[n][d];
    for (float[] row : x) {
      for (int c = 0; c < d; c++) {
        row[c] = r.nextFloat();
      }
    }
    return x;
  }

  /** Integer points of a cube of side {@code m}, shuffled (so index order is not space order). */
  private static float[][] lattice(int m, int d) {
    int n = (int) Math.pow(m, d);
    float[][] x = new float[n][d];
    for (int i = 0; i < n; i++) {
      for (int c = 0, v = i; c < d; c++, v /= m) {
        x[i][c] = v % m;
      }
    }
    Random r = new Random(m * 31L + d);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      float[] t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    return x;
  }

  /** Half the rows are copies of rows of the other half. */
  private static float[][] halfCopies(long seed, int n, int d) {
    float[][] x = uniform(seed, n, d);
    Random r = new Random(seed + 1);
    for (int i = 0; i < n / 2; i++) {
      x[r.nextInt(n)] = x[r.nextInt(n)].clone();
    }
    return x;
  }

  /**
   * Clusters of seven points: a centre and the centre plus the six orderings of one random
   * offset. The six are equally far from the centre in exact arithmetic, but a float32 sum of
   * squares rounds each ordering its own way, so which of them a row keeps first depends on how
   * the ranking value is computed to the last bit.
   */
  private static float[][] permutedOffsets(long seed, int clusters) {
    Random r = new Random(seed);
    int[][] orders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    float[][] x = new float[clusters * 7][];
    for (int c = 0; c < clusters; c++) {
      float[] centre = {r.nextFloat() * 100, r.nextFloat() * 100, r.nextFloat() * 100};
      float[] offset = {r.nextFloat() * 0.3f, r.nextFloat() * 0.3f, r.nextFloat() * 0.3f};
      x[c * 7] = centre;
      for (int o = 0; o < 6; o++) {
        float[] p = new float[3];
        for (int i = 0; i < 3; i++) {
          p[i] = centre[i] + offset[orders[o][i]];
        }
        x[c * 7 + 1 + o] = p;
      }
    }
    return x;
  }

  /** Points on one line in 3-D, with repeats. */
  private static float[][] line(int n) {
    float[][] x = new float[n][];
    for (int i = 0; i < n; i++) {
      float t = (i * 7919) % 97;
      x[i] = new float[] {t, 2 * t, -t};
    }
    return x;
  }


  private static boolean hasZeroRow(float[][] rows) {
    for (float[] row : rows) {
      boolean zero = true;
      for (float v : row) {
        zero &= v == 0;
      }
      if (zero) {
        return true;
      }
    }
    return false;
  }
}
