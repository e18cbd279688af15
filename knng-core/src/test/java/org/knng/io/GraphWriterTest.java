package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.knng.io.ErrorMessages.assertMessage;
import static org.knng.io.NpyWriterTest.assertEmpty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;

/** Graph output: .npz taken apart with java.util.zip, exact .mtx and .csv text, and refusals. */
class GraphWriterTest {
  @TempDir Path dir;

  /** 3 x 4: row 0 -> 1, 3; row 1 -> none; row 2 -> 0, 1, 2 (a self-loop), weights hard to print. */
  static SparseGraph sample() {
    return new SparseGraph(3, 4, new int[] {0, 2, 2, 5}, new int[] {1, 3, 0, 1, 2},
        new float[] {0.1f, 2.5f, 1e-7f, 3.4028235e38f, 0f});
  }

  @Test
  void npzHoldsTheFiveArraysScipyExpects() throws IOException {
    Path file = dir.resolve("g.npz");
    GraphWriter.write(sample(), file);
    Map<String, ParsedNpy> entries = readNpz(file);
    assertEquals(List.of("indices.npy", "indptr.npy", "format.npy", "shape.npy", "data.npy"),
        new ArrayList<>(entries.keySet()));

    ParsedNpy indices = entries.get("indices.npy");
    assertEquals("(5,)", indices.shape);
    assertArrayEquals(new int[] {1, 3, 0, 1, 2}, indices.int32());

    ParsedNpy indptr = entries.get("indptr.npy");
    assertEquals("(4,)", indptr.shape);
    assertArrayEquals(new int[] {0, 2, 2, 5}, indptr.int32());

    ParsedNpy format = entries.get("format.npy");
    assertEquals("|S3", format.descr);
    assertEquals("()", format.shape);
    assertEquals("csr", new String(format.data, StandardCharsets.US_ASCII));

    ParsedNpy shape = entries.get("shape.npy");
    assertEquals("(2,)", shape.shape);
    assertArrayEquals(new long[] {3, 4}, shape.int64());

    ParsedNpy data = entries.get("data.npy");
    assertEquals("(5,)", data.shape);
    assertArrayEquals(new float[] {0.1f, 2.5f, 1e-7f, 3.4028235e38f, 0f}, data.float32());
  }

  /**
   * Stored (uncompressed) and deflated .npz files hold the same arrays, entry by entry; the stored
   * one is a zip of STORED entries, as scipy's save_npz(compressed=False) writes.
   */
  @Test
  void storedNpzHoldsTheSameArraysUncompressed() throws IOException {
    SparseGraph g = largeKnnGraph();
    Path deflated = dir.resolve("deflated.npz");
    Path stored = dir.resolve("stored.npz");
    GraphWriter.write(g, deflated, true);
    GraphWriter.write(g, stored, false);
    Map<String, ParsedNpy> a = readNpz(deflated);
    Map<String, ParsedNpy> b = readNpz(stored);
    assertEquals(new ArrayList<>(a.keySet()), new ArrayList<>(b.keySet()));
    for (String name : a.keySet()) {
      assertArrayEquals(a.get(name).data, b.get(name).data, name);
      assertEquals(a.get(name).descr + a.get(name).shape, b.get(name).descr + b.get(name).shape, name);
    }
    try (ZipFile zip = new ZipFile(stored.toFile())) {
      zip.stream().forEach(e -> {
        assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
        assertEquals(e.getSize(), e.getCompressedSize(), e.getName());
      });
    }
    try (ZipFile zip = new ZipFile(deflated.toFile())) {
      zip.stream().forEach(e -> assertEquals(ZipEntry.DEFLATED, e.getMethod()));
    }
    assertTrue(Files.size(stored) > Files.size(deflated),
        "the stored file is the larger one");
  }

  @Test
  void npzOfAGraphWithoutEdges() throws IOException {
    Path file = dir.resolve("empty.npz");
    GraphWriter.write(new SparseGraph(2, 2, new int[] {0, 0, 0}, new int[0], new float[0]), file);
    Map<String, ParsedNpy> entries = readNpz(file);
    assertEquals("(0,)", entries.get("indices.npy").shape);
    assertArrayEquals(new int[] {0, 0, 0}, entries.get("indptr.npy").int32());
    assertArrayEquals(new long[] {2, 2}, entries.get("shape.npy").int64());
    assertEquals(0, entries.get("data.npy").float32().length);
  }

  @Test
  void npzOfAKnnGraphLargerThanOneChunk() throws IOException {
    SparseGraph g = largeKnnGraph();
    int n = g.rows();
    Path file = dir.resolve("knn.NPZ");
    GraphWriter.write(g, file);
    Map<String, ParsedNpy> entries = readNpz(file);
    assertArrayEquals(g.indices(), entries.get("indices.npy").int32());
    assertArrayEquals(g.indptr(), entries.get("indptr.npy").int32());
    assertArrayEquals(g.weights(), entries.get("data.npy").float32());
    assertArrayEquals(new long[] {n, n}, entries.get("shape.npy").int64());
  }

  private static SparseGraph largeKnnGraph() {
    int n = 60_000;
    int k = 5; // 300 000 edges: indices and data span two 1 MiB chunks
    int[] ids = new int[n * k];
    float[] dist = new float[n * k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        ids[i * k + j] = (i + j + 1) % n;
        dist[i * k + j] = j + i * 1e-3f;
      }
    }
    return new KnnResult(n, n, k, ids, dist, Metric.EUCLIDEAN, false).toGraph(GraphMode.DISTANCE);
  }

  @Test
  void matrixMarketIsOneBasedWithExactWeights() throws IOException {
    Path file = dir.resolve("g.mtx");
    GraphWriter.write(sample(), file);
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    assertEquals("%%MatrixMarket matrix coordinate real general", lines.get(0));
    assertTrue(lines.get(1).startsWith("%") && lines.get(1).contains("knng"), lines.get(1));
    assertEquals(List.of("3 4 5", "1 2 0.1", "1 4 2.5", "3 1 1.0E-7", "3 2 3.4028235E38", "3 3 0.0"),
        lines.subList(2, lines.size()));
  }

  @Test
  void csvIsZeroBasedEdgeList() throws IOException {
    Path file = dir.resolve("g.csv");
    GraphWriter.write(sample(), file);
    assertEquals("source,target,weight\n0,1,0.1\n0,3,2.5\n2,0,1.0E-7\n2,1,3.4028235E38\n2,2,0.0\n",
        Files.readString(file, StandardCharsets.US_ASCII));
  }

  @Test
  void printedWeightsReadBackAsTheSameFloat() throws IOException {
    float[] w = {0.1f, 1f / 3, (float) Math.PI, Float.MIN_VALUE, Float.MIN_NORMAL, 16777217f, 1.0000001f, 9.999999e-4f};
    int[] indptr = new int[w.length + 1];
    int[] indices = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      indptr[i + 1] = i + 1;
    }
    Path file = dir.resolve("w.csv");
    GraphWriter.write(new SparseGraph(w.length, 1, indptr, indices, w), file);
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < w.length; i++) {
      String weight = lines.get(i + 1).split(",")[2];
      assertEquals(Float.floatToIntBits(w[i]), Float.floatToIntBits(Float.parseFloat(weight)), weight);
      assertEquals(Float.floatToIntBits(w[i]), Float.floatToIntBits((float) Double.parseDouble(weight)),
          "as Python reads it (float64, then float32): " + weight);
    }
  }

  @Test
  void replacesAnExistingFile() throws IOException {
    Path file = Files.writeString(dir.resolve("g.csv"), "old content that is longer than the new one\n".repeat(10));
    GraphWriter.write(new SparseGraph(1, 1, new int[] {0, 1}, new int[] {0}, new float[] {1f}), file);
    assertEquals("source,target,weight\n0,0,1.0\n", Files.readString(file));
    assertEquals(List.of("g.csv"), names(dir));
  }

  @Test
  void unsupportedExtensionIsAnArgumentError() throws IOException {
    Path file = dir.resolve("g.graphml");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphWriter.write(sample(), file));
    assertEquals(file + ": unsupported output format '.graphml' (expected .npz, .npy, .mtx or .csv)", e.getMessage());
    assertEmpty(dir);
  }

  @Test
  void npyIsPointedToNpyWriter() throws IOException {
    Path file = dir.resolve("g.npy");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphWriter.write(sample(), file));
    assertMessage(e, file, "NpyWriter");
    assertEmpty(dir);
  }

  @Test
  void missingOutputDirectoryIsNamedBeforeWriting() throws IOException {
    for (String ext : new String[] {".npz", ".mtx", ".csv"}) {
      Path file = dir.resolve("missing").resolve("g" + ext);
      IOException e = assertThrows(NoSuchFileException.class, () -> GraphWriter.write(sample(), file));
      assertEquals(file + ": output directory " + dir.resolve("missing") + " does not exist", e.getMessage());
    }
    assertEmpty(dir);
  }

  @Test
  void targetThatIsADirectoryIsLeftAlone() throws IOException {
    Path target = Files.createDirectory(dir.resolve("g.mtx"));
    Files.writeString(target.resolve("inside.txt"), "keep me");
    IOException e = assertThrows(IOException.class, () -> GraphWriter.write(sample(), target));
    assertEquals(target + ": is a directory", e.getMessage());
    assertEquals(List.of("g.mtx"), names(dir));
    assertEquals("keep me", Files.readString(target.resolve("inside.txt")));
  }

  static List<String> names(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(java.util.stream.Collectors.toList());
    }
  }

  /** The entries of a .npz in zip order, each parsed as a .npy file. */
  static Map<String, ParsedNpy> readNpz(Path file) throws IOException {
    Map<String, ParsedNpy> entries = new java.util.LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        try (var in = zip.getInputStream(entry)) {
          entries.put(entry.getName(), new ParsedNpy(in.readAllBytes()));
        }
      }
    }
    return entries;
  }
}
