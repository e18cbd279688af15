package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.graph.SparseGraph;
import org.knng.io.GraphReader;
import org.knng.io.NeighborIds;
import org.knng.io.VectorReader;
import org.knng.vectors.Vectors;

/** {@code knng convert}: graphs and vectors through every format and back, and what it refuses. */
class ConvertCommandTest {
  private static final Path IRIS = Launcher.ROOT.resolve("examples/iris/iris.csv");

  @TempDir Path dir;

  private Path convert(String in, String out, String... extra) {
    String[] args = new String[3 + extra.length];
    args[0] = "convert";
    args[1] = dir.resolve(in).toString();
    args[2] = dir.resolve(out).toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    CliRun r = CliRun.of(args);
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().startsWith("wrote " + dir.resolve(out)), r.err());
    return dir.resolve(out);
  }

  private static void assertSameGraph(SparseGraph a, SparseGraph b) {
    assertEquals(a.rows(), b.rows());
    assertEquals(a.columns(), b.columns());
    assertArrayEquals(a.indptr(), b.indptr());
    assertArrayEquals(a.indices(), b.indices());
    assertArrayEquals(a.weights(), b.weights());
  }

  @Test
  void aGraphGoesThroughEveryFormatUnchanged() throws IOException {
    CliRun built = CliRun.of("build", "--quiet", "--input", IRIS.toString(), "--k", "10", "--mode", "distance",
        "--output", dir.resolve("g.npz").toString(), "--edge-index", dir.resolve("ei.npy").toString());
    assertEquals(0, built.exit(), built.err());
    SparseGraph original = GraphReader.read(dir.resolve("g.npz"));
    convert("g.npz", "g.mtx");
    convert("g.mtx", "g.csv");
    assertSameGraph(original, GraphReader.read(convert("g.csv", "back.npz", "--uncompressed")));
    // edge_index: the same edges, weights 1, the flow as written.
    assertArrayEquals(Files.readAllBytes(dir.resolve("ei.npy")), Files.readAllBytes(convert("g.npz", "ei2.npy")));
    SparseGraph unweighted = GraphReader.read(convert("ei.npy", "u.npz"));
    assertSameGraph(original.unweighted(), unweighted);
    convert("u.npz", "t2s.npy", "--flow", "target-to-source");
    int[] s2t = NeighborIds.read(dir.resolve("ei.npy")).ids();
    int[] t2s = NeighborIds.read(dir.resolve("t2s.npy")).ids();
    int e = s2t.length / 2;
    for (int i = 0; i < e; i++) {
      assertEquals(s2t[i], t2s[e + i]);
      assertEquals(s2t[e + i], t2s[i]);
    }
    assertSameGraph(unweighted, GraphReader.read(convert("t2s.npy", "u2.npz", "--flow", "target-to-source")));
  }

  /** A graph of no edges: its edge_index is 2 x 0, and reads back with --nodes. */
  @Test
  void aGraphWithoutEdgesRoundTripsThroughItsEdgeIndex() throws IOException {
    Path points = Files.writeString(dir.resolve("far.csv"), "0\n10\n20\n30\n40\n");
    CliRun built = CliRun.of("build", "--quiet", "--input", points.toString(), "--radius", "1",
        "--output", dir.resolve("none.npz").toString());
    assertEquals(0, built.exit(), built.err());
    assertEquals(0, GraphReader.read(dir.resolve("none.npz")).edgeCount());
    NeighborIds edgeIndex = NeighborIds.read(convert("none.npz", "none.npy"));
    assertEquals(2, edgeIndex.rows());
    assertEquals(0, edgeIndex.columns());
    SparseGraph back = GraphReader.read(convert("none.npy", "back.npz", "--nodes", "5"));
    assertEquals(5, back.rows());
    assertEquals(0, back.edgeCount());
  }

  @Test
  void matrixMarketFromOtherToolsIsRead() throws IOException {
    // scipy.io.mmwrite of a symmetric pattern matrix: each off-diagonal entry stands for two edges.
    Files.writeString(dir.resolve("s.mtx"), "%%MatrixMarket matrix coordinate pattern symmetric\n%\n"
        + "4 4 3\n2 1\n3 1\n4 4\n");
    SparseGraph g = GraphReader.read(convert("s.mtx", "s.npz"));
    assertEquals(5, g.edgeCount());
    assertTrue(g.hasEdge(0, 1) && g.hasEdge(1, 0) && g.hasEdge(0, 2) && g.hasEdge(2, 0) && g.hasEdge(3, 3));
    assertEquals(1f, g.weight(1, 0));
    // An edge list knows no size: --nodes keeps isolated nodes.
    Files.writeString(dir.resolve("e.csv"), "source,target,weight\n0,2,0.5\n2,0,0.5\n");
    assertEquals(3, GraphReader.read(convert("e.csv", "e3.npz")).rows());
    assertEquals(10, GraphReader.read(convert("e.csv", "e10.npz", "--nodes", "10")).rows());
    // An unweighted edge list (networkx, pandas): every edge weighs 1.
    Files.writeString(dir.resolve("u.csv"), "source,target\n0,2\n2,1\n\n1,2\n");
    SparseGraph u = GraphReader.read(convert("u.csv", "u.npz"));
    assertEquals(3, u.rows());
    assertEquals(3, u.edgeCount());
    assertTrue(u.hasEdge(0, 2) && u.hasEdge(2, 1) && u.hasEdge(1, 2) && !u.hasEdge(2, 0));
    assertEquals(1f, u.weight(0, 2));
  }

  @Test
  void vectorsGoThroughEveryFormatUnchanged() throws IOException {
    Vectors iris = VectorReader.read(IRIS);
    Files.copy(IRIS, dir.resolve("iris.csv"));
    convert("iris.csv", "v.fvecs");
    convert("v.fvecs", "v.tsv");
    convert("v.tsv", "v.csv");
    Vectors back = VectorReader.read(convert("v.csv", "v.npy"));
    assertEquals(iris.dimension(), back.dimension());
    assertArrayEquals(iris.data(), back.data());
    // An HDF5 dataset out to .fvecs.
    try (var in = ConvertCommandTest.class.getResourceAsStream("/hdf5/ann.hdf5")) {
      Files.copy(in, dir.resolve("ann.hdf5"));
    }
    try (var in = ConvertCommandTest.class.getResourceAsStream("/hdf5/test.npy")) {
      Files.copy(in, dir.resolve("test.npy"));
    }
    assertArrayEquals(VectorReader.read(dir.resolve("test.npy")).data(),
        VectorReader.read(convert("ann.hdf5", "q.fvecs", "--dataset", "test")).data());
  }

  /**
   * Vectors are converted a block at a time: a chunked, compressed HDF5 dataset read in slabs of a
   * few rows gives the values it holds; a NaN in a later slab fails the conversion with one line
   * naming the dataset, row and column, and leaves an existing output as it was.
   */
  @Test
  void hdf5DatasetsConvertASlabAtATimeAndABadRowWritesNothing() throws IOException {
    for (String name : new String[] {"ann.hdf5", "malformed.hdf5", "train.npy"}) {
      try (var in = ConvertCommandTest.class.getResourceAsStream("/hdf5/" + name)) {
        Files.copy(in, dir.resolve(name));
      }
    }
    System.setProperty("knng.hdf5.slabBytes", "100");
    try {
      assertArrayEquals(VectorReader.read(dir.resolve("train.npy")).data(),
          VectorReader.read(convert("ann.hdf5", "t.npy")).data());
      Files.writeString(dir.resolve("old.csv"), "1,2,3\n");
      CliRun r = CliRun.of("convert", dir.resolve("malformed.hdf5").toString(), dir.resolve("old.csv").toString(),
          "--dataset", "nanchunked");
      assertEquals(2, r.exit(), r.err());
      assertEquals("error: " + dir.resolve("malformed.hdf5") + ": dataset 'nanchunked', row 4, column 1: value is NaN"
          + " (only finite values are allowed)", r.err().strip());
      assertEquals("1,2,3\n", Files.readString(dir.resolve("old.csv")));
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(0, files.filter(f -> f.getFileName().toString().contains(".tmp")).count());
      }
    } finally {
      System.clearProperty("knng.hdf5.slabBytes");
    }
  }

  /**
   * Weights that are not finite (a graph from elsewhere: the .npz reader keeps them, and info counts
   * them) go through .mtx and .csv and back unchanged, as Java writes them and as Python does.
   */
  @Test
  void weightsThatAreNotFiniteRoundTrip() throws IOException {
    float[] weights = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 2.5f};
    SparseGraph g = new SparseGraph(3, 3, new int[] {0, 2, 4, 5}, new int[] {1, 2, 0, 2, 0}, weights);
    org.knng.io.GraphWriter.write(g, dir.resolve("odd.npz"));
    convert("odd.npz", "odd.mtx");
    assertSameGraph(g, GraphReader.read(convert("odd.mtx", "back.npz")));
    convert("odd.npz", "odd.csv");
    assertSameGraph(g, GraphReader.read(convert("odd.csv", "back2.npz")));
    // numpy's spellings (scipy.io.mmwrite writes nan and inf so).
    Files.writeString(dir.resolve("py.mtx"), "%%MatrixMarket matrix coordinate real general\n3 3 5\n"
        + "1 2 nan\n1 3 inf\n2 1 -inf\n2 3 -0.0\n3 1 2.5\n");
    assertSameGraph(g, GraphReader.read(convert("py.mtx", "back3.npz")));
  }

  /**
   * A .npz of numpy.savez arrays (no scipy 'format' array) holds vectors: converted as such, the
   * array named by --dataset when there are several; scipy's .npz stays a graph.
   */
  @Test
  void aNumpySavezArchiveConvertsAsVectors() throws IOException {
    Path a = dir.resolve("a.npy");
    Path b = dir.resolve("b.npy");
    org.knng.io.NpyWriter.writeFloat32(a, 2, 3, new float[] {1, 2, 3, 4, 5, 6});
    org.knng.io.NpyWriter.writeFloat32(b, 1, 2, new float[] {7, 8});
    Path npz = dir.resolve("arrays.npz");
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(npz))) {
      for (Path p : new Path[] {a, b}) {
        zip.putNextEntry(new java.util.zip.ZipEntry(p.getFileName().toString()));
        zip.write(Files.readAllBytes(p));
      }
    }
    assertArrayEquals(new float[] {7, 8}, VectorReader.read(convert("arrays.npz", "b.fvecs", "--dataset", "b")).data());
    CliRun r = CliRun.of("convert", npz.toString(), dir.resolve("x.csv").toString());
    assertEquals(2, r.exit(), r.err());
    assertEquals("error: " + npz + ": the archive holds 2 arrays (a, b); choose one with --dataset", r.err().strip());
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("bad.mtx", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n", "only 'coordinate'"),
        Arguments.of("bad.mtx", "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n", "'complex'"),
        Arguments.of("bad.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n", "1 entries, the header says 3"),
        Arguments.of("bad.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n", "line 3: id 3 is out of range"),
        Arguments.of("bad.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 x\n", "line 3: 'x' is not a number"),
        Arguments.of("suffix.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1.5f\n",
            "line 3: '1.5f' is not a number"),
        Arguments.of("hex.csv", "source,target,weight\n0,1,0x1p3\n", "line 2: '0x1p3' is not a number"),
        Arguments.of("bad.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 999999999\n1 1 1\n", "cannot be in a"),
        Arguments.of("bad.mtx", "%%MatrixMarket matrix coordinate real general\n2000000000 2000000000 1\n1 1 1\n",
            "not a neighbour graph"),
        Arguments.of("bad.csv", "source,target,weight\n0,1,1.0\n1,zero,1.0\n", "line 3: 'zero' is not an integer id"),
        Arguments.of("bad.csv", "source,target,weight\n0,1999999999,1.0\n", "give the number of nodes"),
        Arguments.of("bad.csv", "source,target,weight\n0,1,1e39\n", "line 2: weight 1e39 is beyond the float32 range"),
        Arguments.of("bad.mtx", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 2 1.5\n",
            "line 3: '1.5' is not an integer (the header says integer values)"),
        Arguments.of("bad.mtx", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 2 nan\n",
            "line 3: 'nan' is not an integer"),
        Arguments.of("bad.csv", "source,target\n0,1\n1,2,1.0\n", "line 3: expected 'source,target'"),
        Arguments.of("bad.csv", "source,target,weight\n0,1\n", "line 2: expected 'source,target,weight'"),
        Arguments.of("bad.mtx", "", "empty file"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("refused")
  void malformedGraphsAreRefusedWithOneLine(String name, String content, String message) throws IOException {
    Files.writeString(dir.resolve(name), content);
    CliRun r = CliRun.of("convert", dir.resolve(name).toString(), dir.resolve("out.npz").toString());
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.err().strip().split("\n").length, r.err());
    assertTrue(r.err().startsWith("error: ") && r.err().contains(message), r.err());
    assertFalse(Files.exists(dir.resolve("out.npz")));
  }

  @Test
  void wrongCombinationsAreRefused() throws IOException {
    Files.copy(IRIS, dir.resolve("iris.csv"));
    String[][] cases = {
      {"iris.csv", "g.npz", "iris.csv holds vectors, which convert to .npy, .fvecs, .csv or .tsv"},
      {"iris.csv", "g.mtx", "iris.csv holds vectors"},
      {"iris.csv", "iris.csv", "is the input file"},
      {"iris.csv", "v.npy", "--nodes", "3", "--nodes applies to graphs"},
      {"iris.csv", "missing/v.npy", "does not exist"},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length];
      args[0] = "convert";
      args[1] = dir.resolve(c[0]).toString();
      args[2] = dir.resolve(c[1]).toString();
      System.arraycopy(c, 2, args, 3, c.length - 3);
      CliRun r = CliRun.of(args);
      assertEquals(2, r.exit(), String.join(" ", c) + ": " + r.err());
      assertTrue(r.err().contains(c[c.length - 1]), r.err());
    }
  }
}
