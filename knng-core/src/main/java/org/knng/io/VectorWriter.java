package org.knng.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.knng.InvalidInputException;
import org.knng.vectors.Vectors;

/**
 * Writes vectors in the formats {@link VectorReader} reads back to the same float32 values: {@code
 * .npy} (N x D float32), {@code .fvecs} (per vector an int32 dimension, then the values), {@code
 * .csv} and {@code .tsv} (one vector per line, each value the shortest text that reads back as the
 * same float32). Through {@link AtomicOutput}: all or nothing.
 */
public final class VectorWriter {
  private VectorWriter() {}

  /**
   * @param vectors the vectors
   * @param out a {@code .npy}, {@code .fvecs}, {@code .csv} or {@code .tsv} file
   * @throws IOException if it cannot be written
   * @throws InvalidInputException if the extension is none of these
   */
  public static void write(Vectors vectors, Path out) throws IOException {
    int n = vectors.size();
    int d = vectors.dimension();
    float[] x = vectors.data();
    switch (Extension.key(out)) {
      case ".npy":
        NpyWriter.writeFloat32(out, n, d, x);
        return;
      case ".fvecs":
        AtomicOutput.write(out, stream -> {
          ByteBuffer row = ByteBuffer.allocate(4 + 4 * d).order(ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < n; i++) {
            row.clear();
            row.putInt(d);
            for (int j = 0; j < d; j++) {
              row.putFloat(x[i * d + j]);
            }
            stream.write(row.array());
          }
        });
        return;
      case ".csv":
      case ".tsv": {
        char separator = Extension.key(out).equals(".csv") ? ',' : '\t';
        AtomicOutput.write(out, stream -> {
          Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.US_ASCII), 1 << 16);
          StringBuilder line = new StringBuilder();
          for (int i = 0; i < n; i++) {
            line.setLength(0);
            for (int j = 0; j < d; j++) {
              if (j > 0) {
                line.append(separator);
              }
              line.append(x[i * d + j]);
            }
            w.append(line).append('\n');
          }
          w.flush();
        });
        return;
      }
      default:
        throw new InvalidInputException(out + ": unsupported vector format " + Extension.describe(Extension.of(out))
            + " (expected .npy, .fvecs, .csv or .tsv)");
    }
  }
}
