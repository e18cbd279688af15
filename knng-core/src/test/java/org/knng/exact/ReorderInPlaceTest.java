package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.knng.ProgressListener;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.testing.Kernels;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * Reorderable vectors ({@link Vectors#reorderable}): the exact self-join reorders them in place
 * into its screen's row order while it joins, and the result is the same, bit for bit, as on
 * vectors it may not touch; afterwards, and after a failure in the middle of the join, every row
 * is back where it was.
 */
class ReorderInPlaceTest {
  /** Low-rank data with duplicates: the projected screen orders its rows by a tree. */
  private static final float[][] POINTS =
      TestData.plantDuplicates(ProjectionTest.lowRank(900, 40, 5, 3f, 81), 82, 8, 4);

  private static float[] flat() {
    float[] x = new float[POINTS.length * POINTS[0].length];
    for (int i = 0; i < POINTS.length; i++) {
      System.arraycopy(POINTS[i], 0, x, i * POINTS[0].length, POINTS[0].length);
    }
    return x;
  }

  /** Notes, at every progress update, whether the array was out of its own order then. */
  private static class Watch implements ProgressListener {
    private final float[] array;
    private final float[] original;
    boolean reordered;

    Watch(float[] array) {
      this.array = array;
      this.original = array.clone();
    }

    @Override
    public void update(long done, long total) {
      reordered |= !Arrays.equals(array, original);
    }
  }

  private static BruteForceEngine.Builder engine(Metric metric, int k, int threads) {
    return BruteForceEngine.builder().metric(metric).k(k).threads(threads)
        .screening(Screening.PROJECTED).vectorOps(Kernels.panama());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Metric.class, names = {"EUCLIDEAN", "SQEUCLIDEAN", "COSINE"})
  void theGraphIsTheSameAndTheRowsAreBack(Metric metric) {
    // k = 600 takes the starting thresholds (searched on the same screen) as well.
    for (int k : new int[] {7, 600}) {
      for (int threads : new int[] {1, 2}) {
        KnnResult expected = engine(metric, k, threads).build().graph(Vectors.of(POINTS));
        float[] array = flat();
        Watch watch = new Watch(array);
        Vectors points = Vectors.wrap(array, POINTS[0].length).reorderable();
        KnnResult got = engine(metric, k, threads).progress(watch).build().graph(points);
        String what = metric + " k=" + k + " threads=" + threads;
        assertTrue(watch.reordered, what + ": the rows were never reordered");
        assertArrayEquals(flat(), array, what + ": rows not put back");
        assertArrayEquals(expected.ids(), got.ids(), what);
        assertArrayEquals(expected.distances(), got.distances(), what);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Metric.class, names = {"EUCLIDEAN", "COSINE"})
  void theRadiusGraphIsTheSameAndTheRowsAreBack(Metric metric) {
    // The median distance to the 4th neighbour: about four neighbours a row.
    KnnResult four = engine(metric, 4, 2).build().graph(Vectors.of(POINTS));
    float[] fourth = new float[POINTS.length];
    for (int r = 0; r < POINTS.length; r++) {
      fourth[r] = four.distances()[r * 4 + 3];
    }
    Arrays.sort(fourth);
    double radius = fourth[POINTS.length / 2];
    SparseGraph expected = engine(metric, 1, 2).build().radiusGraph(Vectors.of(POINTS), radius);
    float[] array = flat();
    Watch watch = new Watch(array);
    SparseGraph got = engine(metric, 1, 2).progress(watch).build()
        .radiusGraph(Vectors.wrap(array, POINTS[0].length).reorderable(), radius);
    assertTrue(watch.reordered, "the rows were never reordered");
    assertArrayEquals(flat(), array, "rows not put back");
    assertTrue(expected.edgeCount() > POINTS.length, "a radius that finds some neighbours");
    assertArrayEquals(expected.indptr(), got.indptr());
    assertArrayEquals(expected.indices(), got.indices());
    assertArrayEquals(expected.weights(), got.weights());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Metric.class, names = {"EUCLIDEAN", "COSINE"})
  void aJoinThatFailsPutsTheRowsBack(Metric metric) {
    float[] array = flat();
    Watch watch = new Watch(array) {
      @Override
      public void update(long done, long total) {
        super.update(done, total);
        throw new IllegalStateException("stopped in the middle");
      }
    };
    Vectors points = Vectors.wrap(array, POINTS[0].length).reorderable();
    assertThrows(IllegalStateException.class,
        () -> engine(metric, 7, 2).progress(watch).build().graph(points));
    assertTrue(watch.reordered, "the failure came while the rows were reordered");
    assertArrayEquals(flat(), array);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Metric.class, names = {"EUCLIDEAN"})
  void vectorsThatAreNotReorderableAreNeverTouched(Metric metric) {
    float[] array = flat();
    Watch watch = new Watch(array);
    Vectors points = Vectors.wrap(array, POINTS[0].length);
    assertFalse(points.isReorderable());
    assertTrue(points.reorderable().isReorderable());
    engine(metric, 7, 2).progress(watch).build().graph(points);
    assertFalse(watch.reordered);
    // Copies of reorderable vectors are the caller's own again, and not reorderable.
    assertFalse(points.reorderable().rows(0, 3).isReorderable());
    assertEquals(3, points.reorderable().rows(new int[] {4, 5, 6}, 0, 3).size());
    assertFalse(points.reorderable().rows(new int[] {4, 5, 6}, 0, 3).isReorderable());
  }
}
