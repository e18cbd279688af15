package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.testing.PythonRunner;

/**
 * The Python package ({@code python/}) against the jar this build made: its pytest suite
 * (scikit-learn's own graph tests, estimator checks, Isomap / TSNE / SpectralClustering / DBSCAN,
 * PyG and UMAP), and {@code pip install} into a fresh virtual environment followed by the README's
 * "From Python" examples. Skipped without the Python packages, unless {@code KNNG_REQUIRE_PYTHON=1}.
 */
class PythonPackageIT {
  private static final Path JAR = Launcher.ROOT.resolve("knng-cli/target/knng.jar");

  /**
   * The environment of a Python run: the JDK of this build, the jar it made; and Python's fault
   * handler from the start (installed before the JVM, which chains to it), so that a crash prints
   * where it happened. pytest's own fault handler plugin is off (python/pyproject.toml): it
   * removed the JVM's SIGSEGV handler at the session's end, and one CI run in several then died
   * at exit (139) after every test had passed.
   */
  private static Map<String, String> env(String pythonPath) {
    return Map.of("JAVA_HOME", System.getProperty("java.home"), "KNNG_JAR", JAR.toString(),
        "PYTHONPATH", pythonPath, "PYTHONDONTWRITEBYTECODE", "1", "PYTHONFAULTHANDLER", "1");
  }

  @Test
  void pytestSuitePasses() {
    PythonRunner.assumeModules("numpy", "scipy", "sklearn", "pytest", "jpype", "torch", "umap");
    PythonRunner.Result r = PythonRunner.exec(Launcher.ROOT, env(Launcher.ROOT.resolve("python").toString()),
        List.of(PythonRunner.PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "python/tests"));
    assertEquals(0, r.exitCode, "pytest python/tests failed:\n" + tail(r.stdout) + "\n" + tail(r.stderr));
    assertTrue(r.stdout.contains(" passed"), r.stdout);
    assertFalse(r.stdout.contains(" skipped"), "no Python test may be skipped here:\n" + tail(r.stdout));
  }

  @Test
  void pipInstallThenTheReadmeExamplesRun(@TempDir Path dir) throws IOException {
    PythonRunner.assumeModules("numpy", "scipy", "sklearn", "jpype", "torch", "umap", "ensurepip");
    Path venv = dir.resolve("venv");
    PythonRunner.Result made = PythonRunner.exec(dir, Map.of(),
        List.of(PythonRunner.PYTHON, "-m", "venv", "--system-site-packages", venv.toString()));
    assertEquals(0, made.exitCode, made.toString());
    // No build isolation: the virtual environment's setuptools builds it, so no package index is
    // needed (CI machines reach none).
    PythonRunner.Result installed = PythonRunner.exec(dir, env(""),
        List.of(venv.resolve("bin/pip").toString(), "install", "-q", "--no-build-isolation",
            Launcher.ROOT.resolve("python").toString()));
    assertEquals(0, installed.exitCode, installed.toString());
    List<String> examples = readmePythonExamples();
    assertTrue(examples.size() >= 3, "the README's From Python section has its examples");
    for (String example : examples) {
      Path script = dir.resolve("example.py");
      Files.writeString(script, example);
      // Run from an empty directory with no PYTHONPATH: the installed package, its bundled jar.
      PythonRunner.Result r = PythonRunner.exec(dir, Map.of("JAVA_HOME", System.getProperty("java.home")),
          List.of(venv.resolve("bin/python").toString(), script.toString()));
      assertEquals(0, r.exitCode, "README example failed:\n" + example + "\n" + r);
      checkArrows(example, r.stdout);
    }
  }

  /** The ```python blocks of the README's "From Python" section. */
  private static List<String> readmePythonExamples() throws IOException {
    String readme = Files.readString(Launcher.ROOT.resolve("README.md"));
    int start = readme.indexOf("\n## From Python");
    assertTrue(start >= 0, "README has a From Python section");
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```python\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /** Each {@code print(...)  # → TEXT} line of an example printed a line starting with TEXT, in order. */
  private static void checkArrows(String example, String stdout) {
    List<String> expected = new ArrayList<>();
    Matcher m = Pattern.compile("print\\(.*#\\s*→\\s*(.+)$", Pattern.MULTILINE).matcher(example);
    while (m.find()) {
      expected.add(m.group(1).split("  \\(")[0].trim());
    }
    String[] lines = stdout.strip().isEmpty() ? new String[0] : stdout.strip().split("\n");
    assertEquals(expected.size(), lines.length, "printed lines of\n" + example + "\n" + stdout);
    for (int i = 0; i < lines.length; i++) {
      assertEquals(expected.get(i), lines[i].trim(), "line " + (i + 1) + " of\n" + example);
    }
  }

  private static String tail(String text) {
    return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
  }
}
