package org.knng.io;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.knng.vectors.Vectors;

/**
 * NumPy {@code .npy} input: a 2-D C-order array of float16, float32, float64, integers of 8 to 64
 * bits in either byte order, or booleans (0 and 1), converted to float32 ({@link NumpyType}; rows
 * = vectors). Header versions 1.0, 2.0 and 3.0 are read by {@link NpyHeader}. Data after the array is ignored, as {@code numpy.load} does.
 */
final class NpyFormat implements VectorFormat {
  private static final String SUPPORTED =
      "expected float16, float32, float64, integers of 8 to 64 bits or bool, e.g. <f2, <f4, <f8, |u1, <i2,"
          + " <i4, <i8, |b1, in either byte order";

  @Override
  public Vectors read(Path file, FileChannel channel, long size) throws IOException {
    RowLayout layout = layout(file, channel, size);
    return VectorFormat.wrap(file, layout.readAll(channel), layout.dimension);
  }

  /**
   * Checks the header against the file size and says where the rows are, before anything the
   * size of the data is allocated.
   *
   * @param file for messages
   * @param channel the open file, positioned at 0
   * @param size its size in bytes
   * @return the layout of the rows
   * @throws IOException if the header is malformed, unsupported or promises more than the file has
   */
  static RowLayout layout(Path file, FileChannel channel, long size) throws IOException {
    return layout(file, NpyHeader.read(file, channel, size), size);
  }

  /**
   * {@link #layout(Path, FileChannel, long)} from a header already read (e.g. from an entry of a
   * {@code .npz} archive).
   *
   * @param file for messages
   * @param header the parsed header
   * @param size the bytes of the whole array file (header and data)
   * @return the layout of the rows
   * @throws InputFormatException if the header is unsupported or promises more than {@code size}
   */
  static RowLayout layout(Path file, NpyHeader header, long size) throws InputFormatException {
    if (!header.simpleDescr) {
      throw unsupported(file, header.descr);
    }
    header.requireRowMajor2d(file, "expected a 2-D array", "(rows, columns)");
    String shape = NpyHeader.shapeText(header.shape);
    if (header.shape[0] == 0) {
      throw new InputFormatException(file + ": empty file, no vectors (shape " + shape + ")");
    }
    if (header.shape[1] == 0) {
      throw new InputFormatException(file + ": shape " + shape + " has no columns; vectors need at least one value");
    }
    return region(file, file + ": ", header.descr, header.shape[0], header.shape[1], header.dataOffset, size);
  }

  /**
   * The rows of a row-major array at a known place in a file, checked as a {@code .npy} file's
   * are: a supported type, rows and columns, and the file holding all of them (data after them is
   * ignored, as {@code numpy.load} does). A {@code .npy} file's header gives the place; so does an
   * HDF5 file's for a contiguous dataset.
   *
   * @param file the file
   * @param where what messages put before {@code row N} (see {@link RowLayout#where})
   * @param descr the element type and byte order, as numpy names them ({@code <f4})
   * @param rows the rows, at least 1
   * @param columns values per row, at least 1
   * @param dataOffset the byte offset of the first value
   * @param size the bytes of the file
   * @return the layout of the rows
   * @throws InputFormatException if the type is unsupported, the shape empty or too large, or the
   *     file shorter than the rows
   */
  static RowLayout region(Path file, String where, String descr, long rows, long columns, long dataOffset,
      long size) throws InputFormatException {
    NumpyType kind = kind(file, descr);
    ByteOrder order = order(file, descr, kind);
    if (rows < 1 || columns < 1) {
      throw new IllegalArgumentException("rows and columns must be positive, got " + rows + " x " + columns);
    }
    String shape = NpyHeader.shapeText(new long[] {rows, columns});
    VectorFormat.checkRows(file, rows, columns, kind.bytes);
    long rowBytes = columns * kind.bytes;
    long needed = rows * rowBytes; // no overflow: both are below 2^31
    long present = Math.max(0, size - dataOffset);
    if (present < needed) {
      throw new InputFormatException(where + "truncated at row " + present / rowBytes + ": shape " + shape
          + " of '" + descr + "' needs " + needed + " data bytes, the file has " + present);
    }
    return new RowLayout(file, where, dataOffset, rows, (int) columns, kind, order, false, 0);
  }

  private static NumpyType kind(Path file, String descr) throws InputFormatException {
    NumpyType kind = NumpyType.of(descr);
    if (kind == null) {
      throw unsupported(file, "'" + descr + "'");
    }
    return kind;
  }

  private static ByteOrder order(Path file, String descr, NumpyType kind) throws InputFormatException {
    if (descr.charAt(0) == '|' && kind.bytes > 1) {
      // '|' means "byte order not applicable", which is not true of a multi-byte number.
      throw unsupported(file, "'" + descr + "'");
    }
    return NumpyType.order(descr);
  }

  private static InputFormatException unsupported(Path file, String dtype) {
    return new InputFormatException(file + ": unsupported dtype " + dtype + " (" + SUPPORTED + ")");
  }
}
