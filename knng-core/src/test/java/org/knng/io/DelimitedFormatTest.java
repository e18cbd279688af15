package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.knng.io.ErrorMessages.assertMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.vectors.Vectors;

/** .csv and .tsv: header detection, blank lines, whitespace, and errors with line and column. */
class DelimitedFormatTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  @Test
  void readsCsvWithHeader() throws IOException {
    Vectors v = VectorReader.read(write("a.csv", "x,y,z\n1,2,3\n-4.5,5e-3,6E+2\n"));
    assertEquals(2, v.size());
    assertEquals(3, v.dimension());
    assertArrayEquals(new float[] {1, 2, 3, -4.5f, 5e-3f, 600}, v.data());
  }

  @Test
  void readsCsvWithoutHeader() throws IOException {
    Vectors v = VectorReader.read(write("a.csv", "1,2\n3,4\n5,6"));
    assertEquals(3, v.size());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, v.data());
  }

  @Test
  void headerWithOneWordAmongNumbersIsStillAHeader() throws IOException {
    Vectors v = VectorReader.read(write("a.csv", "1,2,label\n3,4,5\n"));
    assertEquals(1, v.size());
    assertArrayEquals(new float[] {3, 4, 5}, v.data());
  }

  /** Only the first non-blank line may be a header: a word further down is an error, not skipped. */
  @Test
  void onlyTheFirstLineIsAHeader() throws IOException {
    Path typo = write("typo.csv", "a,b\nx1,2\n0,0\n1,0\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(typo)), typo,
        "line 2, column 1: 'x1' is not a number");
    Path twoHeaders = write("two.csv", "\n\njunk\nmore junk\n1,2\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(twoHeaders)),
        twoHeaders, "line 4, column 1: 'more junk' is not a number");
    Path semicolons = write("s.csv", "1;2\n3;4\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(semicolons)),
        semicolons, "line 2, column 1: '3;4' is not a number");
  }

  @Test
  void readsTsvIgnoringBlankLinesWhitespaceCrlfAndBom() throws IOException {
    String text = "\uFEFF\r\n  \r\n 1\t 2.5 \r\n\t\n3 \t4\r\n\r\n";
    Vectors v = VectorReader.read(write("a.tsv", text));
    assertEquals(2, v.size());
    assertEquals(2, v.dimension());
    assertArrayEquals(new float[] {1, 2.5f, 3, 4}, v.data());
  }

  @Test
  void commasAreNotDelimitersInTsv() throws IOException {
    Path file = write("a.tsv", "1\t2\n3,5\t4\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "line 2, column 1: '3,5' is not a number");
  }

  @Test
  void nonNumericCellNamesLineAndColumn() throws IOException {
    Path file = write("bad.csv", "a,b,c\n\n1,2,3\n4,abc,6\n");
    InputFormatException e = assertThrows(InputFormatException.class, () -> VectorReader.read(file));
    assertEquals(file + ": line 4, column 2: 'abc' is not a number", e.getMessage());
  }

  @Test
  void javaOnlyNumberSyntaxIsNotANumber() throws IOException {
    for (String cell : new String[] {"1f", "2d", "0x1p3", "1_000"}) {
      Path file = write("j.csv", "1,2\n3," + cell + "\n");
      InputFormatException e = assertThrows(InputFormatException.class, () -> VectorReader.read(file), cell);
      assertEquals(file + ": line 2, column 2: '" + cell + "' is not a number", e.getMessage());
    }
  }

  @Test
  void emptyCellIsNotANumber() throws IOException {
    Path file = write("gap.csv", "1,,3\n4,5,6\n");
    InputFormatException e = assertThrows(InputFormatException.class, () -> VectorReader.read(file));
    assertEquals(file + ": line 1, column 2: '' is not a number", e.getMessage());
  }

  @Test
  void raggedRowNamesLineAndCounts() throws IOException {
    Path file = write("ragged.csv", "h1,h2,h3\n1,2,3\n\n4,5\n");
    InputFormatException e = assertThrows(InputFormatException.class, () -> VectorReader.read(file));
    assertEquals(file + ": line 4 has 2 columns, expected 3 as on line 2", e.getMessage());
  }

  @Test
  void nanAndInfinityAreRejectedWithLineAndColumn() throws IOException {
    Path java = write("nan.csv", "1,2\n3,NaN\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(java)), java,
        "line 2, column 2: value is NaN");
    Path inf = write("inf.csv", "1,2\n-Infinity,4\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(inf)), inf,
        "line 2, column 1: value is -Infinity");
    Path overflow = write("big.csv", "1,2\n3,1e39\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(overflow)), overflow,
        "line 2, column 2: value 1e39 is beyond the float32 range");
    Path negative = write("small.csv", "1,2\n-3.5e38,4\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(negative)), negative,
        "line 2, column 1: value -3.5e38 is beyond the float32 range");
  }

  @Test
  void pythonNanInFirstRowIsDataNotAHeader() throws IOException {
    Path file = write("first.csv", "1,nan,3\n4,5,6\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "line 1, column 2: value is NaN");
    Path inf = write("inf.tsv", "-inf\t1\n");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(inf)), inf,
        "line 1, column 1: value is -Infinity");
  }

  @Test
  void headerOnlyOrBlankIsEmpty() throws IOException {
    Path header = write("h.csv", "x,y\n\n");
    assertEquals(header + ": no vectors after the header on line 1",
        assertThrows(InputFormatException.class, () -> VectorReader.read(header)).getMessage());
    Path blank = write("b.tsv", "\n  \n\t\n");
    assertEquals(blank + ": empty file, no vectors",
        assertThrows(InputFormatException.class, () -> VectorReader.read(blank)).getMessage());
  }

  @Test
  void invalidUtf8IsAFormatError() throws IOException {
    Path file = Files.write(dir.resolve("latin1.csv"), new byte[] {'1', ',', '2', '\n', (byte) 0xE9, ',', '3', '\n'});
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file)), file,
        "not valid UTF-8");
  }

  @Test
  void longCellIsShortenedInTheMessage() throws IOException {
    String cell = "x".repeat(500);
    Path file = write("long.csv", "1\n" + cell + "\n");
    InputFormatException e = assertThrows(InputFormatException.class, () -> VectorReader.read(file));
    assertMessage(e, file, "line 2, column 1: '" + "x".repeat(40) + "...' is not a number");
  }

  @Test
  void readsManyRows() throws IOException {
    StringBuilder text = new StringBuilder("a\tb\tc\n");
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      text.append(i).append('\t').append(-i).append('\t').append(i * 0.5).append('\n');
    }
    Vectors v = VectorReader.read(write("many.tsv", text.toString()));
    assertEquals(n, v.size());
    assertEquals(3, v.dimension());
    for (int i = 0; i < n; i += 777) {
      assertArrayEquals(new float[] {i, -i, i * 0.5f}, v.row(i));
    }
    assertArrayEquals(new float[] {n - 1, -(n - 1), (n - 1) * 0.5f}, v.row(n - 1));
  }
}
