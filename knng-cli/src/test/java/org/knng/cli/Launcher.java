package org.knng.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.knng.testing.PythonRunner;

/**
 * Runs the {@code ./knng} launcher at the repository root and the Python scripts of the test
 * resources, for the integration tests.
 */
final class Launcher {
  /** Repository root, passed by failsafe as {@code knng.root}. */
  static final Path ROOT = Path.of(System.getProperty("knng.root", "..")).toAbsolutePath().normalize();

  private Launcher() {}

  private static boolean prepared;

  /**
   * Runs {@code ./knng args} from {@code cwd} with the JDK running the tests as JAVA_HOME, after
   * {@link #prepare}.
   */
  static PythonRunner.Result knng(Path cwd, String... args) {
    prepare();
    return run(cwd, args);
  }

  /**
   * Runs {@code ./knng --version} once per test JVM: the launcher's one-time preparation for this
   * JDK (and its note on stderr) then happens here, not in a test that checks a run's output.
   */
  static synchronized void prepare() {
    if (!prepared) {
      prepared = true;
      PythonRunner.Result r = run(ROOT, "--version");
      if (r.exitCode != 0) {
        fail("./knng --version: exit " + r.exitCode + "\n" + r.stderr);
      }
    }
  }

  private static PythonRunner.Result run(Path cwd, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("knng").toString());
    command.addAll(Arrays.asList(args));
    return PythonRunner.exec(cwd, Map.of("JAVA_HOME", System.getProperty("java.home")), command);
  }

  /**
   * Runs a Python script of the test resources ({@code interop/NAME}); skips the test when
   * numpy, scipy or scikit-learn is missing, unless {@code KNNG_REQUIRE_PYTHON=1}.
   */
  static PythonRunner.Result python(Path cwd, String resource, String... args) throws IOException {
    PythonRunner.assumeModules("numpy", "scipy", "sklearn");
    Path script = cwd.resolve(resource);
    try (InputStream in = Launcher.class.getResourceAsStream("/interop/" + resource)) {
      if (in == null) {
        fail("missing test resource interop/" + resource);
      }
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    return PythonRunner.runFile(cwd, script, args);
  }
}
