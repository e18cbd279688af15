package org.knng.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes 2-D C-order NumPy {@code .npy} arrays (format version 1.0), little-endian, such as the
 * {@code N x k} neighbour ids ({@code <i4}) and distances ({@code <f4}) of a
 * {@link org.knng.graph.KnnResult}, or an {@code edge_index} ({@code <i8}). {@code numpy.load} reads them back as they are.
 *
 * <p>Files are written atomically: to a temporary file in the same directory, then renamed over
 * the target, so a failure leaves no partial file and keeps any previous one.
 */
public final class NpyWriter {
  private NpyWriter() {}

  /**
   * Writes an int32 ({@code <i4}) array of shape {@code (rows, cols)}.
   *
   * @param out the file to create or replace (any name; {@code .npy} by convention)
   * @param rows number of rows
   * @param cols number of columns
   * @param rowMajor {@code rows * cols} values, row after row
   * @throws IllegalArgumentException if the array length is not {@code rows * cols}
   * @throws IOException {@code FILE: output directory DIR does not exist}, {@code FILE: is a
   *     directory}, or {@code FILE: cannot write (...)}; nothing is left behind
   */
  public static void writeInt32(Path out, int rows, int cols, int[] rowMajor) throws IOException {
    checkShape(out, rows, cols, Objects.requireNonNull(rowMajor, "rowMajor").length);
    AtomicOutput.write(out, stream -> writeInt32(stream, rowMajor, rows, cols));
  }

  /**
   * Writes a float32 ({@code <f4}) array of shape {@code (rows, cols)}.
   *
   * @param out the file to create or replace (any name; {@code .npy} by convention)
   * @param rows number of rows
   * @param cols number of columns
   * @param rowMajor {@code rows * cols} values, row after row
   * @throws IllegalArgumentException if the array length is not {@code rows * cols}
   * @throws IOException {@code FILE: output directory DIR does not exist}, {@code FILE: is a
   *     directory}, or {@code FILE: cannot write (...)}; nothing is left behind
   */
  public static void writeFloat32(Path out, int rows, int cols, float[] rowMajor) throws IOException {
    checkShape(out, rows, cols, Objects.requireNonNull(rowMajor, "rowMajor").length);
    AtomicOutput.write(out, stream -> writeFloat32(stream, rowMajor, rows, cols));
  }

  /**
   * Writes an int64 ({@code <i8}) array of shape {@code (rows, cols)}, such as a PyTorch Geometric
   * {@code edge_index} ({@code 2 x E}, see {@link org.knng.graph.EdgeIndex}).
   *
   * @param out the file to create or replace (any name; {@code .npy} by convention)
   * @param rows number of rows
   * @param cols number of columns
   * @param rowMajor {@code rows * cols} values, row after row
   * @throws IllegalArgumentException if the array length is not {@code rows * cols}
   * @throws IOException {@code FILE: output directory DIR does not exist}, {@code FILE: is a
   *     directory}, or {@code FILE: cannot write (...)}; nothing is left behind
   */
  public static void writeInt64(Path out, int rows, int cols, long[] rowMajor) throws IOException {
    checkShape(out, rows, cols, Objects.requireNonNull(rowMajor, "rowMajor").length);
    AtomicOutput.write(out, stream -> writeInt64(stream, rowMajor, rows, cols));
  }

  private static void checkShape(Path out, int rows, int cols, int length) {
    if (rows < 0 || cols < 0 || (long) rows * cols != length) {
      throw new IllegalArgumentException(
          out + ": " + length + " values do not make a " + rows + " x " + cols + " array");
    }
  }

  /**
   * Writes a whole {@code <i4} .npy array (header and data) to a stream.
   *
   * @param out destination (not closed)
   * @param values the elements in C order
   * @param shape the array shape, whose product is {@code values.length}
   * @throws IOException if writing fails
   */
  static void writeInt32(OutputStream out, int[] values, long... shape) throws IOException {
    out.write(NpyHeader.encode("<i4", shape));
    LittleEndianOutput le = new LittleEndianOutput(out);
    le.ints(values, 0, values.length);
    le.flush();
  }

  /**
   * Writes a whole {@code <i8} .npy array (header and data) to a stream.
   *
   * @param out destination (not closed)
   * @param values the elements in C order
   * @param shape the array shape, whose product is {@code values.length}
   * @throws IOException if writing fails
   */
  static void writeInt64(OutputStream out, long[] values, long... shape) throws IOException {
    out.write(NpyHeader.encode("<i8", shape));
    LittleEndianOutput le = new LittleEndianOutput(out);
    le.longs(values, 0, values.length);
    le.flush();
  }

  /**
   * Writes a whole {@code <f4} .npy array (header and data) to a stream.
   *
   * @param out destination (not closed)
   * @param values the elements in C order
   * @param shape the array shape, whose product is {@code values.length}
   * @throws IOException if writing fails
   */
  static void writeFloat32(OutputStream out, float[] values, long... shape) throws IOException {
    out.write(NpyHeader.encode("<f4", shape));
    LittleEndianOutput le = new LittleEndianOutput(out);
    le.floats(values, 0, values.length);
    le.flush();
  }
}
