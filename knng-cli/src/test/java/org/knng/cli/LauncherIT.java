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
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.graph.SparseGraph;
import org.knng.io.GraphReader;
import org.knng.testing.PythonRunner;

/** The {@code ./knng} launcher as a user runs it: from another directory, on the shipped example. */
class LauncherIT {
  @TempDir Path dir;

  @Test
  void readmeExampleRunsFromAnotherDirectoryAndScipyLoadsTheGraph() throws Exception {
    Path example = Launcher.ROOT.resolve("examples/iris/iris.csv");
    PythonRunner.Result r = Launcher.knng(dir, "build", "--input", example.toString(), "--k", "10",
        "--output", "iris-knn.npz", "--mode", "distance");
    assertEquals(0, r.exitCode, r.toString());
    assertFalse(r.stderr.contains("WARNING: Using incubator modules"), r.stderr);
    assertTrue(Files.isRegularFile(dir.resolve("iris-knn.npz")));
    PythonRunner.assumeModules("numpy", "scipy");
    String printed = PythonRunner.run(String.join("\n",
        "import sys, scipy.sparse as sp, numpy as np",
        "g = sp.load_npz(sys.argv[1])",
        "print(g.format, g.shape[0], g.shape[1], g.nnz, int(g.diagonal().astype(bool).sum()),",
        "      int((g.getnnz(axis=1) == 10).all()), repr(float(g[101, 142])), repr(float(g[142, 101])))"),
        dir.resolve("iris-knn.npz"));
    // 150 x 150, 10 per row, no self-loops; rows 101 and 142 are duplicates: an explicit 0 edge.
    assertEquals("csr 150 150 1500 0 1 0.0 0.0", printed.trim());
  }

  /**
   * The class-data archive the launcher prepares for this JDK maps (with {@code -Xshare:on} a JVM
   * that cannot use it stops), gives the graph a run without it gives, and can be left out.
   */
  @Test
  void classDataArchiveIsMadeOnceAndUsed() throws Exception {
    Launcher.prepare();
    try (Stream<Path> files = Files.list(Launcher.ROOT.resolve("knng-cli/target/cds"))) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa")), "an archive was made");
    }
    Path example = Launcher.ROOT.resolve("examples/iris/iris.csv");
    String javaHome = System.getProperty("java.home");
    List<String> command = List.of(Launcher.ROOT.resolve("knng").toString(), "build", "--input",
        example.toString(), "--k", "10", "--mode", "distance", "--output");
    PythonRunner.Result with = PythonRunner.exec(dir, Map.of("JAVA_HOME", javaHome, "JAVA_OPTS",
        "-Xshare:on -Xlog:cds=info"), concat(command, "with.npz"));
    assertEquals(0, with.exitCode, with.toString());
    assertTrue(with.stdout.contains("target/cds/knng-"), "knng's archive opened: " + with.stdout);
    assertFalse(with.stderr.contains("preparing"), with.stderr); // made once, before
    PythonRunner.Result without = PythonRunner.exec(dir, Map.of("JAVA_HOME", javaHome, "KNNG_NO_CDS", "1",
        "JAVA_OPTS", "-Xlog:cds=info"), concat(command, "without.npz"));
    assertEquals(0, without.exitCode, without.toString());
    assertFalse(without.stdout.contains("knng-cli/target/cds"), "no archive of knng's named: " + without.stdout);
    SparseGraph a = GraphReader.read(dir.resolve("with.npz"));
    SparseGraph b = GraphReader.read(dir.resolve("without.npz"));
    assertEquals(1500, a.indices().length);
    assertArrayEquals(b.indptr(), a.indptr());
    assertArrayEquals(b.indices(), a.indices());
    assertArrayEquals(b.weights(), a.weights());
  }

  /**
   * Where the kernel offers transparent huge pages to programs that ask, the launcher asks for
   * them and commits the heap's first 2 GB (all of it if smaller) from the start, without a warning
   * from the JVM; where it offers none, it does not ask (the JVM would warn on every run). An
   * -Xmx given by the user still caps the heap, and the run still works.
   */
  @Test
  void hugePagesAreAskedForOnlyWhereTheKernelOffersThem() throws Exception {
    Path mode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    String offered = Files.isReadable(mode) ? Files.readString(mode) : "";
    boolean huge = offered.contains("[always]") || offered.contains("[madvise]");
    Path overcommit = Path.of("/proc/sys/vm/overcommit_memory");
    boolean strict = Files.isReadable(overcommit) && Files.readString(overcommit).trim().equals("2");
    String javaHome = System.getProperty("java.home");
    PythonRunner.Result r = PythonRunner.exec(dir, Map.of("JAVA_HOME", javaHome, "JAVA_OPTS",
        "-XX:+PrintFlagsFinal"), List.of(Launcher.ROOT.resolve("knng").toString(), "--version"));
    assertEquals(0, r.exitCode, r.toString());
    // The JVM's warnings go to stdout, as all its unified logging does by default.
    assertFalse((r.stdout + r.stderr).contains("[pagesize]"), r.stderr);
    assertEquals(huge, flag(r.stdout, "UseTransparentHugePages").equals("true"), offered);
    assertEquals("100", flag(r.stdout, "FreqInlineSize"), "the launcher's inlining limit");
    if (huge && !strict) {
      // Committed from the start: the whole heap, or its first 2 GB where it may grow larger (to
      // a hundredth of a percent of the memory, as the launcher gives it; pages of 2 MB).
      long max = Long.parseLong(flag(r.stdout, "MaxHeapSize"));
      long initial = Long.parseLong(flag(r.stdout, "InitialHeapSize"));
      long expected = Math.min(max, 2L << 30);
      assertTrue(initial <= expected + (2 << 20) && initial >= expected * 0.99 - (4 << 20),
          initial + " bytes committed at the start, of at most " + max);
    }
    PythonRunner.Result capped = PythonRunner.exec(dir, Map.of("JAVA_HOME", javaHome, "JAVA_OPTS",
        "-Xmx64m -XX:+PrintFlagsFinal"), List.of(Launcher.ROOT.resolve("knng").toString(), "build",
        "--input", Launcher.ROOT.resolve("examples/iris/iris.csv").toString(), "--k", "5",
        "--output", "capped.npy", "--quiet"));
    assertEquals(0, capped.exitCode, capped.toString());
    assertEquals(String.valueOf(64L << 20), flag(capped.stdout, "MaxHeapSize"));
    assertTrue(Long.parseLong(flag(capped.stdout, "InitialHeapSize")) <= 64L << 20, capped.stdout);
    assertTrue(Files.size(dir.resolve("capped.npy")) > 150 * 5 * 4, "the graph was written");
  }

  /** A flag's value in the output of -XX:+PrintFlagsFinal. */
  private static String flag(String flags, String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s" + name + "\\s+=\\s+(\\S+)")
        .matcher(flags);
    assertTrue(m.find(), name + " in " + flags.length() + " characters of flags");
    return m.group(1);
  }

  private static List<String> concat(List<String> command, String last) {
    List<String> all = new ArrayList<>(command);
    all.add(last);
    return all;
  }

  /**
   * The README's point-cloud example: a shuffled batch of clouds with {@code --groups} and {@code
   * --edge-index}, checked against scipy's cKDTree run on each cloud alone (the distances of each
   * point's neighbours, sorted, must agree), as PyTorch Geometric's {@code knn_graph(pos, k,
   * batch)} would build it.
   */
  @Test
  void pointCloudExampleMatchesAPerCloudKdTree() throws Exception {
    Path clouds = Launcher.ROOT.resolve("examples/clouds/clouds.npy");
    Path labels = Launcher.ROOT.resolve("examples/clouds/clouds.labels.txt");
    PythonRunner.Result r = Launcher.knng(dir, "build", "--input", clouds.toString(), "--groups",
        labels.toString(), "--k", "16", "--output", "clouds-knn.npz", "--edge-index",
        "clouds-edge-index.npy");
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.stderr.contains("auto: kdtree"), r.stderr);
    PythonRunner.assumeModules("numpy", "scipy");
    String printed = PythonRunner.run(String.join("\n",
        "import sys, numpy as np, scipy.sparse as sp",
        "from scipy.spatial import cKDTree",
        "X = np.load(sys.argv[1]); lab = np.loadtxt(sys.argv[2], dtype=np.int64)",
        "ei = np.load(sys.argv[3]); g = sp.load_npz(sys.argv[4]).tocsr()",
        "src, dst = ei  # source_to_target: row 0 the neighbour, row 1 the centre",
        "ok = ei.dtype == np.int64 and ei.shape == (2, 16 * len(X))",
        "ok &= bool((lab[src] == lab[dst]).all()) and bool((src != dst).all())",
        "ok &= bool((np.bincount(dst, minlength=len(X)) == 16).all()) and g.nnz == ei.shape[1]",
        "worst = 0.0",
        "for c in np.unique(lab):",
        "    rows = np.flatnonzero(lab == c)",
        "    d, _ = cKDTree(X[rows]).query(X[rows], 17)",
        "    for i, row in enumerate(rows):",
        "        mine = np.sort(np.linalg.norm(X[src[dst == row]].astype(np.float64) - X[row], axis=1))",
        "        worst = max(worst, float(np.abs(mine - d[i, 1:]).max()))",
        "print(bool(ok), worst < 1e-5, len(np.unique(lab)))"),
        clouds, labels, dir.resolve("clouds-edge-index.npy"), dir.resolve("clouds-knn.npz"));
    assertEquals("True True 16", printed.trim());
  }

  /**
   * {@code knng info --json} through the launcher, on a graph it built, against scipy's own
   * counts of the same file (nodes, stored edges, self-loops, weak components and their largest).
   */
  @Test
  void infoThroughTheLauncherAgreesWithScipy() throws Exception {
    Path example = Launcher.ROOT.resolve("examples/iris/iris.csv");
    PythonRunner.Result build = Launcher.knng(dir, "build", "--input", example.toString(), "--k", "3",
        "--output", "iris-3nn.npz");
    assertEquals(0, build.exitCode, build.toString());
    PythonRunner.Result info = Launcher.knng(dir, "info", "iris-3nn.npz", "--json");
    assertEquals(0, info.exitCode, info.toString());
    assertFalse(info.stderr.contains("WARNING: Using incubator modules"), info.stderr);
    PythonRunner.assumeModules("numpy", "scipy");
    String printed = PythonRunner.run(String.join("\n",
        "import sys, json, numpy as np, scipy.sparse as sp",
        "from scipy.sparse.csgraph import connected_components",
        "g = sp.load_npz(sys.argv[1]).tocsr()",
        "ours = json.loads(open(sys.argv[2]).read())",
        "n, labels = connected_components(g, directed=True, connection='weak')",
        "c = g.tocoo()",
        "theirs = {'nodes': g.shape[0], 'edges': g.nnz, 'self_loops': int((c.row == c.col).sum()),",
        "          'components': n, 'largest_component': int(np.bincount(labels).max())}",
        "print(all(ours[k] == v for k, v in theirs.items()), theirs)"),
        dir.resolve("iris-3nn.npz"), Files.writeString(dir.resolve("info.json"), info.stdout));
    assertTrue(printed.startsWith("True"), printed + "\nknng info printed: " + info.stdout);
  }

  @Test
  void helpListsTheBuildOptions() throws Exception {
    PythonRunner.Result top = Launcher.knng(dir, "--help");
    assertEquals(0, top.exitCode, top.toString());
    assertTrue(top.stdout.contains("build"), top.stdout);
    PythonRunner.Result build = Launcher.knng(dir, "build", "--help");
    assertEquals(0, build.exitCode, build.toString());
    for (String option : List.of("--input", "--k", "--output", "--metric", "--mode", "--include-self", "--threads")) {
      assertTrue(build.stdout.contains(option), option + " missing from:\n" + build.stdout);
    }
    // Every command's help renders through the launcher with no warning on stderr.
    for (String command : List.of("build", "info", "eval", "convert", "spark")) {
      PythonRunner.Result help = Launcher.knng(dir, command, "--help");
      assertEquals(0, help.exitCode, help.toString());
      assertTrue(help.stdout.startsWith("Usage: knng " + command), help.stdout);
      assertFalse(help.stderr.contains("WARN"), command + " --help:\n" + help.stderr);
    }
  }

  @Test
  void badInputGivesOneErrorLineExitTwoAndNoOutput() throws Exception {
    Files.writeString(dir.resolve("bad.csv"), "a,b\n1,2\n3,oops\n");
    PythonRunner.Result r = Launcher.knng(dir, "build", "--input", "bad.csv", "--k", "1", "--output", "out.npz");
    assertEquals(2, r.exitCode, r.toString());
    assertEquals(1, r.stderr.strip().lines().count(), r.stderr);
    assertTrue(r.stderr.startsWith("error: "), r.stderr);
    assertTrue(r.stderr.contains("bad.csv") && r.stderr.contains("oops"), r.stderr);
    assertEquals(Set.of("bad.csv"), listing(dir));
  }

  /**
   * An input the user may not read is named as such. Root reads any file, so as root the run drops
   * to the user {@code nobody} (runuser), with the jar copied where nobody can read it.
   */
  @Test
  void anUnreadableInputIsNamedAsSuch() throws Exception {
    Path work = Files.createTempDirectory("knng-permission");
    try {
      Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
      Path jar = Files.copy(Launcher.ROOT.resolve("knng-cli/target/knng.jar"), work.resolve("knng.jar"));
      Path csv = Files.writeString(work.resolve("secret.csv"), "0,0\n1,1\n2,2\n");
      Path npy = work.resolve("secret.npy");
      org.knng.io.NpyWriter.writeFloat32(npy, 3, 2, new float[] {0, 0, 1, 1, 2, 2});
      for (Path secret : List.of(csv, npy)) {
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
          command.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-modules", "jdk.incubator.vector", "-jar", jar.toString(), "build", "--input", secret.toString(),
            "--k", "1", "--output", work.resolve("out.npz").toString()));
        PythonRunner.Result r = PythonRunner.exec(work, Map.of(), command);
        String err = r.stderr.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
            .collect(java.util.stream.Collectors.joining("\n"));
        assertEquals(2, r.exitCode, r.toString());
        assertEquals("error: " + secret + ": permission denied", err);
        assertFalse(Files.exists(work.resolve("out.npz")));
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * On the usual path (jar built, archive made) the launcher starts no program but the JVM and
   * the filter of its incubator warning: each one started costs milliseconds where processes
   * start slowly. Run with a PATH that holds only {@code java} and {@code grep}, it must work and
   * still find the JDK's class-data archive.
   */
  @Test
  void theUsualRunStartsOnlyTheJvm() throws Exception {
    Launcher.prepare();
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    Files.createSymbolicLink(bin.resolve("grep"), Path.of(PythonRunner.exec(dir, Map.of(),
        List.of("/bin/sh", "-c", "command -v grep")).stdout.trim()));
    PythonRunner.Result r = PythonRunner.exec(dir, Map.of("PATH", bin.toString(), "JAVA_OPTS",
        "-Xshare:on -Xlog:cds=info"), List.of("/bin/bash", Launcher.ROOT.resolve("knng").toString(),
        "build", "--input", Launcher.ROOT.resolve("examples/iris/iris.csv").toString(), "--k", "5",
        "--output", "iris.npy", "--quiet"));
    assertEquals(0, r.exitCode, r.toString());
    assertEquals("", r.stderr);
    assertTrue(r.stdout.contains("target/cds/knng-"), "knng's archive opened: " + r.stdout);
    assertTrue(Files.size(dir.resolve("iris.npy")) > 150 * 5 * 4, "the graph was written");
  }

  @Test
  void honoursJavaHomeAndPassesTheVectorModule() throws Exception {
    Path fakeJdk = dir.resolve("fake-jdk");
    Files.createDirectories(fakeJdk.resolve("bin"));
    Path java = fakeJdk.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho \"fake java: $*\"\n");
    java.toFile().setExecutable(true);
    PythonRunner.Result r = PythonRunner.exec(dir, Map.of("JAVA_HOME", fakeJdk.toString()),
        List.of(Launcher.ROOT.resolve("knng").toString(), "--version"));
    assertEquals(0, r.exitCode, r.toString());
    assertTrue(r.stdout.startsWith("fake java: --add-modules jdk.incubator.vector"), r.stdout);
    assertTrue(r.stdout.trim().endsWith("--version"), r.stdout);
  }

  private static Set<String> listing(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
    }
  }
}
