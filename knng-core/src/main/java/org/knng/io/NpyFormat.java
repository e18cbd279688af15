package org.knng.io;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.knng.io.RowLayout.Kind;
import org.knng.vectors.Vectors;

/**
 * NumPy {@code .npy} input: a 2-D C-order array of float32, float64, uint8, int32 or int64 in
 * either byte order, converted to float32 (rows = vectors). Header versions 1.0, 2.0 and 3.0 are
 * read by {@link NpyHeader}. Data after the array is ignored, as {@code numpy.load} does.
 */
final class NpyFormat implements VectorFormat {
  private static final String SUPPORTED =
      "expected float32, float64, uint8, int32 or int64, e.g. <f4, <f8, |u1, <i4, <i8, in either byte order";

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
    Kind kind = kind(file, header.descr);
    ByteOrder order = order(file, header.descr, kind);
    header.requireRowMajor2d(file, "expected a 2-D array", "(rows, columns)");
    String shape = NpyHeader.shapeText(header.shape);
    long rows = header.shape[0];
    long columns = header.shape[1];
    if (rows == 0) {
      throw new InputFormatException(file + ": empty file, no vectors (shape " + shape + ")");
    }
    if (columns == 0) {
      throw new InputFormatException(file + ": shape " + shape + " has no columns; vectors need at least one value");
    }
    VectorFormat.checkRows(file, rows, columns, kind.bytes);
    long rowBytes = columns * kind.bytes;
    long needed = rows * rowBytes; // no overflow: both are below 2^31
    long present = size - header.dataOffset;
    if (present < needed) {
      throw new InputFormatException(file + ": truncated at row " + present / rowBytes + ": shape " + shape
          + " of '" + header.descr + "' needs " + needed + " data bytes, the file has " + present);
    }
    // Data after the array is ignored, as numpy.load does.
    return new RowLayout(file, header.dataOffset, rows, (int) columns, kind, order, false, 0);
  }

  private static Kind kind(Path file, String descr) throws InputFormatException {
    String type = descr.isEmpty() || "<>=|".indexOf(descr.charAt(0)) < 0 ? descr : descr.substring(1);
    switch (type) {
      case "f4":
        return Kind.F4;
      case "f8":
        return Kind.F8;
      case "u1":
        return Kind.U1;
      case "i4":
        return Kind.I4;
      case "i8":
        return Kind.I8;
      default:
        throw unsupported(file, "'" + descr + "'");
    }
  }

  private static ByteOrder order(Path file, String descr, Kind kind) throws InputFormatException {
    char mark = descr.charAt(0);
    if (mark == '<') {
      return ByteOrder.LITTLE_ENDIAN;
    }
    if (mark == '>') {
      return ByteOrder.BIG_ENDIAN;
    }
    if (mark == '|' && kind.bytes > 1) {
      // '|' means "byte order not applicable", which is not true of a multi-byte number.
      throw unsupported(file, "'" + descr + "'");
    }
    return ByteOrder.nativeOrder(); // '=', no mark, or a single byte
  }

  private static InputFormatException unsupported(Path file, String dtype) {
    return new InputFormatException(file + ": unsupported dtype " + dtype + " (" + SUPPORTED + ")");
  }
}
