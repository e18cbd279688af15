package org.knng.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Where the rows of a binary vector file are and how to decode them: {@code rows} records of
 * {@code recordBytes} from {@code dataOffset}, each an optional int32 dimension word (TEXMEX)
 * followed by {@code dimension} values of one element type. The header checks of {@link
 * NpyFormat} and {@link TexmexFormat} produce it; the whole-file read ({@link #readAll}) and the
 * block reads of a mapped {@link VectorFile} both decode through {@link #decode}, so a value
 * means the same, and a bad row gets the same message, either way.
 */
final class RowLayout {
  final Path file;
  /**
   * What a message puts before {@code row N}: the file's name and a colon ({@code "x.npy: "}), or
   * the array within it ({@code "x.h5: dataset 'train', "}).
   */
  final String where;
  final long dataOffset;
  final long rows;
  final int dimension;
  final NumpyType kind;
  final ByteOrder order;
  /** Whether each record starts with its dimension as a little-endian int32 (TEXMEX). */
  final boolean dimensionWord;
  final long recordBytes;
  /** Bytes after the last whole record (TEXMEX: a cut record or another dimension). */
  final long tailBytes;

  RowLayout(Path file, long dataOffset, long rows, int dimension, NumpyType kind, ByteOrder order,
      boolean dimensionWord, long tailBytes) {
    this(file, file + ": ", dataOffset, rows, dimension, kind, order, dimensionWord, tailBytes);
  }

  RowLayout(Path file, String where, long dataOffset, long rows, int dimension, NumpyType kind, ByteOrder order,
      boolean dimensionWord, long tailBytes) {
    this.file = file;
    this.where = where;
    this.dataOffset = dataOffset;
    this.rows = rows;
    this.dimension = dimension;
    this.kind = kind;
    this.order = order;
    this.dimensionWord = dimensionWord;
    this.recordBytes = (dimensionWord ? Integer.BYTES : 0) + (long) dimension * kind.bytes;
    this.tailBytes = tailBytes;
  }

  /**
   * Decodes {@code count} whole records into float32 values, checking each record's dimension
   * word and that every value is finite.
   *
   * @param records the records, from their position (any byte order; not moved)
   * @param firstRow the file row of the first record (for messages)
   * @param count how many records
   * @param out receives {@code count * dimension} values from {@code at}
   * @param at where the first value goes
   * @throws InputFormatException naming the row (and column) of a bad dimension or value
   */
  void decode(ByteBuffer records, long firstRow, int count, float[] out, int at)
      throws InputFormatException {
    if (dimensionWord) {
      // TEXMEX: little-endian records of a dimension word and float32 or unsigned byte values.
      ByteBuffer in = records.slice().order(ByteOrder.LITTLE_ENDIAN);
      int stride = Math.toIntExact(recordBytes);
      FloatBuffer floats = kind == NumpyType.F4 ? in.asFloatBuffer() : null;
      for (int i = 0; i < count; i++) {
        int found = in.getInt(i * stride);
        if (found != dimension) {
          throw wrongDimension(firstRow + i, found);
        }
        int to = at + i * dimension;
        if (floats != null) {
          floats.get(i * (stride / Float.BYTES) + 1, out, to, dimension);
        } else {
          for (int j = 0, from = i * stride + Integer.BYTES; j < dimension; j++) {
            out[to + j] = in.get(from + j) & 0xFF;
          }
        }
      }
    } else {
      ByteBuffer in = records.slice().order(order);
      int n = count * dimension;
      int beyond = kind.floats(in, n, out, at);
      if (beyond >= 0) {
        throw new InputFormatException(where + "row " + (firstRow + beyond / dimension) + ", column "
            + (beyond % dimension) + ": value " + in.getDouble(beyond * Double.BYTES)
            + " is beyond the float32 range (+-3.4e38) knng computes in");
      }
    }
    checkFinite(firstRow, out, at, count * dimension);
  }

  private void checkFinite(long firstRow, float[] values, int at, int n) throws InputFormatException {
    for (int i = 0; i < n; i++) {
      float v = values[at + i];
      if (!Float.isFinite(v)) {
        throw new InputFormatException(where + "row " + (firstRow + i / dimension) + ", column "
            + (i % dimension) + ": value is " + v + " (only finite values are allowed)");
      }
    }
  }

  /**
   * A record whose dimension word is not row 0's; a word no dimension has (below 1, or past 2^24:
   * likely a value's bits) more likely means the record before holds more values than it says.
   */
  private InputFormatException wrongDimension(long row, int found) {
    boolean implausible = found < 1 || found > 1 << 24;
    return new InputFormatException(where + "row " + row + " has dimension " + found + ", expected "
        + dimension + " as in row 0" + (row > 0 && implausible ? " (or row " + (row - 1) + " has more values than its"
        + " dimension says)" : ""));
  }

  /** Refuses the first whole record whose dimension word is not row 0's. */
  private void checkDimensionWords(FileChannel channel) throws IOException {
    int rowsPerChunk = (int) Math.max(1, Math.min(rows, VectorFormat.CHUNK_BYTES / recordBytes));
    ByteBuffer chunk = ByteBuffer.allocate(Math.toIntExact(rowsPerChunk * recordBytes))
        .order(ByteOrder.LITTLE_ENDIAN);
    channel.position(dataOffset);
    for (long row = 0; row < rows; row += rowsPerChunk) {
      int count = (int) Math.min(rowsPerChunk, rows - row);
      chunk.clear().limit(Math.toIntExact(count * recordBytes));
      VectorFormat.readFully(channel, chunk);
      for (int i = 0; i < count; i++) {
        int found = chunk.getInt(Math.toIntExact(i * recordBytes));
        if (found != dimension) {
          throw wrongDimension(row + i, found);
        }
      }
    }
  }

  /**
   * Reads and decodes every row through the channel, in chunks of about {@link
   * VectorFormat#CHUNK_BYTES}, then checks the tail.
   *
   * @param channel the open file
   * @return {@code rows * dimension} values
   * @throws IOException if a row is malformed or reading fails
   */
  float[] readAll(FileChannel channel) throws IOException {
    channel.position(dataOffset);
    float[] values = readAll(chunk -> VectorFormat.readFully(channel, chunk));
    checkTail(channel);
    return values;
  }

  /**
   * Reads and decodes every row from a stream positioned at the data (an entry of a {@code .npz}
   * archive), in chunks of about {@link VectorFormat#CHUNK_BYTES}.
   *
   * @param in the stream
   * @return {@code rows * dimension} values
   * @throws IOException if a row is malformed, or the stream ends early
   */
  float[] readAll(java.io.InputStream in) throws IOException {
    return readAll(chunk -> {
      int wanted = chunk.remaining();
      if (in.readNBytes(chunk.array(), chunk.position(), wanted) < wanted) {
        throw new InputFormatException(where + "truncated (the data ends before the " + rows
            + " rows its header promises)");
      }
      chunk.position(chunk.limit()).flip();
    });
  }

  /** Fills a buffer from its position to its limit, then flips it. */
  @FunctionalInterface
  private interface Source {
    void fill(ByteBuffer chunk) throws IOException;
  }

  private float[] readAll(Source source) throws IOException {
    VectorFormat.checkCapacity(file, rows, dimension);
    float[] values = new float[Math.toIntExact(rows * dimension)];
    int rowsPerChunk = (int) Math.max(1, Math.min(rows, VectorFormat.CHUNK_BYTES / recordBytes));
    ByteBuffer chunk = ByteBuffer.allocate(Math.toIntExact(rowsPerChunk * recordBytes));
    for (long row = 0; row < rows; row += rowsPerChunk) {
      int count = (int) Math.min(rowsPerChunk, rows - row);
      chunk.clear().limit(Math.toIntExact(count * recordBytes));
      source.fill(chunk);
      decode(chunk, row, count, values, Math.toIntExact(row * dimension));
    }
    return values;
  }

  /**
   * Refuses bytes after the last whole record: a record with another dimension, or a cut one
   * (checked after the rows, so that a ragged row is named first).
   *
   * @param channel the open file
   * @throws IOException naming the row
   */
  void checkTail(FileChannel channel) throws IOException {
    if (tailBytes == 0) {
      return;
    }
    long at = dataOffset + rows * recordBytes;
    if (dimensionWord) {
      // A record of another length shifts every record after it: name the first whose dimension
      // word is wrong, not the tail it leaves.
      checkDimensionWords(channel);
    }
    if (dimensionWord && tailBytes >= Integer.BYTES) {
      ByteBuffer head = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      channel.position(at);
      VectorFormat.readFully(channel, head);
      int found = head.getInt(0);
      if (found != dimension) {
        throw wrongDimension(rows, found);
      }
    }
    throw new InputFormatException(where + "row " + rows + " is truncated: " + tailBytes + " of its "
        + recordBytes + " bytes present (file size " + (at + tailBytes)
        + " is not a whole number of records)");
  }
}
