package org.knng.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.knng.vectors.Vectors;

/**
 * One input file format. {@link VectorReader} has already checked that the file exists, is a
 * regular file that can be opened and is not empty; an implementation only decodes the content and
 * reports what is wrong with it as an {@link InputFormatException} whose message starts with the
 * file path. The static helpers keep those messages the same for every format.
 */
interface VectorFormat {

  /** Bytes read from the channel at a time by the binary formats: large enough for bulk copies. */
  int CHUNK_BYTES = 8 << 20;

  /**
   * Decodes the whole file.
   *
   * @param file the path as the caller gave it (for messages)
   * @param channel open for reading, positioned at 0
   * @param size the file size in bytes, at least 1
   * @return the vectors
   * @throws InputFormatException if the content is malformed
   * @throws IOException if reading fails
   */
  Vectors read(Path file, FileChannel channel, long size) throws IOException;

  /**
   * Refuses a matrix too large for one float array before anything is allocated.
   *
   * @param file for the message
   * @param rows number of vectors
   * @param dimension values per vector
   * @throws InputFormatException naming the file and the sizes
   */
  static void checkCapacity(Path file, long rows, long dimension) throws InputFormatException {
    if (rows > Integer.MAX_VALUE || dimension > Integer.MAX_VALUE) {
      // Vectors.checkCapacity multiplies in a long, which a header's sizes could overflow.
      throw new InputFormatException(file + ": " + rows + " x " + dimension + " values exceed the "
          + (Integer.MAX_VALUE - 8) + " that one float array can hold");
    }
    try {
      Vectors.checkCapacity(rows, dimension);
    } catch (IllegalArgumentException e) {
      throw new InputFormatException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses, before anything is allocated, a file of more rows than an int id can name or with
   * rows too long to decode as one record (both limits hold for files read in blocks too, whose
   * values together may exceed one array).
   *
   * @param file for the message
   * @param rows number of vectors
   * @param dimension values per vector
   * @param valueBytes bytes per stored value
   * @throws InputFormatException naming the file and the sizes
   */
  static void checkRows(Path file, long rows, long dimension, int valueBytes) throws InputFormatException {
    long limit = Integer.MAX_VALUE - 8;
    if (rows > limit || dimension > (limit - Integer.BYTES) / valueBytes) {
      throw new InputFormatException(file + ": " + rows + " x " + dimension + " values exceed what knng"
          + " can index (at most " + limit + " rows of at most " + (limit - Integer.BYTES) / valueBytes
          + " values)");
    }
  }

  /**
   * Wraps decoded values, turning the NaN / infinity check of {@link Vectors#wrap} into an error
   * that names the file as well as the row and column.
   *
   * @param file for the message
   * @param values row-major values
   * @param dimension values per vector
   * @return the vectors
   * @throws InputFormatException if a value is not finite
   */
  static Vectors wrap(Path file, float[] values, int dimension) throws InputFormatException {
    try {
      return Vectors.wrap(values, dimension);
    } catch (IllegalArgumentException e) {
      throw new InputFormatException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The most bytes one read asks the channel for. The JDK reads into a heap buffer through a
   * native buffer of the request's size (kept per thread for the next read); fresh native memory
   * is mapped page by page on first touch, and where page faults are slow (virtual machines:
   * about 10 us per 4 KB page on the machine measured) an 8 MB request cost 25-50 ms before a
   * byte was copied. Reads of 256 KB touch 64 pages once.
   */
  static final int READ_BYTES = 256 << 10;

  /**
   * Fills {@code buffer} from its position to its limit, {@link #READ_BYTES} at a time, then flips
   * it for reading.
   *
   * @param channel source
   * @param buffer destination
   * @throws EOFException if the channel ends first (callers check sizes beforehand, so this means
   *     the file shrank while it was read)
   */
  static void readFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    int end = buffer.limit();
    while (buffer.position() < end) {
      buffer.limit((int) Math.min(end, (long) buffer.position() + READ_BYTES));
      if (channel.read(buffer) < 0) {
        buffer.limit(end);
        throw new EOFException("file ended early (was it changed while being read?)");
      }
    }
    buffer.flip(); // the last read's limit was the end
  }
}
