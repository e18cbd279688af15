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
  }

  @Test
  void refusesWhatIsNotA2dIntegerArray() throws Exception {
    Path floats = dir.resolve("f.npy");
    NpyWriter.writeFloat32(floats, 1, 2, new float[] {1, 2});
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(floats)), floats, "<f4", "integer");
    Path flat = Files.write(dir.resolve("flat.npy"), NpyFormatTest.npy(1, "<i4", false, "(2,)", new byte[8]));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(flat)), flat, "(2,)", "2-D");
    Path fortran = Files.write(dir.resolve("fo.npy"), NpyFormatTest.npy(1, "<i4", true, "(2, 1)", new byte[8]));
    assertMessage(assertThrows(InputFormatException.class, () -> NeighborIds.read(fortran)), fortran, "fortran_order");
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
}
