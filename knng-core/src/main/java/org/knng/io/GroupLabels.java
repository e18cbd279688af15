package org.knng.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads one integer group label per row, for graphs built within groups (PyTorch Geometric's
 * {@code batch}): either a 1-D integer {@code .npy} array ({@code int8/16/32/64} or {@code
 * uint8/16}, either byte order), or text with one integer per line (blank lines are ignored).
 * Labels need not be sorted or consecutive. Errors name the file and the line or the reason, in
 * one line.
 */
public final class GroupLabels {
  private GroupLabels() {}

  /**
   * @param file a {@code .npy} file or a text file
   * @param rows how many labels there must be (the number of vectors)
   * @return the labels, one per row
   * @throws InputFormatException if a label is not an integer, the array is not 1-D integers, or
   *     the count differs from {@code rows}
   * @throws IOException if the file cannot be read
   */
  public static int[] read(Path file, int rows) throws IOException {
    Objects.requireNonNull(file, "file");
    FileErrors.checkInput(file);
    int[] labels = Extension.key(file).equals(".npy") ? readNpy(file) : readText(file);
    if (labels.length != rows) {
      throw new InputFormatException(file + ": " + labels.length + " group labels, but the vectors have "
          + rows + " rows (one label per row is needed)");
    }
    return labels;
  }

  private static int[] readText(Path file) throws IOException {
    int[] labels = new int[1024];
    int n = 0;
    int line = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String text; (text = in.readLine()) != null; ) {
        line++;
        // A byte-order mark (as some editors save UTF-8) is no part of the first label.
        String cell = (line == 1 && text.startsWith("\uFEFF") ? text.substring(1) : text).strip();
        if (cell.isEmpty()) {
          continue;
        }
        if (n == labels.length) {
          labels = Arrays.copyOf(labels, 2 * n);
        }
        labels[n++] = label(file, line, cell);
      }
    } catch (CharacterCodingException e) {
      throw new InputFormatException(file + ": not valid UTF-8 text (at or after line " + (line + 1)
          + "); group labels are one integer per line, or a .npy file", e);
    }
    return Arrays.copyOf(labels, n);
  }

  private static int label(Path file, int line, String cell) throws InputFormatException {
    try {
      return Integer.parseInt(cell);
    } catch (NumberFormatException e) {
      boolean integer = cell.matches("[+-]?[0-9]+");
      throw new InputFormatException(file + ": line " + line + ": '" + cell + "' is not "
          + (integer ? "a group label: it does not fit in 32 bits" : "an integer group label"));
    }
  }

  private static int[] readNpy(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      NpyHeader header = NpyHeader.read(file, channel, size);
      if (header.shape.length != 1) {
        throw new InputFormatException(file + ": shape " + NpyHeader.shapeText(header.shape)
            + " is not 1-D; group labels are one integer per row");
      }
      String descr = header.descr;
      NumpyType kind = header.simpleDescr ? NumpyType.of(descr) : null;
      if (kind == null || !kind.integer || kind == NumpyType.B1) {
        throw new InputFormatException(file + ": dtype '" + descr + "' is not an integer type"
            + " (expected signed or unsigned integers of 8 to 64 bits)");
      }
      int bytes = kind.bytes;
      long count = header.shape[0];
      if (count > Integer.MAX_VALUE - 8 || header.dataOffset + count * bytes > size) {
        throw new InputFormatException(file + ": truncated: shape (" + count + ",) of '" + descr
            + "' does not fit in " + size + " bytes");
      }
      ByteBuffer data = ByteBuffer.allocate((int) (count * bytes)).order(NumpyType.order(descr));
      channel.position(header.dataOffset);
      VectorFormat.readFully(channel, data); // leaves the buffer flipped, ready to read
      int[] labels = new int[(int) count];
      // Bulk views of the buffer and one plain loop per type: the million labels of a batch of
      // point clouds are read before the JIT has compiled anything, where a switch per label
      // through the buffer's getters cost about 50 ms.
      boolean unsigned = kind == NumpyType.U1 || kind == NumpyType.U2;
      if (bytes == 1) {
        byte[] values = new byte[labels.length];
        data.get(values);
        for (int i = 0; i < labels.length; i++) {
          labels[i] = unsigned ? values[i] & 0xFF : values[i];
        }
      } else if (bytes == 2) {
        short[] values = new short[labels.length];
        data.asShortBuffer().get(values);
        for (int i = 0; i < labels.length; i++) {
          labels[i] = unsigned ? values[i] & 0xFFFF : values[i];
        }
      } else if (kind == NumpyType.I4) {
        data.asIntBuffer().get(labels);
      } else { // uint32 and 64 bits: each label checked against 32 bits
        for (int i = 0; i < labels.length; i++) {
          long v = kind.longAt(data, i * bytes);
          if (v != (int) v) {
            throw new InputFormatException(file + ": label " + kind.integerText(data, i * bytes)
                + " at row " + i + " does not fit in 32 bits");
          }
          labels[i] = (int) v;
        }
      }
      return labels;
    }
  }
}
