package org.knng.engine;

import org.knng.InvalidInputException;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.vectors.Vectors;

/**
 * What every engine does: the k-nearest-neighbour graph of a set of points, the k nearest base
 * points of each query, and the radius graph, with the semantics fixed by {@link KnnOptions} and
 * {@link KnnResult} whatever the algorithm: a point is excluded from its own neighbours by index
 * (so its duplicates are found), ties go to the smaller index, distances are in the metric's units
 * and re-computed in double precision, and the output does not depend on the thread count.
 *
 * <p>The exact engine ({@code org.knng.exact.BruteForceEngine}) is the first implementation and
 * the reference the others are tested against. {@code org.knng.Algorithm} names the engines and
 * makes them from options; the facade {@code org.knng.Knng}, the command line and the Spark module
 * go through this interface.
 */
public interface KnnEngine {
  /** @return the options this engine was made with */
  KnnOptions options();

  /**
   * The same kind of engine, with the same engine-specific settings, for other options (e.g. the
   * per-group k of a grouped graph).
   *
   * @param options the options
   * @return an engine
   */
  KnnEngine with(KnnOptions options);

  /** @return the engine's name as the command line spells it, e.g. {@code exact} */
  String name();

  /**
   * The k-nearest-neighbour graph of one set: for each point, its {@code k} nearest other points
   * (or itself plus its {@code k - 1} nearest others, with include-self).
   *
   * @param points the points
   * @return {@code N x k} neighbours
   * @throws InvalidInputException if {@code k >= N} ({@code k > N} with include-self), or a point
   *     cannot be ranked under the metric (see {@link InputChecks})
   */
  KnnResult graph(Vectors points);

  /**
   * The k-nearest-neighbour graph within groups, like PyTorch Geometric's {@code knn_graph(x, k,
   * batch)}: a point's neighbours are taken only from the points with the same label (labels need
   * not be sorted). A group of {@code m <= k} points (or {@code m < k} with include-self) gives
   * each member all the others, and its rows are padded with id {@code -1}; {@link
   * KnnResult#rowsWithFewerThanK()} counts them. Ids are global row indices; ties go to the
   * smaller index. By default each group is one {@link #graph(Vectors)} of this engine ({@link
   * GroupedGraph}).
   *
   * @param points the points
   * @param groups one label per point
   * @return {@code N x k} neighbours, padded where a group is too small
   * @throws InvalidInputException if there is not one label per point, or a point cannot be ranked
   */
  default KnnResult graph(Vectors points, int[] groups) {
    return GroupedGraph.build(this, points, groups);
  }

  /**
   * For each query, its {@code k} nearest points of {@code base} (a query equal to a base point
   * finds it at distance 0; nothing is excluded). Include-self does not apply here.
   *
   * @param base the set searched
   * @param queries the query points, of the same dimension
   * @return {@code queries.size() x k} neighbours, ids indexing {@code base}
   * @throws InvalidInputException if the dimensions differ, {@code k > base.size()}, or a vector
   *     cannot be ranked
   */
  KnnResult search(Vectors base, Vectors queries);

  /**
   * The radius graph of one set, like scikit-learn's {@code radius_neighbors_graph(X, r,
   * mode='distance')}: an edge from each point to every other point at distance at most {@code
   * radius} (with include-self, also to itself at distance 0), weighted by the distance in the
   * metric's units, columns sorted within each row. {@code k} is not used; for "the nearest k
   * within the radius", build the k-NN graph and use {@link KnnResult#withinRadius(double, Vectors)}.
   *
   * @param points the points
   * @param radius the largest distance kept, finite and {@code >= 0} (0: the points at distance 0, duplicates)
   * @return the N x N graph
   * @throws InvalidInputException if the radius is not finite and at least 0, a point cannot be
   *     ranked, or the engine cannot build radius graphs
   */
  SparseGraph radiusGraph(Vectors points, double radius);

  /**
   * For each query, every base point at distance at most {@code radius}, weighted by the distance,
   * like scikit-learn's {@code radius_neighbors_graph} of new points against fitted ones ({@code
   * RadiusNeighborsTransformer.transform}): nothing is excluded (a query equal to a base point
   * finds it at distance 0), include-self does not apply. Each row's columns are in increasing
   * order; memory follows the output.
   *
   * @param base the set searched
   * @param queries the query points, of the same dimension
   * @param radius the largest distance kept, finite and {@code >= 0} (0: the points at distance 0, duplicates)
   * @return a {@code queries.size() x base.size()} graph
   * @throws InvalidInputException if the radius is not finite and at least 0, the dimensions differ,
   *     or a vector cannot be ranked
   */
  SparseGraph radiusSearch(Vectors base, Vectors queries, double radius);
}
