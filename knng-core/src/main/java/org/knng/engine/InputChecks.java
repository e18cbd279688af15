package org.knng.engine;

import java.util.function.IntUnaryOperator;
import org.knng.InvalidInputException;
import org.knng.UnrankableVectorsException;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;

/**
 * The checks every engine makes before any work, with one wording for all of them: k against the
 * number of points, dimensions of queries against the base, the radius, and vectors the float32
 * kernels cannot rank. Each failure is an {@link InvalidInputException} naming the value or row.
 */
public final class InputChecks {
  private InputChecks() {}

  /**
   * Checks k for a graph of {@code n} points.
   *
   * @param options the options (k, include-self)
   * @param n the number of points
   * @throws InvalidInputException if {@code k >= n} ({@code k > n} with include-self) or the
   *     {@code n x k} result cannot be held in one array
   */
  public static void graphK(KnnOptions options, int n) {
    int k = options.k();
    boolean self = options.includeSelf();
    if (self ? k > n : k >= n) {
      throw new InvalidInputException("k=" + k + " is too large for " + n + " points: k must be "
          + (self ? "at most N=" + n + " with include-self" : "less than N=" + n
              + " (a point is not its own neighbour; use include-self to count it)"));
    }
    resultSize(n, k);
  }

  /**
   * Checks a search of {@code queries} against {@code base}.
   *
   * @param options the options (k)
   * @param base the points searched
   * @param queries the queries
   * @throws InvalidInputException if the dimensions differ or {@code k > base.size()}
   */
  public static void search(KnnOptions options, Vectors base, Vectors queries) {
    sameDimension(base, queries);
    int k = options.k();
    if (k > base.size()) {
      throw new InvalidInputException("k=" + k + " is more than the " + base.size() + " base points");
    }
    resultSize(queries.size(), k);
  }

  /**
   * @param base the points searched
   * @param queries the queries
   * @throws InvalidInputException if their dimensions differ
   */
  public static void sameDimension(Vectors base, Vectors queries) {
    if (base.dimension() != queries.dimension()) {
      throw new InvalidInputException("queries have dimension " + queries.dimension()
          + " but the base vectors have " + base.dimension());
    }
  }

  /**
   * @param rows rows of a result
   * @param k neighbours per row
   * @throws InvalidInputException if the {@code rows x k} result cannot be held in one array
   */
  public static void resultSize(int rows, int k) {
    if ((long) rows * k > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException(rows + " rows x k=" + k + " neighbours exceed the "
          + (Integer.MAX_VALUE - 8) + " entries one result array can hold: use a smaller k");
    }
  }

  /**
   * @param radius a radius
   * @throws InvalidInputException if it is not a finite number {@code >= 0}
   */
  public static void radius(double radius) {
    if (!(radius >= 0) || Double.isInfinite(radius)) {
      throw new InvalidInputException("radius must be a finite number >= 0, got " + radius);
    }
  }

  /**
   * The largest magnitude below which, for euclidean, sqeuclidean and inner product, all values are
   * too small for float32: {@code 2^-60}, about 8.7e-19. Squares and products of such values are at
   * most about {@code 2^-118} and lose their precision among float32's subnormal numbers, or vanish:
   * candidates then tie at 0 and the neighbours are wrong (points of 1e-24 took a point three times
   * farther than the nearest). Data whose largest value is at least this keep squares of their
   * larger values among the normal numbers.
   */
  static final double SMALLEST_LARGEST_VALUE = 0x1p-60;

  /**
   * Rejects vectors the float32 kernels cannot rank correctly, naming the row: for cosine a vector
   * of norm 0 (no direction); for the other metrics a value so large that a distance (a squared
   * distance, dot product, sum of differences or difference) would overflow float32 (every
   * candidate would then tie at infinity and the neighbours would be wrong without any sign of it);
   * for euclidean, sqeuclidean and inner product also data whose values are
   * all so small ({@link #SMALLEST_LARGEST_VALUE}) that they would underflow (every candidate
   * tying at 0); all zeros are fine (every distance is 0, exactly).
   *
   * @param v the vectors
   * @param metric the metric
   * @param what how a row is named in the message, e.g. {@code "row"} or {@code "query row"}
   * @throws UnrankableVectorsException naming the first row (and column) at fault
   */
  public static void rankable(Vectors v, Metric metric, String what) {
    rankable(v, metric, what, IntUnaryOperator.identity());
  }

  /**
   * {@link #rankable(Vectors, Metric, String)} of vectors that are some rows of a larger set,
   * naming the rows as that set numbers them.
   *
   * @param v the vectors
   * @param metric the metric
   * @param what how a row is named in the message
   * @param row the number of each of {@code v}'s rows in the larger set
   * @throws UnrankableVectorsException naming the first row (and column) at fault
   */
  public static void rankable(Vectors v, Metric metric, String what, IntUnaryOperator row) {
    int largest = rankableRows(v, metric, what, row);
    if (largest >= 0) {
      int d = v.dimension();
      notTiny(metric, v.data()[largest], what + " " + row.applyAsInt(largest / d) + ", column "
          + (largest % d));
    }
  }

  /**
   * {@link #rankable(Vectors, Metric, String)} for a search: each set's rows (named {@code "base
   * row"} and {@code "query row"}), and the check that every value is too small ({@link #notTiny})
   * on the base: its points are what is ranked, and if they are all that small, so are the
   * differences between their distances to any query. For euclidean and sqeuclidean a query's own
   * values may be as small as they like (a query of 1e-20 against points of ordinary size has
   * distances of their size); for the inner product they may not (-q.y shrinks with the query,
   * into float32's subnormal numbers, where the scores tie), and are checked too.
   *
   * @param base the points searched
   * @param queries the queries
   * @param metric the metric
   * @throws UnrankableVectorsException naming the first row (and column) at fault
   */
  public static void rankableSearch(Vectors base, Vectors queries, Metric metric) {
    rankable(base, metric, "base row");
    rankableQueries(queries, metric);
  }

  /**
   * The queries' part of {@link #rankableSearch}, for a search whose base is checked as it is read
   * (in blocks).
   *
   * @param queries the queries
   * @param metric the metric
   * @throws UnrankableVectorsException naming the first query row (and column) at fault
   */
  public static void rankableQueries(Vectors queries, Metric metric) {
    if (metric == Metric.INNER_PRODUCT) {
      rankable(queries, metric, "query row");
    } else {
      rankableRows(queries, metric, "query row", IntUnaryOperator.identity());
    }
  }

  /**
   * The checks of {@link #rankable(Vectors, Metric, String, IntUnaryOperator)} that concern one row
   * at a time (too large, or all zeros for cosine), for vectors that are a part of the input (a
   * block read from a file): the check that every value is too small concerns the whole input,
   * {@link #notTiny} with the largest of all parts.
   *
   * @param v the vectors
   * @param metric the metric
   * @param what how a row is named in the message
   * @param row the number of each of {@code v}'s rows in the whole input
   * @return the position in {@code v.data()} of a value of the largest magnitude, or -1 where
   *     {@link #notTiny} does not apply (cosine, no values)
   * @throws UnrankableVectorsException naming the first row (and column) at fault
   */
  public static int rankableRows(Vectors v, Metric metric, String what, IntUnaryOperator row) {
    int d = v.dimension();
    float[] data = v.data();
    if (metric != Metric.COSINE) {
      double limit = largestValue(metric, d);
      int largest = -1;
      float largestValue = 0;
      int end = v.size() * d;
      for (int i = 0; i < end; i++) {
        float value = Math.abs(data[i]);
        if (value >= limit) {
          throw tooLarge(what + " " + row.applyAsInt(i / d) + ", column " + (i % d), data[i], metric,
              d, limit, queries(what));
        }
        if (value > largestValue) {
          largestValue = value;
          largest = i;
        }
      }
      return largest;
    }
    // A row needs a norm whose inverse float32 holds (the kernels scale rows to unit length): a
    // value of at least 1 / Float.MAX_VALUE settles it; a row without one has its norm computed.
    double smallestNorm = 1.0 / Float.MAX_VALUE;
    for (int i = 0; i < v.size(); i++) {
      boolean small = true;
      for (int j = 0; j < d && small; j++) {
        small = Math.abs(data[i * d + j]) < smallestNorm;
      }
      if (small) {
        double norm = Math.sqrt(Vectors.squaredNorm(data, i * d, d));
        if (norm == 0) {
          throw zeros(what + " " + row.applyAsInt(i), queries(what));
        }
        if (norm < smallestNorm) {
          throw new UnrankableVectorsException(what + " " + row.applyAsInt(i) + " has a norm of " + (float) norm
              + ", below " + (float) smallestNorm + ", too small for cosine in float32 (its unit vector"
              + " overflows); scale the data up (cosine distances do not change)", queries(what));
        }
      }
    }
    return -1;
  }

  /**
   * Rejects an input whose values are all so small ({@link #SMALLEST_LARGEST_VALUE}) that their
   * squares would underflow (every candidate tying at 0), for euclidean, sqeuclidean and inner
   * product; all zeros are fine (every distance is 0, exactly).
   *
   * @param metric the metric
   * @param largest a value of the largest magnitude in the whole input
   * @param where where it is, e.g. {@code "row 3, column 7"}
   * @throws UnrankableVectorsException naming that value
   */
  public static void notTiny(Metric metric, float largest, String where) {
    boolean squares = metric == Metric.EUCLIDEAN || metric == Metric.SQEUCLIDEAN
        || metric == Metric.INNER_PRODUCT;
    if (squares && largest != 0 && Math.abs(largest) < SMALLEST_LARGEST_VALUE) {
      throw new UnrankableVectorsException("every value is too small for " + metric.id()
          + " in float32: the largest, " + largest + " (" + where + "), is below "
          + (float) SMALLEST_LARGEST_VALUE
          + ", where squares lose their precision and distances tie at 0; scale the data up",
          queries(where));
    }
  }

  /** The largest magnitude a value may have for a float32 distance at dimension {@code d}. */
  private static double largestValue(Metric metric, int d) {
    if (metric == Metric.MANHATTAN) {
      return Float.MAX_VALUE / (2.0 * d); // a sum of D values |x - y| stays finite
    }
    if (metric == Metric.CHEBYSHEV) {
      return Float.MAX_VALUE / 2.0; // |x - y| stays finite
    }
    // |x|^2 + |y|^2 + 2|x.y| and sum((x - y)^2) stay below 4 D max^2.
    return Math.sqrt(Float.MAX_VALUE / (4.0 * d));
  }

  /**
   * The checks of {@link #rankable} and of {@link org.knng.vectors.Vectors#wrap} (finite values)
   * for one row, named by the caller (e.g. {@code "id 17"} where rows are known by id).
   *
   * @param row the row's values
   * @param metric the metric
   * @param name how the row is named in the message
   * @throws UnrankableVectorsException naming the row (and column) at fault
   */
  public static void rankableRow(float[] row, Metric metric, String name) {
    int d = row.length;
    double limit = largestValue(metric, d);
    boolean zero = true;
    for (int j = 0; j < d; j++) {
      float v = row[j];
      if (!Float.isFinite(v)) {
        throw new InvalidInputException(name + ", column " + j + ": value " + v
            + " is not a finite number");
      }
      if (metric != Metric.COSINE && Math.abs(v) >= limit) {
        throw tooLarge(name + ", column " + j, v, metric, d, limit, false);
      }
      zero &= v == 0f;
    }
    if (metric == Metric.COSINE && zero) {
      throw zeros(name, false);
    }
  }

  private static UnrankableVectorsException tooLarge(String where, float value, Metric metric,
      int d, double limit, boolean queries) {
    return new UnrankableVectorsException(where + ": value " + value + " is too large for "
        + metric.id() + " in float32 (at dimension " + d + ", values must stay below "
        + (float) limit + "); scale the data down", queries);
  }

  private static UnrankableVectorsException zeros(String row, boolean queries) {
    return new UnrankableVectorsException(row
        + " is all zeros: cosine distance is undefined for a vector of norm 0", queries);
  }

  /** Whether rows named so are a search's queries: callers name them "query row". */
  private static boolean queries(String what) {
    return what.startsWith("query");
  }
}
