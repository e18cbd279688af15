package org.knng.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.testing.Kernels;
import org.knng.testing.Kernels.Kernel;
import org.knng.testing.KnnAssertions;
import org.knng.testing.NaiveKnn;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * {@link BruteForceEngine#graph} and {@link BruteForceEngine#search} against the naive
 * double-precision reference {@link NaiveKnn}, for every metric, with both kernel implementations
 * forced through the builder, on seeded data chosen to break the usual mistakes:
 *
 * <ul>
 *   <li>integer-grid data (float32 arithmetic is exact there and distances tie massively): ids
 *       must equal the reference exactly, ties by the smaller index — guards tie-breaking, self
 *       exclusion by index rather than by position, and the k-th boundary (except cosine, whose
 *       normalisation is not exact);
 *   <li>gaussian data (optionally far from the origin): the tie-tolerant check of {@link
 *       KnnAssertions#assertTieTolerant} — guards metric units (euclidean not squared, cosine sign,
 *       inner-product sign), re-scoring and ordering;
 *   <li>planted exact duplicates at scattered indices: a point's copies are neighbours at distance
 *       0, the point itself is not (or is first, with include-self);
 *   <li>D = 1, odd and prime D beyond a SIMD width (the vector loop, its single-vector step and the
 *       scalar tail all run), N = 1, 2, 31, 33, 100, 257, 520, 600, 1000 (not multiples of the
 *       32-row blocks; D = 67 and 131 with N &gt; 500 cross a column-block boundary);
 *   <li>k = 1, small k, k = N − 1 (and k = N with include-self), include-self both ways;
 *   <li>one and two threads: ids and distances identical bit for bit.
 * </ul>
 */
class BruteForceEnginePropertyTest {

  /** A named, seeded point set; {@code integerGrid} marks data on which float32 is exact. */
  static final class Dataset {
    final String name;
    final float[][] points;
    final boolean integerGrid;
    final long seed;

    Dataset(String name, float[][] points, boolean integerGrid, long seed) {
      this.name = name;
      this.points = points;
      this.integerGrid = integerGrid;
      this.seed = seed;
    }

    /** @return fresh points of the same kind and dimension (for queries) */
    float[][] fresh(int n) {
      int d = points[0].length;
      return integerGrid ? TestData.grid(seed + 1000, n, d, 2)
          : TestData.gaussian(seed + 1000, n, d, name.contains("offset") ? 100f : 0f);
    }

    @Override
    public String toString() {
      return name + "[" + points.length + "x" + points[0].length + "]";
    }
  }

  private static Dataset grid(int n, int d, int radius, boolean duplicates) {
    long seed = 31L * n + d;
    float[][] p = TestData.grid(seed, n, d, radius);
    if (duplicates) {
      TestData.plantDuplicates(p, seed + 7, 3, 4);
    }
    return new Dataset("grid" + (duplicates ? "+dup" : ""), p, true, seed);
  }

  private static Dataset gaussian(int n, int d, float offset, boolean duplicates) {
    long seed = 17L * n + d;
    float[][] p = TestData.gaussian(seed, n, d, offset);
    if (duplicates) {
      TestData.plantDuplicates(p, seed + 7, 3, 4);
    }
    return new Dataset("gauss" + (offset != 0 ? "+offset" : "") + (duplicates ? "+dup" : ""), p,
        false, seed);
  }

  static List<Dataset> datasets() {
    return List.of(
        grid(1, 1, 3, false),
        grid(2, 1, 3, false),
        grid(31, 3, 2, true),
        grid(33, 7, 2, true),
        grid(64, 2, 1, false),
        grid(100, 17, 2, true),
        grid(257, 33, 2, true),
        grid(1000, 1, 3, false),
        grid(520, 131, 2, true),
        gaussian(2, 1, 0f, false),
        gaussian(31, 1, 0f, true),
        gaussian(33, 3, 0f, false),
        gaussian(100, 7, 0f, true),
        gaussian(257, 17, 0f, true),
        gaussian(200, 33, 100f, true),
        gaussian(1000, 67, 0f, true),
        gaussian(600, 131, 0f, true));
  }

  /** Every dataset x metric x kernel; the kernels come last so the cached reference is reused. */
  static Stream<Arguments> graphCases() {
    List<Arguments> out = new ArrayList<>();
    List<Kernel> kernels = Kernels.both();
    for (Dataset data : datasets()) {
      for (Metric metric : Metric.values()) {
        for (Kernel kernel : kernels) {
          out.add(Arguments.of(data, metric, kernel));
        }
      }
    }
    return out.stream();
  }

  /** Search uses a subset of the datasets as bases (the costlier N = 1000 one included). */
  static Stream<Arguments> searchCases() {
    List<Arguments> out = new ArrayList<>();
    List<Kernel> kernels = Kernels.both();
    for (Dataset data : datasets()) {
      int n = data.points.length;
      if (n == 1 || n == 2 || n == 33 || n == 100 || n == 257 || n == 1000 || n == 600) {
        for (Metric metric : Metric.values()) {
          for (Kernel kernel : kernels) {
            out.add(Arguments.of(data, metric, kernel));
          }
        }
      }
    }
    return out.stream();
  }

  // One-entry cache: consecutive cases differ only by kernel and share the reference.
  private static String cachedKey;
  private static NaiveKnn.Ranking cachedRanking;

  private static synchronized NaiveKnn.Ranking reference(String key, float[][] queries, float[][] base,
      Metric metric, boolean excludeSelf) {
    if (!key.equals(cachedKey)) {
      cachedRanking = NaiveKnn.rank(queries, base, metric, excludeSelf);
      cachedKey = key;
    }
    return cachedRanking;
  }

  /**
   * k = 1, 2, 10 and the largest allowed (N − 1, or N with include-self), where valid; the largest
   * only up to N = 300, to keep the suite fast (k = N − 1 on N = 1000 adds time, not coverage).
   */
  private static List<Integer> ks(int largest) {
    TreeSet<Integer> ks = new TreeSet<>();
    for (int k : new int[] {1, 2, 10, largest <= 301 ? largest : 1}) {
      if (k >= 1 && k <= largest) {
        ks.add(k);
      }
    }
    return new ArrayList<>(ks);
  }

  static BruteForceEngine engine(Metric metric, int k, int threads, boolean includeSelf, Kernel kernel) {
    return BruteForceEngine.builder().metric(metric).k(k).threads(threads).includeSelf(includeSelf)
        .vectorOps(kernel.ops()).build();
  }

  @ParameterizedTest(name = "graph {0} {1} {2}")
  @MethodSource("graphCases")
  void graphMatchesReference(Dataset data, Metric metric, Kernel kernel) {
    float[][] p = data.points;
    int n = p.length;
    NaiveKnn.Ranking ref = reference("graph " + data + metric, p, p, metric, true);
    Vectors points = Vectors.of(p);
    for (boolean includeSelf : new boolean[] {false, true}) {
      for (int k : ks(includeSelf ? n : n - 1)) {
        KnnResult one = engine(metric, k, 1, includeSelf, kernel).graph(points);
        KnnResult two = engine(metric, k, 2, includeSelf, kernel).graph(points);
        String what = "k=" + k + ", include-self=" + includeSelf;
        assertArrayEquals(one.ids(), two.ids(), what + ": ids differ between 1 and 2 threads");
        assertArrayEquals(one.distances(), two.distances(),
            what + ": distances differ between 1 and 2 threads");
        KnnAssertions.assertWellFormed(one, n, n, k, true, includeSelf);
        if (data.integerGrid && metric != Metric.COSINE) {
          KnnAssertions.assertExact(one, ref, includeSelf);
        }
        KnnAssertions.assertTieTolerant(one, ref, includeSelf, p, p, metric, true);
      }
    }
  }

  @ParameterizedTest(name = "search {0} {1} {2}")
  @MethodSource("searchCases")
  void searchMatchesReference(Dataset data, Metric metric, Kernel kernel) {
    float[][] base = data.points;
    int n = base.length;
    // 40 new points plus 10 exact copies of base points, which must be found at distance 0.
    float[][] queries = TestData.queriesWithHits(base, data.fresh(40), data.seed + 5, 10);
    NaiveKnn.Ranking ref = reference("search " + data + metric, queries, base, metric, false);
    Vectors baseVectors = Vectors.of(base);
    Vectors queryVectors = Vectors.of(queries);
    for (int k : ks(n)) {
      // include-self has no meaning for a search and must not change it.
      KnnResult one = engine(metric, k, 1, false, kernel).search(baseVectors, queryVectors);
      KnnResult two = engine(metric, k, 2, true, kernel).search(baseVectors, queryVectors);
      String what = "k=" + k;
      assertArrayEquals(one.ids(), two.ids(), what + ": ids differ between 1 and 2 threads");
      assertArrayEquals(one.distances(), two.distances(),
          what + ": distances differ between 1 and 2 threads");
      KnnAssertions.assertWellFormed(one, queries.length, n, k, false, false);
      KnnAssertions.assertWellFormed(two, queries.length, n, k, false, false);
      if (data.integerGrid && metric != Metric.COSINE) {
        KnnAssertions.assertExact(one, ref, false);
      }
      KnnAssertions.assertTieTolerant(one, ref, false, queries, base, metric, false);
    }
  }

  static Stream<Arguments> threadCases() {
    List<Arguments> out = new ArrayList<>();
    for (Kernel kernel : Kernels.both()) {
      for (Metric metric : Metric.values()) {
        out.add(Arguments.of(metric, kernel));
      }
    }
    return out.stream();
  }

  /**
   * Many thread counts (more threads than 32-row blocks too) give bit-identical graphs: guards
   * against any result depending on which worker handled which block, or in which order.
   */
  @ParameterizedTest(name = "threads {0} {1}")
  @MethodSource("threadCases")
  void everyThreadCountGivesIdenticalArrays(Metric metric, Kernel kernel) {
    float[][] p = TestData.plantDuplicates(TestData.gaussian(99, 257, 19, 0f), 3, 5, 6);
    Vectors points = Vectors.of(p);
    for (boolean includeSelf : new boolean[] {false, true}) {
      KnnResult expected = engine(metric, 12, 1, includeSelf, kernel).graph(points);
      for (int threads : new int[] {2, 3, 5, 16}) {
        KnnResult got = engine(metric, 12, threads, includeSelf, kernel).graph(points);
        assertArrayEquals(expected.ids(), got.ids(), threads + " threads: ids");
        assertArrayEquals(expected.distances(), got.distances(), threads + " threads: distances");
      }
      KnnResult defaults = BruteForceEngine.builder().metric(metric).k(12).includeSelf(includeSelf)
          .vectorOps(kernel.ops()).build().graph(points);
      assertArrayEquals(expected.ids(), defaults.ids(), "default thread count: ids");
      assertArrayEquals(expected.distances(), defaults.distances(), "default thread count: distances");
    }
  }
}
