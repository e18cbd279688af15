package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.knng.io.ErrorMessages.assertMessage;
import static org.knng.io.NpyFormatTest.data;
import static org.knng.io.NpyFormatTest.npy;
import static org.knng.io.VectorReaderTest.fvecs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.InvalidInputException;
import org.knng.vectors.Vectors;

/**
 * A memory-mapped file read block by block gives the values {@link VectorReader} reads from the
 * whole file, wherever the blocks and the mapping's chunks begin and end, and refuses what it
 * refuses with the same messages; a file larger than one array (a sparse one, so that the test
 * needs no disk) is read where the whole-file reader must refuse it.
 */
class VectorFileTest {
  @TempDir Path dir;

  private static float[][] random(int n, int d, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[n][d];
    for (float[] r : rows) {
      for (int j = 0; j < d; j++) {
        r[j] = (float) random.nextGaussian();
      }
    }
    return rows;
  }

  /** Every block size and start, chunks of 3 records: blocks inside one chunk and across several. */
  private static void assertBlocksMatch(Path file) throws IOException {
    Vectors whole = VectorReader.read(file);
    int d = whole.dimension();
    for (long chunkBytes : new long[] {1, 3 * 4 * (d + 1), 1L << 30}) {
      try (VectorFile mapped = VectorFile.open(file, chunkBytes)) {
        assertEquals(whole.size(), mapped.size());
        assertEquals(d, mapped.dimension());
        for (int count : new int[] {1, 2, 5, whole.size()}) {
          for (int from = 0; from + count <= whole.size(); from += Math.max(1, count - 1)) {
            assertArrayEquals(whole.rows(from, count).data(), mapped.rows(from, count).data(),
                file + ": rows " + from + " + " + count + ", chunks of " + chunkBytes + " bytes");
            // The same rows read into a buffer after 3 values, whose ends stay as they were.
            float[] into = new float[count * d + 5];
            Arrays.fill(into, -7f);
            mapped.read(from, count, into, 3);
            float[] expected = new float[into.length];
            Arrays.fill(expected, -7f);
            System.arraycopy(whole.rows(from, count).data(), 0, expected, 3, count * d);
            assertArrayEquals(expected, into, file + ": read into, rows " + from + " + " + count
                + ", chunks of " + chunkBytes + " bytes");
          }
        }
      }
    }
  }

  /**
   * A file cut short by someone else after it was opened: the pages past its new end are gone, and
   * a read there is refused naming the file and the row (bad input, not an internal error).
   */
  @Test
  void aFileTruncatedWhileOpenIsRefusedNamingIt() throws IOException {
    float[][] rows = random(5000, 64, 3);
    Path npy = dir.resolve("cut.npy");
    VectorWriter.write(Vectors.of(rows), npy);
    try (VectorFile mapped = VectorFile.open(npy, 1L << 30)) {
      assertArrayEquals(Vectors.of(rows).rows(0, 10).data(), mapped.rows(0, 10).data());
      try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(npy,
          java.nio.file.StandardOpenOption.WRITE)) {
        c.truncate(128 + 4L * 64 * 1000 + 1000); // row 1000 and on: past the new end's page
      }
      InputFormatException e = assertThrows(InputFormatException.class, () -> mapped.rows(0, 5000));
      assertEquals(npy + ": cannot read rows 0-4999: the file was truncated or changed while it was"
          + " being read", e.getMessage());
    }
  }

  @Test
  void blocksAreWhatTheWholeFileReaderReads() throws IOException {
    float[][] rows = random(23, 7, 1);
    Path fvecs = Files.write(dir.resolve("a.fvecs"), fvecs(rows));
    assertBlocksMatch(fvecs);
    Path npy = dir.resolve("a.npy");
    VectorWriter.write(Vectors.of(rows), npy);
    assertBlocksMatch(npy);
    byte[] bytes = new byte[23 * (4 + 7)];
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 23; i++) {
      b.putInt(7);
      for (int j = 0; j < 7; j++) {
        b.put((byte) (i * 11 + j * 37));
      }
    }
    assertBlocksMatch(Files.write(dir.resolve("a.bvecs"), bytes));
    double[] values = new double[23 * 7];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i * 7919) % 1000 - 500;
    }
    for (String descr : new String[] {"<f8", ">f4", ">f8", "<i4", ">i8", "|u1"}) {
      double[] v = descr.equals("|u1") ? Arrays.stream(values).map(x -> ((int) x + 500) & 0xFF).toArray() : values;
      assertBlocksMatch(Files.write(dir.resolve("t" + descr.substring(1) + descr.charAt(0) + ".npy"),
          npy(1, descr, false, "(23, 7)", data(descr, v))));
    }
  }

  @Test
  void malformedFilesAreRefusedWithTheReadersMessages() throws IOException {
    float[][] rows = random(12, 4, 2);
    byte[] good = fvecs(rows);
    // Row 5 has another dimension; the file is then no whole number of records either.
    byte[] ragged = good.clone();
    ByteBuffer.wrap(ragged).order(ByteOrder.LITTLE_ENDIAN).putInt(5 * 20, 3);
    Path raggedFile = Files.write(dir.resolve("ragged.fvecs"), ragged);
    // Cut in the middle of the last record.
    Path cut = Files.write(dir.resolve("cut.fvecs"), Arrays.copyOf(good, good.length - 6));
    Path truncatedNpy = Files.write(dir.resolve("cut.npy"),
        npy(1, "<f4", false, "(12, 4)", Arrays.copyOf(data("<f4", new double[48]), 100)));
    Path empty = Files.write(dir.resolve("empty.npy"), new byte[0]);
    // Row 5 holds 3 or 5 values, as its dimension word says or not: every record after it moves,
    // and the first record with a wrong word is named, not the tail the shift leaves.
    float[][] shorter = rows.clone();
    shorter[5] = Arrays.copyOf(rows[5], 3);
    Path shorterFile = Files.write(dir.resolve("shorter.fvecs"), fvecs(shorter));
    byte[] longer = fvecs(rows);
    ByteBuffer spliced = ByteBuffer.allocate(longer.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    spliced.put(longer, 0, 6 * 20).putFloat(1f).put(longer, 6 * 20, longer.length - 6 * 20);
    Path longerFile = Files.write(dir.resolve("longer.fvecs"), spliced.array());
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(shorterFile)),
        shorterFile, "row 5 has dimension 3, expected 4");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(longerFile)),
        longerFile, "row 6 has dimension " + Float.floatToIntBits(1f), "or row 5 has more values");
    for (Path file : new Path[] {raggedFile, cut, truncatedNpy, empty, shorterFile, longerFile}) {
      String reader = assertThrows(InputFormatException.class, () -> VectorReader.read(file)).getMessage();
      // Opening checks the header and the tail; a bad record is found when read (check reads all).
      String mapped = assertThrows(InputFormatException.class, () -> {
        try (VectorFile f = VectorFile.open(file)) {
          f.check(4);
        }
      }).getMessage();
      assertEquals(reader, mapped, file.toString());
    }
    try (VectorFile f = VectorFile.open(raggedFile)) {
      assertEquals(5, f.rows(0, 5).size());
      assertMessage(assertThrows(InputFormatException.class, () -> f.rows(3, 4)), raggedFile,
          "row 5 has dimension 3");
    }
    assertMessage(assertThrows(IOException.class, () -> VectorFile.open(dir.resolve("none.npy"))),
        dir.resolve("none.npy"), "no such file");
    Path csv = Files.writeString(dir.resolve("a.csv"), "1,2\n3,4\n");
    assertMessage(assertThrows(InvalidInputException.class, () -> VectorFile.open(csv)), csv,
        "cannot be read in blocks");
  }

  /**
   * An array at an offset inside another file (as HDF5 stores a contiguous dataset): its rows are
   * decoded from there in the type and byte order named, messages name it as the caller does, and
   * an array reaching past the end of the file, or of a type no reader decodes, is refused.
   */
  @Test
  void anArrayAtAnOffsetInAnotherFileIsReadInBlocks() throws IOException {
    int n = 9;
    int d = 5;
    int offset = 123;
    ByteBuffer bytes = ByteBuffer.allocate(offset + n * d * 8 + 17).order(ByteOrder.BIG_ENDIAN);
    float[] expected = new float[n * d];
    for (int i = 0; i < n * d; i++) {
      expected[i] = i * 0.25f - 3;
      bytes.putDouble(offset + 8 * i, expected[i]);
    }
    bytes.putDouble(offset + 8 * (6 * d + 2), Double.NaN);
    expected[6 * d + 2] = Float.NaN;
    Path file = Files.write(dir.resolve("other.h5"), bytes.array());
    try (VectorFile array = VectorFile.open(file, "other.h5: dataset 'x', ", offset, n, d, ">f8")) {
      assertEquals(n, array.size());
      assertEquals(d, array.dimension());
      assertArrayEquals(Arrays.copyOf(expected, 6 * d), array.rows(0, 6).data());
      assertArrayEquals(Arrays.copyOfRange(expected, 7 * d, n * d), array.rows(7, 2).data());
      InputFormatException nan = assertThrows(InputFormatException.class, () -> array.rows(5, 2));
      assertEquals("other.h5: dataset 'x', row 6, column 2: value is NaN (only finite values are allowed)",
          nan.getMessage());
    }
    InputFormatException past = assertThrows(InputFormatException.class,
        () -> VectorFile.open(file, "other.h5: dataset 'x', ", offset + 18, n, d, ">f8"));
    assertEquals("other.h5: dataset 'x', truncated at row 8: shape (9, 5) of '>f8' needs 360 data bytes,"
        + " the file has 359", past.getMessage());
    assertMessage(assertThrows(InputFormatException.class,
        () -> VectorFile.open(file, "other.h5: dataset 'x', ", offset, n, d, "<c8")), file, "unsupported dtype '<c8'");
  }

  @Test
  void aNonFiniteValueIsRefusedWhenItsBlockIsReadNamingItsRowInTheFile() throws IOException {
    float[][] rows = random(30, 3, 3);
    rows[17][2] = Float.NaN;
    Path file = Files.write(dir.resolve("nan.fvecs"), fvecs(rows));
    String reader = assertThrows(InputFormatException.class, () -> VectorReader.read(file)).getMessage();
    try (VectorFile mapped = VectorFile.open(file)) {
      assertEquals(10, mapped.rows(0, 10).size());
      String block = assertThrows(InputFormatException.class, () -> mapped.rows(10, 10)).getMessage();
      assertEquals(reader, block);
      assertMessage(assertThrows(InputFormatException.class, () -> mapped.rows(10, 10)), file,
          "row 17, column 2: value is NaN");
    }
  }

  @Test
  void aFileLargerThanOneArrayIsReadInBlocks() throws IOException {
    // 900,000 x 2,560 float32: 9.2 GB, 2.3 billion values (more than one float array holds), sparse
    // except for three rows written at their offsets: the first, one past a 1 GiB chunk, the last.
    int n = 900_000;
    int d = 2_560;
    byte[] header = NpyHeader.encode("<f4", n, d);
    Path file = dir.resolve("big.npy");
    int[] written = {0, (int) ((1L << 30) / (4L * d)) + 1, n - 1};
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.write(header);
      raf.setLength(header.length + 4L * n * d);
      for (int row : written) {
        ByteBuffer b = ByteBuffer.allocate(4 * d).order(ByteOrder.LITTLE_ENDIAN);
        for (int j = 0; j < d; j++) {
          b.putFloat(row + j / 1000f);
        }
        raf.seek(header.length + 4L * row * d);
        raf.write(b.array());
      }
    }
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "values exceed");
    try (VectorFile mapped = VectorFile.open(file)) {
      assertEquals(n, mapped.size());
      assertEquals(4L * n * d, mapped.decodedBytes());
      for (int row : written) {
        Vectors block = mapped.rows(row - (row > 0 ? 1 : 0), row > 0 ? 2 : 1);
        float[] got = block.row(block.size() - 1);
        for (int j = 0; j < d; j += 511) {
          assertEquals(row + j / 1000f, got[j], "row " + row + ", column " + j);
        }
        if (row > 0) {
          assertEquals(0f, block.get(0, 0), "the sparse row before " + row);
        }
      }
    }
  }
}
