package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.knng.io.ErrorMessages.assertMessage;
import static org.knng.io.VectorReaderTest.fvecs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.vectors.Vectors;

/** .fvecs and .bvecs: layout, chunked reading, ragged, truncated and bad-dimension files. */
class TexmexFormatTest {
  @TempDir Path dir;

  @Test
  void readsFvecsValuesExactly() throws IOException {
    float[][] rows = {
      {0f, -1.5f, 3.25f, Float.MIN_VALUE},
      {Float.MAX_VALUE, -Float.MAX_VALUE, 1e-30f, 0.1f},
      {-0f, 42f, 7f, 1234567.8f},
    };
    Path file = Files.write(dir.resolve("a.fvecs"), fvecs(rows));
    Vectors v = VectorReader.read(file);
    assertEquals(3, v.size());
    assertEquals(4, v.dimension());
    for (int i = 0; i < rows.length; i++) {
      assertArrayEquals(rows[i], v.row(i));
    }
  }

  @Test
  void readsBvecsAsUnsignedBytes() throws IOException {
    byte[] bytes = {
      5, 0, 0, 0, 0, 1, 127, (byte) 128, (byte) 255,
      5, 0, 0, 0, 9, 8, 7, 6, (byte) 200,
    };
    Path file = Files.write(dir.resolve("a.bvecs"), bytes);
    Vectors v = VectorReader.read(file);
    assertEquals(2, v.size());
    assertArrayEquals(new float[] {0, 1, 127, 128, 255, 9, 8, 7, 6, 200}, v.data());
  }

  @Test
  void readsFilesLargerThanOneChunk() throws IOException {
    // 136-byte records, ~9.5 MB: several chunks, and chunk boundaries fall between records.
    int n = 70_001;
    int d = 33;
    ByteBuffer b = ByteBuffer.allocate(n * (4 + 4 * d)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putInt(d);
      for (int j = 0; j < d; j++) {
        b.putFloat(value(i, j));
      }
    }
    Path file = Files.write(dir.resolve("big.fvecs"), b.array());
    Vectors v = VectorReader.read(file);
    assertEquals(n, v.size());
    assertEquals(d, v.dimension());
    for (int i = 0; i < n; i += 997) {
      for (int j = 0; j < d; j++) {
        assertEquals(value(i, j), v.get(i, j), "row " + i + " column " + j);
      }
    }
    assertEquals(value(n - 1, d - 1), v.get(n - 1, d - 1));
  }

  @Test
  void readsBvecsLargerThanOneChunk() throws IOException {
    int n = 90_001;
    int d = 101;
    ByteBuffer b = ByteBuffer.allocate(n * (4 + d)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putInt(d);
      for (int j = 0; j < d; j++) {
        b.put((byte) (i * 31 + j));
      }
    }
    Vectors v = VectorReader.read(Files.write(dir.resolve("big.bvecs"), b.array()));
    assertEquals(n, v.size());
    for (int i = 0; i < n; i += 1009) {
      for (int j = 0; j < d; j++) {
        assertEquals((i * 31 + j) & 0xFF, v.get(i, j), "row " + i + " column " + j);
      }
    }
  }

  private static float value(int i, int j) {
    return i * 0.5f - j * 3.25f;
  }

  @Test
  void raggedRowNamesRowAndBothDimensions() throws IOException {
    byte[] bytes = fvecs(new float[][] {{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4, 5}, {1, 2, 3, 4}});
    Path file = Files.write(dir.resolve("ragged.fvecs"), bytes);
    InputFormatException e = assertThrows(InputFormatException.class, () -> VectorReader.read(file));
    assertMessage(e, file, "row 2 has dimension 5, expected 4 as in row 0");
  }

  @Test
  void raggedLastRowIsReportedAsRaggedNotTruncated() throws IOException {
    Path longer = Files.write(dir.resolve("longer.fvecs"), fvecs(new float[][] {{1, 2}, {3, 4}, {5, 6, 7}}));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(longer)), longer,
        "row 2 has dimension 3, expected 2");
    Path shorter = Files.write(dir.resolve("shorter.fvecs"), fvecs(new float[][] {{1, 2, 3}, {3, 4, 5}, {5, 6}}));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(shorter)), shorter,
        "row 2 has dimension 2, expected 3");
    byte[] b = {2, 0, 0, 0, 1, 2, 3, 0, 0, 0, 4, 5, 6};
    Path bvecs = Files.write(dir.resolve("ragged.bvecs"), b);
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(bvecs)), bvecs,
        "row 1 has dimension 3, expected 2");
  }

  @Test
  void truncatedLastRowIsNamed() throws IOException {
    byte[] whole = fvecs(new float[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
    Path file = Files.write(dir.resolve("cut.fvecs"), Arrays.copyOf(whole, whole.length - 3));
    InputFormatException e = assertThrows(InputFormatException.class, () -> VectorReader.read(file));
    assertMessage(e, file, "row 2 is truncated", "13 of its 16 bytes");

    Path headOnly = Files.write(dir.resolve("head.fvecs"), Arrays.copyOf(whole, whole.length - 16 + 2));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(headOnly)), headOnly,
        "row 2 is truncated");

    Path bvecs = Files.write(dir.resolve("cut.bvecs"), new byte[] {4, 0, 0, 0, 1, 2, 3, 4, 4, 0, 0, 0, 1});
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(bvecs)), bvecs,
        "row 1 is truncated");
  }

  @Test
  void fileShorterThanOneRecordIsTruncatedAtRowZero() throws IOException {
    Path tiny = Files.write(dir.resolve("tiny.fvecs"), new byte[] {3, 0});
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(tiny)), tiny,
        "row 0 is truncated");
    Path oneShort = Files.write(dir.resolve("short.fvecs"), new byte[] {3, 0, 0, 0, 1, 2, 3, 4});
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(oneShort)), oneShort,
        "row 0 is truncated", "8 of its 16 bytes");
  }

  @Test
  void nonPositiveDimensionIsRefused() throws IOException {
    Path zero = Files.write(dir.resolve("zero.fvecs"), new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(zero)), zero,
        "row 0", "dimension 0 is not positive");
    Path negative = Files.write(dir.resolve("neg.bvecs"), new byte[] {-1, -1, -1, -1, 1, 2});
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(negative)), negative,
        "row 0", "dimension -1 is not positive");
  }

  @Test
  void infinityNamesRowAndColumn() throws IOException {
    Path file = Files.write(dir.resolve("inf.fvecs"),
        fvecs(new float[][] {{1, 2}, {3, 4}, {5, Float.POSITIVE_INFINITY}}));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "row 2, column 1: value is Infinity");
  }
}
