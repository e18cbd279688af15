package org.knng.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.knng.graph.SparseGraph;

/**
 * Reads a sparse matrix saved by {@code scipy.sparse.save_npz} (or by {@link GraphWriter}) as a
 * {@link SparseGraph}.
 *
 * <p>A {@code .npz} file is a zip of {@code .npy} arrays (deflated or stored): {@code format.npy}
 * names the layout and {@code shape.npy} holds the two sizes. Three layouts are read:
 *
 * <ul>
 *   <li>{@code csr}: {@code indptr}, {@code indices}, {@code data};
 *   <li>{@code csc}: the same arrays by column, transposed here into rows;
 *   <li>{@code coo}: {@code row}, {@code col}, {@code data}.
 * </ul>
 *
 * <p>Index arrays may be any integer dtype (scipy writes int32, or int64 for large matrices);
 * {@code data} may be float32, float64, any integer or bool, and is converted to float32. The result
 * is in scipy's canonical form: columns sorted within each row and duplicate entries summed (as
 * {@code sum_duplicates} does). Entries whose value is 0 stay edges. Other layouts ({@code bsr},
 * {@code dia}, {@code lil}, {@code dok}) are refused with an error that names them.
 *
 * <p>Every error is an {@link IOException} whose message is one line starting with the file path:
 * {@link InputFormatException} for content that is not such a matrix (not a zip, a missing entry,
 * a bad shape or dtype, a truncated array, an index out of range), {@code FILE: no such file},
 * {@code FILE: is a directory} or {@code FILE: cannot read (...)} otherwise. Memory is O(entries).
 */
public final class GraphReader {
  private static final int CHUNK_VALUES = 1 << 16;

  private GraphReader() {}

  /**
   * Reads a sparse matrix from a {@code .npz} file.
   *
   * @param file a file written by {@code scipy.sparse.save_npz} or {@link GraphWriter}
   * @return the matrix as a canonical CSR graph
   * @throws InputFormatException if the content is not a csr, csc or coo matrix (see above)
   * @throws IOException if the file is missing, a directory, or cannot be read
   */
  public static SparseGraph read(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    ZipFile zip = FileErrors.openZip(file);
    try (zip) {
      return new Entries(file, zip).graph();
    } catch (InputFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new InputFormatException(file + ": cannot read the archive (" + FileErrors.reason(e) + ")", e);
    }
  }

  /** The arrays of one open archive, decoded on demand. */
  private static final class Entries {
    private final Path file;
    private final ZipFile zip;

    Entries(Path file, ZipFile zip) {
      this.file = file;
      this.zip = zip;
    }

    SparseGraph graph() throws IOException {
      String format = format();
      if (!format.equals("csr") && !format.equals("csc") && !format.equals("coo")) {
        // Named before any array is read: bsr's data is 3-D and dia's 2-D, and would be refused as such.
        throw error("sparse format '" + format + "' is not supported (expected csr, csc or coo;"
            + " convert with A.tocsr() before save_npz)");
      }
      long[] shape = longs("shape", -1);
      if (shape.length != 2 || shape[0] < 0 || shape[1] < 0) {
        throw error("shape.npy holds " + Arrays.toString(shape) + ", expected two sizes (rows, columns)");
      }
      if (shape[0] >= Integer.MAX_VALUE || shape[1] >= Integer.MAX_VALUE) {
        throw error("shape " + shape[0] + " x " + shape[1] + " is too large (at most " + (Integer.MAX_VALUE - 1)
            + " rows and columns)");
      }
      int rows = (int) shape[0];
      int columns = (int) shape[1];
      float[] data = floats("data");
      int nnz = data.length;
      switch (format) {
        case "csr":
          return fromCompressed(rows, columns, ints("indptr", rows + 1), entries("indices", nnz), data, false);
        case "csc":
          return fromCompressed(columns, rows, ints("indptr", columns + 1), entries("indices", nnz), data, true);
        case "coo": {
          int[] row = entries("row", nnz);
          int[] col = entries("col", nnz);
          checkRange("row", row, rows);
          checkRange("col", col, columns);
          return CanonicalCsr.build(rows, columns, row, col, data);
        }
        default:
          throw new AssertionError(format); // refused above
      }
    }

    /** CSR, or CSC read as the CSR of the transpose ({@code transpose} then turns it round). */
    private SparseGraph fromCompressed(int major, int minor, int[] indptr, int[] indices, float[] data,
        boolean transpose) throws IOException {
      if (indptr[0] != 0 || indptr[major] != indices.length) {
        throw error("indptr.npy must run from 0 to " + indices.length + " (the number of entries), found " + indptr[0]
            + " .. " + indptr[major]);
      }
      for (int r = 0; r < major; r++) {
        if (indptr[r + 1] < indptr[r]) {
          throw error("indptr.npy decreases at position " + (r + 1));
        }
      }
      checkRange("indices", indices, minor);
      int[] majorOf = new int[indices.length];
      for (int r = 0; r < major; r++) {
        Arrays.fill(majorOf, indptr[r], indptr[r + 1], r);
      }
      if (transpose) {
        return CanonicalCsr.build(minor, major, indices, majorOf, data);
      }
      return CanonicalCsr.build(major, minor, majorOf, indices, data);
    }

    private void checkRange(String name, int[] values, int bound) throws InputFormatException {
      for (int i = 0; i < values.length; i++) {
        if (values[i] < 0 || values[i] >= bound) {
          throw error(name + ".npy[" + i + "] = " + values[i] + " is out of range [0, " + bound + ")");
        }
      }
    }

    private String format() throws IOException {
      Array a = open("format");
      try (InputStream in = a.in) {
        String descr = a.header.descr;
        if (a.header.shape.length != 0 || !(descr.startsWith("|S") || descr.startsWith("<U"))) {
          throw error("format.npy is " + descr + " " + NpyHeader.shapeText(a.header.shape)
              + ", expected a 0-d string such as b'csr'");
        }
        int chars = parseSize(descr.substring(2));
        boolean unicode = descr.charAt(0) == '<';
        byte[] bytes = readExactly(in, "format", (long) chars * (unicode ? 4 : 1));
        String text = new String(bytes, unicode ? Charset.forName("UTF-32LE") : StandardCharsets.US_ASCII);
        return text.replace("\0", "");
      }
    }

    private int parseSize(String digits) throws InputFormatException {
      try {
        return Integer.parseInt(digits);
      } catch (NumberFormatException e) {
        throw error("format.npy has dtype with bad size '" + digits + "'");
      }
    }

    /** An integer array of one dimension, of {@code expected} values (any count if negative). */
    private long[] longs(String name, long expected) throws IOException {
      return longs(name, expected, "expected " + expected);
    }

    /** As {@link #longs(String, long)}, {@code unlike} saying why another count is wrong. */
    private long[] longs(String name, long expected, String unlike) throws IOException {
      Array a = open(name);
      try (InputStream in = a.in) {
        long n = a.length(expected, unlike);
        NumpyType kind = a.kind;
        if (!kind.integer) {
          throw error(name + ".npy has dtype '" + a.header.descr + "', expected integers");
        }
        long[] out = new long[checkedLength(name, n)];
        a.decode(out.length, (first, chunk, count) -> {
          for (int i = 0; i < count; i++) {
            out[first + i] = kind.longAt(chunk, i * kind.bytes);
            if (kind == NumpyType.U8 && chunk.getLong(i * kind.bytes) < 0) { // past 2^63
              throw error(name + ".npy[" + (first + i) + "] = " + kind.integerText(chunk, i * kind.bytes)
                  + " does not fit in 32 bits");
            }
          }
        });
        return out;
      }
    }

    /**
     * An array of one value per stored entry, as many as data.npy holds: a count that differs
     * names both arrays, since either may be the wrong one.
     */
    private int[] entries(String name, int entries) throws IOException {
      return ints(longs(name, entries, "but data.npy has " + entries + " (one of each per stored entry)"), name);
    }

    private int[] ints(String name, long expected) throws IOException {
      return ints(longs(name, expected), name);
    }

    private int[] ints(long[] values, String name) throws InputFormatException {
      int[] out = new int[values.length];
      for (int i = 0; i < values.length; i++) {
        if (values[i] < Integer.MIN_VALUE || values[i] > Integer.MAX_VALUE) {
          throw error(name + ".npy[" + i + "] = " + values[i] + " does not fit in 32 bits");
        }
        out[i] = (int) values[i];
      }
      return out;
    }

    private float[] floats(String name) throws IOException {
      Array a = open(name);
      try (InputStream in = a.in) {
        long n = a.length(-1, null);
        NumpyType kind = a.kind;
        float[] out = new float[checkedLength(name, n)];
        a.decode(out.length, (first, chunk, count) -> {
          int beyond = kind.floats(chunk, count, out, first);
          if (beyond >= 0) {
            throw error(name + ".npy[" + (first + beyond) + "] = " + chunk.getDouble(beyond * Double.BYTES)
                + " is beyond the float32 range (+-3.4e38) knng computes in");
          }
        });
        return out;
      }
    }

    private int checkedLength(String name, long n) throws InputFormatException {
      if (n > Integer.MAX_VALUE - 8) {
        throw error(name + ".npy has " + n + " values, more than one Java array holds");
      }
      return (int) n;
    }

    private Array open(String name) throws IOException {
      String entryName = name + ".npy";
      ZipEntry entry = FileErrors.zipEntry(zip, file, entryName);
      if (entry == null) {
        throw error("missing entry " + entryName + " (not a scipy.sparse .npz file?)");
      }
      long size = entry.getSize();
      InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16);
      try {
        NpyHeader header = NpyHeader.read(Path.of(entryName), in, size < 0 ? Long.MAX_VALUE : size);
        NumpyType kind = NumpyType.of(header.descr);
        if (header.simpleDescr && kind == null && !name.equals("format")) {
          throw error(entryName + " has unsupported dtype '" + header.descr + "'");
        }
        if (!header.simpleDescr) {
          throw error(entryName + " has a structured dtype " + header.descr + ", expected numbers");
        }
        return new Array(entryName, in, header, kind, size);
      } catch (EOFException e) {
        in.close();
        throw error(entryName + " is truncated (the entry ends inside its header)");
      } catch (InputFormatException e) {
        in.close();
        String m = e.getMessage();
        throw m.startsWith(file.toString()) ? e : error(m);
      } catch (IOException | RuntimeException e) {
        in.close();
        throw e;
      }
    }

    private byte[] readExactly(InputStream in, String name, long bytes) throws IOException {
      byte[] out = in.readNBytes((int) Math.min(bytes, Integer.MAX_VALUE));
      if (out.length < bytes) {
        throw error(name + ".npy is truncated");
      }
      return out;
    }

    private InputFormatException error(String what) {
      return new InputFormatException(file + ": " + what);
    }

    /** Takes values {@code [first, first + count)} of an array, from byte 0 of a chunk. */
    @FunctionalInterface
    private interface Sink {
      void accept(int first, ByteBuffer chunk, int count) throws InputFormatException;
    }

    /** One opened {@code .npy} entry, positioned at its data. */
    private final class Array {
      final String name;
      final InputStream in;
      final NpyHeader header;
      final NumpyType kind;
      final long entrySize;

      Array(String name, InputStream in, NpyHeader header, NumpyType kind, long entrySize) {
        this.name = name;
        this.in = in;
        this.header = header;
        this.kind = kind;
        this.entrySize = entrySize;
      }

      /**
       * The number of values of a 1-D array, checked against the expected count ({@code unlike}
       * ends the message of another count).
       */
      long length(long expected, String unlike) throws InputFormatException {
        if (header.shape.length != 1) {
          throw error(name + " has shape " + NpyHeader.shapeText(header.shape) + ", expected a 1-D array"
              + (expected >= 0 ? " of " + expected + " values" : ""));
        }
        long n = header.shape[0];
        if (expected >= 0 && n != expected) {
          throw error(name + " has " + n + " values, " + unlike);
        }
        if (entrySize >= 0 && entrySize - header.dataOffset < n * kind.bytes) {
          throw error(name + " is truncated: " + n + " values of '" + header.descr + "' need " + n * kind.bytes
              + " bytes, the entry has " + (entrySize - header.dataOffset));
        }
        return n;
      }

      void decode(int count, Sink sink) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_VALUES * kind.bytes).order(NumpyType.order(header.descr));
        for (int done = 0; done < count; ) {
          int n = Math.min(CHUNK_VALUES, count - done);
          int bytes = n * kind.bytes;
          if (in.readNBytes(chunk.array(), 0, bytes) < bytes) {
            throw error(name + " is truncated at value " + done);
          }
          sink.accept(done, chunk, n);
          done += n;
        }
      }
    }
  }
}
