package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knng.io.NpyWriter;

/**
 * The malformed-file suite: for every input format (.npy, .fvecs, .bvecs, .csv, .tsv, .npz, HDF5),
 * a file truncated, with a wrong magic or header, a wrong dtype, ragged rows, a NaN, an infinity,
 * an absurd header size, empty, a directory, random bytes — each read whole and, where the format
 * can be, in blocks under a small {@code --memory}: exit 2, one {@code error:} line naming the
 * file, no stack trace, nothing written. (No permission: {@code LauncherIT}, which can drop root.)
 */
class MalformedInputsTest {
  @TempDir Path dir;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String format : new String[] {"npy", "fvecs", "bvecs", "csv", "tsv", "npz", "hdf5"}) {
      for (String kind : new String[] {"truncated", "wrong magic", "wrong dtype", "ragged", "NaN", "infinity",
          "absurd header size", "empty", "directory", "random bytes"}) {
        out.add(Arguments.of(format, kind));
      }
    }
    return out.stream();
  }

  private static final int N = 300;
  private static final int D = 6;

  private static float[] values() {
    float[] v = new float[N * D];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i * 31) % 200;
    }
    return v;
  }

  /** A valid file of the format, as bytes. */
  private byte[] valid(String format) throws IOException {
    float[] v = values();
    switch (format) {
      case "npy": {
        Path p = dir.resolve("valid.npy");
        NpyWriter.writeFloat32(p, N, D, v);
        return Files.readAllBytes(p);
      }
      case "fvecs":
      case "bvecs":
        return ReaderMutationTest.texmex(v, N, D, format.equals("bvecs"));
      case "csv":
      case "tsv": {
        String sep = format.equals("csv") ? "," : "\t";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < N; i++) {
          for (int j = 0; j < D; j++) {
            s.append(j == 0 ? "" : sep).append((int) v[i * D + j]);
          }
          s.append('\n');
        }
        return s.toString().getBytes();
      }
      case "npz":
        return zip(valid("npy"));
      default:
        try (var in = getClass().getResourceAsStream("/hdf5/ann.hdf5")) {
          return in.readAllBytes();
        }
    }
  }

  private static byte[] zip(byte[] npy) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      z.putNextEntry(new ZipEntry("train.npy"));
      z.write(npy);
      z.closeEntry();
    }
    return bytes.toByteArray();
  }

  /** The malformed file for one case, or null where the format has no such thing. */
  private Path malformed(String format, String kind) throws IOException {
    Path file = dir.resolve("bad." + format);
    byte[] good = valid(format);
    boolean text = format.equals("csv") || format.equals("tsv");
    String sep = format.equals("tsv") ? "\t" : ",";
    byte[] bad;
    switch (kind) {
      case "truncated":
        bad = Arrays.copyOf(good, good.length * 2 / 3 + 1);
        if (text) {
          bad = (new String(good).substring(0, good.length / 2) + "\n").getBytes(); // a cut last line
          bad = (new String(bad).trim() + sep).getBytes(); // ends in an empty cell
        }
        break;
      case "wrong magic":
        bad = good.clone();
        bad[1] ^= 0x55;
        if (text) {
          bad = ("x" + sep + "y\n1" + sep + "2\nthree" + sep + "4\n").getBytes();
        }
        break;
      case "wrong dtype":
        if (format.equals("npy") || format.equals("npz")) {
          byte[] npy = new String(valid("npy"), "ISO-8859-1").replace("'<f4'", "'<c8'").getBytes("ISO-8859-1");
          bad = format.equals("npz") ? zip(npy) : npy;
        } else if (format.equals("hdf5")) {
          return null; // HDF5's string and compound datasets: Hdf5InputTest
        } else if (text) {
          bad = ("1" + sep + "2\n3" + sep + "0x1p3q\n").getBytes();
        } else {
          bad = good.clone();
          ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -7); // a negative dimension
        }
        break;
      case "ragged":
        if (text) {
          bad = ("1" + sep + "2" + sep + "3\n4" + sep + "5\n").getBytes();
        } else if (format.equals("fvecs") || format.equals("bvecs")) {
          bad = good.clone();
          int record = good.length / N;
          ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(record * 200, D + 1);
        } else {
          return null; // an array has no ragged rows
        }
        break;
      case "NaN":
      case "infinity": {
        float[] v = values();
        v[250 * D + 2] = kind.equals("NaN") ? Float.NaN : Float.NEGATIVE_INFINITY;
        Path npy = dir.resolve("nonfinite.npy");
        NpyWriter.writeFloat32(npy, N, D, v);
        switch (format) {
          case "npy":
            bad = Files.readAllBytes(npy);
            break;
          case "npz":
            bad = zip(Files.readAllBytes(npy));
            break;
          case "fvecs": {
            bad = good.clone();
            ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putFloat(250 * (4 + 4 * D) + 4 + 8, v[250 * D + 2]);
            break;
          }
          case "csv":
          case "tsv":
            bad = (new String(good) + "1" + sep + (kind.equals("NaN") ? "NaN" : "-Infinity") + sep + "3" + sep + "4"
                + sep + "5" + sep + "6\n").getBytes();
            break;
          default:
            return null; // bytes cannot be NaN; HDF5's NaN: Hdf5InputTest
        }
        break;
      }
      case "absurd header size":
        if (format.equals("npy") || format.equals("npz")) {
          byte[] npy = new String(valid("npy"), "ISO-8859-1").replace("(300, 6)", "(300000000000, 6)")
              .getBytes("ISO-8859-1");
          bad = format.equals("npz") ? zip(npy) : npy;
        } else if (format.equals("fvecs") || format.equals("bvecs")) {
          bad = good.clone();
          ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(0, Integer.MAX_VALUE);
        } else if (format.equals("hdf5")) {
          // The train dataset's dataspace: 300 x 8 as two little-endian longs; make it 2^40 x 8.
          bad = good.clone();
          ByteBuffer b = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
          int at = -1;
          for (int i = 0; i + 16 <= bad.length && at < 0; i++) {
            if (b.getLong(i) == 300 && b.getLong(i + 8) == 8) {
              at = i;
            }
          }
          assertTrue(at >= 0, "the train dataset's dataspace is in the fixture");
          b.putLong(at, 1L << 40);
        } else {
          return null; // text has no header sizes
        }
        break;
      case "empty":
        bad = new byte[0];
        break;
      case "directory":
        Files.createDirectory(file);
        return file;
      default: {
        bad = new byte[4096];
        new Random(format.hashCode()).nextBytes(bad);
        break;
      }
    }
    Files.write(file, bad);
    return file;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void isRefusedInOneLineWithNothingWritten(String format, String kind) throws IOException {
    Path file = malformed(format, kind);
    if (file == null) {
      return; // not a case of this format (see the comments in malformed)
    }
    Path out = dir.resolve("out.npz");
    List<String[]> runs = new ArrayList<>();
    runs.add(new String[] {"build", "--input", file.toString(), "--k", "3", "--output", out.toString()});
    if (format.equals("npy") || format.equals("fvecs") || format.equals("bvecs")) {
      // In blocks: the budget leaves room for the result and small blocks only.
      runs.add(new String[] {"build", "--input", file.toString(), "--k", "3", "--output", out.toString(),
          "--algorithm", "exact", "--memory", Long.toString(MemoryPlan.BASE + (1 << 20))});
    }
    for (String[] args : runs) {
      CliRun r = CliRun.of(args);
      String what = format + " " + kind + " " + String.join(" ", args) + ": exit " + r.exit() + ": " + r.err();
      assertEquals(2, r.exit(), what);
      assertEquals(1, r.err().strip().split("\n").length, what);
      assertTrue(r.err().startsWith("error: "), what);
      assertTrue(r.err().contains(file.getFileName().toString()), "names the file: " + what);
      assertFalse(r.err().contains("internal error") || r.err().contains("\tat ")
          || r.err().matches("(?s).*\\b(?:java|io|org)\\.[\\w.]*(?:Exception|Error)\\b.*"), what);
      assertFalse(Files.exists(out), "nothing written: " + what);
    }
  }
}
