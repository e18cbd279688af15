package org.knng.graph;

import org.knng.Named;

/**
 * The direction of message passing that a PyTorch Geometric {@code edge_index} encodes, named as
 * PyG's {@code flow} argument. For an edge {@code i -> j} of a k-NN graph (j is a neighbour of
 * the centre i): {@link #SOURCE_TO_TARGET} puts j in row 0 and i in row 1, {@link
 * #TARGET_TO_SOURCE} puts i in row 0 and j in row 1.
 */
public enum Flow implements Named {
  /** Row 0 = neighbour, row 1 = centre: PyG's default ({@code knn_graph(flow="source_to_target")}). */
  SOURCE_TO_TARGET("source-to-target"),
  /** Row 0 = centre, row 1 = neighbour: the CSR's (row, column) order. */
  TARGET_TO_SOURCE("target-to-source");

  private final String id;

  Flow(String id) {
    this.id = id;
  }

  /** @return the name used on the command line */
  @Override
  public String id() {
    return id;
  }

  /**
   * @param name a name, case-insensitive; PyG's spelling with underscores is accepted too
   * @return the flow
   * @throws org.knng.InvalidInputException naming the valid choices if there is no such flow
   */
  public static Flow parse(String name) {
    return Named.parse(values(), name, "flow");
  }
}
