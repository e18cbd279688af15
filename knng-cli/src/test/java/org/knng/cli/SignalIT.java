package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.knng.io.NpyWriter;

/**
 * A real signal sent to a running {@code ./knng build} while it writes its outputs (a large CSV
 * edge list, then edge_index and distances): the JVM stops, and no output and no temporary file
 * remains, and the output file that existed before the run is untouched; the same for {@code knng
 * spark} writing Parquet.
 */
class SignalIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "SIG{0}")
  @ValueSource(strings = {"TERM", "INT"})
  void aSignalWhileWritingLeavesNothingAndTheOldOutputUntouched(String signal) throws Exception {
    // 20,000 random 8-d points, k = 400: 8 million edges, a CSV of a few hundred MB, written for
    // seconds after a search of about one.
    Path input = randomPoints(20_000, 8, 11);
    Path output = Files.writeString(dir.resolve("graph.csv"), "the previous graph\n");
    byte[] before = Files.readAllBytes(output);
    Path edgeIndex = dir.resolve("edge-index.npy");
    Path distances = dir.resolve("distances.npy");
    Process p = start(new File("/dev/null"), "build", "--input", input.toString(), "--k", "400",
        "--mode", "distance", "--output", output.toString(), "--edge-index", edgeIndex.toString(),
        "--distances", distances.toString(), "--quiet");
    stopWhileWriting(p, () -> temporaryFiles().stream().anyMatch(f -> size(f) > 1_000_000), 0, signal);
    assertEquals(List.of(), temporaryFiles(), "no temporary file remains");
    assertArrayEquals(before, Files.readAllBytes(output), "the previous output is untouched");
    assertFalse(Files.exists(edgeIndex), "no other output was written");
    assertFalse(Files.exists(distances), "no other output was written");
  }

  /**
   * The same for {@code knng spark} writing a Parquet directory: its temporary directory goes (the
   * tasks may still be writing into it as the JVM stops), nothing is printed for the tasks the stop
   * cut short.
   */
  @ParameterizedTest(name = "SIG{0}")
  @ValueSource(strings = {"TERM", "INT"})
  void aSignalWhileSparkWritesParquetLeavesNothing(String signal) throws Exception {
    Path input = randomPoints(60_000, 16, 12); // about 15 s to the end
    Path output = dir.resolve("graph.parquet");
    Path log = dir.resolve("stderr.txt");
    Process p = start(log.toFile(), "spark", "--master", "local[2]", "--input", input.toString(),
        "--k", "60", "--output", output.toString(), "--quiet");
    // 0.3 s after the temporary directory appears, the tasks are writing their part files.
    stopWhileWriting(p, () -> !temporaryFiles().isEmpty(), 300, signal);
    assertEquals(List.of(), temporaryFiles(), "no temporary directory remains");
    assertFalse(Files.exists(output), "no output");
    assertEquals("", Files.readString(log), "nothing printed for a stopped run");
  }

  private Path randomPoints(int n, int d, long seed) throws IOException {
    Random random = new Random(seed);
    float[] values = new float[n * d];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    Path input = dir.resolve("points.npy");
    NpyWriter.writeFloat32(input, n, d, values);
    return input;
  }

  /** Starts {@code ./knng ARGS} in the test's directory, its stderr into {@code stderr}. */
  private Process start(File stderr, String... args) throws IOException {
    // env --default-signal: a process started with SIGINT ignored (any job a non-interactive
    // shell put in the background, and so this JVM when CI was) passes that on to its children,
    // and a JVM that starts with SIGINT ignored leaves it ignored, as it should: reset it here.
    Launcher.prepare();
    List<String> command = new java.util.ArrayList<>(List.of("env", "--default-signal=INT,TERM",
        Launcher.ROOT.resolve("knng").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(new File("/dev/null")).redirectError(stderr);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb.start();
  }

  /** A check of the test's directory that may meet files being moved. */
  private interface Check {
    boolean holds() throws IOException;
  }

  /**
   * Waits until {@code writing} holds (at most 3 minutes), {@code settleMillis} more, then sends
   * the signal; the run must stop, not with exit 0.
   */
  private static void stopWhileWriting(Process p, Check writing, long settleMillis, String signal)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    boolean seen = false;
    while (!seen && p.isAlive() && System.nanoTime() < deadline) {
      seen = writing.holds();
      Thread.sleep(10);
    }
    if (!seen) {
      p.destroyForcibly();
      fail("the run ended (exit " + (p.isAlive() ? "none" : p.exitValue()) + ") before it was seen writing");
    }
    Thread.sleep(settleMillis);
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
    assertEquals(0, kill.waitFor(), "kill -" + signal);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run stops after SIG" + signal);
    assertTrue(p.exitValue() != 0, "a stopped run does not exit 0");
  }

  private List<Path> temporaryFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().contains(".tmp-")).toList();
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0; // moved or deleted meanwhile
    }
  }
}
