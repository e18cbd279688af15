package org.knng.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.knng.vectors.Vectors;

/**
 * Vectors stored as one named array of a NumPy {@code .npz} archive ({@code numpy.savez} or
 * {@code savez_compressed}: a zip of {@code NAME.npy} entries), decoded as {@link NpyFormat}
 * decodes a {@code .npy} file.
 */
final class NpzVectors {
  private NpzVectors() {}

  /** The names of the archive's arrays (entries {@code NAME.npy}), sorted. */
  static List<String> arrays(Path file) throws IOException {
    try (ZipFile zip = FileErrors.openZip(file)) {
      List<String> names = new ArrayList<>();
      for (ZipEntry e : FileErrors.zipEntries(zip, file)) {
        if (!e.isDirectory() && e.getName().endsWith(".npy")) {
          names.add(e.getName().substring(0, e.getName().length() - 4));
        }
      }
      Collections.sort(names);
      return names;
    } catch (IOException e) {
      throw failure(file, e);
    }
  }

  /** A failure as it is reported: knng's own messages as they are, the archive's with the file. */
  private static IOException failure(Path file, IOException e) {
    if (e instanceof InputFormatException
        || (e.getMessage() != null && e.getMessage().startsWith(file.toString()))) {
      return e;
    }
    return new InputFormatException(file + ": cannot read the archive (" + FileErrors.reason(e) + ")", e);
  }

  /** Array {@code name} of the archive as vectors (a 2-D array, as a {@code .npy} input). */
  static Vectors read(Path file, String name) throws IOException {
    try (ZipFile zip = FileErrors.openZip(file)) {
      ZipEntry entry = FileErrors.zipEntry(zip, file, name + ".npy");
      if (entry == null) {
        List<String> shown = new ArrayList<>();
        for (String a : arrays(file)) {
          shown.add(InputFormatException.shown(a));
        }
        throw new InputFormatException(file + ": no array '" + InputFormatException.shown(name)
            + "' (arrays: " + String.join(", ", shown) + ")");
      }
      // Messages name the file and the array.
      Path where = Path.of(file + ": array '" + InputFormatException.shown(name) + "'");
      long size = entry.getSize() < 0 ? Long.MAX_VALUE : entry.getSize();
      try (InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16)) {
        RowLayout layout = NpyFormat.layout(where, NpyHeader.read(where, in, size), size);
        return VectorFormat.wrap(where, layout.readAll(in), layout.dimension);
      } catch (EOFException e) {
        throw new InputFormatException(where + ": truncated (the entry ends inside its header)");
      }
    } catch (IOException e) {
      throw failure(file, e);
    }
  }
}
