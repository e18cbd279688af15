package org.knng.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.knng.graph.EdgeMaps.assertGraph;
import static org.knng.graph.EdgeMaps.column;
import static org.knng.graph.EdgeMaps.key;
import static org.knng.graph.EdgeMaps.row;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.exact.BruteForceEngine;
import org.knng.io.GraphWriter;
import org.knng.testing.PythonRunner;
import org.knng.testing.TestData;
import org.knng.vectors.Vectors;

/**
 * Every symmetrization against the definitions applied to a map of edges in double precision, on
 * k-NN graphs of data with duplicates (explicit zero weights, asymmetric neighbourhoods) and on
 * random sparse graphs with diagonal entries and empty rows.
 */
class SymmetrizationTest {
  @TempDir Path dir;

  static Stream<Arguments> graphs() {
    List<Arguments> out = new ArrayList<>();
    for (long seed = 1; seed <= 3; seed++) {
      float[][] p = TestData.plantDuplicates(TestData.gaussian(seed, 50, 2, 0f), seed, 4, 2);
      KnnResult r = BruteForceEngine.builder().k(4).includeSelf(seed == 3).build().graph(Vectors.of(p));
      out.add(Arguments.of("distance knn " + seed, r.toGraph(GraphMode.DISTANCE)));
      out.add(Arguments.of("umap knn " + seed, r.toGraph(GraphMode.UMAP)));
      out.add(Arguments.of("random " + seed, random(seed, 40, 0.08)));
    }
    out.add(Arguments.of("empty", new SparseGraph(3, 3, new int[4], new int[0], new float[0])));
    return out.stream();
  }

  /** A random square graph: about density * n² edges, weights in [0, 1) with some exact zeros. */
  static SparseGraph random(long seed, int n, double density) {
    Random rnd = new Random(seed);
    int[] indptr = new int[n + 1];
    List<Integer> cols = new ArrayList<>();
    List<Float> ws = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        if (rnd.nextDouble() < density) {
          cols.add(c);
          ws.add(rnd.nextInt(5) == 0 ? 0f : rnd.nextFloat());
        }
      }
      indptr[r + 1] = cols.size();
    }
    int[] indices = cols.stream().mapToInt(Integer::intValue).toArray();
    float[] weights = new float[ws.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = ws.get(i);
    }
    return new SparseGraph(n, n, indptr, indices, weights);
  }

  /** The definition of each mode on a map of edges (absent = 0 in the formulas). */
  static Map<Long, Double> reference(Map<Long, Double> a, Symmetrization mode) {
    Set<Long> keys = new HashSet<>(a.keySet());
    for (long k : a.keySet()) {
      keys.add(key(column(k), row(k)));
    }
    Map<Long, Double> out = new HashMap<>();
    for (long k : keys) {
      Double x = a.get(k);
      Double y = a.get(key(column(k), row(k)));
      double av = x == null ? 0 : x;
      double tv = y == null ? 0 : y;
      boolean both = x != null && y != null;
      switch (mode) {
        case NONE:
          if (x != null) {
            out.put(k, av);
          }
          break;
        case UNION:
          out.put(k, both ? Math.max(av, tv) : x != null ? av : tv);
          break;
        case AVERAGE:
          out.put(k, (av + tv) / 2);
          break;
        case MUTUAL:
          if (both) {
            out.put(k, Math.min(av, tv));
          }
          break;
        case FUZZY_UNION:
          out.put(k, av + tv - av * tv);
          break;
        case FUZZY_INTERSECTION:
          if (both) {
            out.put(k, av * tv);
          }
          break;
        default:
          throw new AssertionError(mode);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("graphs")
  void everyModeMatchesItsDefinition(String name, SparseGraph a) {
    Map<Long, Double> edges = EdgeMaps.of(a);
    for (Symmetrization mode : Symmetrization.values()) {
      SparseGraph s = mode.apply(a);
      assertGraph(reference(edges, mode), s, 1e-6, name + " " + mode.id());
      if (mode != Symmetrization.NONE) {
        assertGraph(EdgeMaps.of(s), Symmetrization.transpose(s), 0, name + " " + mode.id() + " is symmetric");
      }
    }
  }

  /** 0 -> 1 both ways, 0 -> 2 one way, 2 -> 2 a loop, 1 -> 2 one way with weight 0. */
  @Test
  void mutualDropsOneWayEdgesAndUnionAddsTheirReverse() {
    SparseGraph a = new SparseGraph(3, 3, new int[] {0, 2, 4, 5}, new int[] {1, 2, 0, 2, 2},
        new float[] {0.5f, 0.25f, 0.75f, 0f, 0.5f});
    SparseGraph mutual = Symmetrization.MUTUAL.apply(a);
    assertEquals(3, mutual.edgeCount());
    assertEquals(0.5f, mutual.weight(0, 1));
    assertEquals(0.5f, mutual.weight(1, 0));
    assertFalse(mutual.hasEdge(0, 2));
    assertEquals(0.5f, mutual.weight(2, 2));
    SparseGraph union = Symmetrization.UNION.apply(a);
    assertEquals(7, union.edgeCount());
    assertEquals(0.75f, union.weight(0, 1));
    assertEquals(0.25f, union.weight(2, 0), "the reverse of a one-way edge is added");
    assertTrue(union.hasEdge(2, 1), "a weight-0 edge is an edge: its reverse is added too");
    assertEquals(0f, union.weight(2, 1));
    assertEquals(0f, union.weight(1, 2));
    SparseGraph average = Symmetrization.AVERAGE.apply(a);
    assertEquals(0.625f, average.weight(0, 1));
    assertEquals(0.125f, average.weight(2, 0));
    assertEquals(0f, average.weight(1, 2));
    assertEquals(0.5f, average.weight(2, 2));
    SparseGraph fuzzy = Symmetrization.FUZZY_UNION.apply(a);
    assertEquals(0.5f + 0.75f - 0.375f, fuzzy.weight(0, 1));
    assertEquals(0.75f, fuzzy.weight(2, 2));
    assertEquals(0.375f, Symmetrization.FUZZY_INTERSECTION.apply(a).weight(1, 0));
    assertSame(a, Symmetrization.NONE.apply(a));
  }

  @Test
  void parseAndShape() {
    assertEquals(Symmetrization.FUZZY_UNION, Symmetrization.parse(" Fuzzy-Union"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Symmetrization.parse("both"));
    assertTrue(e.getMessage().contains("'both'") && e.getMessage().contains("mutual"), e.getMessage());
    SparseGraph rect = new SparseGraph(1, 2, new int[] {0, 1}, new int[] {1}, new float[] {1});
    assertThrows(IllegalArgumentException.class, () -> Symmetrization.UNION.apply(rect));
  }

  /** scikit-learn's spectral clustering symmetrizes a distance k-NN graph as 0.5 * (A + A.T). */
  @Test
  void averageAgreesWithScipy() throws Exception {
    PythonRunner.assumeModules("numpy", "scipy.sparse", "sklearn.neighbors");
    // Continuous data without duplicates: no ties for the two engines to break differently, and no
    // zero weights (scipy's A + A.T drops explicit zeros; ours keeps them, see the tests above).
    float[][] p = TestData.gaussian(4, 80, 3, 0f);
    KnnResult r = BruteForceEngine.builder().k(5).build().graph(Vectors.of(p));
    Path ours = dir.resolve("avg.npz");
    GraphWriter.write(Symmetrization.AVERAGE.apply(r.toGraph(GraphMode.DISTANCE)), ours);
    StringBuilder csv = new StringBuilder();
    for (float[] row : p) {
      csv.append(row[0]).append(',').append(row[1]).append(',').append(row[2]).append('\n');
    }
    Path points = dir.resolve("p.csv");
    java.nio.file.Files.writeString(points, csv);
    String out = PythonRunner.run(String.join("\n",
        "import sys, numpy as np, scipy.sparse as sp",
        "from sklearn.neighbors import kneighbors_graph",
        "X = np.loadtxt(sys.argv[1], delimiter=',')",
        "A = kneighbors_graph(X, 5, mode='distance')",
        "S = (0.5 * (A + A.T)).tocsr()",
        "O = sp.load_npz(sys.argv[2]).astype(np.float64)",
        "S.sort_indices()",
        "print(S.shape == O.shape, S.nnz == O.nnz, (S.indptr == O.indptr).all() and (S.indices == O.indices).all(),",
        "      np.allclose(S.data, O.data, rtol=1e-5, atol=1e-6))"), points, ours);
    assertEquals("True True True True\n", out);
  }
}
