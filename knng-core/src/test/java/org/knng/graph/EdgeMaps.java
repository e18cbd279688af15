package org.knng.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.TreeMap;

/** Graphs as plain maps of edges, (row, column) to weight in double: the tests' reference form. */
final class EdgeMaps {
  private EdgeMaps() {}

  /** @return a key ordering edges by row, then column */
  static long key(int row, int column) {
    return ((long) row << 32) | column;
  }

  static int row(long key) {
    return (int) (key >>> 32);
  }

  static int column(long key) {
    return (int) key;
  }

  /** Every stored entry of the graph, explicit zeros included. */
  static Map<Long, Double> of(SparseGraph g) {
    Map<Long, Double> out = new TreeMap<>();
    for (int r = 0; r < g.rows(); r++) {
      for (int p = g.indptr()[r]; p < g.indptr()[r + 1]; p++) {
        out.put(key(r, g.indices()[p]), (double) g.weights()[p]);
      }
    }
    return out;
  }

  /** The graph holds exactly the expected edges, each weight within a relative tolerance. */
  static void assertGraph(Map<Long, Double> expected, SparseGraph g, double tolerance, String what) {
    Map<Long, Double> actual = of(g);
    for (Map.Entry<Long, Double> e : expected.entrySet()) {
      Double got = actual.get(e.getKey());
      String at = what + ": edge " + row(e.getKey()) + " -> " + column(e.getKey());
      if (got == null) {
        fail(at + " missing (expected weight " + e.getValue() + ")");
      }
      double want = e.getValue();
      assertTrue(Math.abs(got - want) <= tolerance * Math.max(1, Math.abs(want)),
          at + ": weight " + got + ", reference " + want);
    }
    for (Long key : actual.keySet()) {
      assertTrue(expected.containsKey(key), what + ": unexpected edge " + row(key) + " -> " + column(key));
    }
    assertEquals(expected.size(), g.edgeCount(), what + ": edge count");
  }
}
