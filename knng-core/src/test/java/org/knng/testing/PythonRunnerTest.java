package org.knng.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The helper itself: a missing module skips, or fails under KNNG_REQUIRE_PYTHON=1. */
class PythonRunnerTest {

  @Test
  void missingModuleSkipsOrFailsAsTheEnvironmentSays() {
    Class<? extends Throwable> expected =
        "1".equals(System.getenv(PythonRunner.REQUIRE)) ? AssertionFailedError.class : TestAbortedException.class;
    Throwable t = assertThrows(Throwable.class, () -> PythonRunner.assumeModules("knng_no_such_module"));
    assertEquals(expected, t.getClass(), t.toString());
  }

  @Test
  void runPassesFilesAndReturnsStdout() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PythonRunner.PYTHON)), "no " + PythonRunner.PYTHON);
    assertEquals("a b\n", PythonRunner.run("import sys; print(*sys.argv[1:])", Path.of("a"), Path.of("b")));
  }

  @Test
  void failingScriptFailsWithItsStderr() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PythonRunner.PYTHON)), "no " + PythonRunner.PYTHON);
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> PythonRunner.run("import sys; sys.stderr.write('boom here'); sys.exit(3)"));
    assertTrue(e.getMessage().contains("status 3") && e.getMessage().contains("boom here"), e.getMessage());
  }

  /**
   * The Python processes of one test run share a numba cache of their own, a fresh temporary
   * directory, never the packages' {@code __pycache__} (whose size grows with every run).
   */
  @Test
  void pythonProcessesShareAFreshNumbaCacheOfTheirOwn() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PythonRunner.PYTHON)), "no " + PythonRunner.PYTHON);
    String script = "import os; print(os.environ.get('NUMBA_CACHE_DIR', ''))";
    String first = PythonRunner.run(script).strip();
    String second = PythonRunner.run(script).strip();
    assertEquals(first, second, "one cache for the whole run");
    Path cache = Path.of(first);
    assertTrue(cache.isAbsolute() && Files.isDirectory(cache) && Files.isWritable(cache), first);
    assertTrue(cache.startsWith(Path.of(System.getProperty("java.io.tmpdir")).toRealPath())
        || cache.startsWith(Path.of(System.getProperty("java.io.tmpdir"))), first);
    assertTrue(cache.getFileName().toString().startsWith("knng-numba-"), first);
  }
}
