package org.knng;

import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;

/**
 * The front door of knng: the few calls most users need. Each one makes an engine of an {@link
 * Algorithm} from {@link KnnOptions} and calls it through {@link KnnEngine}, which offers more
 * (threads, include-self, progress, groups, radius graphs).
 *
 * <pre>{@code
 * Vectors points = Vectors.of(rows);                                  // float[][] in
 * KnnResult knn = Knng.exactGraph(points, 10, Metric.EUCLIDEAN);      // 10 nearest other points
 * SparseGraph adjacency = knn.toGraph(GraphMode.DISTANCE);            // N x N CSR
 *
 * KnnEngine engine = Algorithm.EXACT.engine(KnnOptions.defaults().withK(10).withThreads(2));
 * KnnResult same = engine.graph(points);
 * }</pre>
 */
public final class Knng {
  private Knng() {}

  /**
   * The exact k-nearest-neighbour graph of a set of points, on all cores: each point's {@code k}
   * nearest other points (the point itself is excluded by index; ties go to the smaller index).
   *
   * @param points the points
   * @param k neighbours per point, {@code 1 <= k < N}
   * @param metric the distance
   * @return the neighbours, sorted by distance
   * @throws InvalidInputException if k is out of range or a point cannot be ranked
   */
  public static KnnResult exactGraph(Vectors points, int k, Metric metric) {
    return exact(k, metric).graph(points);
  }

  /**
   * The exact k-nearest-neighbour graph as a sparse {@code N x N} adjacency matrix, with the
   * semantics of scikit-learn's {@code kneighbors_graph(X, k, mode=..., include_self=False)}.
   *
   * @param points the points
   * @param k neighbours per point, {@code 1 <= k < N}
   * @param metric the distance
   * @param mode connectivity (weights 1) or distance
   * @return the CSR graph
   * @throws InvalidInputException if k is out of range or a point cannot be ranked
   */
  public static SparseGraph exactAdjacency(Vectors points, int k, Metric metric, GraphMode mode) {
    return exactGraph(points, k, metric).toGraph(mode);
  }

  /**
   * For each query, its {@code k} nearest points of {@code base}, exactly.
   *
   * @param base the points searched
   * @param queries the queries, of the same dimension
   * @param k neighbours per query, {@code 1 <= k <= base.size()}
   * @param metric the distance
   * @return {@code queries.size() x k} neighbours, ids indexing {@code base}
   * @throws InvalidInputException if the dimensions differ, k is out of range or a vector cannot
   *     be ranked
   */
  public static KnnResult exactSearch(Vectors base, Vectors queries, int k, Metric metric) {
    return exact(k, metric).search(base, queries);
  }

  private static KnnEngine exact(int k, Metric metric) {
    return Algorithm.EXACT.engine(KnnOptions.defaults().withK(k).withMetric(metric));
  }
}
