package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;
import org.knng.graph.KnnResult;
import org.knng.io.NpyWriter;
import org.knng.io.VectorReader;
import org.knng.testing.PythonRunner;
import org.knng.vectors.Vectors;

/**
 * The launcher with a real heap limit ({@code JAVA_OPTS=-Xmx48m}) on inputs larger than the heap:
 * a search of a 100 MB base and a self-join of a 61 MB file both finish, reading the input in
 * blocks, and give the exact engine's result (computed here, in a JVM with room for it), ids and
 * distances alike.
 */
class HeapLimitIT {
  private static final String HEAP = "-Xmx48m";

  @TempDir Path dir;

  private static float[] gaussian(int n, int d, long seed) {
    Random random = new Random(seed);
    float[] values = new float[n * d];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  private PythonRunner.Result knng(String... args) {
    return knngWith(HEAP, args);
  }

  private PythonRunner.Result knngWith(String javaOpts, String... args) {
    Launcher.prepare();
    List<String> command = new ArrayList<>();
    command.add(Launcher.ROOT.resolve("knng").toString());
    command.addAll(List.of(args));
    return PythonRunner.exec(dir, Map.of("JAVA_HOME", System.getProperty("java.home"),
        "JAVA_OPTS", javaOpts), command);
  }

  /** The JVM's MaxHeapSize, from the flags it printed at start. */
  private static long maxHeapSize(String stdout) {
    Matcher m = Pattern.compile("\\bMaxHeapSize\\s+=\\s+(\\d+)").matcher(stdout);
    assertTrue(m.find(), stdout);
    return Long.parseLong(m.group(1));
  }

  private static void assertSame(KnnResult want, Path ids, Path distances) throws Exception {
    float[] gotIds = VectorReader.read(ids).data(); // int32 ids, exact as float below 2^24
    float[] gotDistances = VectorReader.read(distances).data();
    int[] wantIds = want.ids();
    assertEquals(wantIds.length, gotIds.length);
    for (int i = 0; i < wantIds.length; i++) {
      assertEquals(wantIds[i], (int) gotIds[i], "slot " + i);
    }
    assertArrayEquals(want.distances(), gotDistances);
  }

  @Test
  void aSearchOfABaseLargerThanTheHeap() throws Exception {
    int n = 100_000;
    int d = 256;
    float[] base = gaussian(n, d, 1);
    float[] queries = gaussian(300, d, 2);
    Path baseFile = dir.resolve("base.npy");
    Path queryFile = dir.resolve("queries.npy");
    NpyWriter.writeFloat32(baseFile, n, d, base);
    NpyWriter.writeFloat32(queryFile, 300, d, queries);
    assertTrue(Files.size(baseFile) > 2 * (48L << 20), "the base is twice the heap");

    PythonRunner.Result r = knng("build", "--input", baseFile.toString(), "--queries", queryFile.toString(),
        "--k", "10", "--output", "ids.npy", "--distances", "distances.npy");
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.stderr.contains("reading it in blocks of"), r.stderr);

    KnnResult want = BruteForceEngine.create(KnnOptions.defaults().withK(10))
        .search(Vectors.wrap(base, d), Vectors.wrap(queries, d));
    assertSame(want, dir.resolve("ids.npy"), dir.resolve("distances.npy"));
  }

  @Test
  void aSelfJoinOfAFileLargerThanTheHeap() throws Exception {
    int n = 13_000; // 53 MB: wide rows, so that the file passes the heap with a third of the pairs
    int d = 1_024;
    float[] points = gaussian(n, d, 3);
    Path file = dir.resolve("points.npy");
    NpyWriter.writeFloat32(file, n, d, points);
    assertTrue(Files.size(file) > (48L << 20), "the file is larger than the heap");

    PythonRunner.Result r = knng("build", "--input", file.toString(), "--k", "10", "--output", "ids.npy",
        "--distances", "distances.npy");
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.stderr.contains("reading it in blocks of"), r.stderr);

    KnnResult want = BruteForceEngine.create(KnnOptions.defaults().withK(10)).graph(Vectors.wrap(points, d));
    assertSame(want, dir.resolve("ids.npy"), dir.resolve("distances.npy"));
  }

  @Test
  void theMemoryBudgetCapsTheHeapUnlessJavaOptsSetsOne() throws Exception {
    Path file = dir.resolve("points.npy");
    NpyWriter.writeFloat32(file, 1000, 8, gaussian(1000, 8, 4));
    String[] build = {"build", "--input", file.toString(), "--k", "5", "--output", "ids.npy",
        "--memory", "40m"};
    // Without the cap the garbage of a run read in blocks grows the heap past the budget.
    PythonRunner.Result capped = knngWith("-XX:+PrintFlagsFinal", build);
    assertEquals(0, capped.exitCode, capped.toString());
    assertEquals(42L << 20, maxHeapSize(capped.stdout), "--memory 40m plus the survivor space");
    PythonRunner.Result own = knngWith("-Xmx64m -XX:+PrintFlagsFinal", build);
    assertEquals(0, own.exitCode, own.toString());
    assertEquals(64L << 20, maxHeapSize(own.stdout), "JAVA_OPTS's -Xmx wins");
    PythonRunner.Result small = knngWith("-Xmx32m", build);
    assertEquals(2, small.exitCode, small.toString());
    assertTrue(small.stderr.startsWith("error: --memory 40m is more than the ")
        && small.stderr.contains("raise it to -Xmx42m"), small.stderr);
    // A heap as small as the young generation the launcher gives larger ones: no JVM warning.
    String[] tiny = build.clone();
    tiny[tiny.length - 1] = "12m";
    PythonRunner.Result quiet = knngWith("-XX:+PrintFlagsFinal", tiny);
    assertEquals(0, quiet.exitCode, quiet.toString());
    assertEquals(16L << 20, maxHeapSize(quiet.stdout));
    assertFalse(quiet.stderr.contains("warning"), quiet.stderr);
  }

  @Test
  void aRunThatCannotFitIsRefusedBeforeAnyWork() throws Exception {
    // 200,000 x 64 with k = 100 as a sparse matrix: its result alone is larger than the heap.
    int n = 200_000;
    int d = 64;
    Path file = dir.resolve("points.npy");
    NpyWriter.writeFloat32(file, n, d, new float[n * d]);
    PythonRunner.Result r = knng("build", "--input", file.toString(), "--k", "100", "--output", "g.npz");
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(r.stderr.startsWith("error: this run needs about "), r.stderr);
    assertEquals(1, r.stderr.strip().lines().count(), r.stderr);
    assertTrue(!Files.exists(dir.resolve("g.npz")));
  }

  /**
   * A text input is read whole before the run can be planned (its shape is not known until then):
   * one that does not fit in the heap is refused naming the file and the way out, exit 2 and no
   * output, with --dry-run too, not an out-of-memory error.
   */
  @Test
  void aTextInputLargerThanTheHeapIsRefusedByName() throws Exception {
    float[] values = gaussian(200_000, 32, 5);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      text.append(values[i]).append(i % 32 == 31 ? '\n' : ',');
    }
    Path file = Files.writeString(dir.resolve("points.csv"), text);
    for (String[] extra : new String[][] {{}, {"--dry-run"}}) {
      List<String> args = new ArrayList<>(List.of("build", "--input", file.toString(), "--k", "10",
          "--output", "g.npz"));
      args.addAll(List.of(extra));
      PythonRunner.Result r = knng(args.toArray(new String[0]));
      assertEquals(2, r.exitCode, r.toString());
      assertTrue(r.stderr.startsWith("error: " + file + ": does not fit in the heap while it is read whole"),
          r.stderr);
      assertTrue(r.stderr.contains("; as a .npy (knng convert, with more heap) it is read in blocks"), r.stderr);
      assertEquals(1, r.stderr.strip().lines().count(), r.stderr);
      assertFalse(Files.exists(dir.resolve("g.npz")));
    }
    // eval reads its vectors whole too.
    Path ids = dir.resolve("ids.npy");
    NpyWriter.writeInt32(ids, 200_000, 1, new int[200_000]);
    PythonRunner.Result r = knng("eval", "--input", file.toString(), "--graph", ids.toString());
    assertEquals(2, r.exitCode, r.toString());
    assertTrue(r.stderr.startsWith("error: " + file + ": does not fit in the heap while it is read whole"),
        r.stderr);
  }
}
