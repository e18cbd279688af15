package org.knng.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import org.knng.InvalidInputException;
import org.knng.vectors.VectorSource;

/**
 * Writes vectors in the formats {@link VectorReader} reads back to the same float32 values: {@code
 * .npy} (N x D float32), {@code .fvecs} (per vector an int32 dimension, then the values), {@code
 * .csv} and {@code .tsv} (one vector per line, each value the shortest text that reads back as the
 * same float32). The vectors are read a block of rows at a time, so that a source larger than the
 * heap (a memory-mapped {@link VectorFile}) is written holding one block. Through {@link
 * AtomicOutput}: all or nothing.
 */
public final class VectorWriter {
  /** Values read from the source at a time (at least one row). */
  private static final int BLOCK_VALUES = 1 << 21;

  private VectorWriter() {}

  /**
   * @param vectors the vectors: in memory ({@link org.knng.vectors.Vectors}) or read in blocks
   * @param out a {@code .npy}, {@code .fvecs}, {@code .csv} or {@code .tsv} file
   * @throws IOException if it cannot be written, or a block of the source cannot be read (naming
   *     its row); either way nothing is left at {@code out}
   * @throws InvalidInputException if the extension is none of these
   */
  public static void write(VectorSource vectors, Path out) throws IOException {
    Objects.requireNonNull(vectors, "vectors");
    int n = vectors.size();
    int d = vectors.dimension();
    String key = Extension.key(out);
    if (!key.equals(".npy") && !key.equals(".fvecs") && !key.equals(".csv") && !key.equals(".tsv")) {
      throw new InvalidInputException(out + ": unsupported vector format " + Extension.describe(Extension.of(out))
          + " (expected .npy, .fvecs, .csv or .tsv)");
    }
    int step = Math.max(1, Math.min(n, BLOCK_VALUES / d));
    float[] block = new float[step * d];
    AtomicOutput.write(out, stream -> {
      LittleEndianOutput binary = key.equals(".npy") || key.equals(".fvecs") ? new LittleEndianOutput(stream) : null;
      Writer text = binary == null
          ? new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.US_ASCII), 1 << 16) : null;
      char separator = key.equals(".csv") ? ',' : '\t';
      StringBuilder line = new StringBuilder();
      if (key.equals(".npy")) {
        stream.write(NpyHeader.encode("<f4", n, d));
      }
      for (int from = 0; from < n; from += step) {
        int count = Math.min(step, n - from);
        vectors.read(from, count, block, 0);
        for (int i = 0; i < count; i++) {
          if (key.equals(".npy")) {
            binary.floats(block, i * d, d);
          } else if (key.equals(".fvecs")) {
            binary.putInt(d);
            binary.floats(block, i * d, d);
          } else {
            line.setLength(0);
            for (int j = 0; j < d; j++) {
              if (j > 0) {
                line.append(separator);
              }
              line.append(block[i * d + j]);
            }
            text.append(line).append('\n');
          }
        }
      }
      if (binary != null) {
        binary.flush();
      } else {
        text.flush();
      }
    });
  }
}
