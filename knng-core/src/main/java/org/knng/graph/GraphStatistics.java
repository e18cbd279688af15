package org.knng.graph;

import org.knng.InvalidInputException;
import java.util.Objects;

/**
 * Summary statistics of a square {@link SparseGraph} (row = source node, column = target node),
 * computed in one pass over the CSR arrays with O(nodes) extra memory:
 *
 * <ul>
 *   <li>{@linkplain #nodes() nodes}, {@linkplain #edges() edges} (stored entries: an explicit 0
 *       weight is an edge) and {@linkplain #selfLoops() self-loops} (stored diagonal entries);
 *   <li>{@linkplain #symmetric() symmetric}: every stored {@code i -> j} has a stored {@code j -> i}
 *       of equal weight (so structure and weights);
 *   <li>out-degree (entries per row) and in-degree (entries per column): min, mean, max;
 *   <li>weakly connected components (edges taken as undirected, by union-find), as {@code
 *       scipy.sparse.csgraph.connected_components(A, directed=True, connection='weak')} counts
 *       them; an isolated node is a component of its own;
 *   <li>{@linkplain #hubness() hubness}: the population skewness of the in-degrees, {@code
 *       mean((x - m)^3) / s^3} with {@code s} the population standard deviation; defined as 0 when
 *       {@code s = 0} (every node equally popular, as in a k-NN graph of distinct symmetric
 *       neighbourhoods) or the graph has no nodes;
 *   <li>{@linkplain #inDegreeHistogram() in-degree histogram}: exact counts per in-degree value, not
 *       binned;
 *   <li>weights: the {@linkplain #minWeight() smallest}, {@linkplain #meanWeight() mean} and
 *       {@linkplain #maxWeight() largest} of the finite stored weights, and how many stored
 *       weights are {@linkplain #negativeWeights() negative} and {@linkplain #nonFiniteWeights()
 *       NaN or infinite} (a graph from another tool may carry them; no knng graph does, except
 *       inner-product distances, which can be negative).
 * </ul>
 *
 * <p>For a graph with no nodes the degree statistics and counts are 0.
 */
public final class GraphStatistics {
  private final int nodes;
  private final long edges;
  private final long selfLoops;
  private final boolean symmetric;
  private final int minOutDegree;
  private final int maxOutDegree;
  private final int minInDegree;
  private final int maxInDegree;
  private final int components;
  private final int largestComponent;
  private final double hubness;
  private final long[] inDegreeHistogram;
  private final double minWeight;
  private final double meanWeight;
  private final double maxWeight;
  private final long negativeWeights;
  private final long nonFiniteWeights;

  private GraphStatistics(SparseGraph g) {
    if (g.rows() != g.columns()) {
      throw new InvalidInputException("graph statistics need a square matrix (one node per row and column), got "
          + g.rows() + " x " + g.columns());
    }
    int n = g.rows();
    int[] indptr = g.indptr();
    int[] indices = g.indices();
    float[] weights = g.weights();
    nodes = n;
    edges = indices.length;

    int[] inDegree = new int[n];
    int[] parent = new int[n];
    int[] size = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
      size[i] = 1;
    }
    int components = n;
    long loops = 0;
    boolean symmetric = true;
    int minOut = n == 0 ? 0 : Integer.MAX_VALUE;
    int maxOut = 0;
    for (int r = 0; r < n; r++) {
      int degree = indptr[r + 1] - indptr[r];
      minOut = Math.min(minOut, degree);
      maxOut = Math.max(maxOut, degree);
      for (int p = indptr[r]; p < indptr[r + 1]; p++) {
        int c = indices[p];
        inDegree[c]++;
        if (c == r) {
          loops++;
        }
        if (symmetric && !sameWeight(weights[p], g.weight(c, r), g, c, r)) {
          symmetric = false;
        }
        if (union(parent, size, r, c)) {
          components--;
        }
      }
    }
    int largest = 0;
    for (int i = 0; i < n; i++) {
      if (parent[i] == i) {
        largest = Math.max(largest, size[i]);
      }
    }
    int minIn = n == 0 ? 0 : Integer.MAX_VALUE;
    int maxIn = 0;
    for (int d : inDegree) {
      minIn = Math.min(minIn, d);
      maxIn = Math.max(maxIn, d);
    }
    long[] histogram = new long[n == 0 ? 0 : maxIn + 1];
    for (int d : inDegree) {
      histogram[d]++;
    }
    this.selfLoops = loops;
    this.symmetric = symmetric;
    this.minOutDegree = minOut;
    this.maxOutDegree = maxOut;
    this.minInDegree = minIn;
    this.maxInDegree = maxIn;
    this.components = components;
    this.largestComponent = largest;
    this.hubness = minIn == maxIn ? 0 : skewness(inDegree); // all equal: s = 0, defined as 0
    this.inDegreeHistogram = histogram;
    double min = Double.NaN;
    double max = Double.NaN;
    double sum = 0;
    long finite = 0;
    long negative = 0;
    for (float w : weights) {
      if (!Float.isFinite(w)) {
        continue;
      }
      min = finite == 0 ? w : Math.min(min, w);
      max = finite == 0 ? w : Math.max(max, w);
      sum += w;
      finite++;
      negative += w < 0 ? 1 : 0;
    }
    long notFinite = weights.length - finite;
    for (float w : weights) {
      negative += w == Float.NEGATIVE_INFINITY ? 1 : 0;
    }
    this.minWeight = min;
    this.maxWeight = max;
    this.meanWeight = finite == 0 ? Double.NaN : sum / finite;
    this.negativeWeights = negative;
    this.nonFiniteWeights = notFinite;
  }

  /**
   * Computes the statistics of a graph.
   *
   * @param graph a square graph
   * @return its statistics
   * @throws InvalidInputException if the graph is not square
   */
  public static GraphStatistics of(SparseGraph graph) {
    return new GraphStatistics(Objects.requireNonNull(graph, "graph"));
  }

  /** Whether {@code c -> r} is stored with the weight {@code w} (NaN equals NaN here). */
  private static boolean sameWeight(float w, float reverse, SparseGraph g, int c, int r) {
    if (!Float.isNaN(reverse)) {
      return w == reverse; // 0.0 == -0.0: the same weight
    }
    // weight() also returns NaN for an absent edge; a stored NaN on both sides is symmetric.
    return Float.isNaN(w) && hasStoredEntry(g, c, r);
  }

  private static boolean hasStoredEntry(SparseGraph g, int row, int column) {
    int[] indices = g.indices();
    int lo = g.indptr()[row];
    int hi = g.indptr()[row + 1] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (indices[mid] < column) {
        lo = mid + 1;
      } else if (indices[mid] > column) {
        hi = mid - 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /** Union by size with path halving; returns whether two components were merged. */
  private static boolean union(int[] parent, int[] size, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra == rb) {
      return false;
    }
    if (size[ra] < size[rb]) {
      int t = ra;
      ra = rb;
      rb = t;
    }
    parent[rb] = ra;
    size[ra] += size[rb];
    return true;
  }

  private static int find(int[] parent, int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  /** Population skewness of values that are not all equal (so the variance is > 0). */
  private static double skewness(int[] x) {
    int n = x.length;
    double mean = 0;
    for (int v : x) {
      mean += v;
    }
    mean /= n;
    double m2 = 0;
    double m3 = 0;
    for (int v : x) {
      double d = v - mean;
      m2 += d * d;
      m3 += d * d * d;
    }
    m2 /= n;
    m3 /= n;
    return m3 / Math.pow(m2, 1.5);
  }

  /** @return number of nodes (rows = columns) */
  public int nodes() {
    return nodes;
  }

  /** @return number of stored entries, explicit zeros and self-loops included */
  public long edges() {
    return edges;
  }

  /** @return number of stored diagonal entries */
  public long selfLoops() {
    return selfLoops;
  }

  /** @return whether every stored edge has a stored reverse edge of the same weight */
  public boolean symmetric() {
    return symmetric;
  }

  /** @return the smallest number of edges leaving a node (0 for no nodes) */
  public int minOutDegree() {
    return minOutDegree;
  }

  /** @return edges per node, the mean out-degree (= mean in-degree; 0 for no nodes) */
  public double meanOutDegree() {
    return nodes == 0 ? 0 : (double) edges / nodes;
  }

  /** @return the largest number of edges leaving a node */
  public int maxOutDegree() {
    return maxOutDegree;
  }

  /** @return the smallest number of edges entering a node (0 for no nodes) */
  public int minInDegree() {
    return minInDegree;
  }

  /** @return the mean in-degree, equal to {@link #meanOutDegree()} in a square graph */
  public double meanInDegree() {
    return meanOutDegree();
  }

  /** @return the largest number of edges entering a node */
  public int maxInDegree() {
    return maxInDegree;
  }

  /** @return number of weakly connected components (isolated nodes count) */
  public int components() {
    return components;
  }

  /** @return number of nodes in the largest weakly connected component (0 for no nodes) */
  public int largestComponent() {
    return largestComponent;
  }

  /** @return population skewness of the in-degrees; 0 when they are all equal (see the class notes) */
  public double hubness() {
    return hubness;
  }

  /**
   * @return {@code h[d]} = number of nodes with in-degree {@code d}, for {@code d} from 0 to {@link
   *     #maxInDegree()} (empty for no nodes); a copy
   */
  public long[] inDegreeHistogram() {
    return inDegreeHistogram.clone();
  }

  /** @return the smallest finite stored weight, NaN if there is none */
  public double minWeight() {
    return minWeight;
  }

  /** @return the mean of the finite stored weights (summed in double), NaN if there is none */
  public double meanWeight() {
    return meanWeight;
  }

  /** @return the largest finite stored weight, NaN if there is none */
  public double maxWeight() {
    return maxWeight;
  }

  /** @return how many stored weights are below 0 (-infinity included) */
  public long negativeWeights() {
    return negativeWeights;
  }

  /** @return how many stored weights are NaN or infinite */
  public long nonFiniteWeights() {
    return nonFiniteWeights;
  }

  @Override
  public String toString() {
    return "GraphStatistics[nodes=" + nodes + ", edges=" + edges + ", components=" + components + "]";
  }
}
