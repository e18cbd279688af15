package org.knng.io;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs small Python scripts with the system interpreter ({@code /usr/bin/python3}, where Debian's
 * {@code python3-scipy} lives) to check that the real clients read what knng writes.
 *
 * <p>Tests call {@link #assumeModules} first: when a module is missing the test is skipped, unless
 * the environment sets {@code KNNG_REQUIRE_PYTHON=1} (CI does), in which case it fails.
 */
final class PythonRunner {
  /** The interpreter: the system one, not whatever {@code python3} is first on the PATH. */
  static final String PYTHON = "/usr/bin/python3";
  /** The environment variable that turns a missing interpreter or module into a failure. */
  static final String REQUIRE = "KNNG_REQUIRE_PYTHON";
  private static final long TIMEOUT_SECONDS = 120;

  private PythonRunner() {}

  /**
   * Skips the calling test (or fails it under {@code KNNG_REQUIRE_PYTHON=1}) unless the
   * interpreter can import every module.
   *
   * @param modules e.g. {@code "numpy", "scipy"}
   */
  static void assumeModules(String... modules) {
    String problem = null;
    if (!Files.isExecutable(Path.of(PYTHON))) {
      problem = PYTHON + " is not installed";
    } else {
      Result r = exec("import " + String.join(", ", modules));
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
   * Runs a script, with the files as {@code sys.argv[1:]}.
   *
   * @param script Python source, passed with {@code -c}
   * @param files arguments for the script
   * @return everything the script printed to stdout
   */
  static String run(String script, Path... files) {
    Result r = exec(script, files);
    if (r.exitCode != 0) {
      fail("python exited with status " + r.exitCode + "\n--- script ---\n" + script + "\n--- stderr ---\n" + r.stderr);
    }
    return r.stdout;
  }

  private static final class Result {
    final int exitCode;
    final String stdout;
    final String stderr;

    Result(int exitCode, String stdout, String stderr) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }
  }

  private static Result exec(String script, Path... files) {
    List<String> command = new ArrayList<>(List.of(PYTHON, "-c", script));
    for (Path f : files) {
      command.add(f.toString());
    }
    Path errors = null;
    try {
      // stderr goes to a file so that neither pipe can fill up and block the process.
      errors = Files.createTempFile("knng-python-", ".err");
      Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("python did not finish within " + TIMEOUT_SECONDS + " s");
      }
      return new Result(p.exitValue(), out, Files.readString(errors));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (errors != null) {
        try {
          Files.deleteIfExists(errors);
        } catch (IOException ignored) {
          // a stray temp file is not worth failing a test for
        }
      }
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }
}
