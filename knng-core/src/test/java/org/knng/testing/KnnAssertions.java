package org.knng.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.knng.graph.KnnResult;
import org.knng.metric.Metric;

/** Checks of a {@link KnnResult} against the definitions and against {@link NaiveKnn}. */
public final class KnnAssertions {
  /** Relative tolerance between float32-ranked results and the double-precision reference. */
  public static final double RELATIVE_TOLERANCE = 1e-5;

  private KnnAssertions() {}

  /**
   * How far a distance of magnitude {@code scale} may be from the reference: relative for metrics
   * with unbounded range, absolute for cosine (in [0, 2], where near-zero values are common).
   *
   * @param metric the metric
   * @param scale magnitude of the distance being compared
   * @return the tolerance
   */
  public static double tolerance(Metric metric, double scale) {
    return metric == Metric.COSINE
        ? RELATIVE_TOLERANCE
        : RELATIVE_TOLERANCE * Math.max(1.0, Math.abs(scale));
  }

  /**
   * Invariants every exact result has, independent of the reference: shape, ids in range and
   * distinct per row, self excluded by index (or first at distance 0 with include-self), no
   * padding, rows sorted by (distance, id).
   *
   * @param r the result
   * @param rows expected row count
   * @param columns expected id range (the base size)
   * @param k expected k
   * @param selfJoin whether {@code r} is a graph of one set (row i is point i)
   * @param includeSelf whether include-self was asked for
   */
  public static void assertWellFormed(KnnResult r, int rows, int columns, int k, boolean selfJoin,
      boolean includeSelf) {
    assertEquals(rows, r.rows(), "rows");
    assertEquals(columns, r.columns(), "columns");
    assertEquals(k, r.k(), "k");
    assertEquals(selfJoin && includeSelf, r.includesSelf(), "includesSelf");
    assertEquals(rows * k, r.ids().length, "ids length");
    assertEquals(rows * k, r.distances().length, "distances length");
    int[] ids = r.ids();
    float[] dist = r.distances();
    boolean self = selfJoin && includeSelf;
    for (int row = 0; row < rows; row++) {
      int base = row * k;
      boolean[] seen = new boolean[columns];
      for (int j = 0; j < k; j++) {
        int id = ids[base + j];
        float dj = dist[base + j];
        // Messages are built only on failure: these loops run millions of times.
        if (id < 0 || id >= columns) {
          fail(at(row, j) + ": id " + id + " out of range (padding?)");
        }
        if (seen[id]) {
          fail(at(row, j) + ": id " + id + " appears twice");
        }
        seen[id] = true;
        if (Float.isNaN(dj) || Float.isInfinite(dj)) {
          fail(at(row, j) + ": distance " + dj);
        }
        if (selfJoin) {
          if (self && j == 0) {
            if (id != row || dj != 0f) {
              fail(at(row, j) + ": include-self puts the point itself first at distance 0, got id "
                  + id + " at " + dj);
            }
          } else if (id == row) {
            fail(at(row, j) + ": a point is never its own (other) neighbour");
          }
        }
      }
      for (int j = self ? 1 : 0; j + 1 < k; j++) {
        float a = dist[base + j];
        float b = dist[base + j + 1];
        int ia = ids[base + j];
        int ib = ids[base + j + 1];
        if (!(a < b || (a == b && ia < ib))) {
          fail("row " + row + " not sorted by (distance, id) at rank " + j + ": (" + a + ", " + ia
              + ") then (" + b + ", " + ib + ")");
        }
      }
    }
  }

  /**
   * Exact agreement with the reference: the same ids in the same order (ties by the smaller
   * index), and the reference distance rounded to float. Only valid where float32 arithmetic is
   * exact (integer-grid data; not cosine).
   *
   * @param r the result
   * @param ref the reference ranking of the same rows
   * @param includeSelf whether include-self was asked for
   */
  public static void assertExact(KnnResult r, NaiveKnn.Ranking ref, boolean includeSelf) {
    int k = r.k();
    for (int row = 0; row < r.rows(); row++) {
      int[] expected = ref.expectedIds(row, k, includeSelf);
      int[] actual = r.neighbors(row);
      if (!Arrays.equals(expected, actual)) {
        fail("row " + row + ": ids " + abbreviate(actual) + " but the reference says "
            + abbreviate(expected) + " (distances " + abbreviate(ref.expectedDistances(row, k, includeSelf)) + ")");
      }
      double[] expectedDist = ref.expectedDistances(row, k, includeSelf);
      for (int j = 0; j < k; j++) {
        float want = (float) expectedDist[j];
        float got = r.distance(row, j);
        // Numeric ==, not bits: -0.0 and 0.0 are the same distance.
        if (want != got) {
          fail(at(row, j) + ": distance " + got + ", reference " + want);
        }
      }
    }
  }

  /**
   * Agreement with the reference that tolerates float32 ranking: every reported distance is the
   * reference distance of that id, the k-th distance is the reference k-th distance, every id is
   * within the reference k-th distance (all up to {@link #tolerance}), and among bit-identical
   * duplicates the smaller indices are the ones kept.
   *
   * @param r the result
   * @param ref the reference ranking of the same rows
   * @param includeSelf whether include-self was asked for
   * @param queries the row vectors
   * @param base the vectors the ids index
   * @param metric the metric
   * @param selfJoin whether row i is point i (then row i itself is not a candidate)
   */
  public static void assertTieTolerant(KnnResult r, NaiveKnn.Ranking ref, boolean includeSelf,
      float[][] queries, float[][] base, Metric metric, boolean selfJoin) {
    int k = r.k();
    int[] previousCopy = previousCopies(base);
    for (int row = 0; row < r.rows(); row++) {
      double[] expected = ref.expectedDistances(row, k, includeSelf);
      double kth = expected[k - 1];
      double kthTol = tolerance(metric, kth);
      int[] ids = r.neighbors(row);
      for (int j = includeSelf ? 1 : 0; j < k; j++) {
        int id = ids[j];
        double truth = NaiveKnn.distance(metric, queries[row], base[id]);
        float got = r.distance(row, j);
        if (!(Math.abs(got - truth) <= tolerance(metric, truth))) {
          fail(at(row, j) + ", id " + id + ": reported distance " + got + " but it is " + truth);
        }
        if (!(truth <= kth + kthTol)) {
          fail(at(row, j) + ", id " + id + ": at distance " + truth
              + ", beyond the true k-th distance " + kth);
        }
      }
      float gotKth = r.distance(row, k - 1);
      assertTrue(Math.abs(gotKth - kth) <= kthTol,
          "row " + row + ": k-th distance " + gotKth + ", reference " + kth);
      // Among exact duplicates (same distance to anything, bit for bit), the smaller index wins.
      // With include-self, column 0 is the point itself: it does not compete with its copies.
      boolean[] kept = new boolean[base.length];
      for (int id : ids) {
        kept[id] = true;
      }
      for (int j = includeSelf ? 1 : 0; j < k; j++) {
        int id = ids[j];
        for (int p = previousCopy[id]; p >= 0; p = previousCopy[p]) {
          if (!kept[p] && !(selfJoin && p == row)) {
            fail("row " + row + ": kept id " + id + " but not its exact duplicate " + p
                + " (ties go to the smaller index)");
          }
        }
      }
    }
  }

  /** For each row, the largest smaller index holding a bit-identical vector, or -1. */
  private static int[] previousCopies(float[][] points) {
    Map<Key, Integer> last = new HashMap<>();
    int[] out = new int[points.length];
    for (int i = 0; i < points.length; i++) {
      Integer prev = last.put(new Key(points[i]), i);
      out[i] = prev == null ? -1 : prev;
    }
    return out;
  }

  private static final class Key {
    private final float[] v;

    Key(float[] v) {
      this.v = v;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && Arrays.equals(v, ((Key) o).v);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(v);
    }
  }

  private static String at(int row, int rank) {
    return "row " + row + ", rank " + rank;
  }

  private static String abbreviate(int[] a) {
    return a.length <= 12 ? Arrays.toString(a) : Arrays.toString(Arrays.copyOf(a, 12)) + "...";
  }

  private static String abbreviate(double[] a) {
    return a.length <= 12 ? Arrays.toString(a) : Arrays.toString(Arrays.copyOf(a, 12)) + "...";
  }
}
