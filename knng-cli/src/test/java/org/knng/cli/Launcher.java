package org.knng.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs real processes for the integration tests: the {@code ./knng} launcher at the repository
 * root and {@code /usr/bin/python3} with Debian's scipy and scikit-learn.
 */
final class Launcher {
  /** Repository root, passed by failsafe as {@code knng.root}. */
  static final Path ROOT = Path.of(System.getProperty("knng.root", "..")).toAbsolutePath().normalize();
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private Launcher() {}

  /** What a finished process left behind. */
  static final class Result {
    final int exit;
    final String stdout;
    final String stderr;

    Result(int exit, String stdout, String stderr) {
      this.exit = exit;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /** Runs {@code ./knng args} from {@code cwd} with the JDK running the tests as JAVA_HOME. */
  static Result knng(Path cwd, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("knng").toString());
    command.addAll(Arrays.asList(args));
    return run(cwd, Map.of("JAVA_HOME", System.getProperty("java.home")), command);
  }

  /**
   * Runs a Python script from the test resources with {@code /usr/bin/python3}. Skips the test if
   * scipy or scikit-learn is missing, unless {@code KNNG_REQUIRE_PYTHON=1} (as in CI), where that
   * is a failure.
   */
  static Result python(Path cwd, String resource, String... args) throws IOException, InterruptedException {
    requirePythonStack();
    Path script = cwd.resolve(Path.of(resource).getFileName());
    try (InputStream in = Launcher.class.getResourceAsStream("/interop/" + resource)) {
      if (in == null) {
        fail("missing test resource interop/" + resource);
      }
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
    command.addAll(Arrays.asList(args));
    return run(cwd, Map.of(), command);
  }

  /** Runs an inline Python program (for short checks). */
  static Result pythonInline(Path cwd, String program) throws IOException, InterruptedException {
    requirePythonStack();
    return run(cwd, Map.of(), List.of(PYTHON.toString(), "-c", program));
  }

  static void requirePythonStack() throws IOException, InterruptedException {
    boolean present = Files.isExecutable(PYTHON)
        && run(Path.of("."), Map.of(), List.of(PYTHON.toString(), "-c", "import numpy, scipy, sklearn")).exit == 0;
    if (!present) {
      String why = PYTHON + " with numpy, scipy and scikit-learn is not available"
          + " (Debian: apt-get install python3-scipy python3-sklearn)";
      if ("1".equals(System.getenv("KNNG_REQUIRE_PYTHON"))) {
        fail(why + ", and KNNG_REQUIRE_PYTHON=1 says these tests must run");
      }
      Assumptions.abort(why);
    }
  }

  static Result run(Path cwd, Map<String, String> env, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    CompletableFuture<String> out = readAsync(p.getInputStream());
    CompletableFuture<String> err = readAsync(p.getErrorStream());
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("timed out: " + command);
    }
    return new Result(p.exitValue(), out.join(), err.join());
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }
}
