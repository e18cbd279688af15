package org.knng.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.knng.InvalidInputException;
import org.knng.graph.Flow;
import org.knng.graph.SparseGraph;

/**
 * Reads the graph files that list edges rather than arrays, as a canonical CSR {@link
 * SparseGraph} (columns sorted within each row, duplicates summed, as {@link GraphReader}):
 *
 * <ul>
 *   <li>{@code .mtx}: Matrix Market {@code coordinate} with {@code real}, {@code integer} or
 *       {@code pattern} values (pattern entries weigh 1), {@code general} or {@code symmetric}
 *       (each off-diagonal entry stands for both directions), 1-based, as {@code scipy.io.mmwrite}
 *       and {@link GraphWriter} write it;
 *   <li>{@code .csv}: the edge list {@link GraphWriter} writes, a header {@code source,target,weight}
 *       then one 0-based edge per line (row, column, weight); or, with the header {@code
 *       source,target}, one unweighted edge per line (every edge weighs 1);
 *   <li>{@code .npy}: a PyTorch Geometric {@code edge_index}, 2 x E integers, read with the {@link
 *       Flow} it was written with (source-to-target: row 0 the neighbour, row 1 the centre, whose
 *       row of the graph the edge is in); every edge weighs 1.
 * </ul>
 *
 * <p>An edge list and an edge_index do not record the number of nodes: it is given, or the
 * largest id plus one. Errors are one line naming the file and line (or entry): a bad header, a
 * value that is not a number, an id out of range, a count that does not match. The Matrix Market
 * header's entry count is checked against the file's size before anything is allocated.
 */
public final class EdgeListReader {
  private EdgeListReader() {}

  /**
   * @param file a {@code .mtx}, {@code .csv} or edge_index {@code .npy} file
   * @param nodes the graph's size for {@code .csv} and {@code .npy} (which do not record it), or
   *     -1 for the largest id plus one; ignored for {@code .mtx}
   * @param flow how an edge_index lists its edges
   * @return the graph
   * @throws InputFormatException if the content is malformed (naming the line or entry)
   * @throws IOException if the file is missing, a directory, or cannot be read
   * @throws InvalidInputException if the extension is none of the three
   */
  public static SparseGraph read(Path file, int nodes, Flow flow) throws IOException {
    String extension = Extension.key(file);
    if (extension.equals(".npy")) {
      return edgeIndex(file, NeighborIds.read(file), nodes, flow);
    }
    if (!extension.equals(".mtx") && !extension.equals(".csv")) {
      throw new InvalidInputException(file + ": unsupported edge list format "
          + Extension.describe(Extension.of(file)) + " (expected .mtx, .csv or an edge_index .npy)");
    }
    FileChannel channel = FileErrors.openForReading(file);
    try (channel;
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
            StandardCharsets.US_ASCII), 1 << 16)) {
      long size = channel.size();
      if (size == 0) {
        throw new InputFormatException(file + ": empty file, no graph");
      }
      return extension.equals(".mtx") ? matrixMarket(file, in, size) : edgeList(file, in, nodes);
    } catch (InputFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(file + ": cannot read (" + FileErrors.reason(e) + ")", e);
    }
  }

  /**
   * Whether a {@code .npy} file holds an edge_index (a 2-D integer array of two rows), not vectors.
   *
   * @param file a {@code .npy} file
   * @return true for 2 x E integers
   * @throws IOException if its header cannot be read
   */
  public static boolean holdsEdgeIndex(Path file) throws IOException {
    FileChannel channel = FileErrors.openForReading(file);
    try (channel) {
      NpyHeader header = NpyHeader.read(file, channel, channel.size());
      NumpyType type = header.simpleDescr ? NumpyType.of(header.descr) : null;
      return type != null && type.integer && type != NumpyType.B1 && header.shape.length == 2
          && header.shape[0] == 2;
    }
  }

  private static SparseGraph matrixMarket(Path file, BufferedReader in, long size) throws IOException {
    String header = in.readLine();
    String[] h = header == null ? new String[0] : header.trim().toLowerCase(Locale.ROOT).split("\\s+");
    if (h.length != 5 || !h[0].equals("%%matrixmarket") || !h[1].equals("matrix")) {
      throw new InputFormatException(file + ": line 1: not a Matrix Market header ('%%MatrixMarket matrix"
          + " coordinate real general')");
    }
    if (!h[2].equals("coordinate")) {
      throw new InputFormatException(file + ": line 1: '" + h[2] + "' matrix; only 'coordinate' (sparse) is read");
    }
    boolean pattern = h[3].equals("pattern");
    boolean integer = h[3].equals("integer");
    if (!pattern && !h[3].equals("real") && !h[3].equals("integer")) {
      throw new InputFormatException(file + ": line 1: '" + h[3] + "' values; expected real, integer or pattern");
    }
    boolean symmetric = h[4].equals("symmetric");
    if (!symmetric && !h[4].equals("general")) {
      throw new InputFormatException(file + ": line 1: '" + h[4] + "' symmetry; expected general or symmetric");
    }
    int lineNumber = 1;
    String line;
    do {
      line = in.readLine();
      lineNumber++;
    } while (line != null && (line.startsWith("%") || line.isBlank()));
    if (line == null) {
      throw new InputFormatException(file + ": no size line (rows columns entries)");
    }
    String[] sizes = line.trim().split("\\s+");
    if (sizes.length != 3) {
      throw new InputFormatException(file + ": line " + lineNumber + ": expected 'rows columns entries'");
    }
    long rows = count(file, lineNumber, sizes[0], "rows");
    long columns = count(file, lineNumber, sizes[1], "columns");
    long entries = count(file, lineNumber, sizes[2], "entries");
    if (rows > Integer.MAX_VALUE - 1 || columns > Integer.MAX_VALUE - 1) {
      throw new InputFormatException(file + ": line " + lineNumber + ": " + rows + " x " + columns
          + " is too large (at most " + (Integer.MAX_VALUE - 1) + " rows and columns)");
    }
    if (Math.max(rows, columns) > 64 * entries + (1 << 20)) {
      throw new InputFormatException(file + ": line " + lineNumber + ": " + rows + " x " + columns
          + " for " + entries + " entries: not a neighbour graph (corrupt header?)");
    }
    // Each entry takes at least four characters ("1 1\n"): a count the file cannot hold is refused
    // before its arrays are allocated.
    long stored = symmetric ? 2 * entries : entries;
    if (entries > size / 4 || stored > Integer.MAX_VALUE - 8) {
      throw new InputFormatException(file + ": line " + lineNumber + ": " + entries + " entries cannot be in a "
          + size + "-byte file (truncated or corrupt header)");
    }
    int[] row = new int[(int) stored];
    int[] column = new int[(int) stored];
    float[] value = new float[(int) stored];
    int n = 0;
    for (long e = 0; e < entries; e++) {
      line = in.readLine();
      lineNumber++;
      if (line == null) {
        throw new InputFormatException(file + ": " + e + " entries, the header says " + entries + " (truncated?)");
      }
      String[] f = line.trim().split("\\s+");
      if (f.length != (pattern ? 2 : 3)) {
        throw new InputFormatException(file + ": line " + lineNumber + ": expected " + (pattern ? "'row column'"
            : "'row column value'"));
      }
      int r = id(file, lineNumber, f[0], rows, 1);
      int c = id(file, lineNumber, f[1], columns, 1);
      float v = pattern ? 1f : integer ? integerValue(file, lineNumber, f[2]) : number(file, lineNumber, f[2]);
      row[n] = r;
      column[n] = c;
      value[n++] = v;
      if (symmetric && r != c) {
        row[n] = c;
        column[n] = r;
        value[n++] = v;
      }
    }
    return CanonicalCsr.build((int) rows, (int) columns, Arrays.copyOf(row, n), Arrays.copyOf(column, n),
        Arrays.copyOf(value, n));
  }

  /**
   * Whether a {@code .csv} file's first line is the header of an edge list: {@code
   * source,target,weight}, or {@code source,target} for unweighted edges.
   *
   * @param firstLine the file's first line, or null for an empty file
   * @return whether the file is an edge list
   */
  public static boolean isEdgeListHeader(String firstLine) {
    return columns(firstLine) > 0;
  }

  /** The columns an edge list with this header has (3 weighted, 2 not), or 0 for another line. */
  private static int columns(String header) {
    String h = header == null ? "" : header.trim();
    return h.equals("source,target,weight") ? 3 : h.equals("source,target") ? 2 : 0;
  }

  private static SparseGraph edgeList(Path file, BufferedReader in, int nodes) throws IOException {
    String header = in.readLine();
    int columns = columns(header);
    if (columns == 0) {
      throw new InputFormatException(file + ": line 1: expected the header 'source,target,weight' (or"
          + " 'source,target') of an edge list");
    }
    String expected = columns == 3 ? "'source,target,weight'" : "'source,target'";
    int[] row = new int[1024];
    int[] column = new int[1024];
    float[] value = new float[1024];
    int n = 0;
    int largest = -1;
    long limit = nodes >= 0 ? nodes : Integer.MAX_VALUE - 1;
    int lineNumber = 1;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != columns) {
        throw new InputFormatException(file + ": line " + lineNumber + ": expected " + expected);
      }
      if (n == row.length) {
        if (n > Integer.MAX_VALUE / 2 - 8) {
          throw new InputFormatException(file + ": more edges than one array can hold");
        }
        row = Arrays.copyOf(row, 2 * n);
        column = Arrays.copyOf(column, 2 * n);
        value = Arrays.copyOf(value, 2 * n);
      }
      row[n] = id(file, lineNumber, f[0], limit, 0);
      column[n] = id(file, lineNumber, f[1], limit, 0);
      value[n] = columns == 3 ? number(file, lineNumber, f[2]) : 1f;
      largest = Math.max(largest, Math.max(row[n], column[n]));
      n++;
    }
    int size = nodes >= 0 ? nodes : inferredNodes(file, largest, n);
    return CanonicalCsr.build(size, size, Arrays.copyOf(row, n), Arrays.copyOf(column, n), Arrays.copyOf(value, n));
  }

  private static SparseGraph edgeIndex(Path file, NeighborIds ids, int nodes, Flow flow) throws IOException {
    if (ids.rows() != 2) {
      throw new InputFormatException(file + ": an edge_index has 2 rows (2 x E); this array has " + ids.rows());
    }
    int edges = ids.columns();
    int[] all = ids.ids();
    boolean sourceToTarget = flow == Flow.SOURCE_TO_TARGET;
    int[] row = new int[edges];
    int[] column = new int[edges];
    int largest = -1;
    for (int e = 0; e < edges; e++) {
      int first = all[e];
      int second = all[edges + e];
      if (first < 0 || second < 0 || (nodes >= 0 && (first >= nodes || second >= nodes))) {
        throw new InputFormatException(file + ": edge " + e + ": (" + first + ", " + second + ") is not a pair of"
            + " node ids" + (nodes >= 0 ? " below " + nodes : ""));
      }
      // source-to-target: row 0 the neighbour, row 1 the centre, whose graph row holds the edge.
      row[e] = sourceToTarget ? second : first;
      column[e] = sourceToTarget ? first : second;
      largest = Math.max(largest, Math.max(first, second));
    }
    float[] value = new float[edges];
    Arrays.fill(value, 1f);
    int size = nodes >= 0 ? nodes : inferredNodes(file, largest, edges);
    return CanonicalCsr.build(size, size, row, column, value);
  }

  /**
   * The largest id plus one, where the file does not say how many nodes there are; a size far
   * beyond what the edges suggest (a corrupt or mistyped id) must be given explicitly rather than
   * allocated.
   */
  private static int inferredNodes(Path file, int largest, long edges) throws InputFormatException {
    long size = largest + 1L;
    if (size > 64 * edges + (1 << 20)) {
      throw new InputFormatException(file + ": its largest id, " + largest + ", would make a graph of " + size
          + " nodes for " + edges + " edges; give the number of nodes explicitly if that is right");
    }
    return (int) size;
  }

  private static long count(Path file, int line, String text, String what) throws InputFormatException {
    try {
      long v = Long.parseLong(text);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new InputFormatException(file + ": line " + line + ": " + what + " '" + text + "' is not a count");
    }
  }

  private static int id(Path file, int line, String text, long limit, int base) throws InputFormatException {
    long v;
    try {
      v = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new InputFormatException(file + ": line " + line + ": '" + text + "' is not an integer id");
    }
    if (v < base || v - base >= limit) {
      throw new InputFormatException(file + ": line " + line + ": id " + v + " is out of range ("
          + base + " to " + (limit - 1 + base) + ")");
    }
    return (int) (v - base);
  }

  /**
   * A weight: a decimal number, or NaN or an infinity as Java ({@code NaN}, {@code -Infinity}) and
   * Python ({@code nan}, {@code -inf}) write them. A graph's weights are kept as they are, as the
   * {@code .npz} reader keeps them ({@code knng info} counts the ones that are not finite), so that
   * every graph {@link GraphWriter} writes reads back. A decimal beyond the float32 range is
   * refused, not read as an infinity.
   */
  private static float number(Path file, int line, String text) throws InputFormatException {
    String t = text.trim();
    String word = t.toLowerCase(java.util.Locale.ROOT);
    boolean negative = word.startsWith("-");
    if (negative || word.startsWith("+")) {
      word = word.substring(1);
    }
    if (word.equals("nan")) {
      return Float.NaN;
    }
    if (word.equals("inf") || word.equals("infinity")) {
      return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    }
    float v;
    try {
      v = Decimal.parseFloat(t);
    } catch (NumberFormatException e) {
      throw new InputFormatException(file + ": line " + line + ": '" + text + "' is not a number");
    }
    if (Float.isInfinite(v)) {
      throw new InputFormatException(file + ": line " + line + ": weight " + t + " is beyond the float32 range"
          + " (+-3.4e38)");
    }
    return v;
  }

  /** A value of a Matrix Market {@code integer} file: a whole number, as scipy's {@code mmread} reads it. */
  private static float integerValue(Path file, int line, String text) throws InputFormatException {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new InputFormatException(file + ": line " + line + ": '" + text + "' is not an integer (the header"
          + " says integer values)");
    }
  }
}
