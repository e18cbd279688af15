package org.knng.io;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;
import org.knng.InvalidInputException;
import org.knng.vectors.VectorSource;
import org.knng.vectors.Vectors;

/**
 * A {@code .npy}, {@code .fvecs} or {@code .bvecs} file of vectors (or an array at a known place
 * in another file: an HDF5 file's contiguous dataset), memory-mapped and read a block of rows at a
 * time, so that a file several times larger than the heap can be the base of a search
 * or a self-join ({@link org.knng.exact.BlockedJoin}). The mapping is cut into chunks of whole
 * records of at most 1 GiB each (one mapping cannot pass 2 GiB on Java 17); the operating system
 * pages the file in and out, the heap holds only the blocks asked for.
 *
 * <p>Opening checks what {@link VectorReader} checks before the data (the header against the file
 * size; for TEXMEX files the bytes after the last record) and maps nothing; each block is decoded
 * as {@link VectorReader} decodes the whole file, and a record of another dimension or a NaN or
 * infinite value is refused when its block is read, naming its row in the file ({@link #check}
 * reads them all up front).
 *
 * <pre>{@code
 * try (VectorFile base = VectorFile.open(Path.of("big.fvecs"))) {
 *   Vectors first = base.rows(0, 1000);
 * }
 * }</pre>
 */
public final class VectorFile implements VectorSource, AutoCloseable {
  private static final long CHUNK_BYTES = 1L << 30;

  private final RowLayout layout;
  private final FileChannel channel;
  private final int rowsPerChunk;
  private final MappedByteBuffer[] chunks;

  private VectorFile(RowLayout layout, FileChannel channel, long chunkBytes) {
    this.layout = layout;
    this.channel = channel;
    this.rowsPerChunk = (int) Math.max(1, Math.min(layout.rows, chunkBytes / layout.recordBytes));
    this.chunks = new MappedByteBuffer[(int) ((layout.rows + rowsPerChunk - 1) / rowsPerChunk)];
  }

  /**
   * Whether a file can be read in blocks: {@code .npy}, {@code .fvecs} or {@code .bvecs}
   * (text formats and HDF5 cannot).
   *
   * @param file a path
   * @return whether {@link #open} takes it
   */
  public static boolean isMappable(Path file) {
    String key = Extension.key(file);
    return key.equals(".npy") || key.equals(".fvecs") || key.equals(".bvecs");
  }

  /**
   * Opens and checks a file, mapping nothing yet.
   *
   * @param file a {@code .npy}, {@code .fvecs} or {@code .bvecs} file
   * @return the open file (close it to release the channel)
   * @throws InputFormatException if the header or a record's dimension is malformed
   * @throws IOException if the file is missing, a directory, or cannot be read
   * @throws InvalidInputException if the format cannot be read in blocks
   */
  public static VectorFile open(Path file) throws IOException {
    return open(file, CHUNK_BYTES);
  }

  /** {@link #open(Path)} with mappings of at most {@code chunkBytes} (tests cross chunk borders). */
  static VectorFile open(Path file, long chunkBytes) throws IOException {
    Objects.requireNonNull(file, "file");
    FileErrors.checkInput(file);
    if (!isMappable(file)) {
      throw new InvalidInputException(file + ": " + Extension.describe(Extension.of(file))
          + " input cannot be read in blocks (use .npy, .fvecs or .bvecs; knng convert makes a .npy)");
    }
    String key = Extension.key(file);
    return open(file, chunkBytes, (channel, size) -> {
      if (size == 0) {
        throw new InputFormatException(file + ": empty file, no vectors");
      }
      RowLayout layout = key.equals(".npy") ? NpyFormat.layout(file, channel, size)
          : (key.equals(".fvecs") ? TexmexFormat.FVECS : TexmexFormat.BVECS).layout(file, channel, size);
      layout.checkTail(channel);
      return layout;
    });
  }

  /**
   * Opens a row-major array at a known place in a file of another format, to be read in blocks as
   * a {@code .npy} file is: an HDF5 file's contiguous dataset, whose place and type the file's
   * header gives. The array is checked to lie within the file; nothing is mapped yet.
   *
   * @param file the file
   * @param where what messages put before {@code row N}, e.g. {@code "x.h5: dataset 'train', "}
   * @param dataOffset the byte offset of the first value
   * @param rows the rows, at least 1
   * @param columns values per row, at least 1
   * @param dtype the element type and byte order as numpy names them: {@code <f4}, {@code >f8},
   *     {@code |u1}, {@code <i4}, {@code <i8}
   * @return the open array (close it to release the channel)
   * @throws InputFormatException if the type is unsupported, the shape too large, or the file
   *     shorter than the array
   * @throws IOException if the file is missing, a directory, or cannot be read
   */
  public static VectorFile open(Path file, String where, long dataOffset, long rows, long columns, String dtype)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(dtype, "dtype");
    FileErrors.checkInput(file);
    return open(file, CHUNK_BYTES,
        (channel, size) -> NpyFormat.region(file, where, dtype, rows, columns, dataOffset, size));
  }

  /** Finds where the rows of an open file are. */
  @FunctionalInterface
  private interface Layouts {
    RowLayout of(FileChannel channel, long size) throws IOException;
  }

  private static VectorFile open(Path file, long chunkBytes, Layouts layouts) throws IOException {
    FileChannel channel = FileErrors.openForReading(file);
    try {
      return new VectorFile(layouts.of(channel, channel.size()), channel, chunkBytes);
    } catch (IOException | RuntimeException e) {
      channel.close();
      if (e instanceof InputFormatException || !(e instanceof IOException)) {
        throw e;
      }
      throw new IOException(file + ": cannot read (" + FileErrors.reason((IOException) e) + ")", e);
    }
  }

  /**
   * Reads every row once, a block at a time, so that a malformed record or a NaN or infinite
   * value anywhere is refused before a long run starts rather than when its block is reached.
   *
   * @param blockRows rows decoded at a time (bounds the heap used)
   * @throws InputFormatException naming the first bad row
   * @throws IOException if the file cannot be read
   */
  public void check(int blockRows) throws IOException {
    int n = size();
    int step = Math.max(1, blockRows);
    for (int from = 0; from < n; from += step) {
      rows(from, Math.min(step, n - from));
    }
  }

  private MappedByteBuffer chunk(int c) throws IOException {
    if (chunks[c] == null) {
      long first = (long) c * rowsPerChunk;
      long count = Math.min(rowsPerChunk, layout.rows - first);
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY,
          layout.dataOffset + first * layout.recordBytes, count * layout.recordBytes);
      mapped.order(java.nio.ByteOrder.LITTLE_ENDIAN);
      chunks[c] = mapped;
    }
    return chunks[c];
  }

  @Override
  public int size() {
    return (int) layout.rows;
  }

  @Override
  public int dimension() {
    return layout.dimension;
  }

  /** @return the bytes of the vectors once decoded into float32 ({@code 4 x size x dimension}) */
  public long decodedBytes() {
    return 4L * layout.rows * layout.dimension;
  }

  /**
   * Decodes consecutive rows into a new {@link Vectors}.
   *
   * @param from the first row
   * @param count how many, at least 1, with {@code from + count <= size()}
   * @return the rows (row 0 is row {@code from} of the file)
   * @throws InputFormatException if a value is NaN or infinite (naming its row in the file)
   * @throws IOException if the file cannot be read
   */
  @Override
  public Vectors rows(int from, int count) throws IOException {
    if (count < 1) {
      throw new IllegalArgumentException("a block needs at least one row, got " + count);
    }
    Objects.checkFromIndexSize(from, count, size());
    Vectors.checkCapacity(count, layout.dimension);
    float[] values = new float[count * layout.dimension];
    read(from, count, values, 0);
    return Vectors.wrap(values, layout.dimension);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Decoded from the mapped chunks straight into {@code into}.
   */
  @Override
  public void read(int from, int count, float[] into, int offset) throws IOException {
    if (count < 1) {
      throw new IllegalArgumentException("a block needs at least one row, got " + count);
    }
    Objects.checkFromIndexSize(from, count, size());
    Objects.checkFromIndexSize(offset, (long) count * layout.dimension, into.length);
    for (int row = from, end = from + count; row < end; ) {
      int c = row / rowsPerChunk;
      int inChunk = row - c * rowsPerChunk;
      int n = Math.min(end - row, (int) Math.min(rowsPerChunk, layout.rows - (long) c * rowsPerChunk) - inChunk);
      MappedByteBuffer chunk = chunk(c);
      try {
        layout.decode(chunk.duplicate().position((int) (inChunk * layout.recordBytes)), row, n, into,
            offset + (row - from) * layout.dimension);
      } catch (InternalError e) {
        // The JVM's word for a mapped page that is gone: the file was cut short (or its device
        // failed) after it was opened.
        throw new InputFormatException(layout.file + ": cannot read rows " + row + "-" + (row + n - 1) + ": the file"
            + " was truncated or changed while it was being read", e);
      }
      row += n;
    }
  }

  /**
   * Closes the channel. Mapped chunks are released when no block refers to them any more.
   *
   * @throws IOException if closing fails
   */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
