package org.knng.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a NumPy {@code .npy} file: magic {@code \x93NUMPY}, a version, a little-endian
 * header length (uint16 in version 1.0, uint32 in 2.0 and 3.0), then a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}, padded with spaces and a
 * final newline so that the data starts at a multiple of 64 bytes. The dict is latin-1 text up to
 * version 2.0 and UTF-8 in 3.0.
 *
 * <p>This class both {@linkplain #read reads} such a header (any of the three versions) and
 * {@linkplain #encode encodes} one (always version 1.0, as NumPy does whenever the header fits).
 */
final class NpyHeader {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGNMENT = 64;

  /** The {@code descr} value as written: a dtype string such as {@code <f4}, or the raw literal. */
  final String descr;
  /** Whether {@code descr} is a plain dtype string (a list means a structured dtype). */
  final boolean simpleDescr;
  /** The {@code fortran_order} flag. */
  final boolean fortranOrder;
  /** The array shape; empty for a 0-d array. */
  final long[] shape;
  /** Where the array data starts in the file. */
  final long dataOffset;

  private NpyHeader(String descr, boolean simpleDescr, boolean fortranOrder, long[] shape, long dataOffset) {
    this.descr = descr;
    this.simpleDescr = simpleDescr;
    this.fortranOrder = fortranOrder;
    this.shape = shape;
    this.dataOffset = dataOffset;
  }

  /**
   * Reads and parses the header at the start of a file.
   *
   * @param file for messages
   * @param channel positioned at 0; left positioned at {@link #dataOffset}
   * @param size file size in bytes
   * @return the header
   * @throws InputFormatException if this is not a .npy file of version 1.0, 2.0 or 3.0 or the
   *     header is malformed
   */
  static NpyHeader read(Path file, FileChannel channel, long size) throws IOException {
    return read(file, buffer -> VectorFormat.readFully(channel, buffer), size);
  }

  /**
   * Reads and parses the header at the start of a stream, such as an entry of a {@code .npz} zip.
   *
   * @param file for messages (for a zip entry, the entry's name)
   * @param in positioned at 0; left positioned at {@link #dataOffset}
   * @param size the stream's length in bytes
   * @return the header
   * @throws InputFormatException as {@link #read(Path, FileChannel, long)}
   */
  static NpyHeader read(Path file, InputStream in, long size) throws IOException {
    return read(file, buffer -> {
      int wanted = buffer.remaining();
      if (in.readNBytes(buffer.array(), buffer.arrayOffset() + buffer.position(), wanted) < wanted) {
        throw new EOFException("file ended early");
      }
      buffer.position(buffer.limit()).flip();
    }, size);
  }

  /** Fills a buffer from its position to its limit, then flips it; sequential, never seeks. */
  @FunctionalInterface
  private interface Source {
    void readFully(ByteBuffer buffer) throws IOException;
  }

  private static NpyHeader read(Path file, Source source, long size) throws IOException {
    if (size < 10) {
      throw new InputFormatException(file + ": not a NumPy .npy file (only " + size + " bytes, too short for a header)");
    }
    ByteBuffer prelude = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    source.readFully(prelude);
    for (int i = 0; i < MAGIC.length; i++) {
      if (prelude.get(i) != MAGIC[i]) {
        throw new InputFormatException(file + ": not a NumPy .npy file (it does not start with \\x93NUMPY)");
      }
    }
    int major = prelude.get(6) & 0xFF;
    int minor = prelude.get(7) & 0xFF;
    long headerLength;
    int preludeLength;
    if (major == 1) {
      headerLength = prelude.getShort(8) & 0xFFFF;
      preludeLength = 10;
    } else if ((major == 2 || major == 3) && size >= 12) {
      // Versions 2.0 and 3.0 have a uint32 length: its first two bytes are already in the prelude.
      ByteBuffer rest = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
      source.readFully(rest);
      headerLength = ((prelude.getShort(8) & 0xFFFFL) | (rest.getShort(0) & 0xFFFFL) << 16);
      preludeLength = 12;
    } else if (major == 2 || major == 3) {
      throw new InputFormatException(file + ": .npy header is truncated (file of " + size + " bytes)");
    } else {
      throw new InputFormatException(file + ": unsupported .npy format version " + major + "." + minor
          + " (expected 1.0, 2.0 or 3.0)");
    }
    long dataOffset = preludeLength + headerLength;
    if (dataOffset > size) {
      throw new InputFormatException(file + ": .npy header is truncated: it declares " + headerLength
          + " bytes, the file has " + (size - preludeLength) + " after the prelude");
    }
    if (headerLength > 1 << 24) {
      throw new InputFormatException(file + ": .npy header length " + headerLength + " is implausibly large");
    }
    ByteBuffer text = ByteBuffer.allocate((int) headerLength);
    source.readFully(text);
    String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    return parse(file, dict, dataOffset);
  }

  private static NpyHeader parse(Path file, String text, long dataOffset) throws InputFormatException {
    LiteralParser parser = new LiteralParser(file, text);
    Map<String, Object> dict = parser.parseHeaderDict();
    Object descr = require(file, dict, "descr");
    Object fortran = require(file, dict, "fortran_order");
    Object shape = require(file, dict, "shape");
    if (!(fortran instanceof Boolean)) {
      throw malformed(file, "'fortran_order' is " + parser.raw.get("fortran_order") + ", not True or False");
    }
    if (!(shape instanceof List)) {
      throw malformed(file, "'shape' is " + parser.raw.get("shape") + ", not a tuple");
    }
    List<?> dims = (List<?>) shape;
    long[] sizes = new long[dims.size()];
    for (int i = 0; i < sizes.length; i++) {
      if (!(dims.get(i) instanceof Long) || (Long) dims.get(i) < 0) {
        throw malformed(file, "'shape' is " + parser.raw.get("shape") + ", not a tuple of sizes");
      }
      sizes[i] = (Long) dims.get(i);
    }
    boolean simple = descr instanceof String;
    return new NpyHeader(simple ? (String) descr : parser.raw.get("descr"), simple, (Boolean) fortran, sizes,
        dataOffset);
  }

  private static Object require(Path file, Map<String, Object> dict, String key) throws InputFormatException {
    if (!dict.containsKey(key)) {
      throw malformed(file, "the header has no '" + key + "' entry");
    }
    return dict.get(key);
  }

  private static InputFormatException malformed(Path file, String what) {
    return new InputFormatException(file + ": malformed .npy header: " + what);
  }

  /**
   * Refuses what no reader here takes: a column-major array, or one that is not 2-D.
   *
   * @param file the file, for the message
   * @param what what the two dimensions are, e.g. {@code "(rows, columns)"}
   * @param kind what the file should hold, e.g. {@code "expected a 2-D array"}
   * @throws InputFormatException naming the file and the shape
   */
  void requireRowMajor2d(Path file, String kind, String what) throws InputFormatException {
    if (fortranOrder) {
      throw new InputFormatException(file + ": fortran_order is True: only C-order (row-major) arrays are"
          + " supported (save np.ascontiguousarray(a) instead)");
    }
    require2d(file, kind, what);
  }

  /**
   * Refuses an array that is not 2-D, in either order.
   *
   * @param file the file, for the message
   * @param what what the two dimensions are, e.g. {@code "(rows, columns)"}
   * @param kind what the file should hold, e.g. {@code "expected a 2-D array"}
   * @throws InputFormatException naming the file and the shape
   */
  void require2d(Path file, String kind, String what) throws InputFormatException {
    if (shape.length != 2) {
      throw new InputFormatException(file + ": shape " + shapeText(shape) + " is " + shape.length
          + "-D; " + kind + " " + what);
    }
  }

  /**
   * @param shape sizes
   * @return the shape as Python writes a tuple: {@code ()}, {@code (5,)}, {@code (3, 4)}
   */
  static String shapeText(long[] shape) {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      s.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return s.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /**
   * Encodes a version 1.0 header for a C-order array, exactly as {@code numpy.lib.format} lays it
   * out: keys in sorted order, padded with spaces and a newline to a multiple of 64 bytes.
   *
   * @param descr a dtype string such as {@code <f4} or {@code |S3}
   * @param shape the array shape ({@code ()} for a 0-d array)
   * @return magic, version, length and dict: everything before the data
   */
  static byte[] encode(String descr, long... shape) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1; // + 1 for the final newline
    int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
    int headerLength = dict.length() + padding + 1;
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + headerLength).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
    out.put(dict.getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < padding; i++) {
      out.put((byte) ' ');
    }
    out.put((byte) '\n');
    return out.array();
  }

  /**
   * A recursive-descent reader for the Python literals a .npy header holds: dicts, tuples, lists,
   * strings, integers (with Python 2's {@code L} suffix), {@code True}, {@code False} and {@code
   * None}. It keeps the source text of each top-level value for error messages.
   */
  private static final class LiteralParser {
    private final Path file;
    private final String text;
    private int pos;
    final Map<String, String> raw = new LinkedHashMap<>();

    LiteralParser(Path file, String text) {
      this.file = file;
      this.text = text;
    }

    Map<String, Object> parseHeaderDict() throws InputFormatException {
      skipSpace();
      expect('{');
      Map<String, Object> dict = new LinkedHashMap<>();
      skipSpace();
      while (peek() != '}') {
        Object key = value();
        if (!(key instanceof String)) {
          throw error("dict key is not a string");
        }
        skipSpace();
        expect(':');
        skipSpace();
        int start = pos;
        dict.put((String) key, value());
        raw.put((String) key, text.substring(start, pos));
        skipSpace();
        if (peek() == ',') {
          pos++;
          skipSpace();
        } else if (peek() != '}') {
          throw error("expected ',' or '}'");
        }
      }
      pos++;
      skipSpace();
      if (pos != text.length()) {
        throw error("unexpected text after the dict");
      }
      return dict;
    }

    private Object value() throws InputFormatException {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string(c);
      }
      if (c == '(' || c == '[') {
        return sequence(c == '(' ? ')' : ']');
      }
      if (c == '{') {
        // A nested dict (e.g. dtype metadata): keep its text, nothing here needs its content.
        int depth = 0;
        do {
          char d = peek();
          if (d == '\'' || d == '"') {
            string(d);
            continue;
          }
          depth += d == '{' ? 1 : d == '}' ? -1 : 0;
          pos++;
        } while (depth > 0);
        return new Object();
      }
      if (c == '-' || Character.isDigit(c)) {
        int start = pos++;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
          pos++;
        }
        String digits = text.substring(start, pos);
        if (pos < text.length() && (text.charAt(pos) == 'L' || text.charAt(pos) == 'l')) {
          pos++;
        }
        try {
          return Long.parseLong(digits);
        } catch (NumberFormatException e) {
          throw error("bad integer '" + digits + "'");
        }
      }
      for (String word : new String[] {"True", "False", "None"}) {
        if (text.startsWith(word, pos)) {
          pos += word.length();
          return word.equals("None") ? null : Boolean.valueOf(word.equals("True"));
        }
      }
      throw error("unexpected character '" + c + "'");
    }

    private String string(char quote) throws InputFormatException {
      pos++;
      StringBuilder s = new StringBuilder();
      while (true) {
        char c = peek();
        pos++;
        if (c == quote) {
          return s.toString();
        }
        if (c == '\\') {
          c = peek();
          pos++;
        }
        s.append(c);
      }
    }

    private List<Object> sequence(char close) throws InputFormatException {
      pos++;
      List<Object> items = new ArrayList<>();
      skipSpace();
      while (peek() != close) {
        items.add(value());
        skipSpace();
        if (peek() == ',') {
          pos++;
          skipSpace();
        } else if (peek() != close) {
          throw error("expected ',' or '" + close + "'");
        }
      }
      pos++;
      return items;
    }

    private char peek() throws InputFormatException {
      if (pos >= text.length()) {
        throw error("the header ends too early");
      }
      return text.charAt(pos);
    }

    private void expect(char c) throws InputFormatException {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private InputFormatException error(String what) {
      return malformed(file, what + " at character " + pos + " of " + oneLine(text));
    }

    /**
     * The header as shown in a message: one line, at most 120 characters, characters that are not
     * printable ASCII (data read as header in a damaged file) written as a backslash, x and two hex
     * digits (or u and four).
     */
    private static String oneLine(String s) {
      String flat = s.strip().replaceAll("\\s+", " ");
      StringBuilder shown = new StringBuilder();
      int i = 0;
      for (; i < flat.length() && shown.length() < 120; i++) {
        char c = flat.charAt(i);
        if (c >= 0x20 && c < 0x7f) {
          shown.append(c);
        } else {
          shown.append(String.format(java.util.Locale.ROOT, c <= 0xff ? "\\x%02x" : "\\u%04x", (int) c));
        }
      }
      return i < flat.length() ? shown + "..." : shown.toString();
    }
  }
}
