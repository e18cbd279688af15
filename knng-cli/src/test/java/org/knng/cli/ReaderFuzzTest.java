package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Coverage-guided fuzzing of every reader through the command line (Jazzer): the first byte of
 * an input picks the format and the command that reads it, the rest is the file. Each input must
 * be read (exit 0, the output written) or refused (exit 2, one {@code error:} line, nothing
 * written): never an internal error, a stack trace or an out-of-memory failure.
 *
 * <p>Without {@code JAZZER_FUZZ=1} this runs the saved inputs under {@code
 * src/test/resources/org/knng/cli/ReaderFuzzTestInputs/readers} (a valid file of each format as
 * seeds, and every input fuzzing ever found to fail) as regression tests. With it, Jazzer mutates
 * them, guided by the branches they reach, for the duration below ({@code .ci/run} does this once)
 * and saves any failing input there.
 */
class ReaderFuzzTest {
  /** Extension of the fuzzed file and what reads it, by the input's first byte. */
  private static final String[][] TARGETS = {
      {".npy", "build"}, {".fvecs", "build"}, {".bvecs", "build"}, {".csv", "build"}, {".hdf5", "build"},
      {".npz", "build"}, {".npz", "eval"}, {".npy", "eval"}, {".ivecs", "eval"}, {".mtx", "convert"},
      {".csv", "convert"}, {".npy", "convert"}};

  private static final Path BASE = base();

  /** A qualified Java exception or error class name, as a stack trace or a raw message shows it. */
  private static final java.util.regex.Pattern JAVA_CLASS =
      java.util.regex.Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error)\\b");

  /** The points a graph or ids file is evaluated against (60 x 4, as the seeds were made). */
  private static Path base() {
    try {
      Path dir = Files.createTempDirectory("knng-fuzz");
      Path base = dir.resolve("base.npy");
      float[] values = new float[60 * 4];
      for (int i = 0; i < values.length; i++) {
        values[i] = (i * 37) % 256;
      }
      org.knng.io.NpyWriter.writeFloat32(base, 60, 4, values);
      return base;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void readers(byte[] input) throws IOException {
    if (input.length == 0) {
      return;
    }
    String[] target = TARGETS[(input[0] & 0xFF) % TARGETS.length];
    Path dir = Files.createTempDirectory(BASE.getParent(), "run");
    try {
      Path file = dir.resolve("input" + target[0]);
      Files.write(file, Arrays.copyOfRange(input, 1, input.length));
      Path out = dir.resolve(target[1].equals("convert") ? "out.npz" : "out.npy");
      Path report = dir.resolve("report.json");
      CliRun r;
      switch (target[1]) {
        case "build":
          r = CliRun.of("build", "--quiet", "--input", file.toString(), "--k", "3", "--output", out.toString(),
              "--memory", "256m");
          break;
        case "eval":
          r = CliRun.of("eval", "--quiet", "--input", BASE.toString(), "--graph", file.toString(), "--k", "2",
              "--report", report.toString());
          out = report;
          break;
        default:
          r = CliRun.of("convert", "--quiet", file.toString(), out.toString());
      }
      String what = String.join(" ", target) + ": exit " + r.exit() + ": " + r.err();
      if (r.exit() == 0) {
        assertTrue(Files.exists(out), what);
        return;
      }
      assertEquals(2, r.exit(), what);
      assertEquals(1, r.err().strip().split("\n").length, what);
      assertTrue(r.err().startsWith("error: ") && !r.err().startsWith("error: internal error"), what);
      // No Java exception named, unless the message quotes it from the file (the fuzzer learns
      // such words from the checks here and writes them into its inputs).
      String content = new String(input, java.nio.charset.StandardCharsets.ISO_8859_1);
      java.util.regex.Matcher named = JAVA_CLASS.matcher(r.err());
      while (named.find()) {
        assertTrue(content.contains(named.group()), what);
      }
      assertFalse(r.err().contains("\tat ") && !content.contains("\tat "), what);
      assertFalse(Files.exists(out), what);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
