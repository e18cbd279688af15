package org.knng.graph;

import java.util.Objects;

/**
 * A graph's edges in PyTorch Geometric's {@code edge_index} layout: a {@code 2 x E} int64 array,
 * row-major (the {@code E} entries of row 0, then the {@code E} of row 1), edges in CSR order
 * (by centre, then by neighbour). Which row holds the centre is chosen by a {@link Flow}. Weights
 * are not part of it (PyG keeps them in a separate {@code edge_attr}/{@code edge_weight}); an
 * edge of weight 0 is listed like any other.
 */
public final class EdgeIndex {
  private EdgeIndex() {}

  /**
   * @param graph the graph; row {@code i} lists the neighbours {@code j} of centre {@code i}
   * @param flow which row of the result holds the neighbours
   * @return {@code 2 * graph.edgeCount()} ids, row-major {@code 2 x E}
   */
  public static long[] of(SparseGraph graph, Flow flow) {
    Objects.requireNonNull(flow, "flow");
    int edges = graph.edgeCount();
    int[] indptr = graph.indptr();
    int[] indices = graph.indices();
    long[] out = new long[2 * edges];
    int neighbourRow = flow == Flow.SOURCE_TO_TARGET ? 0 : edges;
    int centreRow = edges - neighbourRow;
    for (int r = 0; r < graph.rows(); r++) {
      for (int p = indptr[r]; p < indptr[r + 1]; p++) {
        out[centreRow + p] = r;
        out[neighbourRow + p] = indices[p];
      }
    }
    return out;
  }
}
