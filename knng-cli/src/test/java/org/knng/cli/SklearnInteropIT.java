package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.knng.testing.PythonRunner;

/**
 * Our exact graphs against scikit-learn's {@code kneighbors_graph} (Debian {@code python3-sklearn})
 * on iris, digits, random data with planted duplicates and integer data with exact ties, for every
 * metric, both modes and include-self both ways. The comparison (compare_sklearn.py) is tie-tolerant:
 * neighbours may differ only among candidates at exactly the k-th distance. The graphs are written
 * by the {@code build} command run in this JVM (the launcher has its own tests, LauncherIT), about
 * forty runs that would otherwise each start a JVM.
 */
class SklearnInteropIT {
  @TempDir static Path dir;

  private static final String[][] RUNS = {
    // metric, k, mode, include-self
    {"euclidean", "10", "distance", "0"},
    {"euclidean", "5", "connectivity", "1"},
    {"sqeuclidean", "7", "distance", "0"},
    {"cosine", "10", "distance", "0"},
    {"cosine", "4", "distance", "1"},
    {"manhattan", "6", "distance", "0"},
    {"inner-product", "5", "distance", "0"},
    {"euclidean", "1", "distance", "0"},
  };

  @ParameterizedTest
  @ValueSource(strings = {"iris", "digits", "duplicates", "grid"})
  void exactGraphsAgreeWithScikitLearn(String dataset) throws Exception {
    synchronized (SklearnInteropIT.class) {
      if (!dir.resolve("iris.npy").toFile().exists()) {
        PythonRunner.Result made = Launcher.python(dir, "make_datasets.py", dir.toString());
        assertEquals(0, made.exitCode, made.toString());
      }
    }
    Path data = dir.resolve(dataset + ".npy");
    List<String> compare = new ArrayList<>(List.of(data.toString()));
    for (int i = 0; i < RUNS.length; i++) {
      String[] run = RUNS[i];
      if (dataset.equals("grid") && run[0].equals("cosine")) {
        continue; // the integer grid contains the all-zero vector, which cosine rejects by design
      }
      Path out = dir.resolve(dataset + "-" + i + ".npz");
      List<String> args = new ArrayList<>(List.of("build", "--input", data.toString(), "--k", run[1],
          "--metric", run[0], "--mode", run[2], "--output", out.toString(), "--quiet"));
      if (run[3].equals("1")) {
        args.add("--include-self");
      }
      CliRun r = CliRun.of(args.toArray(new String[0]));
      assertEquals(0, r.exit(), r.toString());
      compare.addAll(List.of(out.toString(), run[0], run[1], run[2], run[3]));
    }
    PythonRunner.Result check = Launcher.python(dir, "compare_sklearn.py", compare.toArray(new String[0]));
    assertEquals(0, check.exitCode, check.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"euclidean", "manhattan", "cosine"})
  void radiusGraphsAgreeWithScikitLearn(String metric) throws Exception {
    synchronized (SklearnInteropIT.class) {
      if (!dir.resolve("iris.npy").toFile().exists()) {
        PythonRunner.Result made = Launcher.python(dir, "make_datasets.py", dir.toString());
        assertEquals(0, made.exitCode, made.toString());
      }
    }
    Path data = dir.resolve("duplicates.npy"); // 400 x 13 gaussian with planted copies
    String radius = metric.equals("cosine") ? "0.45" : metric.equals("manhattan") ? "9.0" : "3.2";
    for (String k : new String[] {"0", "4"}) {
      Path out = dir.resolve("radius-" + metric + "-" + k + ".npz");
      List<String> args = new ArrayList<>(List.of("build", "--input", data.toString(), "--metric", metric,
          "--radius", radius, "--mode", "distance", "--output", out.toString(), "--quiet"));
      if (!k.equals("0")) {
        args.addAll(List.of("--k", k));
      }
      CliRun r = CliRun.of(args.toArray(new String[0]));
      assertEquals(0, r.exit(), r.toString());
      PythonRunner.Result check = Launcher.python(dir, "compare_radius.py", data.toString(), out.toString(),
          metric, radius, k);
      assertEquals(0, check.exitCode, check.toString());
      org.junit.jupiter.api.Assertions.assertTrue(check.stdout.startsWith("ok "), check.stdout);
    }
  }
}
