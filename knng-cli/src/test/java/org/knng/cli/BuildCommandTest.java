package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code knng build} run in-process: the options, the outputs and every bad-input error path. */
class BuildCommandTest {
  @TempDir Path dir;

  private static CliRun knng(String... args) {
    return CliRun.of(args);
  }

  private Path csv(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  /** Four points on a line at x = 0, 1, 3, 7 (plus a header). */
  private Path line() throws Exception {
    return csv("line.csv", "x,y\n0,0\n1,0\n3,0\n7,0\n");
  }

  /**
   * --uncompressed stores the .npz arrays (zip entries STORED) with the same bytes as the deflated
   * file holds; with any other output it is refused before anything is read or written.
   */
  @Test
  void uncompressedNpzStoresTheSameArraysAndOnlyNpzTakesIt() throws Exception {
    Path in = line();
    Path deflated = dir.resolve("deflated.npz");
    Path stored = dir.resolve("stored.npz");
    assertEquals(0, knng("build", "--input", in.toString(), "--k", "2", "--mode", "distance",
        "--output", deflated.toString(), "--quiet").exit());
    CliRun r = knng("build", "--input", in.toString(), "--k", "2", "--mode", "distance",
        "--output", stored.toString(), "--uncompressed", "--quiet");
    assertEquals(0, r.exit(), r.err());
    try (java.util.zip.ZipFile a = new java.util.zip.ZipFile(deflated.toFile());
        java.util.zip.ZipFile b = new java.util.zip.ZipFile(stored.toFile())) {
      List<String> names = a.stream().map(java.util.zip.ZipEntry::getName).collect(Collectors.toList());
      assertEquals(names, b.stream().map(java.util.zip.ZipEntry::getName).collect(Collectors.toList()));
      for (String name : names) {
        assertEquals(java.util.zip.ZipEntry.STORED, b.getEntry(name).getMethod(), name);
        assertEquals(java.util.zip.ZipEntry.DEFLATED, a.getEntry(name).getMethod(), name);
        assertArrayEquals(a.getInputStream(a.getEntry(name)).readAllBytes(),
            b.getInputStream(b.getEntry(name)).readAllBytes(), name);
      }
    }
    for (String ext : new String[] {".npy", ".csv", ".mtx"}) {
      CliRun refused = knng("build", "--input", in.toString(), "--k", "2", "--output",
          dir.resolve("out" + ext).toString(), "--uncompressed");
      assertFailsCleanly(refused, "--uncompressed", Set.of("line.csv", "deflated.npz", "stored.npz"));
    }
  }

  @Test
  void writesNeighbourIdsAndDistancesAsNpy() throws Exception {
    Path in = line();
    CliRun r = knng("build", "--input", in.toString(), "--k", "2", "--output", dir.resolve("ids.npy").toString(),
        "--distances", dir.resolve("dist.npy").toString(), "--quiet");
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.err());
    // Nearest two other points of x=0,1,3,7; ties (none here) would go to the smaller index.
    assertArrayEquals(new int[] {1, 2, 0, 2, 1, 0, 2, 1}, readNpyInts(dir.resolve("ids.npy"), 4, 2));
    assertArrayEquals(new float[] {1, 3, 1, 2, 2, 3, 4, 6}, readNpyFloats(dir.resolve("dist.npy"), 4, 2));
  }

  @Test
  void queriesGiveABipartiteGraphOfTheirNearestInputRows() throws Exception {
    Path in = line(); // x = 0, 1, 3, 7
    Path q = csv("queries.csv", "x,y\n2,0\n6.5,0\n-1,0\n");
    Path edges = dir.resolve("edges.csv");
    CliRun r = knng("build", "--input", in.toString(), "--queries", q.toString(), "--k", "2",
        "--mode", "distance", "--output", edges.toString());
    assertEquals(0, r.exit(), r.err());
    // x=2 is 1 from both x=1 (row 1) and x=3 (row 2): the tie goes to the smaller index, and a
    // query is never excluded as "self" (x=-1 keeps row 0 at distance 1).
    assertEquals(List.of("source,target,weight", "0,1,1.0", "0,2,1.0", "1,2,3.5", "1,3,0.5", "2,0,1.0",
        "2,1,2.0"), Files.readAllLines(edges));
    assertTrue(r.err().contains("3 queries x 2 neighbours"), r.err());
    CliRun ids = knng("build", "--input", in.toString(), "--queries", q.toString(), "--k", "1",
        "--output", dir.resolve("ids.npy").toString(), "--quiet");
    assertEquals(0, ids.exit(), ids.err());
    assertArrayEquals(new int[] {1, 3, 0}, readNpyInts(dir.resolve("ids.npy"), 3, 1));
  }

  @Test
  void queriesWithARadiusAloneGetEveryInputRowWithinIt() throws Exception {
    Path in = line(); // x = 0, 1, 3, 7
    Path q = csv("queries.csv", "x,y\n2,0\n6.5,0\n-1,0\n");
    Path edges = dir.resolve("radius.csv");
    CliRun r = knng("build", "--input", in.toString(), "--queries", q.toString(), "--radius", "1",
        "--mode", "distance", "--output", edges.toString());
    assertEquals(0, r.exit(), r.err());
    // x=2: x=1 and x=3 at exactly 1 (kept: at most the radius); x=6.5: x=7; x=-1: x=0.
    assertEquals(List.of("source,target,weight", "0,1,1.0", "0,2,1.0", "1,3,0.5", "2,0,1.0"),
        Files.readAllLines(edges));
    assertTrue(r.err().contains(": 3 queries, 4 edges within radius 1"), r.err());
  }

  @Test
  void groupsKeepNeighboursInsideTheirGroupAndSayWhoGotFewer() throws Exception {
    Path in = csv("five.csv", "0,0\n1,0\n2,0\n10,0\n11,0\n"); // x = 0, 1, 2, 10, 11
    Path labels = csv("groups.txt", "7\n3\n7\n3\n7\n"); // {0, 2, 4} and {1, 3}, unsorted
    CliRun r = knng("build", "--input", in.toString(), "--groups", labels.toString(), "--k", "2",
        "--output", dir.resolve("ids.npy").toString());
    assertEquals(0, r.exit(), r.err());
    // Row 0 (x=0) in {0, 2, 4}: 2 (x=2), then 4 (x=11) even though 1 (x=1) is nearer overall.
    // Rows 1 and 3 form a group of two: one neighbour each, padded with -1.
    assertArrayEquals(new int[] {2, 4, 3, -1, 0, 4, 1, -1, 2, 0}, readNpyInts(dir.resolve("ids.npy"), 5, 2));
    assertTrue(r.err().contains("notice: 2 of 5 rows got fewer than k=2 neighbours"), r.err());
    Path wrong = csv("wrong.txt", "1\n2\n");
    CliRun bad = knng("build", "--input", in.toString(), "--groups", wrong.toString(), "--k", "1",
        "--output", dir.resolve("out.npz").toString());
    assertEquals(2, bad.exit(), bad.err());
    assertTrue(bad.err().startsWith("error: ") && bad.err().contains("wrong.txt")
        && bad.err().contains("2 group labels"), bad.err());
    assertTrue(Files.notExists(dir.resolve("out.npz")));
  }

  @Test
  void radiusGraphHasEveryOtherPointWithinTheRadius() throws Exception {
    Path in = line(); // x = 0, 1, 3, 7
    Path edges = dir.resolve("edges.csv");
    CliRun r = knng("build", "--input", in.toString(), "--radius", "2", "--mode", "distance",
        "--output", edges.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of("source,target,weight", "0,1,1.0", "1,0,1.0", "1,2,2.0", "2,1,2.0"),
        Files.readAllLines(edges));
    CliRun bounded = knng("build", "--input", in.toString(), "--radius", "2.5", "--k", "1",
        "--output", dir.resolve("ids.npy").toString(), "--quiet");
    assertEquals(0, bounded.exit(), bounded.err());
    assertArrayEquals(new int[] {1, 0, 1, -1}, readNpyInts(dir.resolve("ids.npy"), 4, 1));
    // --k is a bound with --radius: K past the other points still gives rows of K entries
    CliRun wide = knng("build", "--input", in.toString(), "--radius", "2.5", "--k", "6",
        "--output", dir.resolve("wide.npy").toString(), "--distances", dir.resolve("wide-d.npy").toString());
    assertEquals(0, wide.exit(), wide.err());
    assertArrayEquals(new int[] {1, -1, -1, -1, -1, -1, 0, 2, -1, -1, -1, -1, 1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1}, readNpyInts(dir.resolve("wide.npy"), 4, 6));
    float[] wideDistances = readNpyFloats(dir.resolve("wide-d.npy"), 4, 6);
    assertEquals(2f, wideDistances[7]);
    assertEquals(Float.POSITIVE_INFINITY, wideDistances[8]);
    assertTrue(wide.err().contains("4 points x 6 neighbours"), wide.err());
    CliRun wideQueries = knng("build", "--input", in.toString(), "--queries", in.toString(), "--radius",
        "2.5", "--k", "6", "--output", dir.resolve("wide-q.npy").toString(), "--quiet");
    assertEquals(0, wideQueries.exit(), wideQueries.err());
    assertArrayEquals(new int[] {0, 1, -1, -1, -1, -1, 1, 0, 2, -1, -1, -1, 2, 1, -1, -1, -1, -1,
        3, -1, -1, -1, -1, -1}, readNpyInts(dir.resolve("wide-q.npy"), 4, 6));
    // A single point has no other point within any radius: its row is all padding, whatever K.
    Path one = Files.writeString(dir.resolve("one.csv"), "1,2\n");
    for (String algorithm : new String[] {"exact", "kdtree", "auto"}) {
      CliRun alone = knng("build", "--input", one.toString(), "--radius", "1", "--k", "3", "--algorithm",
          algorithm, "--output", dir.resolve("one-" + algorithm + ".npy").toString(), "--quiet");
      assertEquals(0, alone.exit(), alone.err());
      assertArrayEquals(new int[] {-1, -1, -1}, readNpyInts(dir.resolve("one-" + algorithm + ".npy"), 1, 3));
    }
    CliRun npy = knng("build", "--input", in.toString(), "--radius", "2", "--output",
        dir.resolve("r.npy").toString());
    assertEquals(2, npy.exit(), npy.err());
    assertTrue(npy.err().startsWith("error: ") && npy.err().contains(".npy"), npy.err());
  }

  @Test
  void includeSelfPutsThePointFirst() throws Exception {
    Path in = line();
    CliRun r = knng("build", "--input", in.toString(), "--k", "4", "--include-self", "--output",
        dir.resolve("ids.npy").toString(), "--quiet");
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(new int[] {0, 1, 2, 3, 1, 0, 2, 3, 2, 1, 0, 3, 3, 2, 1, 0},
        readNpyInts(dir.resolve("ids.npy"), 4, 4));
  }

  @Test
  void edgeListCsvHasHeaderAndDistanceWeights() throws Exception {
    Path in = line();
    Path out = dir.resolve("edges.csv");
    CliRun r = knng("build", "--input", in.toString(), "--k", "1", "--mode", "distance", "--output", out.toString());
    assertEquals(0, r.exit(), r.err());
    List<String> lines = Files.readAllLines(out);
    assertEquals("source,target,weight", lines.get(0));
    assertEquals(List.of("0,1,1.0", "1,0,1.0", "2,1,2.0", "3,2,4.0"), lines.subList(1, lines.size()));
    assertTrue(r.err().startsWith("wrote "), r.err());
  }

  @Test
  void manhattanAndThreadsAreHonoured() throws Exception {
    Path in = csv("square.csv", "0,0\n1,1\n2,0\n0,2\n");
    CliRun r = knng("build", "--input", in.toString(), "--k", "1", "--metric", "manhattan", "--threads", "1",
        "--output", dir.resolve("ids.npy").toString(), "--distances", dir.resolve("d.npy").toString());
    assertEquals(0, r.exit(), r.err());
    // Manhattan: (0,0)-(1,1) = 2 ties with (2,0) and (0,2) = 2; the smaller index wins.
    assertArrayEquals(new int[] {1, 0, 0, 0}, readNpyInts(dir.resolve("ids.npy"), 4, 1));
    assertArrayEquals(new float[] {2, 2, 2, 2}, readNpyFloats(dir.resolve("d.npy"), 4, 1));
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        // name, file content (null = no file), extra args, what the message must mention
        Arguments.of("k zero", "0,0\n1,1\n", List.of("--k", "0"), "k"),
        Arguments.of("k equals N", "0,0\n1,1\n", List.of("--k", "2"), "k=2"),
        Arguments.of("k above N with self", "0,0\n1,1\n", List.of("--k", "3", "--include-self"), "k=3"),
        Arguments.of("missing input", null, List.of("--k", "1"), "in.csv"),
        Arguments.of("empty input", "", List.of("--k", "1"), "in.csv"),
        Arguments.of("NaN", "0,0\n1,NaN\n2,2\n", List.of("--k", "1"), "line 2, column 2"),
        Arguments.of("Infinity", "0,0\n1,1\nInfinity,2\n", List.of("--k", "1"), "line 3, column 1"),
        Arguments.of("non-numeric cell", "a,b\n0,0\n1,x1\n", List.of("--k", "1"), "x1"),
        Arguments.of("cosine zero row", "1,0\n0,0\n0,1\n", List.of("--k", "1", "--metric", "cosine"), "row 1"),
        Arguments.of("unknown metric", "0,0\n1,1\n", List.of("--k", "1", "--metric", "hamming"), "hamming"),
        Arguments.of("unknown mode", "0,0\n1,1\n", List.of("--k", "1", "--mode", "weights"), "weights"),
        Arguments.of("unknown option", "0,0\n1,1\n", List.of("--k", "1", "--bogus"), "--bogus"),
        Arguments.of("threads zero", "0,0\n1,1\n", List.of("--k", "1", "--threads", "0"), "threads"),
        Arguments.of("k not a number", "0,0\n1,1\n", List.of("--k", "ten"), "ten"),
        Arguments.of("radius negative", "0,0\n1,1\n", List.of("--radius", "-0.5"), "--radius"),
        Arguments.of("radius NaN", "0,0\n1,1\n", List.of("--radius", "NaN"), "--radius"),
        // Python's spellings of infinity are read as numbers, so the check names the real problem.
        Arguments.of("radius inf", "0,0\n1,1\n", List.of("--radius", "inf"),
            "--radius must be a finite number >= 0, got Infinity"),
        Arguments.of("sigma -INF", "0,0\n1,1\n", List.of("--k", "1", "--mode", "gaussian", "--sigma", "-INF"),
            "--sigma must be a finite number > 0, got -Infinity"),
        Arguments.of("no k and no radius", "0,0\n1,1\n", List.of(), "--k"),
        Arguments.of("radius alone with umap", "0,0\n1,1\n", List.of("--radius", "1", "--mode", "umap"), "umap"),
        Arguments.of("radius alone with distances", "0,0\n1,1\n",
            List.of("--radius", "1", "--distances", "/tmp/never-written.npy"), "--distances"),
        Arguments.of("queries missing", "0,0\n1,1\n", List.of("--k", "1", "--queries", "/nonexistent/q.csv"),
            "q.csv"),
        Arguments.of("queries with include-self", "0,0\n1,1\n",
            List.of("--k", "1", "--queries", "/nonexistent/q.csv", "--include-self"), "--include-self"),
        Arguments.of("queries with symmetrize", "0,0\n1,1\n",
            List.of("--k", "1", "--queries", "/nonexistent/q.csv", "--symmetrize", "union"), "--symmetrize"),
        Arguments.of("gaussian without sigma", "0,0\n1,1\n", List.of("--k", "1", "--mode", "gaussian"), "--sigma"),
        Arguments.of("sigma zero", "0,0\n1,1\n", List.of("--k", "1", "--mode", "gaussian", "--sigma", "0"), "--sigma"),
        Arguments.of("sigma negative", "0,0\n1,1\n", List.of("--k", "1", "--mode", "gaussian", "--sigma", "-2"), "--sigma"),
        Arguments.of("sigma NaN", "0,0\n1,1\n", List.of("--k", "1", "--mode", "gaussian", "--sigma", "NaN"), "--sigma"),
        Arguments.of("sigma not a number", "0,0\n1,1\n", List.of("--k", "1", "--mode", "gaussian", "--sigma", "wide"), "--sigma"),
        Arguments.of("sigma without gaussian", "0,0\n1,1\n", List.of("--k", "1", "--sigma", "1"), "--sigma"),
        Arguments.of("a kernel of inner products", "1,0\n1,1\n0.5,-3\n",
            List.of("--k", "2", "--metric", "inner-product", "--mode", "self-tuning"),
            "--mode self-tuning weighs distances >= 0, and --metric inner-product gives negative ones"),
        Arguments.of("scale-neighbor zero", "0,0\n1,1\n2,2\n",
            List.of("--k", "2", "--mode", "self-tuning", "--scale-neighbor", "0"), "--scale-neighbor"),
        Arguments.of("scale-neighbor above k", "0,0\n1,1\n2,2\n",
            List.of("--k", "2", "--mode", "self-tuning", "--scale-neighbor", "3"), "--scale-neighbor"),
        Arguments.of("scale-neighbor without self-tuning", "0,0\n1,1\n2,2\n",
            List.of("--k", "2", "--scale-neighbor", "1"), "--scale-neighbor"),
        Arguments.of("unknown symmetrize", "0,0\n1,1\n", List.of("--k", "1", "--symmetrize", "both"), "--symmetrize"),
        Arguments.of("unknown flow", "0,0\n1,1\n", List.of("--k", "1", "--flow", "sideways"), "--flow"),
        Arguments.of("edge-index not npy", "0,0\n1,1\n", List.of("--k", "1", "--edge-index", "ei.txt"), "--edge-index"),
        Arguments.of("edge-index same as output", "0,0\n1,1\n", List.of("--k", "1", "--edge-index", "OUT"), "--edge-index"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputIsOneErrorLineExitTwoNothingWritten(String name, String content, List<String> extra,
      String mentions) throws Exception {
    if (content != null) {
      csv("in.csv", content);
    }
    List<String> args = new ArrayList<>(List.of("build", "--input", dir.resolve("in.csv").toString(),
        "--output", dir.resolve("out.npz").toString()));
    extra.forEach(a -> args.add(a.equals("OUT") ? dir.resolve("out.npz").toString()
        : a.equals("ei.txt") ? dir.resolve(a).toString() : a));
    assertFailsCleanly(knng(args.toArray(new String[0])), mentions, content == null ? Set.of() : Set.of("in.csv"));
  }

  /** No output option may name a file the run reads: the input, the queries or the groups. */
  @Test
  void noOutputMayOverwriteAFileTheRunReads() throws Exception {
    org.knng.io.NpyWriter.writeFloat32(dir.resolve("x.npy"), 4, 1, new float[] {0, 1, 3, 7});
    org.knng.io.NpyWriter.writeFloat32(dir.resolve("q.npy"), 1, 1, new float[] {2});
    // Groups as a 1-D int32 .npy, written by hand (numpy.save's layout: a header padded to 128 bytes).
    String header = "{'descr': '<i4', 'fortran_order': False, 'shape': (4,), }";
    header = header + " ".repeat(128 - 10 - header.length() - 1) + "\n";
    ByteBuffer g = ByteBuffer.allocate(128 + 16).order(ByteOrder.LITTLE_ENDIAN);
    g.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length())
        .put(header.getBytes(StandardCharsets.US_ASCII)).putInt(0).putInt(0).putInt(1).putInt(1);
    Files.write(dir.resolve("g.npy"), g.array());
    byte[] x = Files.readAllBytes(dir.resolve("x.npy"));
    byte[] q = Files.readAllBytes(dir.resolve("q.npy"));
    Set<String> files = Set.of("x.npy", "q.npy", "g.npy");
    String in = dir.resolve("x.npy").toString();
    String out = dir.resolve("out.npz").toString();
    assertFailsCleanly(knng("build", "--input", in, "--k", "1", "--output", out, "--distances", in),
        "--distances " + in + " would overwrite the input", files);
    assertFailsCleanly(knng("build", "--input", in, "--k", "1", "--queries", dir.resolve("q.npy").toString(),
        "--output", dir.resolve("q.npy").toString()), "would overwrite the input", files);
    assertFailsCleanly(knng("build", "--input", in, "--k", "1", "--queries", dir.resolve("q.npy").toString(),
        "--output", out, "--distances", dir.resolve("q.npy").toString()), "would overwrite the input", files);
    assertEquals(0, knng("build", "--input", in, "--k", "1", "--groups", dir.resolve("g.npy").toString(),
        "--output", out, "--quiet").exit()); // the hand-written groups are read
    Files.delete(dir.resolve("out.npz"));
    assertFailsCleanly(knng("build", "--input", in, "--k", "1", "--groups", dir.resolve("g.npy").toString(),
        "--output", dir.resolve("g.npy").toString()), "would overwrite the input", files);
    assertArrayEquals(x, Files.readAllBytes(dir.resolve("x.npy")));
    assertArrayEquals(q, Files.readAllBytes(dir.resolve("q.npy")));
  }

  /**
   * The same file through a symbolic link (to the file or to its directory) or a hard link is
   * still the same file: refused, the input intact.
   */
  @Test
  void noOutputMayOverwriteAnInputThroughALink() throws Exception {
    org.knng.io.NpyWriter.writeFloat32(dir.resolve("x.npy"), 4, 1, new float[] {0, 1, 3, 7});
    byte[] x = Files.readAllBytes(dir.resolve("x.npy"));
    Files.createSymbolicLink(dir.resolve("link.npy"), dir.resolve("x.npy"));
    Files.createSymbolicLink(dir.resolve("here"), dir);
    Files.createLink(dir.resolve("hard.npy"), dir.resolve("x.npy"));
    Set<String> files = Set.of("x.npy", "link.npy", "here", "hard.npy");
    String in = dir.resolve("x.npy").toString();
    String viaDir = dir.resolve("here").resolve("x.npy").toString();
    assertFailsCleanly(knng("build", "--input", dir.resolve("link.npy").toString(), "--k", "1",
        "--output", in), "would overwrite the input", files);
    assertFailsCleanly(knng("build", "--input", in, "--k", "1", "--output", viaDir),
        "would overwrite the input", files);
    assertFailsCleanly(knng("build", "--input", dir.resolve("hard.npy").toString(), "--k", "1",
        "--output", in), "would overwrite the input", files);
    // Two outputs that are one file: the second would replace the first.
    assertFailsCleanly(knng("build", "--input", in, "--k", "1", "--output", dir.resolve("a.npy").toString(),
        "--distances", dir.resolve("here").resolve("a.npy").toString()), "name the same file", files);
    assertFailsCleanly(knng("convert", dir.resolve("link.npy").toString(), viaDir),
        "OUT " + viaDir + " is the input file", files);
    // An output whose directory is a file.
    assertFailsCleanly(knng("build", "--input", in, "--k", "1", "--output", in + "/g.npz"),
        dir.resolve("x.npy") + " is not a directory", files);
    assertArrayEquals(x, Files.readAllBytes(dir.resolve("x.npy")));
  }

  /**
   * Points at x = 0, 1, 3, 7 with k=1: edges 0->1, 1->0, 2->1, 3->2. Gaussian weights with sigma
   * 2, then union: 1->2 and 2->3 are added with the weight of their reverse.
   */
  @Test
  void gaussianUnionAndEdgeIndex() throws Exception {
    Path in = line();
    Path out = dir.resolve("g.csv");
    Path ei = dir.resolve("ei.npy");
    CliRun r = knng("build", "--input", in.toString(), "--k", "1", "--mode", "gaussian", "--sigma", "2",
        "--symmetrize", "union", "--output", out.toString(), "--edge-index", ei.toString(), "--quiet");
    assertEquals(0, r.exit(), r.err());
    double w1 = Math.exp(-1.0 / 8);
    double w2 = Math.exp(-4.0 / 8);
    double w4 = Math.exp(-16.0 / 8);
    List<String> lines = Files.readAllLines(out);
    assertEquals(7, lines.size(), lines.toString());
    String[][] expected = {{"0", "1", "" + w1}, {"1", "0", "" + w1}, {"1", "2", "" + w2},
        {"2", "1", "" + w2}, {"2", "3", "" + w4}, {"3", "2", "" + w4}};
    for (int e = 0; e < expected.length; e++) {
      String[] f = lines.get(e + 1).split(",");
      assertEquals(expected[e][0], f[0]);
      assertEquals(expected[e][1], f[1]);
      assertEquals(Double.parseDouble(expected[e][2]), Double.parseDouble(f[2]), 1e-6, lines.get(e + 1));
    }
    // Default flow source-to-target: row 0 = neighbour (column), row 1 = centre (row).
    assertArrayEquals(new long[] {1, 0, 2, 1, 3, 2, 0, 1, 1, 2, 2, 3}, readNpyLongs(ei, 2, 6));
    CliRun t = knng("build", "--input", in.toString(), "--k", "1", "--output", dir.resolve("ids.npy").toString(),
        "--edge-index", ei.toString(), "--flow", "target-to-source", "--quiet");
    assertEquals(0, t.exit(), t.err());
    assertArrayEquals(new long[] {0, 1, 2, 3, 1, 0, 1, 2}, readNpyLongs(ei, 2, 4));
    assertArrayEquals(new int[] {1, 0, 1, 2}, readNpyInts(dir.resolve("ids.npy"), 4, 1));
  }

  /** Mutual k-NN on the line keeps only 0 <-> 1; umap and self-tuning run end to end. */
  @Test
  void mutualUmapAndSelfTuning() throws Exception {
    Path in = line();
    Path out = dir.resolve("m.csv");
    CliRun r = knng("build", "--input", in.toString(), "--k", "1", "--mode", "distance", "--symmetrize", "mutual",
        "--output", out.toString(), "--quiet");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of("source,target,weight", "0,1,1.0", "1,0,1.0"), Files.readAllLines(out));
    CliRun u = knng("build", "--input", in.toString(), "--k", "2", "--mode", "umap", "--output", out.toString(),
        "--quiet");
    assertEquals(0, u.exit(), u.err());
    // k=2: log2(2) = 1, met by the nearest neighbour alone (weight 1); the other gets ~0.
    assertEquals("0,1,1.0", Files.readAllLines(out).get(1));
    CliRun s = knng("build", "--input", in.toString(), "--k", "2", "--mode", "self-tuning", "--scale-neighbor", "1",
        "--output", out.toString(), "--quiet");
    assertEquals(0, s.exit(), s.err());
    // sigma_0 = 1, sigma_1 = 1: w(0,1) = exp(-1).
    String[] f = Files.readAllLines(out).get(1).split(",");
    assertEquals(Math.exp(-1), Double.parseDouble(f[2]), 1e-6);
  }

  @Test
  void queriesOfAnotherDimensionOrTooLargeKAreRejected() throws Exception {
    line();
    csv("q3.csv", "1,2,3\n");
    CliRun r = knng("build", "--input", dir.resolve("line.csv").toString(), "--queries",
        dir.resolve("q3.csv").toString(), "--k", "1", "--output", dir.resolve("out.npz").toString());
    assertFailsCleanly(r, "dimension 3", Set.of("line.csv", "q3.csv"));
    csv("q2.csv", "1,2\n");
    CliRun big = knng("build", "--input", dir.resolve("line.csv").toString(), "--queries",
        dir.resolve("q2.csv").toString(), "--k", "5", "--output", dir.resolve("out.npz").toString());
    assertFailsCleanly(big, "k=5", Set.of("line.csv", "q3.csv", "q2.csv"));
  }

  @Test
  void unknownOutputExtensionIsRejectedBeforeReading() throws Exception {
    line();
    CliRun r = knng("build", "--input", dir.resolve("line.csv").toString(), "--k", "1",
        "--output", dir.resolve("out.parquet").toString());
    assertFailsCleanly(r, ".parquet", Set.of("line.csv"));
  }

  @Test
  void missingOutputDirectoryIsRejected() throws Exception {
    line();
    CliRun r = knng("build", "--input", dir.resolve("line.csv").toString(), "--k", "1",
        "--output", dir.resolve("no/such/dir/out.npz").toString());
    assertFailsCleanly(r, "does not exist", Set.of("line.csv"));
  }

  @Test
  void raggedAndTruncatedFvecsAreRejected() throws Exception {
    ByteBuffer ragged = ByteBuffer.allocate(4 + 8 + 4 + 12).order(ByteOrder.LITTLE_ENDIAN);
    ragged.putInt(2).putFloat(1).putFloat(2).putInt(3).putFloat(1).putFloat(2).putFloat(3);
    Files.write(dir.resolve("ragged.fvecs"), ragged.array());
    assertFailsCleanly(knng("build", "--input", dir.resolve("ragged.fvecs").toString(), "--k", "1",
        "--output", dir.resolve("out.npz").toString()), "ragged.fvecs", Set.of("ragged.fvecs"));
    ByteBuffer truncated = ByteBuffer.allocate(4 + 8 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
    truncated.putInt(2).putFloat(1).putFloat(2).putInt(2).putFloat(1);
    Files.write(dir.resolve("short.fvecs"), truncated.array());
    assertFailsCleanly(knng("build", "--input", dir.resolve("short.fvecs").toString(), "--k", "1",
        "--output", dir.resolve("out.npz").toString()), "short.fvecs", Set.of("ragged.fvecs", "short.fvecs"));
  }

  @Test
  void unsupportedNpyDtypeIsRejected() throws Exception {
    String header = "{'descr': '<c8', 'fortran_order': False, 'shape': (2, 2), }";
    header = header + " ".repeat(64 - (10 + header.length() + 1) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 32).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    Files.write(dir.resolve("complex.npy"), b.array());
    assertFailsCleanly(knng("build", "--input", dir.resolve("complex.npy").toString(), "--k", "1",
        "--output", dir.resolve("out.npz").toString()), "c8", Set.of("complex.npy"));
  }

  @Test
  void debugPrintsTheStackTrace() throws Exception {
    CliRun r = knng("build", "--input", dir.resolve("missing.csv").toString(), "--k", "1",
        "--output", dir.resolve("out.npz").toString(), "--debug");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertTrue(r.err().contains("\tat "), "expected a stack trace with --debug:\n" + r.err());
  }

  /**
   * --debug names the engine's kernels (provider and tile shape) and screen, with its set-up time;
   * the summary the algorithm.
   */
  @Test
  void debugNamesTheKernelsAndTheScreen() throws Exception {
    Path in = csv("debug.csv", "0,0\n1,0\n0,2\n5,5\n1,0\n");
    CliRun r = knng("build", "--input", in.toString(), "--k", "2", "--output",
        dir.resolve("debug.npy").toString(), "--debug", "--algorithm", "exact");
    assertEquals(0, r.exit(), r.err());
    org.knng.simd.VectorOps ops = org.knng.simd.VectorOpsProvider.get();
    String expected = "debug: exact engine: kernels " + ops.name() + " (tiles 6 x " + ops.tileWidth()
        + "), screen full width, 2 values (";
    // ... and the seconds the screen's set-up took.
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith(expected)
        && l.substring(expected.length()).matches("\\d+\\.\\d\\d s\\)")),
        "expected '" + expected + "<seconds> s)' in:\n" + r.err());
    assertTrue(r.err().contains("(exact euclidean, dimension 2)"), r.err());
    CliRun plain = knng("build", "--input", in.toString(), "--k", "2", "--output",
        dir.resolve("plain.npy").toString());
    assertTrue(plain.err().lines().noneMatch(l -> l.startsWith("debug:")), plain.err());
    // In two dimensions auto takes the tree, and says so.
    assertTrue(plain.err().contains("(auto: kdtree euclidean, dimension 2)"), plain.err());
  }

  @Test
  void unknownAlgorithmIsAUsageError() throws Exception {
    Path in = csv("algo.csv", "0,0\n1,0\n0,2\n");
    CliRun r = knng("build", "--input", in.toString(), "--k", "1", "--algorithm", "hnsw",
        "--output", dir.resolve("algo.npy").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("error: Invalid value for option '--algorithm': unknown algorithm"
        + " 'hnsw' (expected one of auto, exact, kdtree, nndescent, lsh)"), r.err());
    assertTrue(!Files.exists(dir.resolve("algo.npy")));
  }

  /** Clustered points, enough of them for NN-Descent to run rather than hand them to the exact engine. */
  private Path clusters(int n) throws Exception {
    StringBuilder b = new StringBuilder();
    java.util.Random rnd = new java.util.Random(4);
    for (int i = 0; i < n; i++) {
      int c = i % 5;
      b.append(10 * c + rnd.nextGaussian()).append(',').append(rnd.nextGaussian()).append(',')
          .append(0.1 * rnd.nextGaussian()).append('\n');
    }
    return csv("clusters.csv", b.toString());
  }

  @Test
  void nnDescentPrintsItsRecallAndTheReportHasIt() throws Exception {
    Path in = clusters(20_000);
    Path out = dir.resolve("nnd.npy");
    Path report = dir.resolve("nnd.json");
    CliRun r = knng("build", "--input", in.toString(), "--k", "10", "--output", out.toString(),
        "--algorithm", "nndescent", "--seed", "3", "--threads", "2", "--report", report.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("(nndescent euclidean, dimension 3)"), r.err());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("estimated recall@10 ")), r.err());
    String json = Files.readString(report);
    assertTrue(json.contains("\"engine\": \"nndescent\"") && json.contains("\"seed\": 3")
        && json.contains("\"recall\": {\"recall\": "), json);
    // The same seed on one thread: the same file, byte for byte.
    Path one = dir.resolve("one.npy");
    CliRun again = knng("build", "--input", in.toString(), "--k", "10", "--output", one.toString(),
        "--algorithm", "nndescent", "--seed", "3", "--threads", "1", "-q");
    assertEquals(0, again.exit(), again.err());
    assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(one));
    // eval of it against the exact graph agrees that the recall is high.
    Path truth = dir.resolve("truth.npy");
    assertEquals(0, knng("build", "--input", in.toString(), "--k", "10", "--output", truth.toString(),
        "--algorithm", "exact", "-q").exit());
    CliRun eval = knng("eval", "--input", in.toString(), "--graph", out.toString(), "--truth",
        truth.toString());
    assertEquals(0, eval.exit(), eval.err());
    assertTrue(eval.out().startsWith("recall@10 "), eval.out());
    double recall = Double.parseDouble(eval.out().substring("recall@10 ".length()).split(" ")[0]);
    assertTrue(recall >= 0.95, eval.out());
  }

  /**
   * Below 20,000 points NN-Descent and LSH hand the graph to the exact engine: the summary and the
   * report name it as such ("nndescent: exact", as auto's choice is named), with no recall estimate.
   */
  @Test
  void approximateEnginesOnSmallInputsNameTheExactEngineThatRan() throws Exception {
    Path in = clusters(2_000);
    for (String algorithm : new String[] {"nndescent", "lsh"}) {
      Path out = dir.resolve(algorithm + ".npy");
      Path report = dir.resolve(algorithm + ".json");
      CliRun r = knng("build", "--input", in.toString(), "--k", "5", "--output", out.toString(), "--algorithm",
          algorithm, "--report", report.toString());
      assertEquals(0, r.exit(), r.err());
      assertTrue(r.err().contains("(" + algorithm + ": exact euclidean, dimension 3)"), r.err());
      assertTrue(!r.err().contains("estimated recall"), r.err());
      String json = Files.readString(report);
      assertTrue(json.contains("\"engine\": \"" + algorithm + ": exact\"") && json.contains("\"recall\": null"), json);
    }
  }

  @Test
  void targetRecallOneIsTheExactGraph() throws Exception {
    Path in = clusters(20_000);
    Path exact = dir.resolve("exact.npy");
    Path one = dir.resolve("one.npy");
    assertEquals(0, knng("build", "--input", in.toString(), "--k", "5", "--output", exact.toString(),
        "--algorithm", "exact", "-q").exit());
    CliRun r = knng("build", "--input", in.toString(), "--k", "5", "--output", one.toString(),
        "--algorithm", "nndescent", "--target-recall", "1", "-q");
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(Files.readAllBytes(exact), Files.readAllBytes(one));
  }

  @ParameterizedTest
  @MethodSource("badApproximateOptions")
  void badApproximateOptionsAreUsageErrors(String option, String value, String message) throws Exception {
    Path in = csv("few.csv", "0,0\n1,0\n0,2\n");
    Path out = dir.resolve("bad.npy");
    Path report = dir.resolve("bad.json");
    CliRun r = knng("build", "--input", in.toString(), "--k", "1", "--output", out.toString(),
        "--report", report.toString(), option, value);
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: ") && r.err().contains(message), r.err());
    assertTrue(Files.notExists(out) && Files.notExists(report));
  }

  static java.util.stream.Stream<Arguments> badApproximateOptions() {
    return java.util.stream.Stream.of(
        Arguments.of("--target-recall", "0", "--target-recall must be in (0, 1], got 0.0"),
        Arguments.of("--target-recall", "1.5", "--target-recall must be in (0, 1], got 1.5"),
        Arguments.of("--target-recall", "high", "'high' is not a double"),
        Arguments.of("--seed", "1.5", "--seed"),
        Arguments.of("--algorithm", "lsh2", "unknown algorithm 'lsh2'"));
  }

  /**
   * Rows the metric cannot rank are refused naming the file they came from, the row and the
   * column: the points, a search's base or its queries, for build, eval and spark (refused before
   * Spark starts).
   */
  @Test
  void unrankableRowsNameTheirFile() throws Exception {
    Path zero = csv("zero.csv", "1,2\n3,4\n0,0\n5,6\n");
    Path huge = csv("huge.csv", "1,2\n1e30,4\n");
    Path huger = csv("huger.csv", "1,2\n3,-1e38\n");
    Path line = line();
    Path out = dir.resolve("never.npy");
    String zeros = "row 2 is all zeros: cosine distance is undefined for a vector of norm 0";
    String[][] cases = {
        {"error: --input " + zero + ": " + zeros,
            "build", "--input", zero.toString(), "--k", "1", "--metric", "cosine"},
        {"error: --input " + zero + ": base " + zeros,
            "build", "--input", zero.toString(), "--queries", line.toString(), "--k", "1",
            "--metric", "cosine"},
        {"error: --queries " + huge + ": query row 1, column 0: value 1.0E30 is too large for"
            + " euclidean in float32 (at dimension 2, values must stay below "
            + (float) Math.sqrt(Float.MAX_VALUE / 8.0) + "); scale the data down", // sqrt(max / 4d)
            "build", "--input", line.toString(), "--queries", huge.toString(), "--k", "1"},
        {"error: --input " + huger + ": row 1, column 1: value -1.0E38 is too large for manhattan"
            + " in float32 (at dimension 2, values must stay below " + (float) (Float.MAX_VALUE / 4.0)
            + ")", // max / 2d; the JDK decides how a float prints (17 and 25 differ)
            "build", "--input", huger.toString(), "--k", "1", "--metric", "manhattan"},
        {"error: --input " + zero + ": " + zeros,
            "spark", "--input", zero.toString(), "--k", "1", "--metric", "cosine"},
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOfRange(c, 1, c.length + 2);
      args[args.length - 2] = "--output";
      args[args.length - 1] = out.toString();
      CliRun r = knng(args);
      assertEquals(2, r.exit(), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith(c[0]), r.err());
      assertTrue(Files.notExists(out));
    }
    Path graph = dir.resolve("line.npy"); // a graph of 4 points, as zero.csv has
    assertEquals(0, knng("build", "--input", line.toString(), "--k", "1", "--output", graph.toString(),
        "--quiet").exit());
    CliRun r = knng("eval", "--input", zero.toString(), "--graph", graph.toString(), "--k", "1",
        "--metric", "cosine");
    assertEquals("error: --input " + zero + ": " + zeros + "\n", r.err());
  }

  /** Data too small for float32 squares: one error line naming the largest value, exit 2, no output. */
  @ParameterizedTest
  @ValueSource(strings = {"exact", "kdtree", "nndescent"})
  void dataTooSmallForFloat32IsBadInput(String algorithm) throws Exception {
    Path in = csv("tiny.csv", "0\n3e-24\n1e-24\n");
    Path out = dir.resolve("tiny.npy");
    CliRun r = knng("build", "--input", in.toString(), "--k", "1", "--output", out.toString(),
        "--algorithm", algorithm);
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: ") && r.err().contains("the largest, 3.0E-24 (row 1,")
        && r.err().contains("scale the data up"), r.err());
    assertTrue(Files.notExists(out));
  }

  @Test
  void aReportMustBeJsonInAnExistingDirectory() throws Exception {
    Path in = line();
    CliRun r = knng("build", "--input", in.toString(), "--k", "1", "--output",
        dir.resolve("r.npy").toString(), "--report", dir.resolve("r.txt").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--report") && r.err().contains(".json"), r.err());
    assertTrue(Files.notExists(dir.resolve("r.npy")));
    CliRun ok = knng("build", "--input", in.toString(), "--k", "1", "--output",
        dir.resolve("r.npy").toString(), "--report", dir.resolve("r.json").toString(), "-q");
    assertEquals(0, ok.exit(), ok.err());
    String json = Files.readString(dir.resolve("r.json"));
    assertTrue(json.contains("\"engine\": \"auto: kdtree\"") && json.contains("\"recall\": null"), json);
  }

  /** A short tree run leaves a core to the JIT compiler; every other run uses the threads asked. */
  @Test
  void shortTreeRunsLeaveACoreAndTheReportSaysSo() throws Exception {
    org.knng.Algorithm tree = org.knng.Algorithm.KDTREE;
    assertEquals(1, BuildCommand.workers(tree, 2, 35_947, 2));
    assertEquals(3, BuildCommand.workers(tree, 7, 199_999, 4));
    assertEquals(2, BuildCommand.workers(tree, 2, 200_000, 2));
    assertEquals(2, BuildCommand.workers(org.knng.Algorithm.EXACT, 2, 1_000, 2));
    assertEquals(1, BuildCommand.workers(tree, 1, 1_000, 1));
    assertEquals(1, BuildCommand.workers(tree, 1, 1_000, 8));
    assertEquals(2, BuildCommand.workers(tree, 2, 1_000, 8));
    int cores = Runtime.getRuntime().availableProcessors();
    int spare = Math.max(1, cores - 1);
    Path in = csv("threads.csv", "0,0\n1,0\n0,2\n3,3\n");
    Path report = dir.resolve("threads.json");
    CliRun r = knng("build", "--input", in.toString(), "--k", "1", "--output",
        dir.resolve("threads.npy").toString(), "--report", report.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.readString(report).contains("\"threads\": " + spare), Files.readString(report));
  }

  @Test
  void helpAndNoArguments() {
    CliRun top = knng();
    assertEquals(0, top.exit());
    assertTrue(top.out().contains("build"), top.out());
    CliRun help = knng("build", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("--include-self"), help.out());
  }

  private void assertFailsCleanly(CliRun r, String mentions, Set<String> filesLeft) throws Exception {
    assertEquals(2, r.exit(), r.toString());
    assertEquals("", r.out());
    List<String> lines = r.err().lines().collect(Collectors.toList());
    assertEquals(1, lines.size(), "expected exactly one line on stderr:\n" + r.err());
    assertTrue(lines.get(0).startsWith("error: "), r.err());
    assertTrue(lines.get(0).contains(mentions), "'" + mentions + "' not in: " + lines.get(0));
    assertTrue(!lines.get(0).contains("java.") && !lines.get(0).contains("Exception"),
        "an exception class leaked into the message: " + lines.get(0));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(filesLeft, s.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
  }

  /** Minimal independent .npy reader: checks the header, returns the C-order payload. */
  private static ByteBuffer npyPayload(Path file, String dtype, int rows, int cols) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals((byte) 0x93, b.get(0));
    int headerLength = b.getShort(8) & 0xffff;
    String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
    assertTrue(header.contains("'descr': '" + dtype + "'"), header);
    assertTrue(header.contains("'fortran_order': False"), header);
    assertTrue(header.contains("'shape': (" + rows + ", " + cols + ")"), header);
    assertEquals(0, (10 + headerLength) % 64, "header not padded to 64 bytes");
    return b.position(10 + headerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int[] readNpyInts(Path file, int rows, int cols) throws Exception {
    int[] v = new int[rows * cols];
    npyPayload(file, "<i4", rows, cols).asIntBuffer().get(v);
    return v;
  }

  private static long[] readNpyLongs(Path file, int rows, int cols) throws Exception {
    long[] v = new long[rows * cols];
    npyPayload(file, "<i8", rows, cols).asLongBuffer().get(v);
    return v;
  }

  private static float[] readNpyFloats(Path file, int rows, int cols) throws Exception {
    float[] v = new float[rows * cols];
    npyPayload(file, "<f4", rows, cols).asFloatBuffer().get(v);
    return v;
  }
}
