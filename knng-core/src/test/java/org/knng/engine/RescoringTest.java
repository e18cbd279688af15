package org.knng.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;

/**
 * {@link Rescoring}: every row's candidates re-computed from the metric's definition, sorted by
 * (distance, id), with include-self the point first; and the same result whatever order the rows
 * are visited in ({@link Rescoring#visiting}), over chunks of many rows (small dimension) and of a
 * few (large dimension). {@link Rescoring#sortRow} on rows in any order: nearly sorted, reversed,
 * shuffled, with ties, {@code -0} and {@code +0}, negative distances and missing entries.
 */
class RescoringTest {
  @ParameterizedTest(name = "{0} d={1} k={2} include-self={3} integers={4}")
  @CsvSource({
      "EUCLIDEAN, 3, 5, false, false", "EUCLIDEAN, 784, 40, false, false",
      "SQEUCLIDEAN, 33, 7, true, false", "EUCLIDEAN, 784, 40, true, false",
      "COSINE, 20, 6, false, false", "MANHATTAN, 5, 9, true, false",
      // cosine and inner product four pairs side by side, and the rest of a batch one by one
      "COSINE, 131, 13, true, false", "COSINE, 784, 40, false, false", "COSINE, 1, 3, false, false",
      "INNER_PRODUCT, 50, 11, false, false", "INNER_PRODUCT, 7, 8, false, false",
      // vectors of integers (pixels), summed exactly in float32 lanes from k = 64 on
      "EUCLIDEAN, 784, 70, false, true", "SQEUCLIDEAN, 33, 64, true, true",
      "COSINE, 131, 65, true, true", "INNER_PRODUCT, 7, 80, false, true",
      "EUCLIDEAN, 3, 64, false, true", "EUCLIDEAN, 784, 40, false, true"})
  void rowsAreDefinedDistancesInOrderWhateverTheVisitingOrder(Metric metric, int d, int k,
      boolean includeSelf, boolean integers) {
    Random random = new Random(d * 1000L + k);
    int n = 300;
    float[] data = new float[n * d];
    for (int i = 0; i < data.length; i++) {
      data[i] = integers ? random.nextInt(256) : (float) random.nextGaussian();
    }
    // Euclidean pairs below 16 dimensions are computed one at a time, never from integer sums.
    boolean squares = metric == Metric.EUCLIDEAN || metric == Metric.SQEUCLIDEAN;
    boolean batched = squares ? d >= 16 : metric == Metric.COSINE || metric == Metric.INNER_PRODUCT;
    assertEquals(integers && batched, Rescoring.Distances.integerSums(metric, data, data, d, 2));
    for (int i = 0; i < 20; i++) { // duplicates: equal distances, ordered by id
      System.arraycopy(data, i * d, data, (n - 1 - i) * d, d);
    }
    Vectors points = Vectors.wrap(data, d);
    int kept = includeSelf ? k - 1 : k;
    int[] candidates = new int[n * kept];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < kept; j++) {
        // Distinct others in any order; the last row has a missing neighbour (-1).
        candidates[r * kept + j] = r == n - 1 && j == kept - 1 ? -1 : (r + 1 + j * 7) % n;
      }
    }
    KnnOptions options = KnnOptions.defaults().withMetric(metric).withK(k)
        .withIncludeSelf(includeSelf).withThreads(2);
    int[] visit = new int[n];
    for (int i = 0; i < n; i++) {
      visit[i] = (i * 113) % n; // 113 is prime to 300: every row once, scattered
    }
    KnnResult plain = new Rescoring(options).graph(points, candidates.clone());
    KnnResult visited = new Rescoring(options).visiting(visit).graph(points, candidates.clone());
    assertArrayEquals(plain.ids(), visited.ids());
    assertArrayEquals(plain.distances(), visited.distances());
    for (int r = 0; r < n; r++) {
      int first = 0;
      if (includeSelf) {
        assertEquals(r, plain.neighbor(r, 0), "the point first");
        assertEquals(0f, plain.distance(r, 0));
        first = 1;
      }
      for (int j = first; j < k; j++) {
        int id = plain.neighbor(r, j);
        if (id < 0) {
          assertEquals(Float.POSITIVE_INFINITY, plain.distance(r, j), "no neighbour, row " + r);
          continue;
        }
        assertEquals((float) metric.distance(data, r * d, data, id * d, d), plain.distance(r, j),
            "row " + r + " rank " + j);
        if (j > first && plain.neighbor(r, j - 1) >= 0) {
          float before = plain.distance(r, j - 1);
          float here = plain.distance(r, j);
          boolean ordered = before < here || (before == here && plain.neighbor(r, j - 1) < id);
          assertEquals(true, ordered, "row " + r + " ranks " + (j - 1) + ", " + j);
        }
      }
    }
  }

  @Test
  void integerSumsOnlyWhereFloat32HoldsEveryPartialSum() {
    // Values of 0 to 255: a chain of ceil(d / 16) squares of 255 stays within 2^24 up to 4,128.
    float[] pixels = new float[4129];
    pixels[0] = 255f;
    assertEquals(true, Rescoring.Distances.integerSums(Metric.EUCLIDEAN, pixels, pixels, 4128, 2));
    assertEquals(false, Rescoring.Distances.integerSums(Metric.EUCLIDEAN, pixels, pixels, 4129, 2));
    // The range counts, across both sets: 0 to 256 reaches 2^24 exactly at 4,096.
    float[] other = {256f};
    assertEquals(true, Rescoring.Distances.integerSums(Metric.EUCLIDEAN, pixels, other, 4096, 2));
    assertEquals(false, Rescoring.Distances.integerSums(Metric.EUCLIDEAN, pixels, other, 4097, 2));
    // -255 to 255: differences up to 510 (d <= 1,024), magnitudes up to 255 (d <= 4,128).
    float[] signed = {-255f, 255f, -0f};
    assertEquals(true, Rescoring.Distances.integerSums(Metric.SQEUCLIDEAN, signed, signed, 1024, 2));
    assertEquals(false, Rescoring.Distances.integerSums(Metric.SQEUCLIDEAN, signed, signed, 1025, 2));
    assertEquals(true, Rescoring.Distances.integerSums(Metric.INNER_PRODUCT, signed, signed, 4128, 2));
    assertEquals(true, Rescoring.Distances.integerSums(Metric.COSINE, signed, signed, 4128, 2));
    assertEquals(false, Rescoring.Distances.integerSums(Metric.COSINE, signed, signed, 4129, 2));
    // One value that is not an integer, wherever it is, in either set.
    float[] half = new float[10_000];
    half[9_999] = 0.5f;
    assertEquals(false, Rescoring.Distances.integerSums(Metric.EUCLIDEAN, pixels, half, 16, 2));
    assertEquals(false, Rescoring.Distances.integerSums(Metric.EUCLIDEAN, half, pixels, 16, 2));
    // Too large for int, or for the bound: an integer float above 2^31 is not taken for one.
    float[] huge = {3e9f, 0f};
    assertEquals(false, Rescoring.Distances.integerSums(Metric.COSINE, huge, huge, 1, 2));
    // Not summed in batches at all: manhattan, and euclidean below 16 dimensions.
    assertEquals(false, Rescoring.Distances.integerSums(Metric.MANHATTAN, pixels, pixels, 16, 2));
    assertEquals(false, Rescoring.Distances.integerSums(Metric.EUCLIDEAN, pixels, pixels, 15, 2));
    assertEquals(true, Rescoring.Distances.integerSums(Metric.INNER_PRODUCT, pixels, pixels, 15, 2));
  }

  @ParameterizedTest(name = "{0} entries, {1}")
  @CsvSource({
      "1, shuffled", "2, reversed", "17, shuffled", "300, nearly", "1000, reversed",
      "1000, shuffled", "3000, shuffled", "3000, nearly", "10, sorted", "1000, sorted"})
  void sortRowOrdersByDistanceThenIdWhateverTheOrderGiven(int length, String order) {
    Random random = new Random(length * 31L + order.hashCode());
    // Few distinct values (ties, broken by id), both zeros, negative values (inner product), and
    // missing entries (-1 at +infinity) among them.
    float[] palette = {-2.5f, -1f, -0f, 0f, 0.25f, 1f, 3f, Float.POSITIVE_INFINITY};
    int[] ids = new int[length];
    float[] dist = new float[length];
    int[] shuffledIds = IntStream.range(0, 4 * length).toArray();
    for (int i = shuffledIds.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = shuffledIds[i];
      shuffledIds[i] = shuffledIds[j];
      shuffledIds[j] = t;
    }
    for (int i = 0; i < length; i++) {
      dist[i] = palette[random.nextInt(palette.length)];
      ids[i] = dist[i] == Float.POSITIVE_INFINITY && random.nextBoolean() ? -1 : shuffledIds[i];
    }
    Integer[] expected = IntStream.range(0, length).boxed().toArray(Integer[]::new);
    Arrays.sort(expected, (a, b) -> dist[a] < dist[b] ? -1 : dist[a] > dist[b] ? 1
        : Integer.compare(ids[a], ids[b]));
    int[] given = IntStream.range(0, length).toArray();
    if (order.equals("reversed")) {
      for (int i = 0; i < length; i++) {
        given[i] = expected[length - 1 - i];
      }
    } else if (order.equals("sorted")) {
      for (int i = 0; i < length; i++) {
        given[i] = expected[i];
      }
    } else if (order.equals("nearly")) {
      for (int i = 0; i < length; i++) {
        given[i] = expected[i];
      }
      for (int i = 0; i + 1 < length; i += 7) { // neighbours swapped here and there
        int t = given[i];
        given[i] = given[i + 1];
        given[i + 1] = t;
      }
    }
    // The row in the middle of a larger array: nothing outside it may change.
    int from = 5;
    int[] rowIds = new int[length + 10];
    float[] rowDist = new float[length + 10];
    Arrays.fill(rowIds, 77);
    Arrays.fill(rowDist, 7f);
    for (int i = 0; i < length; i++) {
      rowIds[from + i] = ids[given[i]];
      rowDist[from + i] = dist[given[i]];
    }
    Rescoring.sortRow(rowIds, rowDist, from, from + length);
    for (int i = 0; i < length; i++) {
      assertEquals(ids[expected[i]], rowIds[from + i], "id at " + i);
      assertEquals(Float.floatToRawIntBits(dist[expected[i]]),
          Float.floatToRawIntBits(rowDist[from + i]), "distance bits at " + i);
    }
    for (int i = 0; i < from; i++) {
      assertEquals(77, rowIds[i]);
      assertEquals(77, rowIds[from + length + i]);
      assertEquals(7f, rowDist[i]);
      assertEquals(7f, rowDist[from + length + i]);
    }
  }

  @Test
  void sortRowFindsEveryKindOfDisorder() {
    float big = Float.MAX_VALUE;
    float inf = Float.POSITIVE_INFINITY;
    int top = Integer.MAX_VALUE - 1;
    // {given ids, given distances, sorted ids, sorted distances}: the only disorder in each row is
    // one pair, at either end or in the middle, by distance or by id alone (-0 and +0 are equal).
    Object[][] rows = {
        {new int[] {4, 2}, new float[] {0f, -0f}, new int[] {2, 4}, new float[] {-0f, 0f}},
        {new int[] {2, 4}, new float[] {0f, -0f}, new int[] {2, 4}, new float[] {0f, -0f}},
        {new int[] {1, 3, 2}, new float[] {-big, 1f, 1f}, new int[] {1, 2, 3}, new float[] {-big, 1f, 1f}},
        {new int[] {top, 0, 5}, new float[] {-big, -big, big}, new int[] {0, top, 5},
            new float[] {-big, -big, big}},
        {new int[] {7, -1, 3}, new float[] {big, inf, big}, new int[] {3, 7, -1},
            new float[] {big, big, inf}},
        {new int[] {5, top, -1}, new float[] {2f, inf, inf}, new int[] {5, -1, top},
            new float[] {2f, inf, inf}},
        {new int[] {9, 8, 1}, new float[] {-1f, -2f, 3f}, new int[] {8, 9, 1}, new float[] {-2f, -1f, 3f}},
    };
    for (Object[] row : rows) {
      int[] ids = ((int[]) row[0]).clone();
      float[] dist = ((float[]) row[1]).clone();
      Rescoring.sortRow(ids, dist, 0, ids.length);
      assertArrayEquals((int[]) row[2], ids, Arrays.toString((int[]) row[0]));
      float[] want = (float[]) row[3];
      for (int i = 0; i < want.length; i++) {
        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(dist[i]),
            "distance bits at " + i + " of " + Arrays.toString((int[]) row[0]));
      }
    }
  }
}
