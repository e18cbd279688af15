package org.knng.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    RowLayout layout = layout(file, channel, size);
    return VectorFormat.wrap(file, layout.readAll(channel), layout.dimension);
  }

  /**
   * Reads row 0's dimension and says where the rows are: as many whole records as the file holds
   * (each record's own dimension word, and any bytes after the last, are checked when read).
   *
   * @param file for messages
   * @param channel the open file, positioned at 0
   * @param size its size in bytes
   * @return the layout of the rows
   * @throws IOException if row 0 is malformed or reading fails
   */
  RowLayout layout(Path file, FileChannel channel, long size) throws IOException {
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
      throw new InputFormatException(file + ": row 0 is truncated: " + size + " of its " + record
          + " bytes present (file size " + size + " is not a whole number of records)");
    }
    VectorFormat.checkRows(file, rows, dimension, valueBytes);
    return new RowLayout(file, 0, rows, dimension, valueBytes == 1 ? NumpyType.U1 : NumpyType.F4,
        ByteOrder.LITTLE_ENDIAN, true, size - rows * record);
  }

  private String extension() {
    return this == FVECS ? ".fvecs" : ".bvecs";
  }
}
