package org.knng.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An {@code N x k} array of neighbour ids read from a NumPy {@code .npy} file, such as the one
 * {@code knng build --output ids.npy} writes or ann-benchmarks' {@code neighbors}: a 2-D array of
 * int32 or int64 (int8, int16 and uint8 to uint64 are read too), either byte order, in C or
 * Fortran order (numpy saves a transposed array, such as an edge_index made as {@code
 * np.array(pairs).T}, in Fortran order);
 * or from a TEXMEX {@code .ivecs} file (the ground truth of the SIFT and GIST sets: per row a
 * little-endian int32 count, then that many int32 ids; every row the same count).
 * Row {@code i} lists the neighbours of point {@code i}; {@code -1} marks a missing entry. Values
 * are not checked against a range here (the reader does not know N); a value that does not fit in
 * 32 bits is an error. Memory: the ids, plus a buffer of 8 MB.
 */
public final class NeighborIds {
  private final Path file;
  private final int rows;
  private final int columns;
  private final int[] ids;

  private NeighborIds(Path file, int rows, int columns, int[] ids) {
    this.file = file;
    this.rows = rows;
    this.columns = columns;
    this.ids = ids;
  }

  /**
   * Reads a whole file.
   *
   * @param file a 2-D integer {@code .npy} file, or an {@code .ivecs} file
   * @return its ids
   * @throws InputFormatException if it is not a 2-D integer array, has no rows, is truncated,
   *     or holds a value outside the int32 range (naming the row and column)
   * @throws IOException {@code FILE: no such file}, {@code FILE: is a directory} or {@code FILE:
   *     cannot read (...)}
   */
  public static NeighborIds read(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    boolean ivecs = Extension.key(file).equals(".ivecs");
    FileChannel channel = FileErrors.openForReading(file);
    try (channel) {
      return ivecs ? readIvecs(file, channel, channel.size()) : read(file, channel, channel.size());
    } catch (InputFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(file + ": cannot read (" + FileErrors.reason(e) + ")", e);
    }
  }

  private static NeighborIds readIvecs(Path file, FileChannel channel, long size) throws IOException {
    if (size < Integer.BYTES) {
      throw new InputFormatException(file + ": " + (size == 0 ? "empty file, no neighbour ids"
          : "truncated: " + size + " bytes, not even one row's count"));
    }
    ByteBuffer first = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    VectorFormat.readFully(channel, first);
    int columns = first.getInt();
    if (columns <= 0) {
      throw new InputFormatException(file + ": row 0 has " + columns + " ids; an .ivecs row holds at least one");
    }
    long rowBytes = Integer.BYTES * (1L + columns);
    if (size % rowBytes != 0) {
      // A row of another length shifts every row after it: name the first whose count is wrong.
      ByteBuffer count = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (long row = 1; (row + 1) * rowBytes <= size; row++) {
        count.clear();
        channel.position(row * rowBytes);
        VectorFormat.readFully(channel, count);
        int n = count.getInt(0);
        if (n != columns) {
          throw new InputFormatException(file + ": row " + row + " has " + n + " ids, row 0 has " + columns
              + " (rows of different lengths)");
        }
      }
      throw new InputFormatException(file + ": " + size + " bytes is not a whole number of rows of " + columns
          + " ids (" + rowBytes + " bytes each): truncated, or rows of different lengths");
    }
    long rows = size / rowBytes;
    if (rows * columns > Integer.MAX_VALUE - 8) {
      throw new InputFormatException(file + ": " + rows + " x " + columns + " ids exceed the "
          + (Integer.MAX_VALUE - 8) + " one int array can hold");
    }
    int[] ids = new int[(int) (rows * columns)];
    int rowsPerChunk = (int) Math.max(1, VectorFormat.CHUNK_BYTES / rowBytes);
    ByteBuffer chunk = ByteBuffer.allocate((int) (rowsPerChunk * rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
    channel.position(0);
    for (int row = 0; row < rows; ) {
      int count = (int) Math.min(rowsPerChunk, rows - row);
      chunk.clear().limit((int) (count * rowBytes));
      VectorFormat.readFully(channel, chunk);
      for (int r = 0; r < count; r++, row++) {
        int n = chunk.getInt();
        if (n != columns) {
          throw new InputFormatException(file + ": row " + row + " has " + n + " ids, row 0 has " + columns
              + " (rows of different lengths)");
        }
        chunk.asIntBuffer().get(ids, row * columns, columns);
        chunk.position(chunk.position() + columns * Integer.BYTES);
      }
    }
    return new NeighborIds(file, (int) rows, columns, ids);
  }

  private static NeighborIds read(Path file, FileChannel channel, long size) throws IOException {
    NpyHeader header = NpyHeader.read(file, channel, size);
    String descr = header.descr;
    NumpyType kind = header.simpleDescr ? NumpyType.of(descr) : null;
    if (kind == null || !kind.integer || kind == NumpyType.B1) {
      throw new InputFormatException(file + ": dtype " + descr + " is not an integer type; neighbour ids"
          + " are int32 or int64 (e.g. <i4, <i8)");
    }
    int bytes = kind.bytes;
    header.require2d(file, "neighbour ids are a 2-D array", "(points, neighbours)");
    boolean columnMajor = header.fortranOrder;
    String shape = NpyHeader.shapeText(header.shape);
    long rows = header.shape[0];
    long columns = header.shape[1];
    if (rows == 0) { // no columns is fine: an edge_index of no edges, 2 x 0
      throw new InputFormatException(file + ": shape " + shape + " holds no rows");
    }
    if (rows * columns > Integer.MAX_VALUE - 8 || rows > Integer.MAX_VALUE || columns > Integer.MAX_VALUE) {
      throw new InputFormatException(file + ": " + rows + " x " + columns + " ids exceed the "
          + (Integer.MAX_VALUE - 8) + " one int array can hold");
    }
    long needed = rows * columns * bytes;
    long present = size - header.dataOffset;
    if (present < needed) {
      throw new InputFormatException(file + ": truncated: shape " + shape + " of '" + descr + "' needs "
          + needed + " data bytes, the file has " + present);
    }
    int[] ids = new int[(int) (rows * columns)];
    ByteOrder order = NumpyType.order(descr);
    int chunkValues = VectorFormat.CHUNK_BYTES / Long.BYTES;
    ByteBuffer chunk = ByteBuffer.allocate(chunkValues * bytes).order(order);
    channel.position(header.dataOffset);
    for (int done = 0; done < ids.length; ) {
      int count = Math.min(chunkValues, ids.length - done);
      chunk.clear().limit(count * bytes);
      VectorFormat.readFully(channel, chunk);
      for (int i = 0; i < count; i++) {
        long v = kind.longAt(chunk, i * bytes);
        int at = done + i; // in the file's order; row-major in the array
        int to = columnMajor ? (int) (at % rows * columns + at / rows) : at;
        if (v != (int) v) {
          throw new InputFormatException(file + ": row " + to / columns + ", column " + to % columns + ": id "
              + kind.integerText(chunk, i * bytes) + " does not fit in 32 bits");
        }
        ids[to] = (int) v;
      }
      done += count;
    }
    return new NeighborIds(file, (int) rows, (int) columns, ids);
  }

  /** @return the file read, as it was named */
  public Path file() {
    return file;
  }

  /** @return rows (points) */
  public int rows() {
    return rows;
  }

  /** @return columns (neighbours per point) */
  public int columns() {
    return columns;
  }

  /** @return the ids, row-major {@code rows() x columns()} (the backing array; do not modify) */
  public int[] ids() {
    return ids;
  }
}
