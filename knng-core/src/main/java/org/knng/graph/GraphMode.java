package org.knng.graph;

import org.knng.Named;

/**
 * What the stored value of an edge is: scikit-learn's {@code kneighbors_graph(mode=...)} values
 * {@code connectivity} and {@code distance}, and three kernels that turn distances into
 * similarities. {@link EdgeWeights} computes them (and holds the parameters the kernels need);
 * the formulas and the treatment of zero distances are documented there.
 */
public enum GraphMode implements Named {
  /** Every edge has weight 1. */
  CONNECTIVITY("connectivity"),
  /**
   * Every edge has the distance as its weight, in the metric's units. A distance of 0 (duplicate
   * points, or the point itself with include-self) is still an edge, stored as an explicit 0.
   */
  DISTANCE("distance"),
  /** {@code w = exp(-d² / (2σ²))} with a global σ: see {@link EdgeWeights#gaussian(double)}. */
  GAUSSIAN("gaussian"),
  /**
   * Zelnik-Manor and Perona's local scaling, {@code w_ij = exp(-d_ij² / (σ_i σ_j))}: see {@link
   * EdgeWeights#selfTuning(int)}.
   */
  SELF_TUNING("self-tuning"),
  /** UMAP's {@code smooth_knn_dist} membership strengths: see {@link EdgeWeights#umap()}. */
  UMAP("umap");

  private final String id;

  GraphMode(String id) {
    this.id = id;
  }

  /** @return the name used on the command line */
  @Override
  public String id() {
    return id;
  }

  /**
   * @return whether the weight is a kernel of the distance ({@link #GAUSSIAN}, {@link
   *     #SELF_TUNING}, {@link #UMAP}), defined for distances of at least 0: refused with a metric
   *     whose distances can be negative ({@link org.knng.metric.Metric#negativeDistances()})
   */
  public boolean kernel() {
    return this == GAUSSIAN || this == SELF_TUNING || this == UMAP;
  }

  /**
   * @param name a mode name, case-insensitive
   * @return the mode
   * @throws org.knng.InvalidInputException naming the valid choices if there is no such mode
   */
  public static GraphMode parse(String name) {
    return Named.parse(values(), name, "mode");
  }
}
