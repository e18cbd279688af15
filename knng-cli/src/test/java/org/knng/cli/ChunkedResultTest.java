package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.io.NpyWriter;

/**
 * A result of more neighbours than one array holds is built and written a block of rows at a time
 * (here the limit is lowered to 1,000 neighbours with {@code knng.resultSlots}): every output —
 * .npz, .npy ids, .mtx, .csv, edge_index, distances — is the one a run in one piece writes, byte for
 * byte, for graphs (with and without include-self, exact and kd-tree, data full of duplicates) and
 * for queries; what needs all rows at once is refused up front.
 */
class ChunkedResultTest {
  @TempDir Path dir;

  private Path points(String name, int n, int d, long seed) throws Exception {
    Random random = new Random(seed);
    float[] values = new float[n * d];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextInt(4); // a small lattice: many duplicates and ties
    }
    Path file = dir.resolve(name);
    NpyWriter.writeFloat32(file, n, d, values);
    return file;
  }

  private static CliRun chunked(String... args) {
    System.setProperty("knng.resultSlots", "1000");
    try {
      return CliRun.of(args);
    } finally {
      System.clearProperty("knng.resultSlots");
    }
  }

  /** Runs once whole and once in blocks, writing every output, and compares them byte for byte. */
  private void assertSameOutputs(String graphExtension, String... args) throws Exception {
    List<Path> names = new ArrayList<>();
    for (String run : new String[] {"whole", "blocks"}) {
      Path graph = dir.resolve(run + graphExtension);
      Path distances = dir.resolve(run + "-d.npy");
      Path edgeIndex = dir.resolve(run + "-ei.npy");
      List<String> a = new ArrayList<>(List.of("build", "--output", graph.toString(), "--distances",
          distances.toString(), "-q"));
      if (!graphExtension.equals(".npy")) {
        a.addAll(List.of("--edge-index", edgeIndex.toString()));
      }
      a.addAll(Arrays.asList(args));
      CliRun r = run.equals("whole") ? CliRun.of(a.toArray(String[]::new)) : chunked(a.toArray(String[]::new));
      assertEquals(0, r.exit(), String.join(" ", a) + ": " + r.err());
      names.add(graph);
      names.add(distances);
      if (!graphExtension.equals(".npy")) {
        names.add(edgeIndex);
      }
    }
    int half = names.size() / 2;
    for (int i = 0; i < half; i++) {
      assertArrayEquals(Files.readAllBytes(names.get(i)), Files.readAllBytes(names.get(half + i)),
          names.get(half + i) + " " + String.join(" ", args));
    }
  }

  @Test
  void aGraphWrittenInBlocksIsTheGraphWrittenWhole() throws Exception {
    Path input = points("p.npy", 900, 5, 1);
    for (String algorithm : new String[] {"exact", "kdtree"}) {
      for (String ext : new String[] {".npz", ".npy", ".mtx", ".csv"}) {
        assertSameOutputs(ext, "--input", input.toString(), "--k", "6", "--algorithm", algorithm,
            "--mode", "umap");
      }
      assertSameOutputs(".npz", "--input", input.toString(), "--k", "6", "--algorithm", algorithm,
          "--include-self", "--mode", "distance", "--metric", "manhattan");
    }
  }

  @Test
  void queriesWrittenInBlocksAreTheQueriesWrittenWhole() throws Exception {
    Path input = points("p.npy", 700, 4, 2);
    Path queries = points("q.npy", 450, 4, 3);
    assertSameOutputs(".npz", "--input", input.toString(), "--queries", queries.toString(), "--k", "9",
        "--mode", "gaussian", "--sigma", "1.5");
    assertSameOutputs(".npy", "--input", input.toString(), "--queries", queries.toString(), "--k", "9",
        "--algorithm", "exact");
  }

  @Test
  void whatNeedsAllRowsAtOnceIsRefusedBeforeAnyWork() throws Exception {
    Path input = points("p.npy", 600, 4, 4);
    Path labels = dir.resolve("labels.txt");
    Files.writeString(labels, "0\n".repeat(300) + "1\n".repeat(300));
    // NN-Descent from 20,000 points (below, it hands the graph to the exact engine, which chunks).
    Path large = points("large.npy", 20_000, 4, 5);
    Path out = dir.resolve("g.npz");
    for (String[] extra : new String[][] {
        {"--symmetrize", "union"}, {"--mode", "self-tuning"}, {"--algorithm", "nndescent"},
        {"--groups", labels.toString()}, {"--radius", "2"}}) {
      boolean nndescent = extra[1].equals("nndescent");
      List<String> a = new ArrayList<>(List.of("build", "--input", (nndescent ? large : input).toString(), "--k",
          "5", "--output", out.toString()));
      a.addAll(Arrays.asList(extra));
      CliRun r = chunked(a.toArray(String[]::new));
      assertEquals(2, r.exit(), String.join(" ", extra) + ": " + r.err());
      assertTrue(r.err().startsWith("error: " + (nndescent ? "100,000" : "3,000")
          + " neighbours are more than one array holds"), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertFalse(Files.exists(out));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().contains(".tmp-")), "no scratch file left");
    }
  }
}
