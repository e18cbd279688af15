package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.knng.io.ErrorMessages.assertMessage;
import static org.knng.io.NpyFormatTest.data;
import static org.knng.io.NpyFormatTest.npy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.InvalidInputException;

/**
 * Arrays of a {@code .npz} archive (stored or deflated entries, as {@code numpy.savez} and {@code
 * savez_compressed} write them) read as vectors, with the {@code .npy} reader's conversions and
 * messages naming the archive and the array.
 */
class NpzVectorsTest {
  @TempDir Path dir;

  private Path npz(String name, boolean deflate, String[] names, byte[]... entries) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int i = 0; i < names.length; i++) {
        ZipEntry e = new ZipEntry(names[i]);
        e.setComment(ErrorMessages.ENTRY_COMMENT);
        if (!deflate) {
          CRC32 crc = new CRC32();
          crc.update(entries[i]);
          e.setMethod(ZipEntry.STORED);
          e.setSize(entries[i].length);
          e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(entries[i]);
        zip.closeEntry();
      }
    }
    return file;
  }

  @Test
  void namedArraysAreReadAsTheirNpyFilesAre() throws IOException {
    double[] train = {0, 1, 2, 3, 4, 5, 6, 7.5};
    double[] test = {-1, 2.25, 3, 9};
    byte[] trainNpy = npy(1, "<f4", false, "(4, 2)", data("<f4", train));
    byte[] testNpy = npy(1, ">f8", false, "(2, 2)", data(">f8", test));
    for (boolean deflate : new boolean[] {false, true}) {
      Path file = npz("a" + deflate + ".npz", deflate, new String[] {"train.npy", "test.npy", "k.npy"},
          trainNpy, testNpy, npy(1, "<i8", false, "(1,)", data("<i8", new double[] {3})));
      assertEquals(List.of("k", "test", "train"), VectorReader.arrays(file));
      Path single = Files.write(dir.resolve("train.npy"), trainNpy);
      assertArrayEquals(VectorReader.read(single).data(), VectorReader.read(file, "train").data());
      float[] t = VectorReader.read(file, "test").data();
      assertArrayEquals(new float[] {-1, 2.25f, 3, 9}, t);
      assertEquals(2, VectorReader.read(file, "test").dimension());
      assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file, "neighbors")),
          file, "no array 'neighbors' (arrays: k, test, train)");
      assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file, "k")),
          Path.of(file + ": array 'k'"), "expected a 2-D array");
      assertMessage(assertThrows(InvalidInputException.class, () -> VectorReader.read(file)), file,
          "name the one to read");
    }
  }

  @Test
  void arrayNamesWithControlCharactersAreReadAndShownEscaped() throws IOException {
    // A zip entry's name may hold any character; no path may hold NUL, and messages are one line.
    String name = "u\u0000v\nw";
    byte[] good = npy(1, "<f4", false, "(2, 2)", data("<f4", new double[] {1, 2, 3, 4}));
    byte[] nan = npy(1, "<f4", false, "(2, 2)", data("<f4", new double[] {1, 2, Double.NaN, 4}));
    Path file = npz("control.npz", false, new String[] {name + ".npy", "nan\u0001.npy"}, good, nan);
    assertEquals(List.of("nan\u0001", name), VectorReader.arrays(file));
    assertArrayEquals(new float[] {1, 2, 3, 4}, VectorReader.read(file, name).data());
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file, "x\u0000")), file,
        "no array 'x\\u0000' (arrays: nan\\u0001, u\\u0000v\\u000aw)");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(file, "nan\u0001")),
        Path.of(file + ": array 'nan\\u0001'"), "row 1, column 0: value is NaN");
  }

  @Test
  void malformedArchivesAndArraysAreOneLineErrors() throws IOException {
    Path notZip = Files.writeString(dir.resolve("x.npz"), "not a zip");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(notZip, "train")), notZip,
        "not a .npz file");
    byte[] good = npy(1, "<f4", false, "(4, 2)", data("<f4", new double[8]));
    Path cut = npz("cut.npz", true, new String[] {"train.npy"}, Arrays.copyOf(good, good.length - 5));
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(cut, "train")),
        Path.of(cut + ": array 'train'"), "truncated");
    byte[] nan = npy(1, "<f4", false, "(2, 2)", data("<f4", new double[] {1, 2, Double.NaN, 4}));
    Path bad = npz("nan.npz", false, new String[] {"train.npy"}, nan);
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(bad, "train")),
        Path.of(bad + ": array 'train'"), "row 1, column 0: value is NaN");
    Path name = ErrorMessages.breakText(npz("name.npz", false, new String[] {"train.npy"}, good), "train.npy");
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(name, "train")), name,
        "not a .npz file");
    Path comment = ErrorMessages.breakText(npz("comment.npz", false, new String[] {"train.npy"}, good),
        ErrorMessages.ENTRY_COMMENT);
    assertMessage(assertThrows(InputFormatException.class, () -> VectorReader.read(comment, "train")), comment,
        "not a .npz file");
    assertMessage(assertThrows(IOException.class, () -> VectorReader.read(dir.resolve("none.npz"), "a")),
        dir.resolve("none.npz"), "no such file");
  }
}
