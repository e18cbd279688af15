package org.knng.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.knng.vectors.Vectors;

/**
 * NumPy {@code .npy} input: a 2-D C-order array of float32, float64, uint8, int32 or int64 in
 * either byte order, converted to float32 (rows = vectors). Header versions 1.0, 2.0 and 3.0 are
 * read by {@link NpyHeader}. Data after the array is ignored, as {@code numpy.load} does.
 */
final class NpyFormat implements VectorFormat {
  private static final String SUPPORTED =
      "expected float32, float64, uint8, int32 or int64, e.g. <f4, <f8, |u1, <i4, <i8, in either byte order";

  /** The element types read, with their size in bytes. */
  private enum Kind {
    F4(4), F8(8), U1(1), I4(4), I8(8);

    final int bytes;

    Kind(int bytes) {
      this.bytes = bytes;
    }
  }

  @Override
  public Vectors read(Path file, FileChannel channel, long size) throws IOException {
    NpyHeader header = NpyHeader.read(file, channel, size);
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
    VectorFormat.checkCapacity(file, rows, columns);
    long rowBytes = columns * kind.bytes;
    long needed = rows * rowBytes;
    long present = size - header.dataOffset;
    if (present < needed) {
      throw new InputFormatException(file + ": truncated at row " + present / rowBytes + ": shape " + shape
          + " of '" + header.descr + "' needs " + needed + " data bytes, the file has " + present);
    }

    float[] values = new float[(int) (rows * columns)];
    int chunkValues = CHUNK_BYTES / Long.BYTES; // a whole number of values of every kind
    ByteBuffer chunk = ByteBuffer.allocate(chunkValues * kind.bytes).order(order);
    Object scratch = scratch(kind, chunkValues);
    channel.position(header.dataOffset);
    for (int done = 0; done < values.length; ) {
      int count = Math.min(chunkValues, values.length - done);
      chunk.clear().limit(count * kind.bytes);
      VectorFormat.readFully(channel, chunk);
      decode(kind, chunk, count, scratch, values, done);
      done += count;
    }
    return VectorFormat.wrap(file, values, (int) columns);
  }

  private static Object scratch(Kind kind, int size) {
    switch (kind) {
      case F8:
        return new double[size];
      case I4:
        return new int[size];
      case I8:
        return new long[size];
      default:
        return null;
    }
  }

  private static void decode(Kind kind, ByteBuffer chunk, int count, Object scratch, float[] values, int at) {
    switch (kind) {
      case F4:
        chunk.asFloatBuffer().get(values, at, count);
        break;
      case F8: {
        double[] d = (double[]) scratch;
        chunk.asDoubleBuffer().get(d, 0, count);
        for (int i = 0; i < count; i++) {
          values[at + i] = (float) d[i];
        }
        break;
      }
      case I4: {
        int[] d = (int[]) scratch;
        chunk.asIntBuffer().get(d, 0, count);
        for (int i = 0; i < count; i++) {
          values[at + i] = d[i];
        }
        break;
      }
      case I8: {
        long[] d = (long[]) scratch;
        chunk.asLongBuffer().get(d, 0, count);
        for (int i = 0; i < count; i++) {
          values[at + i] = d[i];
        }
        break;
      }
      case U1: {
        byte[] d = chunk.array();
        for (int i = 0; i < count; i++) {
          values[at + i] = d[i] & 0xFF;
        }
        break;
      }
      default:
        throw new AssertionError(kind);
    }
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
