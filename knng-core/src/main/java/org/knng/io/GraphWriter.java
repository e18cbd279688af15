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
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.knng.graph.SparseGraph;

/**
 * Writes a {@link SparseGraph} in a format chosen by the output file's extension
 * (case-insensitive):
 *
 * <ul>
 *   <li>{@code .npz}: what {@code scipy.sparse.save_npz} writes for a CSR matrix, so that {@code
 *       scipy.sparse.load_npz} returns the graph: a deflated zip of {@code indices.npy}, {@code
 *       indptr.npy} ({@code <i4}; the graph's int arrays always fit), {@code format.npy} (0-d
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
    Objects.requireNonNull(g, "g");
    Objects.requireNonNull(out, "out");
    switch (Extension.key(out)) {
      case ".npz":
        AtomicOutput.write(out, stream -> writeNpz(g, stream));
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

  private static void writeNpz(SparseGraph g, OutputStream out) throws IOException {
    // Entry order and contents as scipy.sparse.save_npz writes them for a CSR matrix.
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      writeNpzEntries(g, zip);
    }
  }

  private static void writeNpzEntries(SparseGraph g, ZipOutputStream zip) throws IOException {
    zip.setLevel(Deflater.BEST_SPEED);
    entry(zip, "indices.npy");
    NpyWriter.writeInt32(zip, g.indices(), g.indices().length);
    entry(zip, "indptr.npy");
    NpyWriter.writeInt32(zip, g.indptr(), g.indptr().length);
    entry(zip, "format.npy");
    zip.write(NpyHeader.encode("|S3"));
    zip.write("csr".getBytes(StandardCharsets.US_ASCII));
    entry(zip, "shape.npy");
    NpyWriter.writeInt64(zip, new long[] {g.rows(), g.columns()}, 2);
    entry(zip, "data.npy");
    NpyWriter.writeFloat32(zip, g.weights(), g.weights().length);
    zip.closeEntry();
  }

  private static void entry(ZipOutputStream zip, String name) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setTimeLocal(ZIP_ENTRY_TIME);
    zip.putNextEntry(entry); // closes the previous entry
  }

  private static void writeMatrixMarket(SparseGraph g, OutputStream out) throws IOException {
    try (Writer w = text(out)) {
      w.write("%%MatrixMarket matrix coordinate real general\n");
      w.write("% written by knng: row column weight, 1-based\n");
      w.write(g.rows() + " " + g.columns() + " " + g.edgeCount() + "\n");
      writeEdges(g, w, 1, ' ');
    }
  }

  private static void writeEdgeList(SparseGraph g, OutputStream out) throws IOException {
    try (Writer w = text(out)) {
      w.write("source,target,weight\n");
      writeEdges(g, w, 0, ',');
    }
  }

  private static Writer text(OutputStream out) {
    return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII), TEXT_BUFFER_CHARS);
  }

  private static void writeEdges(SparseGraph g, Writer w, int base, char separator) throws IOException {
    int[] indptr = g.indptr();
    int[] indices = g.indices();
    float[] weights = g.weights();
    StringBuilder line = new StringBuilder(48);
    for (int r = 0; r < g.rows(); r++) {
      for (int p = indptr[r]; p < indptr[r + 1]; p++) {
        // StringBuilder.append(float) prints Float.toString: the shortest text that reads back
        // as the same float32.
        line.setLength(0);
        line.append(r + base).append(separator).append(indices[p] + base).append(separator).append(weights[p])
            .append('\n');
        w.append(line);
      }
    }
  }
}
