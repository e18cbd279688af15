package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.knng.io.ErrorMessages.assertMessage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N x k neighbour ids from integer .npy files: the dtypes and orders read, and what is refused. */
class NeighborIdsTest {
  @TempDir Path dir;

  @Test
  void readsWhatNpyWriterWritesAndInt64InEitherOrder() throws Exception {
    Path a = dir.resolve("ids.npy");
    NpyWriter.writeInt32(a, 2, 3, new int[] {1, 2, -1, 0, 2, 1});
    NeighborIds ids = NeighborIds.read(a);
    assertEquals(2, ids.rows());
    assertEquals(3, ids.columns());
    assertEquals(a, ids.file());
    assertArrayEquals(new int[] {1, 2, -1, 0, 2, 1}, ids.ids());
    ByteBuffer big = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN).putLong(3).putLong(-1).putLong(70000)
        .putLong(0);
    Path b = Files.write(dir.resolve("b.npy"), NpyFormatTest.npy(1, ">i8", false, "(4, 1)", big.array()));
    assertArrayEquals(new int[] {3, -1, 70000, 0}, NeighborIds.read(b).ids());
    Path c = Files.write(dir.resolve("c.npy"), NpyFormatTest.npy(1, "|u1", false, "(1, 2)", new byte[] {(byte) 200, 3}));
    assertArrayEquals(new int[] {200, 3}, NeighborIds.read(c).ids());
    // uint64 (an edge_index numpy made unsigned): read, and a value past 2^63 named unsigned.
    ByteBuffer u8 = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(1).putLong(1)
        .putLong(0);
    Path d = Files.write(dir.resolve("d.npy"), NpyFormatTest.npy(1, "<u8", false, "(2, 2)", u8.array()));
    assertArrayEquals(new int[] {0, 1, 1, 0}, NeighborIds.read(d).ids());
    u8.putLong(16, -1L);
    Path e = Files.write(dir.resolve("e.npy"), NpyFormatTest.npy(1, "<u8", false, "(2, 2)", u8.array()));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(e)), e,
        "row 1, column 0: id 18446744073709551615 does not fit in 32 bits");
  }

  /** TEXMEX .ivecs rows: a little-endian int32 count, then the ids. */
  private static byte[] ivecs(int[]... rows) {
    int bytes = 0;
    for (int[] row : rows) {
      bytes += 4 * (1 + row.length);
    }
    ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int[] row : rows) {
      b.putInt(row.length);
      for (int v : row) {
        b.putInt(v);
      }
    }
    return b.array();
  }

  @Test
  void readsIvecsGroundTruth() throws Exception {
    Path a = Files.write(dir.resolve("gt.ivecs"), ivecs(new int[] {4, 0, 7}, new int[] {1, -1, 70000}));
    NeighborIds ids = NeighborIds.read(a);
    assertEquals(2, ids.rows());
    assertEquals(3, ids.columns());
    assertArrayEquals(new int[] {4, 0, 7, 1, -1, 70000}, ids.ids());
    // More rows than one read chunk holds: the values in order.
    int[][] many = new int[100_000][];
    for (int r = 0; r < many.length; r++) {
      many[r] = new int[] {r, r + 1, r + 2, r + 3, r + 4, r + 5, r + 6, r + 7, r + 8, r + 9, r + 10};
    }
    int[] big = NeighborIds.read(Files.write(dir.resolve("big.ivecs"), ivecs(many))).ids();
    assertEquals(1_100_000, big.length);
    assertEquals(99_999 + 10, big[big.length - 1]);
    assertEquals(50_000 + 3, big[50_000 * 11 + 3]);
  }

  @Test
  void refusesMalformedIvecs() throws Exception {
    Path ragged = Files.write(dir.resolve("r.ivecs"), ivecs(new int[] {1, 2}, new int[] {3}, new int[] {4}));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(ragged)), ragged,
        "row 1 has 1 ids, row 0 has 2");
    Path ragged2 = Files.write(dir.resolve("r2.ivecs"), ivecs(new int[] {1, 2}, new int[] {3, 4, 5}, new int[] {6}));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(ragged2)), ragged2,
        "row 1 has 3 ids");
    byte[] whole = ivecs(new int[] {1, 2}, new int[] {3, 4});
    Path cut = Files.write(dir.resolve("c.ivecs"), java.util.Arrays.copyOf(whole, whole.length - 2));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(cut)), cut, "truncated");
    Path zero = Files.write(dir.resolve("z.ivecs"), ivecs(new int[0]));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(zero)), zero, "row 0 has 0 ids");
    Path absurd = Files.write(dir.resolve("a.ivecs"), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(Integer.MAX_VALUE).putInt(1).array());
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(absurd)), absurd,
        "not a whole number of rows");
    Path empty = Files.write(dir.resolve("e.ivecs"), new byte[0]);
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(empty)), empty, "empty file");
  }

  @Test
  void refusesWhatIsNotA2dIntegerArray() throws Exception {
    Path floats = dir.resolve("f.npy");
    NpyWriter.writeFloat32(floats, 1, 2, new float[] {1, 2});
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(floats)), floats, "<f4", "integer");
    Path flat = Files.write(dir.resolve("flat.npy"), NpyFormatTest.npy(1, "<i4", false, "(2,)", new byte[8]));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(flat)), flat, "(2,)", "2-D");
    Path empty = Files.write(dir.resolve("e.npy"), NpyFormatTest.npy(1, "<i4", false, "(0, 5)", new byte[0]));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(empty)), empty, "(0, 5)");
    Path shortFile = Files.write(dir.resolve("s.npy"), NpyFormatTest.npy(1, "<i4", false, "(2, 2)", new byte[12]));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(shortFile)), shortFile, "truncated");
    ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(1L << 40);
    Path wide = Files.write(dir.resolve("w.npy"), NpyFormatTest.npy(1, "<i8", false, "(1, 2)", huge.array()));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(wide)), wide, "row 0, column 1",
        "32 bits");
    assertThrows(NoSuchFileException.class, () -> NeighborIds.read(dir.resolve("none.npy")));
  }
  /** Fortran order: the file lists column 0 first; a bad value is named by its row and column. */
  @Test
  void fortranOrderIsReadByColumnAndNamedByRowAndColumn() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : new int[] {10, 11, 20, 21, 30, 31}) { // (2, 3): column 0 = 10, 11; column 1 = 20, 21
      b.putInt(v);
    }
    Path f = Files.write(dir.resolve("f.npy"), NpyFormatTest.npy(1, "<i4", true, "(2, 3)", b.array()));
    NeighborIds ids = NeighborIds.read(f);
    assertEquals(2, ids.rows());
    assertEquals(3, ids.columns());
    assertArrayEquals(new int[] {10, 20, 30, 11, 21, 31}, ids.ids());
    ByteBuffer huge = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : new long[] {1, 2, 3, 1L << 40, 5, 6}) {
      huge.putLong(v);
    }
    Path wide = Files.write(dir.resolve("fw.npy"), NpyFormatTest.npy(1, "<i8", true, "(2, 3)", huge.array()));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(wide)), wide,
        "row 1, column 1: id 1099511627776 does not fit in 32 bits");
  }

}
