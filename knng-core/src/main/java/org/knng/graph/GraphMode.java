package org.knng.graph;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the stored value of an edge is, as in scikit-learn's {@code kneighbors_graph(mode=...)}. */
public enum GraphMode {
  /** Every edge has weight 1. */
  CONNECTIVITY("connectivity"),
  /**
   * Every edge has the distance as its weight, in the metric's units. A distance of 0 (duplicate
   * points, or the point itself with include-self) is still an edge, stored as an explicit 0.
   */
  DISTANCE("distance");

  private final String id;

  GraphMode(String id) {
    this.id = id;
  }

  /** @return the name used on the command line */
  public String id() {
    return id;
  }

  /**
   * @param name a mode name, case-insensitive
   * @return the mode
   * @throws IllegalArgumentException naming the valid choices if there is no such mode
   */
  public static GraphMode parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    for (GraphMode m : values()) {
      if (m.id.equals(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown mode '" + name + "' (expected one of "
        + Arrays.stream(values()).map(GraphMode::id).collect(Collectors.joining(", ")) + ")");
  }
}
