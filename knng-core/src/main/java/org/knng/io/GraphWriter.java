package org.knng.io;

import org.knng.InvalidInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.knng.graph.Flow;
import org.knng.graph.RowBlocks;
import org.knng.graph.SparseGraph;

/**
 * Writes a {@link SparseGraph} in a format chosen by the output file's extension
 * (case-insensitive):
 *
 * <ul>
 *   <li>{@code .npz}: what {@code scipy.sparse.save_npz} writes for a CSR matrix, so that {@code
 *       scipy.sparse.load_npz} returns the graph: a zip (deflated, or stored on request) of {@code indices.npy}, {@code
 *       indptr.npy} ({@code <i4}, or {@code <i8} past 2<sup>31</sup> edges, as scipy chooses), {@code format.npy} (0-d
 *       {@code |S3} {@code b'csr'}), {@code shape.npy} ({@code <i8}, 2 values) and {@code data.npy}
 *       ({@code <f4} weights). Each array is streamed into its entry.
 *   <li>{@code .mtx}: Matrix Market {@code coordinate real general}, 1-based {@code row col weight}
 *       lines, for {@code scipy.io.mmread}, R, MATLAB and Julia.
 *   <li>{@code .csv}: an edge list {@code source,target,weight} with 0-based ids.
 * </ul>
 *
 * <p>Weights are printed in text formats so that they read back as the same float32. {@code .npy}
 * is not a graph format: the {@code N x k} neighbour id and distance arrays of a {@link
 * org.knng.graph.KnnResult} are written with {@link NpyWriter}.
 *
 * <p>Files are written atomically: to a temporary file in the same directory, then renamed over
 * the target, so a failure leaves no partial file and keeps any previous one.
 */
public final class GraphWriter {
  private static final String EXPECTED = "expected .npz, .npy, .mtx or .csv";
  /** Fixed entry time, so that the same graph gives the same bytes (NumPy uses 1980 too). */
  private static final LocalDateTime ZIP_ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
  private static final int TEXT_BUFFER_CHARS = 1 << 16;

  private GraphWriter() {}

  /**
   * Writes a graph to a {@code .npz}, {@code .mtx} or {@code .csv} file.
   *
   * @param g the graph
   * @param out the file to create or replace; its extension picks the format
   * @throws InvalidInputException for any other extension ({@code FILE: unsupported output
   *     format '.xyz' (expected .npz, .npy, .mtx or .csv)}), and for {@code .npy}, which is written
   *     with {@link NpyWriter}
   * @throws IOException {@code FILE: output directory DIR does not exist}, {@code FILE: is a
   *     directory}, or {@code FILE: cannot write (...)}; nothing is left behind
   */
  public static void write(SparseGraph g, Path out) throws IOException {
    write(g, out, true);
  }

  /**
   * Writes a graph as {@link #write(SparseGraph, Path)} does, choosing for {@code .npz} whether its
   * arrays are deflated (scipy's {@code save_npz(compressed=True)}, its default) or stored as they
   * are ({@code compressed=False}): a stored file is written and loaded several times faster and
   * is larger (measured in the README, "Large k").
   *
   * @param g the graph
   * @param out the file to create or replace; its extension picks the format
   * @param compressed for {@code .npz}: deflate the arrays; ignored by the text formats
   * @throws InvalidInputException for an extension {@link #write(SparseGraph, Path)} refuses
   * @throws IOException as {@link #write(SparseGraph, Path)}
   */
  public static void write(SparseGraph g, Path out, boolean compressed) throws IOException {
    write(RowBlocks.of(Objects.requireNonNull(g, "g")), out, compressed);
  }

  /**
   * Writes a graph given as blocks of rows (any number of edges: past 2<sup>31</sup>, the {@code
   * .npz} arrays {@code indices} and {@code indptr} are int64, as scipy stores such a matrix).
   *
   * @param g the graph, read once per array written
   * @param out the file to create or replace; its extension picks the format
   * @param compressed for {@code .npz}: deflate the arrays; ignored by the text formats
   * @throws InvalidInputException for an extension {@link #write(SparseGraph, Path)} refuses
   * @throws IOException as {@link #write(SparseGraph, Path)}, or if a block cannot be read
   */
  public static void write(RowBlocks g, Path out, boolean compressed) throws IOException {
    Objects.requireNonNull(g, "g");
    Objects.requireNonNull(out, "out");
    switch (Extension.key(out)) {
      case ".npz":
        AtomicOutput.write(out, stream -> writeNpz(g, stream, compressed));
        break;
      case ".mtx":
        AtomicOutput.write(out, stream -> writeMatrixMarket(g, stream));
        break;
      case ".csv":
        AtomicOutput.write(out, stream -> writeEdgeList(g, stream));
        break;
      case ".npy":
        throw new InvalidInputException(out + ": a .npy file holds the N x k neighbour arrays, not a graph:"
            + " write it with NpyWriter, or choose .npz, .mtx or .csv for the graph");
      default:
        throw new InvalidInputException(
            out + ": unsupported output format " + Extension.describe(Extension.of(out)) + " (" + EXPECTED + ")");
    }
  }

  /**
   * Writes PyTorch Geometric's {@code edge_index} of a graph: a {@code 2 x E} int64 {@code .npy},
   * edges in CSR order, the neighbours in row 0 and the centres in row 1 ({@link
   * Flow#SOURCE_TO_TARGET}) or the other way round.
   *
   * @param g the graph, read twice
   * @param flow which row holds the neighbours
   * @param out the file to create or replace
   * @throws IOException as {@link #write(SparseGraph, Path)}
   */
  public static void writeEdgeIndex(RowBlocks g, Flow flow, Path out) throws IOException {
    Objects.requireNonNull(flow, "flow");
    long edges = RowBlocks.edgeCount(g);
    AtomicOutput.write(out, stream -> {
      stream.write(NpyHeader.encode("<i8", 2, edges));
      LittleEndianOutput le = new LittleEndianOutput(stream);
      for (boolean neighbours : flow == Flow.SOURCE_TO_TARGET ? new boolean[] {true, false}
          : new boolean[] {false, true}) {
        g.forEach((first, block) -> {
          if (neighbours) {
            le.intsAsLongs(block.indices(), 0, block.edgeCount());
            return;
          }
          int[] indptr = block.indptr();
          for (int r = 0; r < block.rows(); r++) {
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
              le.putLong(first + r);
            }
          }
        });
      }
      le.flush();
    });
  }

  /**
   * Whether a matrix's {@code indices} and {@code indptr} need int64, as scipy decides: more
   * edges, or more columns, than int32 counts ({@code knng.npz.int32Limit} lowers the limit, so
   * that tests write int64 arrays without billions of edges).
   */
  static boolean wideIndices(long edges, long columns) {
    long limit = Long.getLong("knng.npz.int32Limit", Integer.MAX_VALUE);
    return edges > limit || columns > limit;
  }

  private static void writeNpz(RowBlocks g, OutputStream out, boolean compressed)
      throws IOException {
    long edges = RowBlocks.edgeCount(g);
    boolean wide = wideIndices(edges, g.columns());
    // Entry order and contents as scipy.sparse.save_npz writes them for a CSR matrix.
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(Deflater.BEST_SPEED);
      entry(zip, "indices.npy", compressed, indices(g, edges, wide));
      entry(zip, "indptr.npy", compressed, indptr(g, wide));
      entry(zip, "format.npy", compressed, s -> {
        s.write(NpyHeader.encode("|S3"));
        s.write("csr".getBytes(StandardCharsets.US_ASCII));
      });
      entry(zip, "shape.npy", compressed,
          s -> NpyWriter.writeInt64(s, new long[] {g.rows(), g.columns()}, 2));
      entry(zip, "data.npy", compressed, data(g, edges));
      zip.closeEntry();
    }
  }

  /** The {@code indices} array of a CSR matrix: int32, or int64 when {@code wide}. */
  static Payload indices(RowBlocks g, long edges, boolean wide) {
    return s -> {
      s.write(NpyHeader.encode(wide ? "<i8" : "<i4", edges));
      LittleEndianOutput le = new LittleEndianOutput(s);
      g.forEach((first, block) -> {
        if (wide) {
          le.intsAsLongs(block.indices(), 0, block.edgeCount());
        } else {
          le.ints(block.indices(), 0, block.edgeCount());
        }
      });
      le.flush();
    };
  }

  /** The {@code indptr} array: each row's first edge, then the edge count, as long sums of blocks. */
  static Payload indptr(RowBlocks g, boolean wide) {
    return s -> {
      s.write(NpyHeader.encode(wide ? "<i8" : "<i4", g.rows() + 1));
      LittleEndianOutput le = new LittleEndianOutput(s);
      le.putIndex(0, wide);
      long[] offset = {0};
      g.forEach((first, block) -> {
        int[] indptr = block.indptr();
        for (int r = 1; r <= block.rows(); r++) {
          le.putIndex(offset[0] + indptr[r], wide);
        }
        offset[0] += block.edgeCount();
      });
      le.flush();
    };
  }

  /** The {@code data} array: the float32 weights. */
  static Payload data(RowBlocks g, long edges) {
    return s -> {
      s.write(NpyHeader.encode("<f4", edges));
      LittleEndianOutput le = new LittleEndianOutput(s);
      g.forEach((first, block) -> le.floats(block.weights(), 0, block.edgeCount()));
      le.flush();
    };
  }

  /** Writes one array's bytes to a stream; run twice for a stored entry (its CRC, then the bytes). */
  @FunctionalInterface
  interface Payload {
    void writeTo(OutputStream out) throws IOException;
  }

  private static void entry(ZipOutputStream zip, String name, boolean compressed, Payload payload)
      throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setTimeLocal(ZIP_ENTRY_TIME);
    if (!compressed) {
      // A stored entry's size and CRC come before its bytes: one pass to count them (CRC-32 runs
      // at memory speed), one to write.
      CheckedOutputStream counted = new CheckedOutputStream(OutputStream.nullOutputStream(), new CRC32());
      CountingStream size = new CountingStream(counted);
      payload.writeTo(size);
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(size.count);
      entry.setCompressedSize(size.count);
      entry.setCrc(counted.getChecksum().getValue());
    }
    zip.putNextEntry(entry); // closes the previous entry
    payload.writeTo(zip);
  }

  /** Counts the bytes that pass through. */
  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  private static void writeMatrixMarket(RowBlocks g, OutputStream out) throws IOException {
    long edges = RowBlocks.edgeCount(g);
    try (Writer w = text(out)) {
      w.write("%%MatrixMarket matrix coordinate real general\n");
      w.write("% written by knng: row column weight, 1-based\n");
      w.write(g.rows() + " " + g.columns() + " " + edges + "\n");
      writeEdges(g, w, 1, ' ');
    }
  }

  private static void writeEdgeList(RowBlocks g, OutputStream out) throws IOException {
    try (Writer w = text(out)) {
      w.write("source,target,weight\n");
      writeEdges(g, w, 0, ',');
    }
  }

  private static Writer text(OutputStream out) {
    return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII), TEXT_BUFFER_CHARS);
  }

  private static void writeEdges(RowBlocks g, Writer w, int base, char separator) throws IOException {
    StringBuilder line = new StringBuilder(48);
    g.forEach((first, block) -> {
      int[] indptr = block.indptr();
      int[] indices = block.indices();
      float[] weights = block.weights();
      for (int r = 0; r < block.rows(); r++) {
        for (int p = indptr[r]; p < indptr[r + 1]; p++) {
          // StringBuilder.append(float) prints Float.toString: the shortest text that reads back
          // as the same float32.
          line.setLength(0);
          line.append(first + r + base).append(separator).append(indices[p] + base).append(separator)
              .append(weights[p]).append('\n');
          w.append(line);
        }
      }
    });
  }
}
