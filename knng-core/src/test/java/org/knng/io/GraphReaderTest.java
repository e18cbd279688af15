package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.knng.io.ErrorMessages.assertMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.graph.GraphStatistics;
import org.knng.graph.SparseGraph;
import org.knng.testing.PythonRunner;

/** {@link GraphReader}: our own .npz back, hand-made archives (csc, coo, unsorted, int64), scipy's, and errors. */
class GraphReaderTest {
  @TempDir Path dir;

  @Test
  void roundTripsGraphWriter() throws IOException {
    SparseGraph g = GraphWriterTest.sample();
    Path file = dir.resolve("g.npz");
    GraphWriter.write(g, file);
    SparseGraph back = GraphReader.read(file);
    assertEquals(3, back.rows());
    assertEquals(4, back.columns());
    assertArrayEquals(g.indptr(), back.indptr());
    assertArrayEquals(g.indices(), back.indices());
    assertArrayEquals(g.weights(), back.weights());
  }

  // --- hand-made archives: entry name -> (descr, shape, little-endian data) ---

  private static byte[] npy(String descr, long[] shape, byte[] data) {
    byte[] header = NpyHeader.encode(descr, shape);
    byte[] out = new byte[header.length + data.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(data, 0, out, header.length, data.length);
    return out;
  }

  private static byte[] i8(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  private static byte[] i4(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  private static byte[] f8(double... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      b.putDouble(x);
    }
    return b.array();
  }

  private Path zip(String name, Map<String, byte[]> entries) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setComment(ErrorMessages.ENTRY_COMMENT);
        zip.putNextEntry(entry);
        zip.write(e.getValue());
      }
    }
    return file;
  }

  private static byte[] format(String f) {
    return npy("|S3", new long[0], f.getBytes(StandardCharsets.US_ASCII));
  }

  private Map<String, byte[]> csr64(long[] indptr, long[] indices, double[] data) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("indices.npy", npy("<i8", new long[] {indices.length}, i8(indices)));
    m.put("indptr.npy", npy("<i8", new long[] {indptr.length}, i8(indptr)));
    m.put("format.npy", format("csr"));
    m.put("shape.npy", npy("<i8", new long[] {2}, i8(indptr.length - 1, 3)));
    m.put("data.npy", npy("<f8", new long[] {data.length}, f8(data)));
    return m;
  }

  @Test
  void readsInt64IndicesAndFloat64DataAndCanonicalisesRows() throws IOException {
    // Row 0: columns 2, 0, 2 (unsorted, duplicate 2 summed: 1.5 + 2.5 = 4); row 1 empty; row 2: 1 with 0.
    Path file = zip("g.npz", csr64(new long[] {0, 3, 3, 4}, new long[] {2, 0, 2, 1}, new double[] {1.5, 7, 2.5, 0}));
    SparseGraph g = GraphReader.read(file);
    assertArrayEquals(new int[] {0, 2, 2, 3}, g.indptr());
    assertArrayEquals(new int[] {0, 2, 1}, g.indices());
    assertArrayEquals(new float[] {7, 4, 0}, g.weights());
  }

  @Test
  void readsCooAndCsc() throws IOException {
    // The 2 x 3 matrix [[0, 5, 0], [6, 0, 7]].
    Map<String, byte[]> coo = new LinkedHashMap<>();
    coo.put("row.npy", npy("<i4", new long[] {3}, i4(1, 0, 1)));
    coo.put("col.npy", npy("<i4", new long[] {3}, i4(2, 1, 0)));
    coo.put("format.npy", format("coo"));
    coo.put("shape.npy", npy("<i8", new long[] {2}, i8(2, 3)));
    coo.put("data.npy", npy("<f8", new long[] {3}, f8(7, 5, 6)));
    Map<String, byte[]> csc = new LinkedHashMap<>();
    csc.put("indices.npy", npy("<i4", new long[] {3}, i4(1, 0, 1)));
    csc.put("indptr.npy", npy("<i4", new long[] {4}, i4(0, 1, 2, 3)));
    csc.put("format.npy", format("csc"));
    csc.put("shape.npy", npy("<i8", new long[] {2}, i8(2, 3)));
    csc.put("data.npy", npy("|b1", new long[] {3}, new byte[] {1, 1, 1}));
    SparseGraph a = GraphReader.read(zip("coo.npz", coo));
    assertArrayEquals(new int[] {0, 1, 3}, a.indptr());
    assertArrayEquals(new int[] {1, 0, 2}, a.indices());
    assertArrayEquals(new float[] {5, 6, 7}, a.weights());
    SparseGraph b = GraphReader.read(zip("csc.npz", csc));
    assertEquals(2, b.rows());
    assertEquals(3, b.columns());
    assertArrayEquals(new int[] {0, 1, 3}, b.indptr());
    assertArrayEquals(new int[] {1, 0, 2}, b.indices());
    assertArrayEquals(new float[] {1, 1, 1}, b.weights());
  }

  /**
   * Weights of every numpy type become the nearest float32, as in vector files: uint64 past 2^63
   * rounded from its exact value (2^63 + 2^39 + 1 is above the midpoint 2^63 + 2^39 between the
   * floats 2^63 and 2^63 + 2^40, so it rounds up), float16 exactly, big-endian read as such.
   */
  @Test
  void weightsOfEveryTypeAreTheNearestFloat() throws IOException {
    long above = Long.MIN_VALUE | (1L << 39) | 1;
    long midpoint = Long.MIN_VALUE | (1L << 39); // a tie: to even, 2^63
    Map<String, byte[]> m = csr64(new long[] {0, 1, 2, 3}, new long[] {0, 1, 2}, new double[] {0, 0, 0});
    m.put("data.npy", npy("<u8", new long[] {3}, i8(above, midpoint, -1L)));
    SparseGraph g = GraphReader.read(zip("u8.npz", m));
    assertArrayEquals(new float[] {0x1.000002p63f, 0x1p63f, 0x1p64f}, g.weights());

    ByteBuffer half = ByteBuffer.allocate(6).order(ByteOrder.BIG_ENDIAN);
    half.putShort((short) 0x3E00).putShort((short) 0x0001).putShort((short) 0xC000); // 1.5, 2^-24, -2
    m.put("data.npy", npy(">f2", new long[] {3}, half.array()));
    assertArrayEquals(new float[] {1.5f, 0x1p-24f, -2f}, GraphReader.read(zip("f2.npz", m)).weights());
  }

  /** An index stored as uint64 past 2^63 is named by its value. */
  @Test
  void aUint64IndexPastLongRangeIsNamedByItsValue() throws IOException {
    Map<String, byte[]> m = csr64(new long[] {0, 1}, new long[] {0}, new double[] {1});
    m.put("indices.npy", npy("<u8", new long[] {1}, i8(-1L)));
    Path file = zip("u8.npz", m);
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(file)), file,
        "indices.npy[0] = 18446744073709551615 does not fit in 32 bits");
  }

  /** A finite float64 weight beyond float32 is refused by its index, not read as infinity. */
  @Test
  void aWeightBeyondFloat32IsRefusedByIndex() throws IOException {
    Path file = zip("big.npz", csr64(new long[] {0, 1, 2}, new long[] {0, 1}, new double[] {2, -1e300}));
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(file)), file,
        "data.npy[1] = -1.0E300 is beyond the float32 range");
  }

  @Test
  void errorsNameTheFileAndTheProblem() throws IOException {
    Path missing = dir.resolve("none.npz");
    assertThrows(NoSuchFileException.class, () -> GraphReader.read(missing));

    Path text = dir.resolve("text.npz");
    Files.writeString(text, "not a zip");
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(text)), text, "not a .npz");

    Map<String, byte[]> noData = csr64(new long[] {0, 1}, new long[] {0}, new double[] {1});
    noData.remove("data.npy");
    Path f1 = zip("nodata.npz", noData);
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f1)), f1, "data.npy");

    Map<String, byte[]> bsr = csr64(new long[] {0, 1}, new long[] {0}, new double[] {1});
    bsr.put("format.npy", format("bsr"));
    Path f2 = zip("bsr.npz", bsr);
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f2)), f2, "'bsr'");
    // As scipy writes them: bsr's data is blocks (3-D), dia's the diagonals (2-D); the format is
    // what is named, not the data's shape.
    bsr.put("data.npy", npy("<f8", new long[] {1, 1, 1}, f8(1)));
    Path f2b = zip("bsr3d.npz", bsr);
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f2b)), f2b,
        "sparse format 'bsr' is not supported (expected csr, csc or coo; convert with A.tocsr() before save_npz)");
    Map<String, byte[]> dia = new java.util.LinkedHashMap<>();
    dia.put("format.npy", format("dia"));
    dia.put("shape.npy", npy("<i8", new long[] {2}, i8(2, 2)));
    dia.put("data.npy", npy("<f8", new long[] {1, 2}, f8(1, 2)));
    dia.put("offsets.npy", npy("<i4", new long[] {1}, i4(0)));
    Path f2d = zip("dia.npz", dia);
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f2d)), f2d, "sparse format 'dia'");

    Map<String, byte[]> shortData = csr64(new long[] {0, 2}, new long[] {0, 1}, new double[] {1, 2});
    byte[] data = shortData.get("data.npy");
    shortData.put("data.npy", java.util.Arrays.copyOf(data, data.length - 3));
    Path f3 = zip("short.npz", shortData);
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f3)), f3, "data.npy", "truncated");

    Path f4 = zip("range.npz", csr64(new long[] {0, 1}, new long[] {3}, new double[] {1}));
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f4)), f4, "indices.npy[0] = 3");

    Path f5 = zip("indptr.npz", csr64(new long[] {0, 2}, new long[] {0}, new double[] {1}));
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f5)), f5, "indptr.npy", "from 0 to 1");

    // indices and data disagree: either may be the wrong one, so both counts are named.
    Path f5b = zip("counts.npz", csr64(new long[] {0, 2}, new long[] {0, 1}, new double[] {1}));
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f5b)), f5b,
        "indices.npy has 2 values, but data.npy has 1 (one of each per stored entry)");

    Map<String, byte[]> badShape = csr64(new long[] {0, 1}, new long[] {0}, new double[] {1});
    badShape.put("shape.npy", npy("<i8", new long[] {3}, i8(1, 3, 1)));
    Path f6 = zip("shape.npz", badShape);
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f6)), f6, "shape.npy");

    // Names are checked when the archive is opened; comments then too (JDK 25) or only when an
    // entry is looked up (JDK 17).
    Path f7 = ErrorMessages.breakText(
        zip("name.npz", csr64(new long[] {0, 1}, new long[] {0}, new double[] {1})), "format.npy");
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f7)), f7, "not a .npz file");
    Path f8 = ErrorMessages.breakText(
        zip("comment.npz", csr64(new long[] {0, 1}, new long[] {0}, new double[] {1})), ErrorMessages.ENTRY_COMMENT);
    assertMessage(assertThrows(InputFormatException.class, () -> GraphReader.read(f8)), f8, "not a .npz file");
  }

  @Test
  void readsWhatScipyWritesAndAgreesOnComponents() throws IOException {
    PythonRunner.assumeModules("numpy", "scipy.sparse", "scipy.sparse.csgraph");
    for (int seed = 0; seed < 4; seed++) {
      Path file = dir.resolve("scipy" + seed + ".npz");
      // Random directed graphs made of several blocks (so several weak components), int64 indices,
      // float64 data with some explicit zeros, saved non-canonically for seed 3.
      String out = PythonRunner.run(String.join("\n",
          "import sys, numpy as np, scipy.sparse as sp",
          "from scipy.sparse.csgraph import connected_components",
          "rng = np.random.default_rng(" + seed + ")",
          "blocks = [sp.random(m, m, density=d, random_state=rng, format='csr') for m, d in",
          "          [(int(rng.integers(1, 60)), float(rng.uniform(0.005, 0.08))) for _ in range(5)]]",
          "A = sp.block_diag(blocks, format='csr').astype(np.float64)",
          "A.data[::7] = 0.0",
          "A.indices = A.indices.astype(np.int64); A.indptr = A.indptr.astype(np.int64)",
          "if " + seed + " == 3:",
          "    A = sp.csr_matrix((np.r_[A.data, A.data[:5]], np.r_[A.indices, A.indices[:5]].astype(np.int64),",
          "                       A.indptr), shape=A.shape)" ,
          "sp.save_npz(sys.argv[1], A, compressed=bool(" + seed + " % 2))",
          "B = A.tocsr(); B.sum_duplicates()",
          "C = sp.csr_matrix((B.data, B.indices.astype(np.int32), B.indptr.astype(np.int32)), shape=B.shape)",
          "n, labels = connected_components(C, directed=True, connection='weak')",
          "indeg = np.bincount(B.indices, minlength=B.shape[0]); outdeg = np.diff(B.indptr)",
          "print(B.shape[0], B.nnz, n, np.bincount(labels).max(), outdeg.min(), outdeg.max(),",
          "      indeg.min(), indeg.max(), repr(float(outdeg.mean())), int(np.isclose(B.diagonal(), 0).sum()))"),
          file);
      String[] f = out.trim().split(" ");
      SparseGraph g = GraphReader.read(file);
      GraphStatistics s = GraphStatistics.of(g);
      String where = "seed " + seed + ": " + out;
      assertEquals(Integer.parseInt(f[0]), s.nodes(), where);
      assertEquals(Long.parseLong(f[1]), s.edges(), where);
      assertEquals(Integer.parseInt(f[2]), s.components(), where);
      assertEquals(Integer.parseInt(f[3]), s.largestComponent(), where);
      assertEquals(Integer.parseInt(f[4]), s.minOutDegree(), where);
      assertEquals(Integer.parseInt(f[5]), s.maxOutDegree(), where);
      assertEquals(Integer.parseInt(f[6]), s.minInDegree(), where);
      assertEquals(Integer.parseInt(f[7]), s.maxInDegree(), where);
      assertEquals(Double.parseDouble(f[8]), s.meanOutDegree(), 1e-12, where);
      assertEquals(s.nodes(), g.columns());
    }
  }
}
