package org.knng.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.graph.RecallEstimate;
import org.knng.metric.Metric;
import org.knng.testing.NaiveKnn;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * Graphs within groups against the naive reference run on each group alone: neighbours never cross
 * groups, ids are global, small groups give all their other members and pad the rest, and the
 * output does not depend on threads.
 */
class GroupedGraphTest {

  /** Unsorted labels: sizes 1 (a singleton), 3 (smaller than k), and three large-ish groups. */
  private static int[] labels(int n, long seed) {
    Random r = new Random(seed);
    int[] g = new int[n];
    for (int i = 0; i < n; i++) {
      g[i] = 10 + r.nextInt(3) * 7; // labels 10, 17, 24, scattered over the rows
    }
    g[5] = -4; // a singleton group with a negative label
    g[40] = 99;
    g[77] = 99;
    g[150] = 99; // a group of three
    return g;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void matchesTheReferenceRunOnEachGroup(boolean includeSelf) {
    int n = 240;
    int k = 5;
    float[][] rows = TestData.plantDuplicates(TestData.grid(3, n, 4, 2), 9, 6, 3);
    int[] groups = labels(n, 11);
    KnnResult result = BruteForceEngine.builder().k(k).threads(2).includeSelf(includeSelf)
        .metric(Metric.MANHATTAN).build().graph(Vectors.of(rows), groups);
    int shortRows = 0;
    for (int label : new int[] {10, 17, 24, -4, 99}) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (groups[i] == label) {
          members.add(i);
        }
      }
      float[][] sub = new float[members.size()][];
      for (int a = 0; a < sub.length; a++) {
        sub[a] = rows[members.get(a)];
      }
      NaiveKnn.Ranking ref = NaiveKnn.rank(sub, sub, Metric.MANHATTAN, true);
      int available = includeSelf ? sub.length : sub.length - 1;
      int expected = Math.min(k, available);
      if (expected < k) {
        shortRows += sub.length;
      }
      for (int a = 0; a < sub.length; a++) {
        int row = members.get(a);
        int[] want = new int[k];
        java.util.Arrays.fill(want, -1);
        int first = 0;
        if (includeSelf) {
          want[0] = row;
          first = 1;
        }
        for (int j = first; j < expected; j++) {
          want[j] = members.get(ref.ids(a)[j - first]);
        }
        assertArrayEquals(want, result.neighbors(row), "row " + row + " (group " + label + ")");
      }
    }
    assertEquals(shortRows, result.rowsWithFewerThanK());
  }

  @Test
  void threadCountDoesNotChangeTheResult() {
    float[][] rows = TestData.gaussian(5, 13_000, 9, 0f);
    int[] groups = new int[rows.length];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = i % 3 == 0 ? 1 : (i * 7919) % 40; // one group of about 4,500 (above 4,096), 39 small
    }
    KnnResult one = BruteForceEngine.builder().k(7).threads(1).build().graph(Vectors.of(rows), groups);
    KnnResult two = BruteForceEngine.builder().k(7).threads(2).build().graph(Vectors.of(rows), groups);
    assertArrayEquals(one.ids(), two.ids());
    assertArrayEquals(one.distances(), two.distances());
    for (int i = 0; i < rows.length; i++) {
      for (int id : one.neighbors(i)) {
        assertEquals(groups[i], groups[id], "row " + i + " has a neighbour from another group");
      }
    }
  }

  @Test
  void debugNotesCountTheGroupsEachWay() {
    float[][] rows = TestData.gaussian(6, 9000, 4, 0f);
    int[] groups = new int[rows.length];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = i % 2 == 0 ? -5 : 10 + i % 7; // one group of 4,500 (above 4,096), seven small
    }
    List<String> notes = new ArrayList<>();
    KnnResult grouped = BruteForceEngine.builder().k(3).threads(2)
        .progress(org.knng.ProgressListener.notes(notes::add)).build().graph(Vectors.of(rows), groups);
    List<String> lines = notes.stream().filter(m -> m.startsWith("groups: ")).toList();
    assertEquals(1, lines.size(), "one line for all the groups: " + notes);
    assertTrue(lines.get(0).startsWith("groups: 8 (7 of at most 4096 points side by side, one"
        + " thread each; 1 larger, all threads each)"), lines.get(0));
    for (int i = 0; i < rows.length; i++) {
      for (int id : grouped.neighbors(i)) {
        assertEquals(groups[i], groups[id], "row " + i + " has a neighbour from another group");
      }
    }
  }

  @Test
  void rowsAreOrderedByLabelThenIndexForAnyLabels() {
    Random r = new Random(3);
    int[][] cases = {
      {5, 5, 5},
      {Integer.MAX_VALUE, Integer.MIN_VALUE, 0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 65536, 65535},
      r.ints(5000, -3, 4).toArray(),
      r.ints(5000).toArray(),
      r.ints(5000, 0, 1 << 20).toArray(),
      // Ranges at the edge of one 16-bit pass: 65,535 apart (one pass) and 65,536 (two).
      {65535, 0, 7, 65535, 0, 7},
      {65536, 0, 1, 65536, 0, 1},
      {-70000, -4465, -70000, -4464, -4465},
      r.ints(5000, 100, 100 + (1 << 16)).toArray(),
      {},
    };
    for (int[] groups : cases) {
      // The reference: indices sorted by (label, index) with a comparator.
      Integer[] want = new Integer[groups.length];
      for (int i = 0; i < want.length; i++) {
        want[i] = i;
      }
      java.util.Arrays.sort(want, java.util.Comparator.<Integer>comparingInt(i -> groups[i])
          .thenComparingInt(i -> i));
      int[] got = GroupedGraph.byLabel(groups);
      assertArrayEquals(java.util.Arrays.stream(want).mapToInt(Integer::intValue).toArray(), got,
          java.util.Arrays.toString(java.util.Arrays.copyOf(groups, 8)));
    }
  }

  @Test
  void largestGroupIsCountedForAnyLabels() {
    Random r = new Random(4);
    int[][] cases = {
      {},
      {9},
      {Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE, 0},
      r.ints(5000, -3, 4).toArray(),       // a narrow range: counted in an array
      r.ints(5000).toArray(),              // a wide one: counted from the rows ordered by label
      r.ints(5000, 0, 1 << 20).toArray(),
      r.ints(5000, 0, 20_016).toArray(),   // just at the edge of the array's range
    };
    for (int[] groups : cases) {
      java.util.Map<Integer, Integer> sizes = new java.util.HashMap<>();
      int want = 0;
      for (int g : groups) {
        want = Math.max(want, sizes.merge(g, 1, Integer::sum));
      }
      assertEquals(want, GroupedGraph.largestGroup(groups), java.util.Arrays.toString(
          java.util.Arrays.copyOf(groups, Math.min(8, groups.length))));
    }
  }

  @Test
  void oneLabelPerPointIsRequired() {
    Vectors v = Vectors.of(new float[][] {{0}, {1}, {2}});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BruteForceEngine.builder().k(1).build().graph(v, new int[] {0, 0}));
    assertEquals("2 group labels for 3 points", e.getMessage());
  }

  /**
   * A group whose values are all too small for float32 squares, in data that is not, is searched
   * as the whole set's search would (which searches such rows again in double), not refused: the
   * group is scaled by a power of two, exactly, and its distances scaled back.
   */
  @Test
  void aGroupTooSmallForFloat32SquaresIsSearchedExactly() {
    float tiny = 0x1p-80f;
    float[][] rows = new float[9][2];
    for (int i = 0; i < rows.length; i++) {
      rows[i][0] = i % 3 == 1 ? new int[] {2, 5, 9}[i / 3] * tiny : i;
      rows[i][1] = i % 3 == 1 ? tiny : 1;
    }
    int[] groups = {5, 9, 5, 5, 9, 5, 5, 9, 5}; // group 9: rows 1, 4 and 7, at x = 2, 5, 9 (x 2^-80)
    KnnResult g = BruteForceEngine.builder().k(1).build().graph(Vectors.of(rows), groups);
    assertEquals(List.of(4, 1, 4), List.of(g.neighbor(1, 0), g.neighbor(4, 0), g.neighbor(7, 0)));
    assertEquals(List.of(3 * tiny, 3 * tiny, 4 * tiny), List.of(g.distance(1, 0), g.distance(4, 0), g.distance(7, 0)));
    assertEquals(List.of(2, 3), List.of(g.neighbor(0, 0), g.neighbor(2, 0)), "the other group as it was");
    KnnResult squares = BruteForceEngine.builder().k(1).metric(Metric.SQEUCLIDEAN).build()
        .graph(Vectors.of(rows), groups);
    assertEquals(List.of(4, 1, 4), List.of(squares.neighbor(1, 0), squares.neighbor(4, 0), squares.neighbor(7, 0)));
  }

  /**
   * A stratified estimate: an exact group of 1,000 entries (recall 1, all 100 rows known) and a
   * group of 3,000 estimated at 0.9 (0.88-0.92, 50 rows) make 0.925; the interval's distances,
   * weighed by 3/4, are 0.015.
   */
  @Test
  void theGroupsEstimatesCombineWeighedByTheirEntries() {
    RecallEstimate approximate = new RecallEstimate(0.9, 0.88, 0.92, 50, 10, 1, 2, 3);
    RecallEstimate both = GroupedGraph.combined(List.of(new GroupedGraph.Part(100, 10, null),
        new GroupedGraph.Part(300, 10, approximate)), 10);
    assertEquals(0.925, both.recall(), 1e-12);
    assertEquals(0.910, both.low(), 1e-12);
    assertEquals(0.940, both.high(), 1e-12);
    assertEquals(150, both.rows());
    assertEquals(10, both.k());
    assertEquals(List.of(1, 2, 3), List.of(both.rowsWithSelfLoops(), both.rowsWithDuplicates(),
        both.rowsWithMissing()));
    // Exact groups alone carry no estimate.
    assertEquals(null, GroupedGraph.combined(List.of(new GroupedGraph.Part(100, 10, null)), 10));
  }
}
