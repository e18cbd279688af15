package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.ProgressListener;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.select.NeighborReservoirs;
import org.knng.simd.VectorOps;
import org.knng.testing.Kernels;
import org.knng.testing.Kernels.Kernel;
import org.knng.testing.TestData;
import org.knng.tile.Screen;
import org.knng.tile.TileJoin;
import org.knng.vectors.Vectors;

/**
 * The projected screen ({@link Projection}) only drops pairs, never changes a value: forced on
 * every dataset of the property test, it must give the same arrays, bit for bit, as the full-width
 * screen (which that test checks against the naive reference). Its lower bound must hold for every
 * pair, on data chosen to make the float32 projection inexact.
 */
class ProjectionTest {

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (BruteForceEnginePropertyTest.Dataset data : BruteForceEnginePropertyTest.datasets()) {
      for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.SQEUCLIDEAN, Metric.COSINE}) {
        for (Kernel kernel : Kernels.both()) {
          out.add(Arguments.of(data, metric, kernel));
        }
      }
    }
    out.add(Arguments.of(new BruteForceEnginePropertyTest.Dataset("lowrank+offset",
        lowRank(3000, 96, 6, 1e3f, 5), false, 5), Metric.EUCLIDEAN, Kernels.both().get(1)));
    out.add(Arguments.of(new BruteForceEnginePropertyTest.Dataset("lowrank+offset",
        lowRank(3000, 96, 6, 1e3f, 5), false, 5), Metric.COSINE, Kernels.both().get(1)));
    // Small integers, with copies: the join reads them as bytes (below k = 64).
    for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.SQEUCLIDEAN}) {
      out.add(Arguments.of(new BruteForceEnginePropertyTest.Dataset("small integers",
          smallIntegers(2500, 48, 7), false, 7), metric, Kernels.both().get(1)));
    }
    // Values near float32's limit for the metric: the covariance must not overflow.
    float[][] huge = lowRank(700, 40, 4, 0f, 6);
    for (float[] row : huge) {
      for (int c = 0; c < row.length; c++) {
        row[c] *= 1e17f;
      }
    }
    out.add(Arguments.of(new BruteForceEnginePropertyTest.Dataset("lowrank*1e17", huge, false, 6),
        Metric.EUCLIDEAN, Kernels.both().get(1)));
    return out.stream();
  }

  /**
   * Low-rank data rounded to integers of 0 to 255 (clipped), a tenth of the rows copies of others:
   * what {@link org.knng.tile.ByteRows} copies as bytes.
   */
  static float[][] smallIntegers(int n, int d, long seed) {
    float[][] x = lowRank(n, d, 6, 0f, seed);
    float scale = 0;
    for (float[] row : x) {
      for (float v : row) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      if (i > 0 && i % 10 == 0) {
        x[i] = x[random.nextInt(i)].clone();
        continue;
      }
      for (int c = 0; c < d; c++) {
        x[i][c] = Math.max(0, Math.min(255, Math.round(128 + 127 * x[i][c] / scale)));
      }
    }
    return x;
  }

  /**
   * The join of small integers reads a copy of them as bytes, the points themselves untouched,
   * reorderable or not (euclidean, bytes allowed); otherwise (cosine, or bytes not allowed)
   * reorderable points are moved in place and put back, and others are left as they are.
   */
  @Test
  void smallIntegersAreCopiedAsBytesNotMoved() {
    VectorOps ops = Kernels.both().get(1).ops();
    Vectors fixed = Vectors.of(smallIntegers(3000, 48, 8));
    float[] before = fixed.data().clone();
    for (Vectors points : new Vectors[] {fixed, fixed.reorderable()}) {
      for (Metric metric : new Metric[] {Metric.EUCLIDEAN, Metric.COSINE}) {
        for (boolean bytes : new boolean[] {true, false}) {
          String what = metric + ", bytes " + bytes + ", reorderable " + points.isReorderable();
          ProjectedScreen screen = (ProjectedScreen) Screening.PROJECTED.selfJoin(points, metric, ops, 2);
          boolean copied = bytes && metric == Metric.EUCLIDEAN && ops.byteDistances();
          assertEquals(copied || points.isReorderable(), screen.reorder(bytes, 2), what);
          assertEquals(copied || !points.isReorderable(), Arrays.equals(before, points.data()),
              what + ": the points untouched unless moved");
          screen.putBack();
          assertArrayEquals(before, points.data(), what + ": put back");
        }
      }
    }
  }

  private static KnnResult run(Vectors points, Metric metric, int k, int threads, boolean includeSelf,
      VectorOps ops, Screening screening) {
    return BruteForceEngine.builder().metric(metric).k(k).threads(threads).includeSelf(includeSelf)
        .vectorOps(ops).screening(screening).build().graph(points);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void projectedScreenGivesTheFullScreensArrays(BruteForceEnginePropertyTest.Dataset data,
      Metric metric, Kernel kernel) {
    Vectors points = Vectors.of(data.points);
    int n = points.size();
    for (boolean includeSelf : new boolean[] {false, true}) {
      for (int k : new int[] {1, 2, 10, n - 1}) {
        if (k < 1 || k > (includeSelf ? n : n - 1) || (k == n - 1 && n > 300)) {
          continue;
        }
        KnnResult full = run(points, metric, k, 1, includeSelf, kernel.ops(), Screening.FULL);
        for (int threads : new int[] {1, 2}) {
          KnnResult projected = run(points, metric, k, threads, includeSelf, kernel.ops(),
              Screening.PROJECTED);
          String what = "k=" + k + ", include-self=" + includeSelf + ", threads=" + threads;
          assertArrayEquals(full.ids(), projected.ids(), what + ": ids");
          assertArrayEquals(full.distances(), projected.distances(), what + ": distances");
        }
      }
    }
  }

  /**
   * Searches too (queries against a base, both projected onto the base's directions): the same
   * arrays as the full screen, with 40 new queries and 10 copies of base points; and so do
   * searches on the screen of the base's self-join made before (the queries projected onto its
   * directions, meeting its rows in its order: a recall sample on an approximate engine's screen),
   * projected or full width, also with bounds on the queries' k-th distances ({@link #bounds}).
   */
  @ParameterizedTest(name = "search {0} {1} {2}")
  @MethodSource("cases")
  void projectedSearchGivesTheFullScreensArrays(BruteForceEnginePropertyTest.Dataset data,
      Metric metric, Kernel kernel) {
    Vectors base = Vectors.of(data.points);
    Vectors queries = Vectors.of(TestData.queriesWithHits(data.points, data.fresh(40), data.seed + 5, 10));
    int n = base.size();
    for (int k : new int[] {1, 2, 10, n}) {
      if (k > n || (k == n && n > 300)) {
        continue;
      }
      KnnResult full = BruteForceEngine.builder().metric(metric).k(k).threads(1).vectorOps(kernel.ops())
          .screening(Screening.FULL).build().search(base, queries);
      for (int threads : new int[] {1, 2}) {
        KnnResult projected = BruteForceEngine.builder().metric(metric).k(k).threads(threads)
            .vectorOps(kernel.ops()).screening(Screening.PROJECTED).build()
            .search(base, queries);
        String what = "k=" + k + ", threads=" + threads;
        assertArrayEquals(full.ids(), projected.ids(), what + ": ids");
        assertArrayEquals(full.distances(), projected.distances(), what + ": distances");
        for (Screening screening : new Screening[] {Screening.PROJECTED, Screening.FULL}) {
          Screen selfJoin = screening.selfJoin(base, metric, kernel.ops(), threads);
          KnnResult onto = BruteForceEngine.builder().metric(metric).k(k).threads(threads)
              .vectorOps(kernel.ops()).build().search(base, queries, selfJoin);
          String on = what + ", on the self-join's " + selfJoin.describe();
          assertArrayEquals(full.ids(), onto.ids(), on + ": ids");
          assertArrayEquals(full.distances(), onto.distances(), on + ": distances");
          KnnResult bounded = BruteForceEngine.builder().metric(metric).k(k).threads(threads)
              .vectorOps(kernel.ops()).build().search(base, queries, selfJoin, bounds(full));
          assertArrayEquals(full.ids(), bounded.ids(), on + ", bounded: ids");
          assertArrayEquals(full.distances(), bounded.distances(), on + ", bounded: distances");
        }
      }
    }
  }

  /**
   * Bounds on each query's k-th distance of every kind, by query: exactly its k-th distance (ties at
   * the bound must be found), below it (the query finds fewer than k and is searched again), well
   * above it, and none.
   */
  static double[] bounds(KnnResult exact) {
    double[] bounds = new double[exact.rows()];
    for (int q = 0; q < bounds.length; q++) {
      double kth = exact.distance(q, exact.k() - 1);
      bounds[q] = switch (q % 4) {
        case 0 -> kth;
        case 1 -> kth - Math.abs(kth) - 1;
        case 2 -> kth + Math.abs(kth) + 1;
        default -> Double.POSITIVE_INFINITY;
      };
    }
    return bounds;
  }

  /**
   * Radius graphs too: the projected screen gives the full screen's CSR arrays, for a radius that
   * takes in about five neighbours per point (ties at the radius included, as the data has them).
   */
  @ParameterizedTest(name = "radius {0} {1} {2}")
  @MethodSource("cases")
  void projectedRadiusGraphIsTheFullOnes(BruteForceEnginePropertyTest.Dataset data, Metric metric,
      Kernel kernel) {
    Vectors points = Vectors.of(data.points);
    int n = points.size();
    if (n < 3) {
      return;
    }
    int k = Math.min(5, n - 1);
    KnnResult knn = run(points, metric, k, 1, false, kernel.ops(), Screening.FULL);
    float[] kth = new float[n];
    for (int i = 0; i < n; i++) {
      kth[i] = knn.distance(i, k - 1);
    }
    Arrays.sort(kth);
    double radius = kth[n / 2];
    if (!(radius > 0)) {
      return; // a radius must be positive; grid data with many duplicates can give 0
    }
    for (int threads : new int[] {1, 2}) {
      org.knng.graph.SparseGraph full = BruteForceEngine.builder().metric(metric).threads(threads)
          .vectorOps(kernel.ops()).screening(Screening.FULL).build()
          .radiusGraph(points, radius);
      org.knng.graph.SparseGraph projected = BruteForceEngine.builder().metric(metric)
          .threads(threads).vectorOps(kernel.ops()).screening(Screening.PROJECTED).build()
          .radiusGraph(points, radius);
      assertTrue(full.edgeCount() > 0);
      assertArrayEquals(full.indptr(), projected.indptr(), "threads=" + threads + ": indptr");
      assertArrayEquals(full.indices(), projected.indices(), "threads=" + threads + ": indices");
      assertArrayEquals(full.weights(), projected.weights(), "threads=" + threads + ": weights");
    }
  }

  /**
   * For every pair, the bound the screen works with (first level as the tile computes it, in
   * exact arithmetic here; then all coordinates) is at most the true squared distance. The data
   * sits far from the origin with tiny spread, where the float32 projection loses most digits:
   * without the margins the bound would exceed the truth.
   */
  @Test
  void lowerBoundHoldsForEveryPair() {
    for (Kernel kernel : Kernels.both()) {
      for (boolean unit : new boolean[] {false, true}) {
        float[][] p = lowRank(400, 40, 3, 3e4f, 11);
        TestData.plantDuplicates(p, 12, 3, 3);
        checkBound(Vectors.of(p), kernel.ops(), unit);
      }
    }
  }

  /**
   * Every pair: the first-level bound (in exact arithmetic on the stored terms) is at most the
   * value a neighbour list would hold, and the full check does not reject the pair at that value.
   */
  private static void checkBound(Vectors points, VectorOps ops, boolean unit) {
    Projection projection = Projection.fit(points, ops, unit ? Metric.COSINE : Metric.EUCLIDEAN, Screening.PROJECTED);
    assertNotNull(projection);
    Projection.Projected screen = projection.project(points, 96, null, 2);
    checkBound(points, screen, points, screen, ops, unit);
  }

  /**
   * A row's coordinates depend on that row alone: two blocks projected apart and put side by side
   * are their union projected at once, bit for bit (odd block sizes, so that the kernels' row strips
   * end part-way), and the screen made of them is the union's screen (order, coordinates and
   * lower-bound terms). A screen made of coordinates it does not own leaves them as they were.
   */
  @Test
  void blocksProjectedApartAreTheirUnionProjected() {
    for (Kernel kernel : Kernels.both()) {
      for (boolean unit : new boolean[] {false, true}) {
        float[][] rows = lowRank(400, 40, 3, 1f, 17);
        Vectors union = Vectors.of(rows);
        Vectors a = Vectors.of(Arrays.copyOfRange(rows, 0, 137));
        Vectors b = Vectors.of(Arrays.copyOfRange(rows, 137, 400));
        Projection projection = Projection.fit(union, kernel.ops(),
            unit ? Metric.COSINE : Metric.EUCLIDEAN, Screening.PROJECTED);
        assertNotNull(projection);
        assertTrue(projection.allDims() > projection.dims(), "two levels");
        Projection.Coordinates side = Projection.Coordinates.concatenate(
            projection.coordinates(a, 2), projection.coordinates(b, 1));
        Projection.Coordinates whole = projection.coordinates(union, 2);
        String what = kernel + (unit ? ", cosine" : ", euclidean");
        assertArrayEquals(whole.data, side.data, what + ": first level");
        assertArrayEquals(whole.rest, side.rest, what + ": second level");
        assertArrayEquals(whole.xNorm, side.xNorm, what + ": norms");
        assertArrayEquals(whole.centred, side.centred, what + ": centred norms");
        Projection.Projected shared = projection.project(side, 96, null, false);
        Projection.Projected own = projection.project(union, 96, null, 2);
        assertArrayEquals(own.order, shared.order, what + ": order");
        assertArrayEquals(own.data, shared.data, what + ": screened coordinates");
        assertArrayEquals(own.add, shared.add, what + ": lower-bound terms");
        assertArrayEquals(whole.data, side.data, what + ": coordinates not owned, left alone");
        assertArrayEquals(whole.rest, side.rest, what + ": second level left alone");
      }
    }
  }

  /**
   * The same for queries against a base (the query screen balanced like the base's), on fresh
   * queries drawn like the base.
   */
  @Test
  void lowerBoundHoldsForEveryQueryBasePair() {
    for (Kernel kernel : Kernels.both()) {
      for (boolean unit : new boolean[] {false, true}) {
        Vectors base = Vectors.of(lowRank(300, 40, 3, 3e4f, 11));
        float[][] q = lowRank(150, 40, 3, 3e4f, 13);
        System.arraycopy(lowRank(300, 40, 3, 3e4f, 11), 0, q, 0, 5); // exact copies of base rows
        Vectors queries = Vectors.of(q);
        Projection projection = Projection.fit(base, kernel.ops(), unit ? Metric.COSINE : Metric.EUCLIDEAN, Screening.PROJECTED);
        Projection.Projected baseScreen = projection.project(base, 0, null, 2);
        Projection.Projected queryScreen = projection.project(queries, 0, baseScreen, 2);
        checkBound(queries, queryScreen, base, baseScreen, kernel.ops(), unit);
      }
    }
  }

  /** Every pair of row i of {@code rows} and row j of {@code cols} (j > i when they are the same). */
  private static void checkBound(Vectors rowPoints, Projection.Projected rows, Vectors colPoints,
      Projection.Projected cols, VectorOps ops, boolean unit) {
    boolean self = rows == cols;
    int n = rowPoints.size();
    int m = colPoints.size();
    int d = rowPoints.dimension();
    int dims = rows.data.length / n;
    float[] xr = rowPoints.data();
    float[] xc = colPoints.data();
    float[] invRows = rowPoints.inverseNorms();
    float[] invCols = colPoints.inverseNorms();
    float[] thresholds = new float[Math.max(n, m) + VectorOps.SCREEN_PADDING];
    int checked = 0;
    for (int i = 0; i < n; i++) {
      for (int j = self ? i + 1 : 0; j < m; j++) {
        double dot = 0;
        for (int c = 0; c < dims; c++) {
          dot += (double) rows.data[i * dims + c] * cols.data[j * dims + c];
        }
        double first = (double) rows.add[i] + cols.add[j] - (unit ? 1 : 2) * dot;
        int a = rows.order[i];
        int b = cols.order[j];
        // What a neighbour list would hold for this pair: the float32 value from the differences.
        float value = unit
            ? 0.5f * ops.squaredDistance(xr, a * d, invRows[a], xc, b * d, invCols[b], d)
            : ops.squaredDistance(xr, a * d, xc, b * d, d);
        String what = (unit ? "cosine" : "euclidean") + " rows " + a + ", " + b;
        assertTrue(first <= value, what + ": first-level bound " + first + " > " + value);
        // reject() drops a pair only if the full bound exceeds its limit: this pair must stay.
        thresholds[i] = value;
        org.knng.tile.Hits hit = new org.knng.tile.Hits(1);
        hit.add(i, j, (float) first, thresholds[i]);
        rows.reject(hit, cols, ops);
        assertEquals(1, hit.size(), what + " rejected");
        checked++;
      }
    }
    assertEquals(self ? n * (n - 1) / 2 : n * m, checked);
  }

  /** Values near float32's limit for euclidean: the fit scales its sample and still finds the axes. */
  @Test
  void fitsDataNearTheFloatLimit() {
    float[][] huge = lowRank(Projection.MIN_POINTS, 64, 4, 0f, 9);
    for (float[] row : huge) {
      for (int c = 0; c < row.length; c++) {
        row[c] *= 1e17f;
      }
    }
    Projection projection = Projection.fit(Vectors.of(huge), Kernels.both().get(1).ops(), Metric.EUCLIDEAN, Screening.AUTO);
    assertNotNull(projection, "4 dominant directions of 64, at 1e17");
    assertEquals(16, projection.dims());
  }

  /**
   * The level screened on: the first of 16, 32, 64 holding 0.85 of the variance, else the first
   * holding 0.8, else none; never more than the directions fitted.
   */
  @Test
  void levelPrefersTheFirstThatHoldsWellOverTheFirstThatHoldsEnough() {
    assertEquals(64, Projection.level(spectrum(0.82, 0.90), 128, 1.0), "32 hold 0.82, 64 hold 0.90");
    assertEquals(32, Projection.level(spectrum(0.82, 0.84), 128, 1.0), "32 hold 0.82, 64 hold 0.84");
    assertEquals(32, Projection.level(spectrum(0.82, 0.90), 48, 1.0), "64 not fitted");
    assertEquals(32, Projection.level(spectrum(0.86, 0.90), 128, 1.0), "32 hold 0.86 already");
    assertEquals(0, Projection.level(spectrum(0.50, 0.79), 128, 1.0), "no level holds 0.8");
    assertEquals(0, Projection.level(spectrum(0.82, 0.90), 128, 0.0), "no variance");
  }

  /** 128 directions' variances (total 1) of which the first 32 hold {@code at32}, the first 64 {@code at64}. */
  private static double[] spectrum(double at32, double at64) {
    double[] v = new double[128];
    for (int c = 0; c < 128; c++) {
      v[c] = c < 32 ? at32 / 32 : c < 64 ? (at64 - at32) / 32 : (1 - at64) / 64;
    }
    return v;
  }

  /** A permutation of the points, with every block a contiguous run of screen rows. */
  @Test
  void screenOrderIsAPermutation() {
    Vectors points = Vectors.of(lowRank(1000, 32, 4, 0f, 3));
    Projection projection = Projection.fit(points, Kernels.both().get(0).ops(), Metric.EUCLIDEAN, Screening.PROJECTED);
    Projection.Projected screen = projection.project(points, 96, null, 1);
    int[] sorted = screen.order.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i, sorted[i]);
    }
  }

  /**
   * A search of listed columns on a self-join's screen (the starting thresholds' sample) finds each
   * row's nearest listed columns, although a screen that puts near points together starts each
   * row block at its own place in the list and wraps around.
   */
  @Test
  void aSearchOfListedColumnsFindsEachRowsNearestOfThem() {
    int n = 3000;
    int d = 48;
    int kept = 7;
    Vectors points = Vectors.of(lowRank(n, d, 4, 0f, 8));
    Random random = new Random(9);
    for (Kernel kernel : Kernels.both()) {
      for (int threads : new int[] {1, 2}) {
        ProjectedScreen screen = ProjectedScreen.selfJoin(points, Metric.EUCLIDEAN,
            Screening.PROJECTED, kernel.ops(), threads);
        assertTrue(screen.nearFirst());
        assertTrue(screen.block() < n / 2, "one row block would start nowhere but at 0");
        int[] list = java.util.stream.IntStream.range(0, n).filter(c -> random.nextInt(6) == 0)
            .toArray();
        NeighborReservoirs lists = new NeighborReservoirs(n, kept);
        new TileJoin(kernel.ops(), threads, ProgressListener.NONE)
            .search(screen, list, lists.thresholds(), worker -> lists.worker());
        NeighborReservoirs.Sorted found = lists.sortAndRelease(threads);
        for (int r = 0; r < n; r++) {
          int p = screen.rows().id(r);
          long[] keyed = new long[list.length]; // (distance's bits, point): distances are >= 0
          for (int c = 0; c < list.length; c++) {
            int q = screen.columns().id(list[c]);
            float dist = (float) Metric.EUCLIDEAN.distance(points.data(), p * d, points.data(),
                q * d, d);
            keyed[c] = (long) Float.floatToIntBits(dist) << 32 | q;
          }
          Arrays.sort(keyed);
          int[] want = Arrays.stream(keyed, 0, kept).mapToInt(key -> (int) key).sorted().toArray();
          int[] got = Arrays.copyOfRange(found.ids, r * kept, r * kept + kept);
          Arrays.sort(got);
          assertArrayEquals(want, got, "row " + r + " (" + kernel + ", " + threads + " threads)");
        }
      }
    }
  }

  /**
   * Chosen from the data: data whose variance lies in a few directions gets the projected screen
   * (and the same graph); isotropic data does not; small inputs do not.
   */
  @Test
  void autoChoosesTheScreenFromTheData() {
    VectorOps ops = Kernels.both().get(1).ops();
    Vectors lowRank = Vectors.of(lowRank(Projection.MIN_POINTS, 64, 8, 0f, 21));
    Projection fitted = Projection.fit(lowRank, ops, Metric.EUCLIDEAN, Screening.AUTO);
    assertNotNull(fitted, "8 dominant directions of 64");
    assertTrue(fitted.dims() <= 32, "dims " + fitted.dims());
    KnnResult auto = run(lowRank, Metric.EUCLIDEAN, 10, 2, false, ops, Screening.AUTO);
    KnnResult full = run(lowRank, Metric.EUCLIDEAN, 10, 2, false, ops, Screening.FULL);
    assertArrayEquals(full.ids(), auto.ids());
    assertArrayEquals(full.distances(), auto.distances());

    Vectors isotropic = Vectors.of(TestData.gaussian(8, Projection.MIN_POINTS, 64, 0f));
    assertNull(Projection.fit(isotropic, ops, Metric.EUCLIDEAN, Screening.AUTO), "no few directions dominate");
    Vectors small = Vectors.of(lowRank(500, 64, 8, 0f, 22));
    assertNull(Projection.fit(small, ops, Metric.EUCLIDEAN, Screening.AUTO), "too few points to repay the fit");
  }

  /**
   * Three far-apart clusters, each isotropic in 64 dimensions: the two directions between the
   * centres hold nearly all the variance, so the variance test alone takes the projection, but
   * near points differ in every direction and the pilot sees the first stage pass most pairs.
   * The same clusters squeezed into 8 dimensions each keep it.
   */
  @Test
  void separateIsotropicClustersKeepTheFullWidth() {
    VectorOps ops = Kernels.both().get(1).ops();
    int n = Projection.MIN_POINTS + 1000;
    float[][] spread = TestData.gaussian(31, n, 64, 0f);
    float[][] flat = lowRank(n, 64, 8, 0f, 32);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 64; j++) {
        float centre = j == i % 3 ? 200f : 0f;
        spread[i][j] += centre;
        flat[i][j] += centre;
      }
    }
    assertNotNull(Projection.fit(Vectors.of(spread), ops, Metric.EUCLIDEAN, Screening.PROJECTED),
        "a projection can be fitted (the screen is only not worth it)");
    assertNull(Projection.fit(Vectors.of(spread), ops, Metric.EUCLIDEAN, Screening.AUTO), "isotropic clusters");
    assertNotNull(Projection.fit(Vectors.of(flat), ops, Metric.EUCLIDEAN, Screening.AUTO), "flat clusters");
  }

  /**
   * {@code n} points near a {@code rank}-dimensional subspace of {@code R^d} (variance 1 along it,
   * 0.01 across it), shifted by {@code offset} in every coordinate.
   */
  static float[][] lowRank(int n, int d, int rank, float offset, long seed) {
    Random random = new Random(seed);
    double[][] axes = new double[rank][d];
    for (double[] axis : axes) {
      for (int c = 0; c < d; c++) {
        axis[c] = random.nextGaussian() / Math.sqrt(d);
      }
    }
    float[][] p = new float[n][d];
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < rank; r++) {
        double w = random.nextGaussian() * Math.sqrt(d);
        for (int c = 0; c < d; c++) {
          p[i][c] += (float) (w * axes[r][c]);
        }
      }
      for (int c = 0; c < d; c++) {
        p[i][c] += (float) (0.1 * random.nextGaussian()) + offset;
      }
    }
    return p;
  }
}
