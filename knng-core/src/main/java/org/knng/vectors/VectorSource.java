package org.knng.vectors;

import java.io.IOException;

/**
 * Vectors read a block of rows at a time: a {@link Vectors} in memory, or a file mapped by {@link
 * org.knng.io.VectorFile} that may be larger than the heap. {@link org.knng.exact.BlockedJoin}
 * builds exact graphs from either, holding only a few blocks at once.
 */
public interface VectorSource {
  /** @return the number of vectors (rows) */
  int size();

  /** @return the number of values per vector */
  int dimension();

  /**
   * A copy of consecutive rows.
   *
   * @param from the first row
   * @param count how many, at least 1, with {@code from + count <= size()}
   * @return rows {@code from .. from + count - 1} as vectors of their own (row 0 is row {@code from})
   * @throws IOException if the rows cannot be read, or are malformed (naming the row in the source)
   */
  Vectors rows(int from, int count) throws IOException;

  /**
   * Consecutive rows written into an array the caller reuses (a reader of many blocks then makes
   * no new one per block): the values of {@link #rows}, row after row.
   *
   * @param from the first row
   * @param count how many, at least 1, with {@code from + count <= size()}
   * @param into where the values go, at least {@code offset + count * dimension()} long
   * @param offset where row {@code from} starts in {@code into}
   * @throws IOException if the rows cannot be read, or are malformed (naming the row in the source)
   */
  default void read(int from, int count, float[] into, int offset) throws IOException {
    System.arraycopy(rows(from, count).data(), 0, into, offset, count * dimension());
  }
}
