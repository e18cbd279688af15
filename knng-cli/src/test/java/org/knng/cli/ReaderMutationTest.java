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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.knng.io.NpyWriter;

/**
 * A bounded, seeded mutation run over every reader: a valid file of each format (vectors: .npy,
 * .fvecs, .bvecs, .csv; graphs and ids for {@code knng eval}: .npz, .npy, .ivecs; edge lists for
 * {@code knng convert}: .mtx, .csv, edge_index .npy) has random bytes
 * overwritten, bits flipped, bytes inserted or removed, or is cut short, and each mutant must be
 * read (exit 0, the output written) or refused (exit 2, one {@code error:} line, nothing written):
 * never an internal error, a stack trace or an out-of-memory failure. {@code -Dknng.fuzz.mutants=N}
 * runs more per format (the default keeps the test to seconds). A mutant that fails is a
 * regression file to keep under {@code src/test/resources}.
 */
class ReaderMutationTest {
  private static final long SEED = 20261201L;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"points.npy", "points.fvecs", "points.bvecs", "points.csv", "graph.npz", "ids.npy",
      "ids.ivecs", "edges.mtx", "edges.csv", "edges.npy"})
  void mutantsAreReadOrRefusedNeverCrash(String fixture) throws IOException {
    Random data = new Random(5);
    int n = 60;
    int d = 4;
    float[] values = new float[n * d];
    for (int i = 0; i < values.length; i++) {
      values[i] = data.nextInt(256); // whole numbers, so that .bvecs and .csv hold the same points
    }
    Path base = dir.resolve("base.npy");
    NpyWriter.writeFloat32(base, n, d, values);
    byte[] valid = fixture(fixture, base, values, n, d);
    boolean vectors = fixture.startsWith("points");
    boolean edges = fixture.startsWith("edges");
    String extension = fixture.substring(fixture.indexOf('.'));
    int mutants = Integer.getInteger("knng.fuzz.mutants", 100);
    Random random = new Random(SEED ^ fixture.hashCode());
    int read = 0;
    for (int i = 0; i < mutants; i++) {
      Path file = dir.resolve("mutant" + extension);
      Files.write(file, mutate(valid, random));
      Path out = dir.resolve(edges ? "out.npz" : "out.npy");
      Files.deleteIfExists(out);
      Path report = dir.resolve("report.json");
      Files.deleteIfExists(report);
      CliRun r = vectors
          ? CliRun.of("build", "--quiet", "--input", file.toString(), "--k", "3", "--output", out.toString())
          : edges ? CliRun.of("convert", "--quiet", file.toString(), out.toString())
          : CliRun.of("eval", "--quiet", "--input", base.toString(), "--graph", file.toString(), "--k", "2",
              "--report", report.toString());
      Path written = vectors || edges ? out : report;
      String what = fixture + " mutant " + i + " (seed " + SEED + "): exit " + r.exit() + ": " + r.err();
      if (r.exit() == 0) {
        assertTrue(Files.exists(written), what);
        read++;
        continue;
      }
      assertEquals(2, r.exit(), what);
      assertEquals(1, r.err().strip().split("\n").length, what);
      assertTrue(r.err().startsWith("error: ") && !r.err().contains("internal error"), what);
      assertFalse(r.err().contains("Exception"), what);
      assertFalse(Files.exists(written), what);
    }
    assertTrue(read < mutants, fixture + ": most mutants are refused, " + read + " of " + mutants + " read");
  }

  /** A valid file of the format, for the points (or, for graphs, their exact 2-NN). */
  private byte[] fixture(String name, Path base, float[] values, int n, int d) throws IOException {
    Path file = dir.resolve("valid-" + name);
    switch (name) {
      case "points.npy":
        return Files.readAllBytes(base);
      case "points.fvecs":
      case "points.bvecs":
        return texmex(values, n, d, name.endsWith("bvecs"));
      case "points.csv": {
        StringBuilder s = new StringBuilder("a,b,c,d\n");
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < d; j++) {
            s.append(j == 0 ? "" : ",").append((int) values[i * d + j]);
          }
          s.append('\n');
        }
        return s.toString().getBytes();
      }
      default: {
        Path ids = dir.resolve("valid-ids.npy");
        Path graph = dir.resolve("valid-graph.npz");
        assertEquals(0, CliRun.of("build", "--quiet", "--input", base.toString(), "--k", "2", "--output",
            ids.toString()).exit());
        assertEquals(0, CliRun.of("build", "--quiet", "--input", base.toString(), "--k", "2", "--mode", "distance",
            "--output", graph.toString()).exit());
        if (name.startsWith("edges")) {
          Path converted = dir.resolve("valid-" + name);
          assertEquals(0, CliRun.of("convert", "--quiet", graph.toString(), converted.toString()).exit());
          return Files.readAllBytes(converted);
        }
        if (name.equals("ids.ivecs")) {
          int[] all = org.knng.io.NeighborIds.read(ids).ids();
          ByteBuffer b = ByteBuffer.allocate(4 * (all.length + n)).order(ByteOrder.LITTLE_ENDIAN);
          for (int e = 0; e < all.length; e++) {
            if (e % 2 == 0) {
              b.putInt(2);
            }
            b.putInt(all[e]);
          }
          return b.array();
        }
        return Files.readAllBytes(name.equals("ids.npy") ? ids : graph);
      }
    }
  }

  /** {@code n x d} values as TEXMEX records: {@code .bvecs} (unsigned bytes) or {@code .fvecs}. */
  static byte[] texmex(float[] values, int n, int d, boolean bytes) {
    ByteBuffer b = ByteBuffer.allocate(n * (4 + d * (bytes ? 1 : 4))).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putInt(d);
      for (int j = 0; j < d; j++) {
        if (bytes) {
          b.put((byte) values[i * d + j]);
        } else {
          b.putFloat(values[i * d + j]);
        }
      }
    }
    return b.array();
  }

  /** One to eight byte-level changes, sometimes an insertion or deletion, sometimes a cut. */
  static byte[] mutate(byte[] valid, Random random) {
    List<Byte> bytes = new ArrayList<>(valid.length + 16);
    for (byte v : valid) {
      bytes.add(v);
    }
    for (int changes = 1 + random.nextInt(8); changes > 0 && !bytes.isEmpty(); changes--) {
      int p = random.nextInt(bytes.size());
      switch (random.nextInt(6)) {
        case 0:
          bytes.set(p, (byte) random.nextInt(256));
          break;
        case 1:
          bytes.set(p, (byte) (bytes.get(p) ^ (1 << random.nextInt(8))));
          break;
        case 2:
          bytes.set(p, (byte) (random.nextBoolean() ? 0xff : 0x7f));
          break;
        case 3:
          bytes.add(p, (byte) random.nextInt(256));
          break;
        case 4:
          bytes.remove(p);
          break;
        default:
          bytes.set(p, (byte) "0123456789.,-e\n\"'".charAt(random.nextInt(17)));
      }
    }
    byte[] out = new byte[bytes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i);
    }
    return random.nextInt(12) == 0 ? Arrays.copyOf(out, random.nextInt(out.length + 1)) : out;
  }
}
