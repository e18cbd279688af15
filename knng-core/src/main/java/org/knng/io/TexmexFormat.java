package org.knng.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.knng.vectors.Vectors;

/**
 * The TEXMEX formats of the SIFT / GIST / BIGANN benchmark sets: each vector is one record, a
 * little-endian int32 dimension {@code d} followed by {@code d} values, float32 for {@code .fvecs}
 * and unsigned bytes for {@code .bvecs}. There is no file header, so the number of vectors is the
 * file size divided by the record size of row 0, and every record must repeat row 0's dimension.
 *
 * <p>The file is read in large chunks and decoded with bulk copies ({@code asFloatBuffer().get}),
 * which keeps a 200 MB file to a fraction of a second.
 */
enum TexmexFormat implements VectorFormat {
  /** {@code .fvecs}: float32 values. */
  FVECS(Float.BYTES),
  /** {@code .bvecs}: unsigned byte values, read as floats 0..255. */
  BVECS(1);

  private final int valueBytes;

  TexmexFormat(int valueBytes) {
    this.valueBytes = valueBytes;
  }

  @Override
  public Vectors read(Path file, FileChannel channel, long size) throws IOException {
    if (size < Integer.BYTES) {
      throw new InputFormatException(file + ": row 0 is truncated: the file has " + size
          + " bytes, fewer than the 4 of a dimension");
    }
    ByteBuffer head = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    VectorFormat.readFully(channel, head);
    int dimension = head.getInt(0);
    if (dimension <= 0) {
      throw new InputFormatException(
          file + ": row 0: dimension " + dimension + " is not positive (is this a " + extension() + " file?)");
    }
    long record = Integer.BYTES + (long) dimension * valueBytes;
    long rows = size / record;
    if (rows == 0) {
      throw truncated(file, 0, size, record, size);
    }
    VectorFormat.checkCapacity(file, rows, dimension);
    if (record > Integer.MAX_VALUE - 8) {
      throw new InputFormatException(file + ": row 0: dimension " + dimension + " is too large for one record");
    }
    float[] values = new float[Math.toIntExact(rows * dimension)];

    int rowsPerChunk = (int) Math.max(1, Math.min(rows, CHUNK_BYTES / record));
    ByteBuffer chunk = ByteBuffer.allocate(Math.toIntExact(rowsPerChunk * record)).order(ByteOrder.LITTLE_ENDIAN);
    channel.position(0);
    for (long row = 0; row < rows; row += rowsPerChunk) {
      int count = (int) Math.min(rowsPerChunk, rows - row);
      chunk.clear().limit(Math.toIntExact(count * record));
      VectorFormat.readFully(channel, chunk);
      if (valueBytes == Float.BYTES) {
        decodeFloats(file, chunk, count, dimension, row, values);
      } else {
        decodeBytes(file, chunk, count, dimension, row, values);
      }
    }

    long rest = size - rows * record;
    if (rest > 0) {
      // A tail shorter than a record: either the next record has another dimension, or it is cut.
      if (rest >= Integer.BYTES) {
        head.clear();
        VectorFormat.readFully(channel, head);
        checkDimension(file, rows, head.getInt(0), dimension);
      }
      throw truncated(file, rows, rest, record, size);
    }
    return VectorFormat.wrap(file, values, dimension);
  }

  private static void decodeFloats(Path file, ByteBuffer chunk, int count, int dimension, long firstRow,
      float[] values) throws InputFormatException {
    // A record is 1 + dimension four-byte words, so int and float views index it in words.
    IntBuffer words = chunk.asIntBuffer();
    FloatBuffer floats = chunk.asFloatBuffer();
    int stride = dimension + 1;
    for (int i = 0; i < count; i++) {
      checkDimension(file, firstRow + i, words.get(i * stride), dimension);
      floats.get(i * stride + 1, values, Math.toIntExact((firstRow + i) * dimension), dimension);
    }
  }

  private static void decodeBytes(Path file, ByteBuffer chunk, int count, int dimension, long firstRow,
      float[] values) throws InputFormatException {
    byte[] bytes = chunk.array();
    int stride = dimension + Integer.BYTES;
    for (int i = 0; i < count; i++) {
      int at = i * stride;
      checkDimension(file, firstRow + i, chunk.getInt(at), dimension);
      int out = Math.toIntExact((firstRow + i) * dimension);
      for (int j = 0; j < dimension; j++) {
        values[out + j] = bytes[at + Integer.BYTES + j] & 0xFF;
      }
    }
  }

  private static void checkDimension(Path file, long row, int found, int expected) throws InputFormatException {
    if (found != expected) {
      throw new InputFormatException(
          file + ": row " + row + " has dimension " + found + ", expected " + expected + " as in row 0");
    }
  }

  private static InputFormatException truncated(Path file, long row, long present, long record, long size) {
    return new InputFormatException(file + ": row " + row + " is truncated: " + present + " of its " + record
        + " bytes present (file size " + size + " is not a whole number of records)");
  }

  private String extension() {
    return this == FVECS ? ".fvecs" : ".bvecs";
  }
}
