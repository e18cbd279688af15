package org.knng.io;

import org.knng.InvalidInputException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import org.knng.vectors.Vectors;

/**
 * Reads a file of vectors, choosing the format by the file's extension (case-insensitive):
 *
 * <ul>
 *   <li>{@code .fvecs}, {@code .bvecs}: TEXMEX records (int32 dimension, then float32 or unsigned
 *       byte values), as in the SIFT / GIST / BIGANN benchmark sets;
 *   <li>{@code .npy}: a 2-D C-order NumPy array of float16, float32, float64 or integers of 8 to
 *       64 bits in either byte order (header versions 1.0, 2.0, 3.0);
 *   <li>{@code .csv}, {@code .tsv}: one vector per line, comma- or tab-separated numbers, with an
 *       optional header line (detected: a first line with a non-numeric word in it).
 * </ul>
 *
 * <p>Values are converted to float32, and every one must be finite.
 *
 * <p><b>Errors.</b> Every message is one line that starts with the path as it was given, so a
 * command-line tool can print it as it is. Which exception says what:
 *
 * <ul>
 *   <li>{@link InputFormatException} (an {@link IOException}): the content is wrong: bad header or
 *       magic, unsupported dtype or shape, ragged or truncated rows, a cell that is not a number, a
 *       NaN or infinite value, no vectors at all ({@code FILE: empty file, no vectors}), or more
 *       values than one array can hold. The message names the row, line, column, dtype or shape.
 *   <li>other {@link IOException}s: the file itself: {@link NoSuchFileException} ({@code FILE: no
 *       such file}), a {@link FileSystemException} for a directory ({@code FILE: is a directory}),
 *       {@link AccessDeniedException} or another {@code IOException} for {@code FILE: cannot read
 *       (...)}.
 *   <li>{@link InvalidInputException}: the caller named a file whose extension is none of the
 *       above ({@code FILE: unsupported input format '.xyz' (...)}).
 * </ul>
 */
public final class VectorReader {
  private static final String EXPECTED = "expected .fvecs, .bvecs, .npy, .npz, .csv or .tsv";

  private VectorReader() {}

  /**
   * Reads all vectors of a file.
   *
   * @param file a {@code .fvecs}, {@code .bvecs}, {@code .npy}, {@code .csv} or {@code .tsv} file
   * @return its vectors, one per row
   * @throws InputFormatException if the content is malformed (see the class description)
   * @throws IOException if the file is missing, a directory, or cannot be read
   * @throws InvalidInputException if the extension is not one of the supported formats
   */
  public static Vectors read(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    // A missing file or a directory is named before an unknown format; opening checks both again.
    FileErrors.checkInput(file);
    VectorFormat format = formatOf(file);

    FileChannel channel = FileErrors.openForReading(file);
    try (channel) {
      long size = channel.size();
      if (size == 0) {
        throw new InputFormatException(file + ": empty file, no vectors");
      }
      return format.read(file, channel, size);
    } catch (InputFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(file + ": cannot read (" + FileErrors.reason(e) + ")", e);
    }
  }

  /**
   * Reads one array of a NumPy {@code .npz} archive ({@code numpy.savez}, {@code savez_compressed})
   * as vectors: a 2-D array of the {@code .npy} types.
   *
   * @param file a {@code .npz} file
   * @param array the array's name (the entry {@code array.npy})
   * @return its rows as vectors
   * @throws InputFormatException if the archive or the array is malformed, or has no such array
   *     (the message lists the arrays it has)
   * @throws IOException if the file is missing, a directory, or cannot be read
   */
  public static Vectors read(Path file, String array) throws IOException {
    Objects.requireNonNull(array, "array");
    return NpzVectors.read(file, array);
  }

  /**
   * The names of the arrays of a {@code .npz} archive, sorted.
   *
   * @param file a {@code .npz} file
   * @return the names of its {@code .npy} entries without the extension
   * @throws IOException if the file is missing or not a readable zip archive
   */
  public static java.util.List<String> arrays(Path file) throws IOException {
    return NpzVectors.arrays(file);
  }

  private static VectorFormat formatOf(Path file) {
    switch (Extension.key(file)) {
      case ".fvecs":
        return TexmexFormat.FVECS;
      case ".bvecs":
        return TexmexFormat.BVECS;
      case ".npy":
        return new NpyFormat();
      case ".csv":
        return new DelimitedFormat(',');
      case ".tsv":
        return new DelimitedFormat('\t');
      case ".npz":
        throw new InvalidInputException(file + ": a .npz archive holds named arrays: name the one to read"
            + " (VectorReader.read(file, array); --dataset NAME on the command line)");
      default:
        throw new InvalidInputException(
            file + ": unsupported input format " + Extension.describe(Extension.of(file)) + " (" + EXPECTED + ")");
    }
  }
}
