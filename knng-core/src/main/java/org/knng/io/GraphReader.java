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
        Kind kind = a.kind;
        if (!kind.integer) {
          throw error(name + ".npy has dtype '" + a.header.descr + "', expected integers");
        }
        long[] out = new long[checkedLength(name, n)];
        a.decode(0, out.length, (i, buffer) -> out[i] = kind.readLong(buffer));
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
        Kind kind = a.kind;
        float[] out = new float[checkedLength(name, n)];
        a.decode(0, out.length, (i, buffer) -> out[i] = kind.readFloat(buffer));
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
        Kind kind = Kind.of(header.descr);
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

    /** Reads one value from a buffer into element {@code i} of an output array. */
    @FunctionalInterface
    private interface Sink {
      void accept(int i, ByteBuffer buffer);
    }

    /** One opened {@code .npy} entry, positioned at its data. */
    private final class Array {
      final String name;
      final InputStream in;
      final NpyHeader header;
      final Kind kind;
      final long entrySize;

      Array(String name, InputStream in, NpyHeader header, Kind kind, long entrySize) {
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

      void decode(int from, int count, Sink sink) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_VALUES * kind.bytes).order(kind.order(header.descr));
        for (int done = from; done < from + count; ) {
          int n = Math.min(CHUNK_VALUES, from + count - done);
          int bytes = n * kind.bytes;
          if (in.readNBytes(chunk.array(), 0, bytes) < bytes) {
            throw error(name + " is truncated at value " + done);
          }
          chunk.position(0).limit(bytes);
          for (int i = 0; i < n; i++) {
            sink.accept(done + i, chunk);
          }
          done += n;
        }
      }
    }
  }

  /** Element types read from the arrays, with how to read one value. */
  private enum Kind {
    F4(4, false), F8(8, false), B1(1, true), I1(1, true), U1(1, true), I2(2, true), U2(2, true),
    I4(4, true), U4(4, true), I8(8, true), U8(8, true);

    final int bytes;
    final boolean integer;

    Kind(int bytes, boolean integer) {
      this.bytes = bytes;
      this.integer = integer;
    }

    static Kind of(String descr) {
      String type = descr.isEmpty() || "<>=|".indexOf(descr.charAt(0)) < 0 ? descr : descr.substring(1);
      switch (type) {
        case "f4": return F4;
        case "f8": return F8;
        case "b1": case "?": return B1;
        case "i1": return I1;
        case "u1": return U1;
        case "i2": return I2;
        case "u2": return U2;
        case "i4": return I4;
        case "u4": return U4;
        case "i8": return I8;
        case "u8": return U8;
        default: return null;
      }
    }

    ByteOrder order(String descr) {
      return descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN
          : descr.charAt(0) == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
    }

    long readLong(ByteBuffer b) {
      switch (this) {
        case B1: return b.get() != 0 ? 1 : 0;
        case I1: return b.get();
        case U1: return b.get() & 0xFF;
        case I2: return b.getShort();
        case U2: return b.getShort() & 0xFFFF;
        case I4: return b.getInt();
        case U4: return b.getInt() & 0xFFFFFFFFL;
        case I8: return b.getLong();
        case U8: {
          long v = b.getLong();
          return v < 0 ? Long.MAX_VALUE : v; // out of every range checked later
        }
        case F4: return (long) b.getFloat();
        default: return (long) b.getDouble();
      }
    }

    float readFloat(ByteBuffer b) {
      switch (this) {
        case F4: return b.getFloat();
        case F8: return (float) b.getDouble();
        case U8: {
          long v = b.getLong();
          return v >= 0 ? v : (float) (v >>> 1) * 2f;
        }
        default: return readLong(b);
      }
    }
  }
}
