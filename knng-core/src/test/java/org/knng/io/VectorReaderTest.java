package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.knng.io.ErrorMessages.assertMessage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.knng.vectors.Vectors;

/** File-level behaviour shared by every format: dispatch, missing files, empty files, NaN. */
class VectorReaderTest {
  @TempDir Path dir;

  @Test
  void missingFileIsNamed() {
    Path file = dir.resolve("absent.fvecs");
    IOException e = assertThrows(NoSuchFileException.class, () -> VectorReader.read(file));
    assertEquals(file + ": no such file", e.getMessage());
  }

  /**
   * A pipe with no writer would block the open for ever, a device reads as empty: both are refused
   * as what they are, before any open, by every reader; a link that leads nowhere is named so.
   */
  @Test
  void aPipeADeviceAndABrokenLinkAreNamedAsSuch() throws Exception {
    Path fifo = dir.resolve("pipe.npy");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Path device = Files.createSymbolicLink(dir.resolve("zero.fvecs"), Path.of("/dev/zero"));
    for (Path file : new Path[] {fifo, device}) {
      String expected = file + ": not a regular file (a pipe, socket or device): give a file";
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
        assertEquals(expected, assertThrows(IOException.class, () -> VectorReader.read(file)).getMessage());
        assertEquals(expected, assertThrows(IOException.class, () -> VectorFile.open(file)).getMessage());
        assertEquals(expected, assertThrows(IOException.class, () -> GroupLabels.read(file, 3)).getMessage());
      });
    }
    Path a = dir.resolve("a.npy");
    Files.createSymbolicLink(a, dir.resolve("b.npy"));
    Files.createSymbolicLink(dir.resolve("b.npy"), a);
    assertEquals(a + ": a symbolic link that leads to no file (a missing target, or a loop of links)",
        assertThrows(NoSuchFileException.class, () -> VectorReader.read(a)).getMessage());
  }

  @Test
  void directoryIsRefused() throws IOException {
    Path file = Files.createDirectory(dir.resolve("vectors.npy"));
    IOException e = assertThrows(IOException.class, () -> VectorReader.read(file));
    assertEquals(file + ": is a directory", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.fvecs", "a.bvecs", "a.npy", "a.csv", "a.tsv"})
  void zeroByteFileIsEmpty(String name) throws IOException {
    Path file = Files.createFile(dir.resolve(name));
    InputFormatException e = assertThrows(InputFormatException.class, () -> VectorReader.read(file));
    assertEquals(file + ": empty file, no vectors", e.getMessage());
  }

  @Test
  void unknownExtensionIsAnArgumentError() throws IOException {
    Path file = Files.writeString(dir.resolve("points.xyz"), "1,2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorReader.read(file));
    assertEquals(file + ": unsupported input format '.xyz' (expected .fvecs, .bvecs, .npy, .npz, .csv or .tsv)",
        e.getMessage());
  }

  @Test
  void missingExtensionIsAnArgumentError() throws IOException {
    Path file = Files.writeString(dir.resolve("points"), "1,2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorReader.read(file));
    assertMessage(e, file, "unsupported input format (no extension)", ".fvecs");
  }

  @Test
  void extensionIsCaseInsensitive() throws IOException {
    Path csv = Files.writeString(dir.resolve("POINTS.CSV"), "1,2\n3,4\n");
    assertArrayEquals(new float[] {1, 2, 3, 4}, VectorReader.read(csv).data());
    Path fvecs = Files.write(dir.resolve("points.FVecs"), fvecs(new float[][] {{5, 6}}));
    assertArrayEquals(new float[] {5, 6}, VectorReader.read(fvecs).data());
  }

  @Test
  void unreadableFileIsNamed() throws IOException {
    Path file = Files.write(dir.resolve("secret.fvecs"), fvecs(new float[][] {{1}}));
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    } catch (UnsupportedOperationException e) {
      Assumptions.abort("no POSIX permissions on this file system");
    }
    Assumptions.assumeFalse(Files.isReadable(file), "running as root: permissions do not stop reading");
    IOException e = assertThrows(AccessDeniedException.class, () -> VectorReader.read(file));
    assertEquals(file + ": cannot read (permission denied)", e.getMessage());
  }

  @Test
  void nonFiniteValueNamesFileRowAndColumn() throws IOException {
    Path file = Files.write(dir.resolve("nan.fvecs"), fvecs(new float[][] {{1, 2, 3}, {4, 5, Float.NaN}}));
    InputFormatException e = assertThrows(InputFormatException.class, () -> VectorReader.read(file));
    assertMessage(e, file, "row 1, column 2: value is NaN");

    Path inf = Files.write(dir.resolve("inf.bvecs"), new byte[] {1, 0, 0, 0, 7});
    assertEquals(7f, VectorReader.read(inf).get(0, 0)); // bytes can never be infinite: a sanity check
    Path npy = dir.resolve("inf.npy");
    NpyWriter.writeFloat32(npy, 2, 2, new float[] {0, 1, Float.NEGATIVE_INFINITY, 3});
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(npy)), npy,
        "row 1, column 0: value is -Infinity");
  }

  @Test
  void sameVectorsFromEveryFormat() throws IOException {
    float[][] rows = {{0, 1, 2}, {255, 7, 8}};
    Path fvecs = Files.write(dir.resolve("v.fvecs"), fvecs(rows));
    Path csv = Files.writeString(dir.resolve("v.csv"), "a,b,c\n0,1,2\n255,7,8\n", StandardCharsets.UTF_8);
    Path tsv = Files.writeString(dir.resolve("v.tsv"), "0\t1\t2\n255\t7\t8\n", StandardCharsets.UTF_8);
    Path bvecs = Files.write(dir.resolve("v.bvecs"), new byte[] {3, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, (byte) 255, 7, 8});
    Path npy = dir.resolve("v.npy");
    NpyWriter.writeFloat32(npy, 2, 3, new float[] {0, 1, 2, 255, 7, 8});
    Vectors expected = Vectors.of(rows);
    for (Path file : new Path[] {fvecs, csv, tsv, bvecs, npy}) {
      Vectors v = VectorReader.read(file);
      assertEquals(2, v.size(), file.toString());
      assertEquals(3, v.dimension(), file.toString());
      assertArrayEquals(expected.data(), v.data(), file.toString());
    }
  }

  /**
   * Files of many reads (a read asks for at most {@link VectorFormat#READ_BYTES}; records of 24
   * bytes straddle the reads' edges) give back every value, and the group labels of as many rows
   * too. (A read loop that stops asking for more would spin: the timeout makes that a failure.)
   */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void largeFilesAreReadWhole() throws IOException {
    int n = 3 * VectorFormat.READ_BYTES / 20 + 7;
    float[][] rows = new float[n][5];
    java.util.Random random = new java.util.Random(42);
    float[] flat = new float[n * 5];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 5; j++) {
        rows[i][j] = (float) random.nextGaussian();
        flat[i * 5 + j] = rows[i][j];
      }
      labels[i] = random.nextInt(1000) - 500;
    }
    Path npy = dir.resolve("big.npy");
    NpyWriter.writeFloat32(npy, n, 5, flat);
    Path fvecs = Files.write(dir.resolve("big.fvecs"), fvecs(rows));
    for (Path file : new Path[] {npy, fvecs}) {
      Vectors v = VectorReader.read(file);
      assertEquals(n, v.size(), file.toString());
      assertArrayEquals(flat, v.data(), file.toString());
    }
    ByteBuffer header = ByteBuffer.wrap(NpyHeader.encode("<i4", n));
    ByteBuffer data = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    data.asIntBuffer().put(labels);
    Path labelFile = dir.resolve("labels.npy");
    Files.write(labelFile, concat(header.array(), data.array()));
    assertArrayEquals(labels, GroupLabels.read(labelFile, n));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** TEXMEX .fvecs bytes: per row, int32 dimension then the float32 values, little-endian. */
  static byte[] fvecs(float[][] rows) {
    int bytes = 0;
    for (float[] r : rows) {
      bytes += 4 + 4 * r.length;
    }
    ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : rows) {
      b.putInt(r.length);
      for (float v : r) {
        b.putFloat(v);
      }
    }
    return b.array();
  }
}
