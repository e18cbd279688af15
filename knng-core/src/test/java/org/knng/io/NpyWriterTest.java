package org.knng.io;

import org.knng.testing.PythonRunner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.knng.io.ErrorMessages.assertMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.vectors.Vectors;

/** .npy output: exact layout, values across chunk boundaries, shape checks, and read-back. */
class NpyWriterTest {
  @TempDir Path dir;

  @Test
  void writesInt32Array() throws IOException {
    Path file = dir.resolve("ids.npy");
    int[] ids = {1, 2, 3, -1, Integer.MAX_VALUE, Integer.MIN_VALUE};
    NpyWriter.writeInt32(file, 2, 3, ids);
    ParsedNpy npy = new ParsedNpy(Files.readAllBytes(file));
    assertEquals("(2, 3)", npy.shape);
    assertFalse(npy.fortranOrder);
    assertArrayEquals(ids, npy.int32());
  }

  @Test
  void writesFloat32Array() throws IOException {
    Path file = dir.resolve("dist.npy");
    float[] d = {0f, 0.1f, Float.MIN_VALUE, Float.MAX_VALUE, -2.5f, Float.POSITIVE_INFINITY};
    NpyWriter.writeFloat32(file, 3, 2, d);
    ParsedNpy npy = new ParsedNpy(Files.readAllBytes(file));
    assertEquals("(3, 2)", npy.shape);
    assertArrayEquals(d, npy.float32());
  }

  @Test
  void writesInt64Array() throws IOException {
    Path file = dir.resolve("edge_index.npy");
    long[] v = {0, 1, Long.MAX_VALUE, -1, Long.MIN_VALUE, 1L << 40};
    NpyWriter.writeInt64(file, 2, 3, v);
    ParsedNpy npy = new ParsedNpy(Files.readAllBytes(file));
    assertEquals("(2, 3)", npy.shape);
    assertFalse(npy.fortranOrder);
    assertArrayEquals(v, npy.int64());
    assertThrows(IllegalArgumentException.class, () -> NpyWriter.writeInt64(dir.resolve("bad.npy"), 2, 2, v));
    assertFalse(Files.exists(dir.resolve("bad.npy")));
  }

  /** An edge_index written as PyG reads it: 2 x E int64, values those of the CSR. */
  @Test
  void edgeIndexFile() throws IOException {
    org.knng.graph.SparseGraph g = new org.knng.graph.SparseGraph(3, 3, new int[] {0, 2, 2, 3},
        new int[] {1, 2, 0}, new float[] {1, 1, 0});
    long[] ei = org.knng.graph.EdgeIndex.of(g, org.knng.graph.Flow.SOURCE_TO_TARGET);
    Path file = dir.resolve("ei.npy");
    NpyWriter.writeInt64(file, 2, g.edgeCount(), ei);
    ParsedNpy npy = new ParsedNpy(Files.readAllBytes(file));
    assertEquals("(2, 3)", npy.shape);
    assertArrayEquals(new long[] {1, 2, 0, 0, 0, 2}, npy.int64());
  }

  @Test
  void headerIsPaddedExactlyAsNumpyPadsIt() throws IOException {
    Path file = dir.resolve("h.npy");
    NpyWriter.writeInt32(file, 1, 1, new int[] {7});
    byte[] bytes = Files.readAllBytes(file);
    // np.save(f, np.array([[7]], dtype='<i4')) writes these same 132 bytes: NumPy's extra spaces
    // (room to grow the first axis in place) fall inside the same 64-byte block here.
    String dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1), }";
    assertEquals(128 + 4, bytes.length);
    assertEquals(118, bytes[8] & 0xFF);
    assertEquals(dict, new String(bytes, 10, dict.length(), java.nio.charset.StandardCharsets.ISO_8859_1));
    assertEquals('\n', bytes[127]);
    assertEquals(' ', bytes[126]);
  }

  @Test
  void valuesSurviveChunkBoundaries() throws IOException {
    int rows = 100_001;
    int cols = 7; // 700 007 values: three 1 MiB chunks
    int[] ids = new int[rows * cols];
    float[] d = new float[rows * cols];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i * 3 - 5;
      d[i] = i * 0.125f;
    }
    Path idFile = dir.resolve("ids.npy");
    Path distFile = dir.resolve("d.npy");
    NpyWriter.writeInt32(idFile, rows, cols, ids);
    NpyWriter.writeFloat32(distFile, rows, cols, d);
    assertArrayEquals(ids, new ParsedNpy(Files.readAllBytes(idFile)).int32());
    assertArrayEquals(d, new ParsedNpy(Files.readAllBytes(distFile)).float32());
    Vectors back = VectorReader.read(distFile);
    assertEquals(rows, back.size());
    assertEquals(cols, back.dimension());
    assertArrayEquals(d, back.data());
    assertArrayEquals(d, VectorReader.read(distFile).data());
  }

  @Test
  void int32ReadsBackAsFloats() throws IOException {
    Path file = dir.resolve("ids.npy");
    NpyWriter.writeInt32(file, 2, 2, new int[] {4, 0, 1, 2});
    assertArrayEquals(new float[] {4, 0, 1, 2}, VectorReader.read(file).data());
  }

  @Test
  void emptyArrayIsValid() throws IOException {
    Path file = dir.resolve("none.npy");
    NpyWriter.writeInt32(file, 0, 5, new int[0]);
    ParsedNpy npy = new ParsedNpy(Files.readAllBytes(file));
    assertEquals("(0, 5)", npy.shape);
    assertEquals(0, npy.data.length);
  }

  @Test
  void wrongLengthIsRefusedBeforeWriting() throws IOException {
    Path file = dir.resolve("bad.npy");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NpyWriter.writeFloat32(file, 2, 3, new float[5]));
    assertMessage(e, file, "5 values", "2 x 3");
    assertThrows(IllegalArgumentException.class, () -> NpyWriter.writeInt32(file, -1, 0, new int[0]));
    assertEmpty(dir);
  }

  @Test
  void missingDirectoryIsNamedAndNothingIsWritten() throws IOException {
    Path file = dir.resolve("no/such/dir/ids.npy");
    IOException e = assertThrows(NoSuchFileException.class, () -> NpyWriter.writeInt32(file, 1, 1, new int[] {1}));
    assertEquals(file + ": output directory " + file.getParent() + " does not exist", e.getMessage());
    assertEmpty(dir);
  }

  @Test
  void numpyLoadsWhatWeWrite() throws IOException {
    PythonRunner.assumeModules("numpy");
    Path ids = dir.resolve("ids.npy");
    Path dist = dir.resolve("dist.npy");
    NpyWriter.writeInt32(ids, 2, 3, new int[] {1, 2, 0, 0, 2, -1});
    NpyWriter.writeFloat32(dist, 2, 3, new float[] {0.5f, 1.25f, 2f, 0.1f, 3f, Float.POSITIVE_INFINITY});
    String out = PythonRunner.run(String.join("\n",
        "import sys, numpy as np",
        "a = np.load(sys.argv[1]); b = np.load(sys.argv[2])",
        "print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'], a.tolist())",
        "print(b.dtype.str, b.shape, b.tolist())",
        "print(b[1, 0] == np.float32(0.1))"), ids, dist);
    assertEquals(String.join("\n",
        "<i4 (2, 3) True [[1, 2, 0], [0, 2, -1]]",
        "<f4 (2, 3) [[0.5, 1.25, 2.0], [0.10000000149011612, 3.0, inf]]",
        "True", ""), out);
  }

  static void assertEmpty(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals("", files.map(p -> p.getFileName().toString()).sorted().reduce("", (a, b) -> a + b + " "),
          "the directory should be empty");
    }
  }
}
