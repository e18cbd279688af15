package org.knng.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs real processes for the interop tests: Python scripts with the system interpreter ({@code
 * /usr/bin/python3}, where Debian's {@code python3-scipy} and {@code python3-sklearn} live), and
 * any other command (the CLI tests run {@code ./knng} with it). Shared by knng-core's tests and,
 * through the test jar, knng-cli's.
 *
 * <p>Tests call {@link #assumeModules} first: when a module is missing the test is skipped, unless
 * the environment sets {@code KNNG_REQUIRE_PYTHON=1} (CI does), in which case it fails.
 */
public final class PythonRunner {
  /** The interpreter: the system one, not whatever {@code python3} is first on the PATH. */
  public static final String PYTHON = "/usr/bin/python3";
  /** The environment variable that turns a missing interpreter or module into a failure. */
  public static final String REQUIRE = "KNNG_REQUIRE_PYTHON";
  private static final long TIMEOUT_SECONDS = 600;

  private PythonRunner() {}

  /** Exit code and output of a finished process. */
  public static final class Result {
    /** The exit code. */
    public final int exitCode;
    /** Everything written to standard output. */
    public final String stdout;
    /** Everything written to standard error. */
    public final String stderr;

    Result(int exitCode, String stdout, String stderr) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /**
   * Skips the calling test (or fails it under {@code KNNG_REQUIRE_PYTHON=1}) unless the
   * interpreter can import every module.
   *
   * @param modules e.g. {@code "numpy", "scipy"}
   */
  public static void assumeModules(String... modules) {
    String problem = null;
    if (!Files.isExecutable(Path.of(PYTHON))) {
      problem = PYTHON + " is not installed";
    } else {
      Result r = python("import " + String.join(", ", modules));
      if (r.exitCode != 0) {
        problem = PYTHON + " cannot import " + String.join(", ", modules) + ": " + lastLine(r.stderr);
      }
    }
    if (problem == null) {
      return;
    }
    if ("1".equals(System.getenv(REQUIRE))) {
      fail(REQUIRE + "=1 but " + problem);
    }
    Assumptions.abort(problem + " (set " + REQUIRE + "=1 to make this a failure)");
  }

  /**
   * Runs a script, with the files as {@code sys.argv[1:]}, and fails the test if it fails.
   *
   * @param script Python source, passed with {@code -c}
   * @param files arguments for the script
   * @return everything the script printed to stdout
   */
  public static String run(String script, Path... files) {
    Result r = python(script, Arrays.stream(files).map(Path::toString).toArray(String[]::new));
    if (r.exitCode != 0) {
      fail("python exited with status " + r.exitCode + "\n--- script ---\n" + script + "\n--- stderr ---\n" + r.stderr);
    }
    return r.stdout;
  }

  /**
   * Runs a Python script file.
   *
   * @param cwd working directory
   * @param script the script
   * @param args its arguments
   * @return what it did
   */
  public static Result runFile(Path cwd, Path script, String... args) {
    List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
    command.addAll(Arrays.asList(args));
    return exec(cwd, Map.of(), command);
  }

  private static Result python(String script, String... args) {
    List<String> command = new ArrayList<>(List.of(PYTHON, "-c", script));
    command.addAll(Arrays.asList(args));
    return exec(Path.of("."), Map.of(), command);
  }

  /**
   * Runs any command to completion with no standard input.
   *
   * @param cwd working directory
   * @param env variables added to the inherited environment
   * @param command the program and its arguments
   * @return what it did
   */
  public static Result exec(Path cwd, Map<String, String> env, List<String> command) {
    Path out = null;
    Path err = null;
    try {
      // Output goes to files so that neither pipe can fill up and block the process.
      out = Files.createTempFile("knng-process-", ".out");
      err = Files.createTempFile("knng-process-", ".err");
      ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
          .redirectInput(new File("/dev/null")).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("NUMBA_CACHE_DIR", numbaCache().toString());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(command + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static Path numbaCache;

  /**
   * numba's cache for the Python processes of this test run (umap-learn and pynndescent compile
   * their functions with it): one directory per JVM, removed at exit. The system's own cache, in
   * the packages' {@code __pycache__}, grows an entry for every run until loading it costs more
   * than compiling (pynndescent's index seeded with a graph: 170 s against 16 s fresh, 12 s
   * cached), so the tests neither read nor grow it.
   */
  private static synchronized Path numbaCache() throws IOException {
    if (numbaCache == null) {
      Path dir = Files.createTempDirectory("knng-numba-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(PythonRunner::deleteQuietly);
        } catch (IOException ignored) {
          // a stray temp directory is not worth failing a test run for
        }
      }));
      numbaCache = dir;
    }
    return numbaCache;
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a stray temp file is not worth failing a test for
      }
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }
}
