package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group labels from text and from 1-D integer .npy files, and every malformed case. */
class GroupLabelsTest {
  @TempDir Path dir;

  @Test
  void textOneIntegerPerLineBlankLinesIgnored() throws Exception {
    Path f = Files.writeString(dir.resolve("g.txt"), "3\n-1\n\n 3 \n7\n");
    assertArrayEquals(new int[] {3, -1, 3, 7}, GroupLabels.read(f, 4));
    // A UTF-8 byte-order mark before the first label, as some editors write it.
    Path bom = Files.writeString(dir.resolve("bom.txt"), "\uFEFF5\r\n6\r\n");
    assertArrayEquals(new int[] {5, 6}, GroupLabels.read(bom, 2));
    // More labels than the first buffer holds.
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      many.append(i % 7).append('\n');
    }
    int[] read = GroupLabels.read(Files.writeString(dir.resolve("many.txt"), many), 3000);
    assertEquals(2999 % 7, read[2999]);
  }

  @Test
  void npyIntegersOfEveryWidthAndOrder() throws Exception {
    ByteBuffer i8 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(5).putLong(-2).putLong(5);
    Path a = Files.write(dir.resolve("a.npy"), NpyFormatTest.npy(1, "<i8", false, "(3,)", i8.array()));
    assertArrayEquals(new int[] {5, -2, 5}, GroupLabels.read(a, 3));
    ByteBuffer big4 = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(70000).putInt(1);
    Path b = Files.write(dir.resolve("b.npy"), NpyFormatTest.npy(1, ">i4", false, "(2,)", big4.array()));
    assertArrayEquals(new int[] {70000, 1}, GroupLabels.read(b, 2));
    Path c = Files.write(dir.resolve("c.npy"), NpyFormatTest.npy(1, "|u1", false, "(2,)", new byte[] {(byte) 200, 3}));
    assertArrayEquals(new int[] {200, 3}, GroupLabels.read(c, 2));
    Path d = Files.write(dir.resolve("d.npy"), NpyFormatTest.npy(1, "|i1", false, "(2,)", new byte[] {(byte) 200, 3}));
    assertArrayEquals(new int[] {-56, 3}, GroupLabels.read(d, 2));
    ByteBuffer i2 = ByteBuffer.allocate(6).order(ByteOrder.BIG_ENDIAN).putShort((short) -300).putShort((short) 7)
        .putShort((short) 40000);
    Path e = Files.write(dir.resolve("e.npy"), NpyFormatTest.npy(1, ">i2", false, "(3,)", i2.array()));
    assertArrayEquals(new int[] {-300, 7, 40000 - 65536}, GroupLabels.read(e, 3));
    ByteBuffer u2 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 65535).putShort((short) 2);
    Path f = Files.write(dir.resolve("f.npy"), NpyFormatTest.npy(1, "<u2", false, "(2,)", u2.array()));
    assertArrayEquals(new int[] {65535, 2}, GroupLabels.read(f, 2));
    ByteBuffer i4 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MIN_VALUE);
    Path g = Files.write(dir.resolve("g.npy"), NpyFormatTest.npy(1, "<i4", false, "(1,)", i4.array()));
    assertArrayEquals(new int[] {Integer.MIN_VALUE}, GroupLabels.read(g, 1));
    // numpy's unsigned labels of 32 and 64 bits (np.unique's inverse on some platforms, pandas
    // codes cast to uint): read while they fit in 32 bits, the value named when one does not.
    ByteBuffer u4 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(0x7FFFFFFF);
    Path h = Files.write(dir.resolve("h.npy"), NpyFormatTest.npy(1, "<u4", false, "(2,)", u4.array()));
    assertArrayEquals(new int[] {7, Integer.MAX_VALUE}, GroupLabels.read(h, 2));
    u4.putInt(0, -1);
    Path h2 = Files.write(dir.resolve("h2.npy"), NpyFormatTest.npy(1, "<u4", false, "(2,)", u4.array()));
    assertMessage(assertThrows(InputFormatException.class, () -> GroupLabels.read(h2, 2)), "h2.npy",
        "label 4294967295 at row 0 does not fit in 32 bits");
    ByteBuffer u8 = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(3).putLong(-1L);
    Path k = Files.write(dir.resolve("k.npy"), NpyFormatTest.npy(1, ">u8", false, "(1,)", u8.array()));
    assertArrayEquals(new int[] {3}, GroupLabels.read(k, 1));
    Path k2 = Files.write(dir.resolve("k2.npy"), NpyFormatTest.npy(1, ">u8", false, "(2,)", u8.array()));
    assertMessage(assertThrows(InputFormatException.class, () -> GroupLabels.read(k2, 2)), "k2.npy",
        "label 18446744073709551615 at row 1 does not fit in 32 bits");
  }

  @Test
  void malformedLabelsNameTheFileAndWhere() throws Exception {
    Path text = Files.writeString(dir.resolve("bad.txt"), "1\n2\nx3\n");
    assertMessage(assertThrows(InputFormatException.class, () -> GroupLabels.read(text, 3)), "bad.txt", "line 3", "x3");
    Path count = Files.writeString(dir.resolve("count.txt"), "1\n2\n");
    assertMessage(assertThrows(InputFormatException.class, () -> GroupLabels.read(count, 3)), "count.txt", "2 group labels", "3 rows");
    Path floats = Files.write(dir.resolve("f.npy"), NpyFormatTest.npy(1, "<f4", false, "(1,)", new byte[4]));
    assertMessage(assertThrows(InputFormatException.class, () -> GroupLabels.read(floats, 1)), "f.npy", "<f4");
    Path bools = Files.write(dir.resolve("b.npy"), NpyFormatTest.npy(1, "|b1", false, "(1,)", new byte[1]));
    assertMessage(assertThrows(InputFormatException.class, () -> GroupLabels.read(bools, 1)), "b.npy",
        "'|b1' is not an integer type");
    Path twoD = Files.write(dir.resolve("m.npy"), NpyFormatTest.npy(1, "<i4", false, "(1, 1)", new byte[4]));
    assertMessage(assertThrows(InputFormatException.class, () -> GroupLabels.read(twoD, 1)), "m.npy", "not 1-D");
    ByteBuffer big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
    Path wide = Files.write(dir.resolve("w.npy"), NpyFormatTest.npy(1, "<i8", false, "(1,)", big.array()));
    assertMessage(assertThrows(InputFormatException.class, () -> GroupLabels.read(wide, 1)), "w.npy", "32 bits");
    assertThrows(NoSuchFileException.class, () -> GroupLabels.read(dir.resolve("none.txt"), 1));
    Path binary = Files.write(dir.resolve("bin.txt"), new byte[] {'1', '\n', (byte) 0xff, (byte) 0xfe, 0, 1});
    assertMessage(assertThrows(InputFormatException.class, () -> GroupLabels.read(binary, 2)), "bin.txt",
        "not valid UTF-8 text (at or after line ");
    Path large = Files.writeString(dir.resolve("large.txt"), "1\n2147483648\n");
    assertMessage(assertThrows(InputFormatException.class, () -> GroupLabels.read(large, 2)), "large.txt",
        "line 2: '2147483648' is not a group label: it does not fit in 32 bits");
  }

  private static void assertMessage(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }
  }
}
