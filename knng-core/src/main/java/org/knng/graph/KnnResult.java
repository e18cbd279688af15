package org.knng.graph;

import org.knng.InvalidInputException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.knng.metric.Metric;
import org.knng.vectors.VectorSource;
import org.knng.vectors.Vectors;

/**
 * The k nearest neighbours of each row: {@code rows() x k()} neighbour ids and distances, each row
 * sorted ascending by distance, ties by the smaller id.
 *
 * <p>Ids are rows of the searched set: for a graph of one set (self-join) they index that set; for
 * a query-vs-base search they index the base. When the result {@link #includesSelf() includes
 * self}, column 0 of row {@code i} is {@code i} itself at distance 0 (scikit-learn's {@code
 * include_self=True}: the point counts as one of its k neighbours) and the other {@code k - 1} are
 * its nearest other points; otherwise the point itself never appears, even when other points are
 * duplicates of it. A row with fewer than {@code k} neighbours is padded with id {@code -1} and
 * distance +infinity.
 *
 * <p>A result may carry an estimate of its own recall ({@link #recall()}), e.g. from an
 * approximate engine that measured itself against exact neighbours of a sample of rows.
 */
public final class KnnResult {
  private final int rows;
  private final int columns;
  private final int k;
  private final int[] ids;
  private final float[] distances;
  private final Metric metric;
  private final boolean includesSelf;
  private final RecallEstimate recall;

  /**
   * Wraps neighbour arrays (not copied).
   *
   * @param rows number of rows (points or queries)
   * @param columns size of the set the ids index (the graph's column count)
   * @param k neighbours per row
   * @param ids {@code rows * k} neighbour ids, row-major
   * @param distances {@code rows * k} distances, row-major, ascending within a row
   * @param metric the metric the distances are in
   * @param includesSelf whether column 0 of each row is the row itself
   */
  public KnnResult(int rows, int columns, int k, int[] ids, float[] distances, Metric metric,
      boolean includesSelf) {
    this(rows, columns, k, ids, distances, metric, includesSelf, null);
  }

  private KnnResult(int rows, int columns, int k, int[] ids, float[] distances, Metric metric,
      boolean includesSelf, RecallEstimate recall) {
    if ((long) rows * k != ids.length || ids.length != distances.length) {
      throw new IllegalArgumentException("arrays do not hold " + rows + " x " + k + " neighbours");
    }
    this.rows = rows;
    this.columns = columns;
    this.k = k;
    this.ids = ids;
    this.distances = distances;
    this.metric = Objects.requireNonNull(metric, "metric");
    this.includesSelf = includesSelf;
    this.recall = recall;
  }

  /**
   * Rows {@code firstRow ..} of a self-join's graph from a search of those rows (as queries)
   * against all the points with one neighbour more than the graph keeps: each row's own index is
   * removed from its list, or, where it is not in it (more duplicates of smaller index than the
   * list holds), the last entry is; with {@code includeSelf} the row then comes first, at distance
   * 0. The rows are those a self-join of all the points gives, since both order by (distance,
   * index). This is how a graph whose {@code rows x k} does not fit in one array is built a block
   * of rows at a time.
   *
   * @param search the search of rows {@code firstRow ..} against all points, with {@code k + 1}
   *     neighbours ({@code k} with {@code includeSelf})
   * @param firstRow the point of the search's row 0
   * @param includeSelf whether each row lists itself first
   * @return the graph's rows, {@code k} neighbours each
   */
  public static KnnResult selfJoinRows(KnnResult search, int firstRow, boolean includeSelf) {
    int searched = search.k();
    int k = includeSelf ? searched : searched - 1;
    int first = includeSelf ? 1 : 0;
    int n = search.rows();
    int[] ids = new int[n * k];
    float[] dist = new float[n * k];
    for (int r = 0; r < n; r++) {
      int self = firstRow + r;
      int to = r * k;
      if (includeSelf) {
        ids[to] = self;
        dist[to] = 0f;
      }
      int out = to + first;
      for (int j = 0; j < searched && out < to + k; j++) {
        int id = search.ids[r * searched + j];
        if (id != self) {
          ids[out] = id;
          dist[out++] = search.distances[r * searched + j];
        }
      }
    }
    return new KnnResult(n, search.columns, k, ids, dist, search.metric, includeSelf);
  }

  /** @return number of rows */
  public int rows() {
    return rows;
  }

  /** @return number of points the ids refer to (N for a graph, the base size for a search) */
  public int columns() {
    return columns;
  }

  /** @return neighbours per row */
  public int k() {
    return k;
  }

  /** @return the metric of the distances */
  public Metric metric() {
    return metric;
  }

  /** @return whether column 0 of each row is the row itself at distance 0 */
  public boolean includesSelf() {
    return includesSelf;
  }

  /**
   * @return the estimate of this result's recall@k that came with it, if any (an exact result
   *     has none: its recall is 1 by construction)
   */
  public Optional<RecallEstimate> recall() {
    return Optional.ofNullable(recall);
  }

  /**
   * The same result carrying a recall estimate. The copy shares this result's arrays.
   *
   * @param estimate the estimate, of this result's k
   * @return a result with the same neighbours and {@link #recall()} = {@code estimate}
   * @throws IllegalArgumentException if the estimate is of another k
   */
  public KnnResult withRecall(RecallEstimate estimate) {
    Objects.requireNonNull(estimate, "estimate");
    if (estimate.k() != k) {
      throw new IllegalArgumentException("a recall@" + estimate.k() + " estimate for a result of k=" + k);
    }
    return new KnnResult(rows, columns, k, ids, distances, metric, includesSelf, estimate);
  }

  /**
   * @param row row
   * @param rank 0 for the nearest
   * @return the neighbour id, or -1 for padding
   */
  public int neighbor(int row, int rank) {
    Objects.checkIndex(rank, k);
    return ids[Objects.checkIndex(row, rows) * k + rank];
  }

  /**
   * @param row row
   * @param rank 0 for the nearest
   * @return the distance in the metric's units
   */
  public float distance(int row, int rank) {
    Objects.checkIndex(rank, k);
    return distances[Objects.checkIndex(row, rows) * k + rank];
  }

  /**
   * @param row row
   * @return a copy of the row's neighbour ids, nearest first
   */
  public int[] neighbors(int row) {
    int from = Objects.checkIndex(row, rows) * k;
    return Arrays.copyOfRange(ids, from, from + k);
  }

  /**
   * The nearest neighbours of a graph that are also within a radius: every entry farther than
   * {@code radius} becomes padding (id {@code -1}). Since rows are sorted, what remains of a row is
   * its nearest {@code k} points within the radius, ties by the smaller index (never a random
   * subset): the points of {@link org.knng.engine.KnnEngine#radiusGraph}'s row, or its nearest
   * {@code k}. As there, a distance is compared with the radius in double precision: an entry
   * whose float32 distance is within one float32 step of the radius is computed again from {@code
   * points}. A recall estimate is not carried over: it was of the unpruned rows.
   *
   * @param radius the largest distance kept, in the metric's units, finite and {@code >= 0} (0:
   *     the points at distance 0, duplicates)
   * @param points the points this graph is of
   * @return a new result
   * @throws InvalidInputException if the radius is not finite and at least 0
   */
  public KnnResult withinRadius(double radius, Vectors points) {
    return withinRadius(radius, points, points);
  }

  /**
   * {@link #withinRadius(double, Vectors)} of a search's result: {@link
   * org.knng.engine.KnnEngine#radiusSearch}'s rows, or their nearest {@code k}.
   *
   * @param radius the largest distance kept, finite and {@code >= 0}
   * @param base the points the ids index
   * @param queries the points the rows are of
   * @return a new result
   * @throws InvalidInputException if the radius is not finite and at least 0
   */
  public KnnResult withinRadius(double radius, Vectors base, Vectors queries) {
    try {
      return withinRadius(radius, (VectorSource) base, queries);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // not thrown by vectors in memory
    }
  }

  /**
   * {@link #withinRadius(double, Vectors, Vectors)} of points that may be in a file: the few
   * entries near the radius read their two rows from it.
   *
   * @param radius the largest distance kept, finite and {@code >= 0}
   * @param base the points the ids index
   * @param queries the points the rows are of (the same as {@code base} for a graph)
   * @return a new result
   * @throws InvalidInputException if the radius is not finite and at least 0
   * @throws IOException if a row cannot be read
   */
  public KnnResult withinRadius(double radius, VectorSource base, VectorSource queries) throws IOException {
    if (!(radius >= 0) || Double.isInfinite(radius)) {
      throw new InvalidInputException("radius must be a finite number >= 0, got " + radius);
    }
    int[] keptIds = new int[ids.length];
    float[] keptDistances = new float[distances.length];
    Arrays.fill(keptIds, -1);
    Arrays.fill(keptDistances, Float.POSITIVE_INFINITY);
    int d = base.dimension();
    for (int r = 0; r < rows; r++) {
      int out = r * k;
      for (int e = r * k; e < (r + 1) * k; e++) {
        int id = ids[e];
        float f = distances[e];
        // The stored value is the double distance rounded to float32: far from the radius, it
        // decides as the double would; within a step of it, the double is computed again. The
        // point itself is at distance 0, as in the radius graph.
        boolean kept = id >= 0 && ((includesSelf && id == r) || (Math.abs(f - radius) > Math.ulp(f)
            ? f <= radius
            : metric.distance(queries.rows(r, 1).data(), 0, base.rows(id, 1).data(), 0, d) <= radius));
        if (kept) { // kept entries move up: two of one float32 value may be decided differently
          keptIds[out] = id;
          keptDistances[out++] = f;
        }
      }
    }
    return new KnnResult(rows, columns, k, keptIds, keptDistances, metric, includesSelf);
  }

  /**
   * The same neighbours in rows of {@code width} entries, the new ones padding (id {@code -1},
   * distance infinity): a k larger than the points can give, where k is only a bound (a radius
   * graph's "at most k within the radius"), keeps the width asked for.
   *
   * @param width entries per row, at least {@link #k()}
   * @return this result if {@code width == k()}, else a padded copy (no recall estimate: it was of
   *     k neighbours)
   * @throws IllegalArgumentException if {@code width < k()}
   */
  public KnnResult padded(int width) {
    if (width < k) {
      throw new IllegalArgumentException("width " + width + " is less than k=" + k);
    }
    if (width == k) {
      return this;
    }
    int[] paddedIds = new int[Math.multiplyExact(rows, width)];
    float[] paddedDistances = new float[paddedIds.length];
    Arrays.fill(paddedIds, -1);
    Arrays.fill(paddedDistances, Float.POSITIVE_INFINITY);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(ids, r * k, paddedIds, r * width, k);
      System.arraycopy(distances, r * k, paddedDistances, r * width, k);
    }
    return new KnnResult(rows, columns, width, paddedIds, paddedDistances, metric, includesSelf);
  }

  /**
   * @return how many rows have fewer than {@code k} neighbours (padded with id {@code -1}), e.g.
   *     the members of groups with at most k points
   */
  public int rowsWithFewerThanK() {
    int count = 0;
    for (int r = 0; r < rows; r++) {
      if (k > 0 && ids[r * k + k - 1] < 0) {
        count++;
      }
    }
    return count;
  }

  /** @return all ids, row-major {@code rows() x k()} (the backing array; do not modify) */
  public int[] ids() {
    return ids;
  }

  /** @return all distances, row-major {@code rows() x k()} (the backing array; do not modify) */
  public float[] distances() {
    return distances;
  }

  /**
   * The directed k-NN graph as a {@code rows() x columns()} CSR matrix: an edge from each row to
   * each of its neighbours (padding skipped), weighted as {@code mode} says. With {@link
   * #includesSelf()}, the diagonal entry is present (weight 1 or an explicit 0 in distance mode).
   * The same as {@code EdgeWeights.of(mode).apply(this)}.
   *
   * @param mode any mode but gaussian, which needs σ: use {@link EdgeWeights#gaussian(double)}
   * @return the graph
   * @throws InvalidInputException for gaussian, or as {@link EdgeWeights#apply} does
   */
  public SparseGraph toGraph(GraphMode mode) {
    return EdgeWeights.of(mode).apply(this);
  }

  /**
   * The directed k-NN graph weighted by {@code weights}.
   *
   * @param weights the weighting
   * @return the graph, as {@link EdgeWeights#apply} builds it
   */
  public SparseGraph toGraph(EdgeWeights weights) {
    return weights.apply(this);
  }

  @Override
  public String toString() {
    return "KnnResult[" + rows + " rows, k=" + k + ", " + metric.id() + (includesSelf ? ", with self" : "")
        + (recall == null ? "" : ", " + recall.describe()) + "]";
  }
}
