package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.graph.SparseGraph;
import org.knng.io.GraphReader;
import org.knng.io.GraphWriter;
import org.knng.io.NeighborIds;
import org.knng.io.NpyWriter;

/**
 * {@code knng eval} in-process: graphs made with {@code knng build} (ids and sparse), hand-made
 * graphs with a known number of wrong entries, padding and self-loops, the report, and every
 * bad-input path (exit 2, one line, nothing written).
 */
class EvalCommandTest {
  private static final Path IRIS = Launcher.ROOT.resolve("examples/iris/iris.csv");

  @TempDir Path dir;

  private static CliRun knng(String... args) {
    return CliRun.of(args);
  }

  private Path build(Path input, String output, String... extra) {
    List<String> args = new ArrayList<>(List.of("build", "--input", input.toString(), "--output",
        dir.resolve(output).toString(), "--quiet"));
    args.addAll(List.of(extra));
    CliRun r = knng(args.toArray(new String[0]));
    assertEquals(0, r.exit(), r.err());
    return dir.resolve(output);
  }

  /** 30 points on a line at x = i^1.5: no two distances from a point are equal. */
  private Path line() throws Exception {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      s.append((float) Math.pow(i, 1.5)).append('\n');
    }
    return Files.writeString(dir.resolve("line.csv"), s);
  }

  private static String[] lines(CliRun r) {
    assertEquals(0, r.exit(), r.err());
    String[] out = r.out().split("\n");
    assertEquals(2, out.length, r.out());
    return out;
  }

  @Test
  void theExactGraphOfTheIrisExampleHasRecallOne() throws Exception {
    Path npz = build(IRIS, "iris-knn.npz", "--k", "10", "--mode", "distance");
    CliRun r = knng("eval", "--input", IRIS.toString(), "--graph", npz.toString());
    String[] out = lines(r);
    assertTrue(out[0].matches("recall@10 1\\.0000 \\(95% interval 0\\.99\\d\\d-1\\.0000, all 150 rows\\)"), out[0]);
    assertEquals("rows with self-loops: 0, duplicate entries: 0, fewer than 10 entries: 0", out[1]);
    assertTrue(r.err().startsWith("evaluated " + npz + " (150 points, euclidean) against the exact neighbours of"
        + " 150 rows in "), r.err());
    Path ids = build(IRIS, "iris-ids.npy", "--k", "10");
    CliRun q = knng("eval", "--input", IRIS.toString(), "--graph", ids.toString(), "--k", "4", "-q",
        "--metric", "euclidean", "--threads", "1");
    assertTrue(lines(q)[0].startsWith("recall@4 1.0000 "), q.out());
    assertEquals("", q.err());
    // Inner product is ranked by float32 dot products: the exact graph may list, in place of a
    // k-th neighbour, a point that float32 cannot tell from it (row 30 here), and that counts.
    Path mips = build(IRIS, "iris-ip.npy", "--k", "3", "--metric", "inner-product");
    CliRun ip = knng("eval", "--input", IRIS.toString(), "--graph", mips.toString(), "--metric", "inner-product");
    assertTrue(lines(ip)[0].startsWith("recall@3 1.0000 "), ip.out());
  }

  /** More than 1000 points: a sample of 1000 rows (the interval of a perfect graph is narrow). */
  @Test
  void largerInputsAreSampled() throws Exception {
    Random rnd = new Random(3);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 1500; i++) {
      s.append(rnd.nextGaussian()).append(',').append(rnd.nextGaussian()).append(',').append(rnd.nextGaussian())
          .append('\n');
    }
    Path in = Files.writeString(dir.resolve("g.csv"), s);
    Path ids = build(in, "ids.npy", "--k", "5");
    assertTrue(lines(knng("eval", "--input", in.toString(), "--graph", ids.toString()))[0]
        .endsWith(", 1000 sampled rows)"));
    assertTrue(lines(knng("eval", "--input", in.toString(), "--graph", ids.toString(), "--sample", "200",
        "--seed", "-5"))[0].endsWith(", 200 sampled rows)"));
  }

  /**
   * The exact 4-NN ids of the line with 6 entries replaced by far points, measured against a
   * 6-column truth: recall (120 - 6) / 120; the report says the same.
   */
  @Test
  void knownWrongEntriesAgainstTheTruth() throws Exception {
    Path in = line();
    Path truth = build(in, "truth.npy", "--k", "6");
    int[] ids = exactIds(build(in, "ids.npy", "--k", "4"));
    for (int row : new int[] {0, 5, 9, 13, 20, 29}) {
      ids[row * 4 + row % 4] = (row + 15) % 30; // half the line away
    }
    Path graph = dir.resolve("graph.npy");
    NpyWriter.writeInt32(graph, 30, 4, ids);
    Path report = dir.resolve("report.json");
    CliRun r = knng("eval", "--input", in.toString(), "--graph", graph.toString(), "--truth", truth.toString(),
        "--report", report.toString());
    String[] out = lines(r);
    assertTrue(out[0].startsWith("recall@4 0.9500 (95% interval "), out[0]);
    assertTrue(out[0].endsWith(", all 30 rows)"), out[0]);
    String json = Files.readString(report);
    assertEquals("0.95", value(json, "recall"));
    assertEquals("4", value(json, "k"));
    assertEquals("30", value(json, "rows"));
    assertEquals("0", value(json, "rows_with_missing"));
    assertEquals("\"" + truth + "\"", value(json, "truth"));
    assertEquals("null", value(json, "seed"));
    double low = Double.parseDouble(value(json, "low"));
    double high = Double.parseDouble(value(json, "high"));
    assertTrue(low < 0.95 && 0.95 < high && high < 1, json);
    // int64 ids read the same; the same graph sampled instead of against the truth.
    long[] wide = new long[ids.length];
    for (int e = 0; e < ids.length; e++) {
      wide[e] = ids[e];
    }
    Path graph64 = dir.resolve("graph64.npy");
    NpyWriter.writeInt64(graph64, 30, 4, wide);
    assertEquals(out[0], lines(knng("eval", "--input", in.toString(), "--graph", graph64.toString()))[0]);
    // TEXMEX .ivecs (a count, then the ids, per row) for the graph and the truth: the same result.
    Path graphIvecs = ivecs("graph.ivecs", ids, 4);
    Path truthIvecs = ivecs("truth.ivecs", exactIds(truth), 6);
    assertEquals(out[0], lines(knng("eval", "--input", in.toString(), "--graph", graphIvecs.toString(),
        "--truth", truthIvecs.toString()))[0]);
  }

  private Path ivecs(String name, int[] ids, int columns) throws Exception {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * (ids.length + ids.length / columns))
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int e = 0; e < ids.length; e++) {
      if (e % columns == 0) {
        b.putInt(columns);
      }
      b.putInt(ids[e]);
    }
    return Files.write(dir.resolve(name), b.array());
  }

  private static int[] exactIds(Path npy) throws Exception {
    return NeighborIds.read(npy).ids().clone();
  }

  private static String value(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": (\"[^\"]*\"|[^,}]+)").matcher(json);
    assertTrue(m.find(), () -> "no key " + key + " in " + json);
    return m.group(1).trim();
  }

  @Test
  void paddingAndSelfLoopsAreCounted() throws Exception {
    Path in = line();
    int[] ids = exactIds(build(in, "ids.npy", "--k", "3"));
    ids[4 * 3 + 2] = -1;
    ids[7 * 3 + 1] = -1;
    ids[7 * 3 + 2] = -1;
    ids[11 * 3] = 11;
    Path graph = dir.resolve("padded.npy");
    NpyWriter.writeInt32(graph, 30, 3, ids);
    String[] out = lines(knng("eval", "--input", in.toString(), "--graph", graph.toString()));
    assertTrue(out[0].startsWith(String.format(Locale.ROOT, "recall@3 %.4f ", Math.floor(86.0 / 90 * 1e4) / 1e4)),
        out[0]);
    assertEquals("rows with self-loops: 1, duplicate entries: 0, fewer than 3 entries: 2", out[1]);
  }

  /** Sparse graphs: stored entries are the neighbours; k is the widest row; the diagonal is the self entry. */
  @Test
  void sparseGraphs() throws Exception {
    Path in = line();
    Path plain = build(in, "g.npz", "--k", "3");
    assertTrue(lines(knng("eval", "--input", in.toString(), "--graph", plain.toString()))[0]
        .startsWith("recall@3 1.0000 "));
    Path self = build(in, "self.npz", "--k", "3", "--include-self");
    assertTrue(lines(knng("eval", "--input", in.toString(), "--graph", self.toString(), "--include-self"))[0]
        .startsWith("recall@3 1.0000 "));
    String[] loops = lines(knng("eval", "--input", in.toString(), "--graph", self.toString()));
    assertTrue(loops[0].startsWith("recall@3 0.6666 "), loops[0]);
    assertEquals("rows with self-loops: 30, duplicate entries: 0, fewer than 3 entries: 0", loops[1]);
    // A union graph has rows of 3 or more entries. With --k 3 a row's recall is the share of its
    // 3 true nearest among all of its entries: the exact graph's are all there. Without --k it is
    // measured at its widest row (shorter rows count as short of entries), with a note saying so.
    Path union = build(in, "union.npz", "--k", "3", "--symmetrize", "union");
    CliRun widest = knng("eval", "--input", in.toString(), "--graph", union.toString());
    String[] wide = lines(widest);
    assertTrue(wide[0].startsWith("recall@") && !wide[0].startsWith("recall@3 "), wide[0]);
    assertTrue(widest.err().startsWith("note: the rows of " + union + " hold 3 to "), widest.err());
    String[] three = lines(knng("eval", "--input", in.toString(), "--graph", union.toString(), "--k", "3"));
    assertTrue(three[0].startsWith("recall@3 1.0000 "), three[0]);
    assertEquals("rows with self-loops: 0, duplicate entries: 0, fewer than 3 entries: 0", three[1]);
    // On the line x = i^1.5 the 3 nearest of point 0 are 1, 2, 3: a row 0 of 1, 2, 4, 5 finds 2 of
    // them, the 29 other rows of the exact graph all 3: recall (29 * 3 + 2) / 90.
    SparseGraph exact = GraphReader.read(plain);
    int[] indptr = exact.indptr().clone();
    int[] indices = new int[exact.indices().length + 1];
    System.arraycopy(new int[] {1, 2, 4, 5}, 0, indices, 0, 4);
    System.arraycopy(exact.indices(), 3, indices, 4, exact.indices().length - 3);
    for (int r = 1; r < indptr.length; r++) {
      indptr[r]++;
    }
    float[] ones = new float[indices.length];
    java.util.Arrays.fill(ones, 1f);
    Path wider = dir.resolve("wider.npz");
    GraphWriter.write(new SparseGraph(30, 30, indptr, indices, ones), wider);
    String[] partial = lines(knng("eval", "--input", in.toString(), "--graph", wider.toString(),
        "--k", "3"));
    assertTrue(partial[0].startsWith("recall@3 0.9888 "), partial[0]); // 89 / 90 = 0.98888..., cut
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        // name, extra arguments (GRAPH = the good 30 x 3 graph), what the message must mention
        Arguments.of("graph of other points", List.of("--graph", "SHORT"), "has 20 rows but --input"),
        Arguments.of("id out of range", List.of("--graph", "BADID"), "row 8, column 1: id 30 is out of range"),
        Arguments.of("truth of other points", List.of("--graph", "GRAPH", "--truth", "SHORT"), "--truth"),
        Arguments.of("truth narrower than k", List.of("--graph", "GRAPH", "--truth", "NARROW"), "fewer than k=3"),
        Arguments.of("truth with a hole", List.of("--graph", "GRAPH", "--truth", "BADTRUTH"), "row 2, column 0"),
        Arguments.of("truth of another format", List.of("--graph", "GRAPH", "--truth", "t.hdf5"),
            "t.hdf5: unsupported truth format '.hdf5' (expected .npy or .ivecs neighbour ids)"),
        Arguments.of("sample zero", List.of("--graph", "GRAPH", "--sample", "0"), "--sample"),
        Arguments.of("sample with truth", List.of("--graph", "GRAPH", "--sample", "5", "--truth", "GRAPH"),
            "--sample and --truth"),
        Arguments.of("seed not a number", List.of("--graph", "GRAPH", "--seed", "one"), "--seed"),
        Arguments.of("unknown metric", List.of("--graph", "GRAPH", "--metric", "hamming"), "hamming"),
        Arguments.of("k above the columns", List.of("--graph", "GRAPH", "--k", "4"), "--k 4"),
        Arguments.of("k zero", List.of("--graph", "GRAPH", "--k", "0"), "--k"),
        Arguments.of("graph of no columns", List.of("--graph", "EMPTY"), "no neighbour ids"),
        Arguments.of("graph of another format", List.of("--graph", "g.csv"), "unsupported graph format"),
        Arguments.of("missing graph", List.of("--graph", "none.npy"), "none.npy"),
        Arguments.of("graph not integers", List.of("--graph", "line.csv.npy"), "integer"),
        Arguments.of("report not json", List.of("--graph", "GRAPH", "--report", "r.txt"), "--report"),
        Arguments.of("report directory missing", List.of("--graph", "GRAPH", "--report", "no/r.json"),
            "does not exist"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputIsOneErrorLineExitTwoNothingWritten(String name, List<String> extra, String mentions)
      throws Exception {
    Path in = line();
    int[] ids = exactIds(build(in, "graph.npy", "--k", "3"));
    NpyWriter.writeInt32(dir.resolve("short.npy"), 20, 3, java.util.Arrays.copyOf(ids, 60));
    NpyWriter.writeInt32(dir.resolve("narrow.npy"), 30, 2, new int[60]);
    NpyWriter.writeInt32(dir.resolve("empty.npy"), 30, 0, new int[0]);
    int[] bad = ids.clone();
    bad[8 * 3 + 1] = 30;
    NpyWriter.writeInt32(dir.resolve("badid.npy"), 30, 3, bad);
    int[] hole = ids.clone();
    hole[2 * 3] = -1;
    NpyWriter.writeInt32(dir.resolve("badtruth.npy"), 30, 3, hole);
    NpyWriter.writeFloat32(dir.resolve("line.csv.npy"), 30, 1, new float[30]);
    Set<String> before;
    try (Stream<Path> s = Files.list(dir)) {
      before = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
    List<String> args = new ArrayList<>(List.of("eval", "--input", in.toString()));
    if (!extra.contains("--report")) {
      args.addAll(List.of("--report", dir.resolve("report.json").toString()));
    }
    for (String a : extra) {
      args.add(a.equals(a.toUpperCase(Locale.ROOT)) && !a.startsWith("-") && !a.matches("\\d+")
          ? dir.resolve(a.toLowerCase(Locale.ROOT) + ".npy").toString()
          : a.contains(".") ? dir.resolve(a).toString() : a);
    }
    assertFailsCleanly(knng(args.toArray(new String[0])), mentions, before);
  }

  @Test
  void helpListsEval() {
    CliRun top = knng("--help");
    assertTrue(top.out().contains("eval"), top.out());
    CliRun help = knng("eval", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("--truth") && help.out().contains("95% interval"), help.out());
    assertEquals("", help.err());
  }

  private void assertFailsCleanly(CliRun r, String mentions, Set<String> filesLeft) throws Exception {
    assertEquals(2, r.exit(), r.toString());
    assertEquals("", r.out());
    List<String> lines = r.err().lines().collect(Collectors.toList());
    assertEquals(1, lines.size(), "expected exactly one line on stderr:\n" + r.err());
    assertTrue(lines.get(0).startsWith("error: "), r.err());
    assertTrue(lines.get(0).contains(mentions), "'" + mentions + "' not in: " + lines.get(0));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(filesLeft, s.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
  }
}
