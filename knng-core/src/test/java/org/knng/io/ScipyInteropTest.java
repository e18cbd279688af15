package org.knng.io;

import org.knng.testing.PythonRunner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.knng.io.ErrorMessages.assertMessage;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;

/**
 * The real clients: scipy loads our .npz and .mtx graphs, and files NumPy writes come back
 * through {@link VectorReader}. Skipped without {@code /usr/bin/python3} and scipy, unless {@code
 * KNNG_REQUIRE_PYTHON=1}.
 */
class ScipyInteropTest {
  @TempDir Path dir;

  @Test
  void scipyLoadsOurNpz() throws IOException {
    PythonRunner.assumeModules("numpy", "scipy.sparse");
    Path file = dir.resolve("g.npz");
    GraphWriter.write(GraphWriterTest.sample(), file);
    String out = PythonRunner.run(String.join("\n",
        "import sys, numpy as np, scipy.sparse as sp",
        "m = sp.load_npz(sys.argv[1])",
        "print(m.format, m.shape, m.nnz, m.dtype, m.indices.dtype, m.has_canonical_format)",
        "print(m.indptr.tolist(), m.indices.tolist())",
        "print(np.float32(m.sum()) == np.float32(0.1) + np.float32(2.5) + np.float32(1e-7) + np.float32(3.4028235e38))",
        "print(m[0, 1] == np.float32(0.1), m[2, 1], m[2, 2], m[1].nnz)"), file);
    assertEquals(String.join("\n",
        "csr (3, 4) 5 float32 int32 True",
        "[0, 2, 2, 5] [1, 3, 0, 1, 2]",
        "True",
        "True 3.4028235e+38 0.0 0",
        ""), out);
  }

  /** Past the int32 limit (lowered here) the index arrays are int64, and scipy loads the same matrix. */
  @Test
  void scipyLoadsInt64IndexArrays() throws IOException {
    PythonRunner.assumeModules("numpy", "scipy.sparse");
    Path narrow = dir.resolve("narrow.npz");
    Path wide = dir.resolve("wide.npz");
    GraphWriter.write(GraphWriterTest.sample(), narrow);
    System.setProperty("knng.npz.int32Limit", "3");
    try {
      GraphWriter.write(GraphWriterTest.sample(), wide);
    } finally {
      System.clearProperty("knng.npz.int32Limit");
    }
    String out = PythonRunner.run(String.join("\n",
        "import sys, numpy as np, scipy.sparse as sp",
        "z = np.load(sys.argv[2])",
        "print(z['indices'].dtype, z['indptr'].dtype)",
        "a, b = sp.load_npz(sys.argv[1]), sp.load_npz(sys.argv[2])",
        "print(b.shape, b.nnz, (a != b).nnz, b.has_canonical_format)"), narrow, wide);
    assertEquals("int64 int64\n(3, 4) 5 0 True\n", out);
  }

  @ParameterizedTest(name = "compressed {0}")
  @ValueSource(booleans = {true, false})
  void scipyLoadsALargerKnnGraph(boolean compressed) throws IOException {
    PythonRunner.assumeModules("numpy", "scipy.sparse");
    int n = 1000;
    int k = 7;
    int[] ids = new int[n * k];
    float[] dist = new float[n * k];
    long idSum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        ids[i * k + j] = (i * 13 + j * 101 + 1) % n;
        dist[i * k + j] = j + 1;
        idSum += ids[i * k + j];
      }
    }
    SparseGraph g = new KnnResult(n, n, k, ids, dist, Metric.EUCLIDEAN, false).toGraph(GraphMode.DISTANCE);
    Path file = dir.resolve("knn.npz");
    GraphWriter.write(g, file, compressed);
    String out = PythonRunner.run(String.join("\n",
        "import sys, scipy.sparse as sp",
        "m = sp.load_npz(sys.argv[1])",
        "print(m.shape, m.nnz, int(m.sum()), int(m.indices.sum()), (m.getnnz(axis=1) == 7).all())"), file);
    assertEquals("(1000, 1000) 7000 28000 " + idSum + " True\n", out);
  }

  @Test
  void scipyReadsOurMatrixMarket() throws IOException {
    PythonRunner.assumeModules("numpy", "scipy.io");
    Path file = dir.resolve("g.mtx");
    GraphWriter.write(GraphWriterTest.sample(), file);
    String out = PythonRunner.run(String.join("\n",
        "import sys, numpy as np, scipy.io",
        "m = scipy.io.mmread(sys.argv[1]).tocsr()",
        "m.sort_indices()",
        "print(m.shape, m.nnz, m.indptr.tolist(), m.indices.tolist())",
        "print(m.data.astype(np.float32).tolist() == np.array([0.1, 2.5, 1e-7, 3.4028235e38, 0], np.float32).tolist())"),
        file);
    assertEquals("(3, 4) 5 [0, 2, 2, 5] [1, 3, 0, 1, 2]\nTrue\n", out);
  }

  @Test
  void numpyFilesOfEveryDtypeReadBack() throws IOException {
    PythonRunner.assumeModules("numpy");
    String[] dtypes = {"<f4", ">f4", "<f8", ">f8", "|u1", "<i4", ">i4", "<i8", ">i8"};
    Path[] files = new Path[dtypes.length];
    for (int i = 0; i < dtypes.length; i++) {
      files[i] = dir.resolve("t" + i + ".npy");
    }
    PythonRunner.run(String.join("\n",
        "import sys, numpy as np",
        "dtypes = " + pyList(dtypes),
        "a = np.array([[0, 1, 2, 3], [250, 7, 100, 42], [5, 6, 8, 9]])",
        "for d, f in zip(dtypes, sys.argv[1:]):",
        "    np.save(f, a.astype(d))"), files);
    float[] expected = {0, 1, 2, 3, 250, 7, 100, 42, 5, 6, 8, 9};
    for (int i = 0; i < dtypes.length; i++) {
      Vectors v = VectorReader.read(files[i]);
      assertEquals(3, v.size(), dtypes[i]);
      assertEquals(4, v.dimension(), dtypes[i]);
      assertArrayEquals(expected, v.data(), dtypes[i]);
    }
  }

  @Test
  void numpyFortranOrderAndVersion2FilesAreHandled() throws IOException {
    PythonRunner.assumeModules("numpy");
    Path fortran = dir.resolve("f.npy");
    Path v2 = dir.resolve("v2.npy");
    PythonRunner.run(String.join("\n",
        "import sys, numpy as np",
        "from numpy.lib import format as fmt",
        "np.save(sys.argv[1], np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)))",
        "with open(sys.argv[2], 'wb') as f:",
        "    a = np.arange(6, dtype='<f8').reshape(3, 2)",
        "    fmt.write_array(f, a, version=(2, 0))"), fortran, v2);
    InputFormatException e = assertThrows(InputFormatException.class, () -> VectorReader.read(fortran));
    assertMessage(e, fortran, "fortran_order is True");
    Vectors v = VectorReader.read(v2);
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, v.data());
    assertEquals(2, v.dimension());
  }

  /**
   * numpy saves a transposed array in Fortran order: an edge_index made as {@code
   * np.array(pairs).T}, or N x k ids of another tool. They read as the same array in C order.
   */
  @Test
  void fortranOrderIdsAndEdgeIndexReadAsTheirCOrderCopies() throws IOException {
    PythonRunner.assumeModules("numpy");
    Path[] files = {dir.resolve("ei-f.npy"), dir.resolve("ei-c.npy"), dir.resolve("ids-f.npy"),
        dir.resolve("ids-c.npy")};
    PythonRunner.run(String.join("\n",
        "import sys, numpy as np",
        "ei = np.array([[0, 1], [1, 2], [2, 0], [3, 1], [1, 3]], dtype=np.int64).T",
        "assert ei.flags['F_CONTIGUOUS'] and not ei.flags['C_CONTIGUOUS']",
        "np.save(sys.argv[1], ei)",
        "np.save(sys.argv[2], np.ascontiguousarray(ei))",
        "ids = np.array([[1, 2, 3], [0, 2, -1], [4, 0, 1], [2, 1, 0], [3, 2, 1]], dtype=np.int32)",
        "np.save(sys.argv[3], np.asfortranarray(ids))",
        "np.save(sys.argv[4], ids)",
        "assert b'True' in open(sys.argv[1], 'rb').read(128) and b'True' in open(sys.argv[3], 'rb').read(128)"),
        files);
    for (org.knng.graph.Flow flow : org.knng.graph.Flow.values()) {
      SparseGraph f = EdgeListReader.read(files[0], -1, flow);
      SparseGraph c = EdgeListReader.read(files[1], -1, flow);
      assertArrayEquals(c.indptr(), f.indptr(), flow.toString());
      assertArrayEquals(c.indices(), f.indices(), flow.toString());
      assertEquals(5, f.edgeCount());
    }
    // source-to-target: row 1 is the centre, whose graph row holds row 0, the neighbour.
    SparseGraph g = EdgeListReader.read(files[0], -1, org.knng.graph.Flow.SOURCE_TO_TARGET);
    assertEquals(true, g.hasEdge(1, 0) && g.hasEdge(2, 1) && g.hasEdge(0, 2) && g.hasEdge(1, 3)
        && g.hasEdge(3, 1), g.toString());
    NeighborIds f = NeighborIds.read(files[2]);
    NeighborIds c = NeighborIds.read(files[3]);
    assertEquals(5, f.rows());
    assertEquals(3, f.columns());
    assertArrayEquals(new int[] {1, 2, 3, 0, 2, -1, 4, 0, 1, 2, 1, 0, 3, 2, 1}, f.ids());
    assertArrayEquals(c.ids(), f.ids());
  }

  private static String pyList(String[] items) {
    StringBuilder s = new StringBuilder("[");
    for (String item : items) {
      s.append('\'').append(item).append("', ");
    }
    return s.append(']').toString();
  }
}
