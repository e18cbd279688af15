package org.knng.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.knng.InvalidInputException;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.exact.Screening;
import org.knng.graph.KnnResult;
import org.knng.graph.RecallEstimate;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.simd.VectorOpsProvider;
import org.knng.testing.EngineChecks;
import org.knng.testing.TestData;
import org.knng.tile.Screen;
import org.knng.vectors.Vectors;

/**
 * {@link RecallSample}: recall of hand-made graphs whose hits are known entry by entry, ties at the
 * k-th distance, padding, self-loops and duplicates, the exact engine's own graphs, random graphs,
 * include-self, given ground truth, the interval and the growth of {@code evaluate}'s sample.
 */
class RecallSampleTest {
  /** Points 0, 1, ..., n-1 on a line, spaced so that no two distances from a point tie: x_i = i^1.5. */
  private static Vectors line(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) Math.pow(i, 1.5);
    }
    return Vectors.wrap(x, 1);
  }

  private static KnnOptions options(int k) {
    return KnnOptions.defaults().withK(k).withThreads(2);
  }

  private static int[] exactIds(Vectors points, KnnOptions o) {
    return BruteForceEngine.create(o).graph(points).ids();
  }

  /** Entries of the exact graph of a line replaced by far points: recall is exactly the share left. */
  @Test
  void replacedNeighboursLowerRecallByExactlyTheirShare() {
    int n = 200;
    int k = 4;
    Vectors points = line(n);
    int[] ids = exactIds(points, options(k));
    int replaced = 0;
    for (int row = 0; row < n; row += 3) {
      for (int c = 0; c < 1 + row % 4; c++) {
        ids[row * k + c] = (row + n / 2) % n; // half the line away: far beyond the k-th neighbour
        replaced++;
        if (c > 0) {
          ids[row * k + c] = (row + n / 2 + c) % n; // distinct far points, so no duplicates
        }
      }
    }
    RecallEstimate all = RecallSample.draw(points, options(k), n, 1).measure(ids, k);
    assertEquals((double) (n * k - replaced) / (n * k), all.recall(), 1e-15);
    assertEquals(n, all.rows());
    assertEquals(k, all.k());
    assertEquals(0, all.rowsWithSelfLoops() + all.rowsWithDuplicates() + all.rowsWithMissing());
    assertTrue(all.low() < all.recall() && all.recall() < all.high(), all.toString());
    // A row with only far entries has recall 0, and the rows are exactly those of draw.
    RecallSample sample = RecallSample.draw(points, options(k), 50, 3);
    int[] rows = sample.rows();
    long hits = 0;
    for (int row : rows) {
      hits += k - (row % 3 == 0 ? 1 + row % 4 : 0);
    }
    assertEquals((double) hits / (50 * k), sample.measure(ids, k).recall(), 1e-15);
  }

  /**
   * On the integer lattice every interior point has 4 neighbours at distance 1; with k = 2 the
   * exact engine lists the two with the smaller ids, and a graph listing the two with the larger
   * ids is just as correct. A diagonal point (at sqrt 2) is not.
   */
  @Test
  void anyNeighbourAtTheKthDistanceCounts() {
    int side = 12;
    float[][] p = new float[side * side][];
    for (int a = 0; a < side; a++) {
      for (int b = 0; b < side; b++) {
        p[a * side + b] = new float[] {a, b};
      }
    }
    Vectors points = Vectors.of(p);
    int n = p.length;
    int k = 2;
    int[] exact = exactIds(points, options(k));
    int[] other = new int[n * k];
    for (int i = 0; i < n; i++) {
      // Sort every other point by (distance, larger id first) and take the first k.
      final int row = i;
      Integer[] order = new Integer[n];
      Arrays.setAll(order, j -> j);
      Arrays.sort(order, (x, y) -> {
        int byDistance = Double.compare(sq(p[row], p[x]), sq(p[row], p[y]));
        return byDistance != 0 ? byDistance : Integer.compare(y, x);
      });
      int c = 0;
      for (int j : order) {
        if (j != i && c < k) {
          other[i * k + c++] = j;
        }
      }
    }
    assertNotEquals(Arrays.toString(exact), Arrays.toString(other), "the test needs graphs that differ");
    RecallSample sample = RecallSample.draw(points, options(k), n, 7);
    assertEquals(1.0, sample.measure(exact, k).recall());
    assertEquals(1.0, sample.measure(other, k).recall());
    // Row 13 = (1, 1), an interior point: swap one of its neighbours for the diagonal (2, 2) = 26.
    other[13 * k + 1] = 26;
    assertEquals((double) (n * k - 1) / (n * k), sample.measure(other, k).recall(), 1e-15);
  }

  /**
   * Point 0's nearest other point is at distance 1; a point one float32 step farther is as good
   * (float32 cannot tell the two distances apart), one two steps farther is not.
   */
  @Test
  void aNeighbourWithinFloat32ResolutionOfTheKthCounts() {
    float one = 1f;
    float next = Math.nextUp(one);
    float nextNext = Math.nextUp(next);
    Vectors points = Vectors.wrap(new float[] {0, one, -next, -nextNext, 10, 20}, 1);
    RecallSample sample = RecallSample.draw(points, options(1), 6, 1);
    int[] ids = exactIds(points, options(1));
    assertEquals(1, ids[0]);
    assertEquals(1.0, sample.measure(ids, 1).recall());
    ids[0] = 2;
    assertEquals(1.0, sample.measure(ids, 1).recall());
    ids[0] = 3;
    assertEquals(5.0 / 6, sample.measure(ids, 1).recall(), 1e-15);
  }

  private static double sq(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (double) (a[i] - b[i]);
    }
    return s;
  }

  /** -1 padding is missing, a self-loop and a repeated id are counted and are never extra hits. */
  @Test
  void paddingSelfLoopsAndDuplicatesAreCountedAndNeverHits() {
    int n = 100;
    int k = 3;
    Vectors points = line(n);
    int[] ids = exactIds(points, options(k));
    ids[10 * k + 2] = -1;                  // row 10: one missing entry
    ids[11 * k + 1] = -1;                  // row 11: two missing
    ids[11 * k + 2] = -1;
    ids[20 * k + 0] = 20;                  // row 20: lists itself
    ids[30 * k + 2] = ids[30 * k + 0];     // row 30: a true neighbour twice
    ids[40 * k + 1] = 40;                  // row 40: itself, and a neighbour twice
    ids[40 * k + 2] = ids[40 * k + 0];
    RecallEstimate e = RecallSample.draw(points, options(k), n, 5).measure(ids, k);
    assertEquals(2, e.rowsWithMissing());
    assertEquals(2, e.rowsWithSelfLoops());
    assertEquals(2, e.rowsWithDuplicates());
    int lost = 1 + 2 + 1 + 1 + 2;
    assertEquals((double) (n * k - lost) / (n * k), e.recall(), 1e-15);
    // A row of nothing but -1 is recall 0; the estimate's counts stay within the rows measured.
    Arrays.fill(ids, 50 * k, 51 * k, -1);
    RecallEstimate worse = RecallSample.draw(points, options(k), n, 5).measure(ids, k);
    assertEquals(3, worse.rowsWithMissing());
    assertEquals((double) (n * k - lost - k) / (n * k), worse.recall(), 1e-15);
  }

  static Stream<Arguments> metricsAndSelf() {
    List<Arguments> out = new ArrayList<>();
    for (Metric m : Metric.values()) {
      out.add(Arguments.of(m, false));
      out.add(Arguments.of(m, true));
    }
    return out.stream();
  }

  /** The exact engine's graph, on data full of ties and duplicates, is perfect; the interval says "about 1". */
  @ParameterizedTest(name = "{0} include-self={1}")
  @MethodSource("metricsAndSelf")
  void theExactGraphHasRecallOne(Metric metric, boolean includeSelf) {
    Vectors points = Vectors.of(TestData.plantDuplicates(TestData.grid(11, 600, 4, 2), 3, 20, 4));
    KnnOptions o = options(8).withMetric(metric).withIncludeSelf(includeSelf);
    int[] ids = exactIds(points, o);
    RecallEstimate e = RecallSample.draw(points, o, 250, 42).measure(ids, 8);
    assertEquals(1.0, e.recall());
    assertEquals(1.0, e.high());
    assertTrue(e.low() < 1 && e.low() > 0.99, e.toString());
    assertEquals(0, e.rowsWithSelfLoops() + e.rowsWithDuplicates() + e.rowsWithMissing());
    // Smaller k, measured on the same sample: the first k' columns of the exact graph are exact too.
    int kk = 3;
    int[] prefix = new int[points.size() * kk];
    for (int r = 0; r < points.size(); r++) {
      System.arraycopy(ids, r * 8, prefix, r * kk, kk);
    }
    assertEquals(1.0, RecallSample.draw(points, o, 250, 42).measure(prefix, kk).recall());
  }

  @Test
  void aRandomGraphHasRecallFarBelowOne() {
    int n = 2000;
    int k = 10;
    Vectors points = Vectors.of(TestData.gaussian(4, n, 8, 0));
    Random rnd = new Random(9);
    int[] ids = new int[n * k];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < k; c++) {
        int j;
        do {
          j = rnd.nextInt(n);
        } while (j == r || contains(ids, r * k, r * k + c, j));
        ids[r * k + c] = j;
      }
    }
    RecallEstimate e = RecallSample.draw(points, options(k), 500, 1).measure(ids, k);
    assertTrue(e.recall() < 0.03 && e.high() < 0.05, e.toString());
    assertEquals(0, e.rowsWithSelfLoops() + e.rowsWithDuplicates() + e.rowsWithMissing());
  }

  private static boolean contains(int[] a, int from, int to, int v) {
    for (int i = from; i < to; i++) {
      if (a[i] == v) {
        return true;
      }
    }
    return false;
  }

  /**
   * Include-self: the point is its own first neighbour. A plain k-NN graph then lists one other
   * point too many and gets (k - 1) / k; the include-self graph measured without include-self
   * has a self-loop in every row and gets the same.
   */
  @Test
  void includeSelfCountsThePointAsItsOwnNeighbour() {
    int n = 300;
    int k = 5;
    Vectors points = Vectors.of(TestData.gaussian(2, n, 3, 0));
    KnnOptions plain = options(k);
    KnnOptions self = options(k).withIncludeSelf(true);
    int[] plainIds = exactIds(points, plain);
    int[] selfIds = exactIds(points, self);
    RecallSample withSelf = RecallSample.draw(points, self, n, 1);
    RecallSample without = RecallSample.draw(points, plain, n, 1);
    assertEquals(1.0, withSelf.measure(selfIds, k).recall());
    assertEquals((k - 1.0) / k, withSelf.measure(plainIds, k).recall(), 1e-15);
    RecallEstimate loops = without.measure(selfIds, k);
    assertEquals((k - 1.0) / k, loops.recall(), 1e-15);
    assertEquals(n, loops.rowsWithSelfLoops());
    assertEquals(0, withSelf.measure(selfIds, k).rowsWithSelfLoops());
    // k = 1 with include-self: the point itself is the only neighbour.
    RecallSample one = RecallSample.draw(points, options(1).withIncludeSelf(true), n, 1);
    int[] itself = new int[n];
    Arrays.setAll(itself, r -> r);
    assertEquals(1.0, one.measure(itself, 1).recall());
    int[] nearest = new int[n];
    Arrays.setAll(nearest, r -> plainIds[r * k]);
    assertEquals(0.0, one.measure(nearest, 1).recall());
  }

  /**
   * A sparse graph is measured row by row, whatever its rows' lengths: a graph of k entries per
   * row as its ids are; a symmetrized one (more entries) by the share of each row's true k nearest
   * among all of them; rows of fewer than k entries are short of entries.
   */
  @Test
  void sparseGraphsAreMeasuredWholeRowByRow() {
    int n = 500;
    int k = 5;
    Vectors points = Vectors.of(TestData.gaussian(4, n, 6, 0));
    KnnResult exact = BruteForceEngine.create(options(k)).graph(points);
    int[] ids = exact.ids().clone();
    for (int r = 0; r < n; r += 3) {
      // The 5th nearest of every third row replaced by a point not in the row (rarely a hit).
      int other = (r + 250) % n;
      while (contains(ids, r * k, r * k + k, other) || other == r) {
        other = (other + 1) % n;
      }
      ids[r * k + 4] = other;
    }
    RecallSample all = RecallSample.draw(points, options(k), n, 1);
    RecallEstimate asIds = all.measure(ids, k);
    assertEquals(asIds, all.measure(sparse(n, ids, k, null), k));
    // Each row's reverse entries added, as a union symmetrization: only hits can be gained.
    SparseGraph union = sparse(n, ids, k, exact.ids());
    RecallEstimate wide = all.measure(union, k);
    int hits = 0;
    int[] truth = exact.ids();
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < k; c++) {
        int t = truth[r * k + c];
        boolean listed = false;
        for (int e = union.indptr()[r]; e < union.indptr()[r + 1]; e++) {
          listed |= union.indices()[e] == t;
        }
        hits += listed ? 1 : 0;
      }
    }
    assertEquals((double) hits / (n * k), wide.recall(), 1e-12);
    assertTrue(wide.recall() > asIds.recall(), wide + " against " + asIds);
    assertEquals(0, wide.rowsWithMissing());
    // Row 7 cut to its 4 nearest: short of entries, 4 hits of 5.
    int[] cut = exact.ids().clone();
    cut[7 * k + 4] = -1;
    RecallEstimate shortRow = all.measure(sparse(n, cut, k, null), k);
    assertEquals(1, shortRow.rowsWithMissing());
    assertEquals(1.0 - 1.0 / (n * k), shortRow.recall(), 1e-12);
    assertEquals(shortRow, RecallSample.evaluate(points, sparse(n, cut, k, null), k, options(k), 3));
    assertTrue(assertThrows(InvalidInputException.class, () -> all.measure(
        new SparseGraph(n, n + 1, new int[n + 1], new int[0], new float[0]), k)).getMessage()
        .contains("is not a graph of " + n + " points"));
  }

  /** A CSR graph of N x k ids (-1 left out), with the reverse of {@code reverse}'s entries added. */
  private static SparseGraph sparse(int n, int[] ids, int k, int[] reverse) {
    java.util.List<java.util.TreeSet<Integer>> rows = new java.util.ArrayList<>();
    for (int r = 0; r < n; r++) {
      rows.add(new java.util.TreeSet<>());
    }
    for (int e = 0; e < ids.length; e++) {
      if (ids[e] >= 0) {
        rows.get(e / k).add(ids[e]);
      }
      if (reverse != null) {
        rows.get(reverse[e]).add(e / k);
      }
    }
    int[] indptr = new int[n + 1];
    for (int r = 0; r < n; r++) {
      indptr[r + 1] = indptr[r] + rows.get(r).size();
    }
    int[] indices = new int[indptr[n]];
    int at = 0;
    for (java.util.TreeSet<Integer> row : rows) {
      for (int c : row) {
        indices[at++] = c;
      }
    }
    return new SparseGraph(n, n, indptr, indices, new float[indices.length]);
  }

  /**
   * Scaled copies of a few directions: under cosine they are all at distance 0 of each other, up
   * to the rounding of 1 - cos in double (a few 1e-16), so the exact engine's graph, whichever copy
   * it lists, has recall 1.
   */
  @Test
  void parallelVectorsTieUnderCosine() {
    Random random = new Random(7);
    int groups = 30;
    int copies = 10;
    float[][] rows = new float[groups * copies][];
    for (int g = 0; g < groups; g++) {
      float[] direction = new float[6];
      for (int j = 0; j < direction.length; j++) {
        direction[j] = (float) random.nextGaussian();
      }
      for (int c = 0; c < copies; c++) {
        float scale = 0.5f + 1.5f * random.nextFloat();
        rows[g * copies + c] = new float[direction.length];
        for (int j = 0; j < direction.length; j++) {
          rows[g * copies + c][j] = scale * direction[j];
        }
      }
    }
    Vectors points = Vectors.of(rows);
    for (int k : new int[] {1, 5, 9}) {
      KnnOptions o = options(k).withMetric(Metric.COSINE);
      KnnResult exact = BruteForceEngine.create(o).graph(points);
      assertEquals(1.0, RecallSample.draw(points, o, rows.length, 1).measure(exact.ids(), k).recall(),
          "k=" + k);
    }
  }

  /** Ground truth from a file-like array: wider than k, listing the point itself first, or broken. */
  @Test
  void truthGivenAsIds() {
    int n = 400;
    int k = 6;
    Vectors points = Vectors.of(TestData.gaussian(8, n, 5, 0));
    int[] ids = exactIds(points, options(k));
    int[] wide = exactIds(points, options(10));
    RecallSample truth = RecallSample.truth(points, wide, 10, options(k));
    assertEquals(n, truth.rows().length);
    assertEquals(1.0, truth.measure(ids, k).recall());
    ids[7 * k + 5] = -1;
    assertEquals((n * k - 1.0) / (n * k), truth.measure(ids, k).recall(), 1e-15);
    // scikit-learn's kneighbors(X) lists the point itself first: one column more is enough.
    int[] withSelf = exactIds(points, options(k + 1).withIncludeSelf(true));
    RecallSample sk = RecallSample.truth(points, withSelf, k + 1, options(k));
    assertEquals(truth.measure(ids, k), sk.measure(ids, k));
    InvalidInputException notEnough = assertThrows(InvalidInputException.class,
        () -> RecallSample.truth(points, exactIds(points, options(k).withIncludeSelf(true)), k, options(k)));
    assertTrue(notEnough.getMessage().startsWith("row 0 of the true neighbours lists only 5"), notEnough.getMessage());
    // Columns after a row's first k true neighbours are not read: -1 padding there is no error.
    int[] padded = wide.clone();
    for (int r = 0; r < n; r += 3) {
      java.util.Arrays.fill(padded, r * 10 + k, r * 10 + 10, -1);
    }
    assertEquals(truth.measure(ids, k), RecallSample.truth(points, padded, 10, options(k)).measure(ids, k));
    int[] holes = wide.clone();
    holes[33 * 10 + 4] = -1;
    InvalidInputException missing = assertThrows(InvalidInputException.class,
        () -> RecallSample.truth(points, holes, 10, options(k)));
    assertTrue(missing.getMessage().startsWith("row 33, column 4 of the true neighbours: -1"), missing.getMessage());
    holes[33 * 10 + 4] = n;
    assertTrue(assertThrows(InvalidInputException.class, () -> RecallSample.truth(points, holes, 10, options(k)))
        .getMessage().contains("id " + n + " is out of range"));
    assertTrue(assertThrows(InvalidInputException.class, () -> RecallSample.truth(points, wide, 10, options(11)))
        .getMessage().contains("fewer than k=11"));
    assertTrue(assertThrows(InvalidInputException.class, () -> RecallSample.truth(points, wide, 9, options(k)))
        .getMessage().contains("not " + n + " rows x 9"));
    // No search checks the points here: a zero vector under cosine is refused, not measured.
    float[][] rows = TestData.gaussian(8, n, 5, 0);
    java.util.Arrays.fill(rows[250], 0f);
    org.knng.UnrankableVectorsException zero = assertThrows(org.knng.UnrankableVectorsException.class,
        () -> RecallSample.truth(Vectors.of(rows), wide, 10, options(k).withMetric(org.knng.metric.Metric.COSINE)));
    assertEquals("row 250 is all zeros: cosine distance is undefined for a vector of norm 0", zero.getMessage());
    assertFalse(zero.queries());
  }

  /**
   * A graph with a few wrong entries per row: its recall over all rows agrees with the test
   * helper's independent count, and the 95% interval of samples of 300 rows contains it for at
   * least 18 of 20 seeds.
   */
  @Test
  void theIntervalOfASampleContainsTheRecallOfAllRows() {
    int n = 3000;
    int k = 10;
    float[][] rows = TestData.gaussian(21, n, 6, 0);
    Vectors points = Vectors.of(rows);
    KnnResult exact = BruteForceEngine.create(options(k)).graph(points);
    int[] ids = exact.ids().clone();
    Random rnd = new Random(5);
    for (int r = 0; r < n; r++) {
      int wrong = rnd.nextInt(4);
      for (int c = k - wrong; c < k; c++) {
        ids[r * k + c] = (r + 1 + rnd.nextInt(n - 1)) % n; // any other point (rarely a true one)
      }
    }
    KnnResult perturbed = new KnnResult(n, n, k, ids, new float[n * k], Metric.EUCLIDEAN, false);
    double full = RecallSample.truth(points, exact.ids(), k, options(k)).measure(ids, k).recall();
    assertEquals(EngineChecks.recall(perturbed, exact, rows, rows), full, 1e-12);
    assertTrue(full > 0.8 && full < 0.9, "recall of all rows " + full);
    int inside = 0;
    for (long seed = 0; seed < 20; seed++) {
      RecallEstimate e = RecallSample.draw(points, options(k), 300, seed).measure(ids, k);
      assertEquals(300, e.rows());
      if (e.low() <= full && full <= e.high()) {
        inside++;
      }
    }
    assertTrue(inside >= 18, inside + " of 20 intervals contain the recall of all rows");
  }

  @Test
  void samplesAreNestedSeededAndThreadIndependent() {
    Vectors points = Vectors.of(TestData.gaussian(3, 1500, 4, 0));
    KnnOptions o = options(5);
    int[] small = RecallSample.draw(points, o, 100, 77).rows();
    int[] large = RecallSample.draw(points, o, 700, 77).rows();
    assertEquals(100, small.length);
    for (int row : small) {
      assertTrue(Arrays.binarySearch(large, row) >= 0, "row " + row + " of the small sample");
    }
    assertArrayEquals(small, RecallSample.draw(points, o, 100, 77).rows());
    assertNotEquals(Arrays.toString(small), Arrays.toString(RecallSample.draw(points, o, 100, 78).rows()));
    assertEquals(1500, RecallSample.draw(points, o, 5000, 1).rows().length);
    int[] ids = exactIds(points, o);
    for (int e = 0; e < ids.length; e += 7) {
      ids[e] = (ids[e] + 500) % 1500;
    }
    assertEquals(RecallSample.draw(points, o.withThreads(1), 700, 77).measure(ids, 5),
        RecallSample.draw(points, o.withThreads(2), 700, 77).measure(ids, 5));
  }

  /**
   * A sample grown from a pilot, or drawn at once within a graph's distances, is draw's sample of
   * that size (the same rows, and the same true neighbours: the same estimates of any graph),
   * whether its new rows are searched within the distances of a graph (exact; approximate, some
   * entries replaced by farther points and some rows padded; or one claiming distances below the
   * true ones, whose rows are searched again) or without one; a graph of other points is refused.
   */
  @ParameterizedTest(name = "{0} include-self={1}")
  @MethodSource("metricsAndSelf")
  void aGrownSampleIsDrawsSampleOfThatSize(Metric metric, boolean includeSelf) {
    Vectors points = Vectors.of(TestData.plantDuplicates(TestData.gaussian(5, 1500, 12, 3), 3, 20, 4));
    int n = points.size();
    int k = 6;
    KnnOptions o = options(k).withMetric(metric).withIncludeSelf(includeSelf);
    Screen selfJoin = Screening.PROJECTED.selfJoin(points, metric, VectorOpsProvider.get(), 2);
    KnnResult exact = BruteForceEngine.create(o).graph(points);
    int[] ids = exact.ids().clone();
    float[] distances = exact.distances().clone();
    float[] tooNear = distances.clone();
    Random random = new Random(3);
    float[] x = points.data();
    int d = points.dimension();
    for (int r = 0; r < n; r++) {
      if (r % 3 == 0) { // a farther point instead of the last neighbour
        int far = random.nextInt(n);
        ids[r * k + k - 1] = far;
        distances[r * k + k - 1] = (float) metric.distance(x, r * d, x, far * d, d);
      } else if (r % 7 == 1) {
        ids[r * k + k - 1] = -1;
      }
      if (r % 2 == 0) {
        Arrays.fill(tooNear, r * k, r * k + k, -1f);
      }
    }
    KnnResult approximate = new KnnResult(n, n, k, ids, distances, metric, includeSelf);
    RecallSample drawn = RecallSample.draw(points, o, 400, 11);
    RecallEstimate expected = drawn.measure(ids, k);
    assertTrue(expected.recall() < 0.95, expected.describe());
    KnnResult[] graphs = {null, exact, approximate,
        new KnnResult(n, n, k, exact.ids(), tooNear, metric, includeSelf)};
    for (KnnResult graph : graphs) {
      RecallSample pilot = RecallSample.draw(points, o, 40, 11, selfJoin);
      RecallSample grown = pilot.grow(400, selfJoin, graph);
      String what = graph == null ? "no graph" : graph == exact ? "the exact graph"
          : graph == approximate ? "an approximate graph" : "distances too small";
      assertArrayEquals(drawn.rows(), grown.rows(), what);
      assertEquals(expected, grown.measure(ids, k), what);
      assertEquals(1.0, grown.measure(exact.ids(), k).recall(), what);
      assertTrue(pilot.grow(30, selfJoin, graph) == pilot, "a pilot is not shrunk");
      RecallSample bounded = RecallSample.draw(points, o, 400, 11, selfJoin, graph);
      assertArrayEquals(drawn.rows(), bounded.rows(), what + ", drawn at once");
      assertEquals(expected, bounded.measure(ids, k), what + ", drawn at once");
      assertEquals(1.0, bounded.measure(exact.ids(), k).recall(), what + ", drawn at once");
    }
    KnnResult fewer = BruteForceEngine.create(o).graph(points.rows(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 0, 8));
    assertThrows(IllegalArgumentException.class,
        () -> RecallSample.draw(points, o, 400, 11, selfJoin, fewer));
  }

  /**
   * Every row with exactly 1 of its 10 true neighbours: the rows do not vary (recall 0.1 each), so
   * the interval is the entries' Wilson interval, about +-0.0059 on 1000 rows; the sample still
   * grows until it is about +-0.005.
   */
  @Test
  void evaluateGrowsTheSampleWhenTheEntriesIntervalIsWide() {
    int n = 5000;
    int k = 10;
    Vectors points = Vectors.of(TestData.gaussian(13, n, 4, 0));
    int[] ids = exactIds(points, options(k));
    for (int r = 0; r < n; r++) {
      for (int c = 1; c < k; c++) {
        int far = (r + n / 2 + c) % n;
        while (contains(ids, r * k, r * k + k, far) || far == r) {
          far = (far + 1) % n;
        }
        ids[r * k + c] = far; // rarely a true neighbour: checked below against all rows
      }
    }
    RecallEstimate first = RecallSample.draw(points, options(k), RecallSample.DEFAULT_ROWS, 3).measure(ids, k);
    assertTrue((first.high() - first.low()) / 2 > 0.0055, first.toString());
    RecallEstimate grown = RecallSample.evaluate(points, ids, k, options(k), 3);
    assertTrue(grown.rows() > 1.3 * RecallSample.DEFAULT_ROWS && grown.rows() < n, grown.toString());
    assertEquals(RecallSample.draw(points, options(k), grown.rows(), 3).measure(ids, k), grown);
    assertTrue((grown.high() - grown.low()) / 2 < 0.0052, grown.toString());
  }

  /**
   * evaluate stops at 1000 rows when the interval is narrow, and otherwise grows the sample to
   * what the row-to-row variance needs (capped at N); the result is draw's sample of that size.
   */
  @Test
  void evaluateGrowsTheSampleOnlyWhenTheIntervalIsWide() {
    int n = 5000;
    int k = 5;
    Vectors points = Vectors.of(TestData.gaussian(12, n, 4, 0));
    int[] ids = exactIds(points, options(k));
    RecallEstimate perfect = RecallSample.evaluate(points, ids, k, options(99), 3);
    assertEquals(RecallSample.DEFAULT_ROWS, perfect.rows());
    assertEquals(1.0, perfect.recall());
    // About 1 row in 50 entirely wrong: the row recalls have sd near 0.14, so 1000 rows give
    // about +-0.009 and some 3000 are needed for +-0.005.
    Random rnd = new Random(1);
    for (int r = 0; r < n; r++) {
      if (rnd.nextInt(50) == 0) {
        for (int c = 0; c < k; c++) {
          ids[r * k + c] = (r + 1000 + 37 * c) % n;
        }
      }
    }
    RecallEstimate grown = RecallSample.evaluate(points, ids, k, options(k), 3);
    assertTrue(grown.rows() > 2 * RecallSample.DEFAULT_ROWS && grown.rows() < n, grown.toString());
    assertEquals(RecallSample.draw(points, options(k), grown.rows(), 3).measure(ids, k), grown);
    assertTrue((grown.high() - grown.low()) / 2 < 0.0065, grown.toString());
    // Up to every entry of a row wrong: the variance asks for more rows than there are, so all are measured.
    for (int r = 0; r < n; r++) {
      int wrong = rnd.nextInt(k + 1);
      for (int c = 0; c < wrong; c++) {
        ids[r * k + c] = (r + 2000 + 37 * c) % n;
      }
    }
    assertEquals(n, RecallSample.evaluate(points, ids, k, options(k), 3).rows());
  }

  @Test
  void badGraphsAreInvalidInputNamingTheRow() {
    int n = 50;
    Vectors points = line(n);
    int[] ids = exactIds(points, options(2));
    RecallSample all = RecallSample.draw(points, options(2), n, 1);
    ids[17 * 2 + 1] = n;
    InvalidInputException high = assertThrows(InvalidInputException.class, () -> all.measure(ids, 2));
    assertEquals("graph row 17, column 1: id 50 is out of range [0, 50) (-1 marks a missing entry)",
        high.getMessage());
    ids[17 * 2 + 1] = -2;
    assertTrue(assertThrows(InvalidInputException.class, () -> all.measure(ids, 2)).getMessage()
        .startsWith("graph row 17, column 1: id -2"));
    assertTrue(assertThrows(InvalidInputException.class, () -> RecallSample.checkIds(ids, n, 2)).getMessage()
        .startsWith("graph row 17"));
    assertTrue(assertThrows(InvalidInputException.class,
        () -> RecallSample.evaluate(points, ids, 2, options(2), 1)).getMessage().startsWith("graph row 17"));
    assertTrue(assertThrows(InvalidInputException.class, () -> all.measure(new int[n * 2 - 1], 2)).getMessage()
        .contains("not 50 rows x k=2"));
    assertTrue(assertThrows(InvalidInputException.class, () -> all.measure(new int[n * 3], 3)).getMessage()
        .contains("k from 1 to 2"));
    assertThrows(InvalidInputException.class, () -> RecallSample.draw(points, options(2), 0, 1));
    assertThrows(InvalidInputException.class, () -> RecallSample.draw(points, options(n), 10, 1));
  }
}
