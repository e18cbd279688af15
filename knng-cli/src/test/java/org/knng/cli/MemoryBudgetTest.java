package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.Algorithm;
import org.knng.InvalidInputException;
import org.knng.io.NpyWriter;
import org.knng.io.VectorReader;
import org.knng.metric.Metric;

/**
 * {@code --memory} and {@code --dry-run}: the plan is printed without any work; an exact run whose
 * input does not fit the budget reads it in blocks and writes the same graph, byte for byte, as a
 * run that reads it whole; a run that fits neither way is refused up front with what to change.
 */
class MemoryBudgetTest {
  @TempDir Path dir;

  private Path points(String name, int n, int d, long seed) throws Exception {
    Random random = new Random(seed);
    float[] values = new float[n * d];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextInt(50) / 7f; // coarse values: many ties
    }
    Path file = dir.resolve(name);
    NpyWriter.writeFloat32(file, n, d, values);
    return file;
  }

  /** A budget between what the run needs in blocks and what it needs whole. */
  static long blockedBudget(int n, int d, int queries, int k) {
    long whole = MemoryPlan.of(Algorithm.EXACT, n, d, queries, queries > 0 ? queries : n, k, false, false, Long.MAX_VALUE).peak();
    for (long budget = whole - 1; budget > 0; budget -= Math.max(1, whole / 200)) {
      MemoryPlan plan = MemoryPlan.of(Algorithm.EXACT, n, d, queries, queries > 0 ? queries : n, k, false, true, budget);
      if (plan.blocked && plan.fits() && plan.blockRows < n / 3) {
        return budget;
      }
    }
    throw new AssertionError("no budget reads " + n + " x " + d + " in blocks");
  }

  @Test
  void dryRunPrintsThePlanAndWritesNothing() throws Exception {
    Path input = points("p.npy", 2000, 16, 1);
    Path out = dir.resolve("g.npz");
    CliRun r = CliRun.of("build", "--input", input.toString(), "--k", "5", "--output", out.toString(),
        "--dry-run");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("plan: auto: kdtree euclidean k=5 on 2000 x 16, output .npz")
        || r.out().contains("plan: auto: exact euclidean k=5 on 2000 x 16, output .npz"), r.out());
    assertTrue(r.out().contains("memory: about "), r.out());
    assertTrue(r.out().contains("input: read whole"), r.out());
    assertTrue(r.out().contains("fits: yes"), r.out());
    assertFalse(Files.exists(out), "a dry run writes nothing");
  }

  /** With --groups the plan names the largest group (the engine is chosen for it); one thread is one. */
  @Test
  void dryRunWithGroupsNamesTheLargestGroup() throws Exception {
    Path input = points("p.npy", 300, 16, 1);
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      labels.append(i < 200 ? 4 : i % 2).append('\n'); // group 4: 200 points; 0 and 1: 50 each
    }
    Path groups = Files.writeString(dir.resolve("g.txt"), labels);
    Path out = dir.resolve("g.npz");
    CliRun r = CliRun.of("build", "--input", input.toString(), "--k", "5", "--groups", groups.toString(),
        "--threads", "1", "--output", out.toString(), "--dry-run");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("\ngroups: from " + groups + ", the largest of 200 points"), r.out());
    assertTrue(r.out().contains(" with 1 thread (a rough estimate)"), r.out());
    assertFalse(Files.exists(out), "a dry run writes nothing");
  }

  @Test
  void aGraphReadInBlocksIsTheGraphReadWhole() throws Exception {
    int n = 6000;
    int d = 32;
    Path input = points("p.npy", n, d, 2);
    for (String self : new String[] {"", "--include-self"}) {
      Path whole = dir.resolve("whole" + self + ".npy");
      Path wholeDist = dir.resolve("whole-d" + self + ".npy");
      Path blocked = dir.resolve("blocked" + self + ".npy");
      Path blockedDist = dir.resolve("blocked-d" + self + ".npy");
      String[] common = {"build", "--input", input.toString(), "--k", "7", "--algorithm", "exact",
          "--metric", "cosine"};
      CliRun a = CliRun.of(concat(common, "--output", whole.toString(), "--distances", wholeDist.toString(),
          self));
      assertEquals(0, a.exit(), a.err());
      long budget = blockedBudget(n, d, 0, 7);
      CliRun b = CliRun.of(concat(common, "--output", blocked.toString(), "--distances",
          blockedDist.toString(), "--memory", Long.toString(budget), self));
      assertEquals(0, b.exit(), b.err());
      assertTrue(b.err().contains("reading it in blocks of"), b.err());
      assertFalse(a.err().contains("reading it in blocks of"), a.err());
      assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(blocked), "ids " + self);
      assertArrayEquals(Files.readAllBytes(wholeDist), Files.readAllBytes(blockedDist), "distances " + self);
    }
  }

  /**
   * --radius with --k, the radius a pair's double distance whose float32 rounding is above it:
   * the pair is kept (the radius decides in double, as the radius graph's), whether the input is
   * read whole or in blocks (then the two rows are read again from the file).
   */
  @Test
  void theNearestKWithinARadiusDecideInDoubleAlsoReadInBlocks() throws Exception {
    int n = 6000;
    int d = 32;
    Path input = points("p.npy", n, d, 5);
    float[] x = org.knng.io.VectorReader.read(input).data();
    double[][] byDistance = new double[n - 1][];
    for (int j = 1; j < n; j++) {
      byDistance[j - 1] = new double[] {Metric.EUCLIDEAN.distance(x, 0, x, j * d, d), j};
    }
    java.util.Arrays.sort(byDistance, (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
    double radius = -1;
    for (int i = 2; i < 7 && radius < 0; i++) {
      if ((float) byDistance[i][0] > byDistance[i][0]) {
        radius = byDistance[i][0];
      }
    }
    assertTrue(radius > 0, "no pair rounds up among row 0's nearest");
    java.util.Set<Integer> expected = new java.util.TreeSet<>();
    for (int i = 0; i < 7 && byDistance[i][0] <= radius; i++) {
      expected.add((int) byDistance[i][1]);
    }
    String[] common = {"build", "--input", input.toString(), "--k", "7", "--radius", Double.toString(radius),
        "--algorithm", "exact"};
    Path whole = dir.resolve("whole.npy");
    Path blocked = dir.resolve("blocked.npy");
    CliRun a = CliRun.of(concat(common, "--output", whole.toString()));
    assertEquals(0, a.exit(), a.err());
    CliRun b = CliRun.of(concat(common, "--output", blocked.toString(), "--memory",
        Long.toString(blockedBudget(n, d, 0, 7))));
    assertEquals(0, b.exit(), b.err());
    assertTrue(b.err().contains("reading it in blocks of"), b.err());
    assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(blocked));
    int[] row0 = java.util.Arrays.copyOf(org.knng.io.NeighborIds.read(whole).ids(), 7);
    java.util.Set<Integer> got = new java.util.TreeSet<>();
    for (int id : row0) {
      if (id >= 0) {
        got.add(id);
      }
    }
    assertEquals(expected, got);
  }

  @Test
  void aSearchOfABaseReadInBlocksIsTheSearchReadWhole() throws Exception {
    Path base = points("base.npy", 8000, 24, 3);
    Path queries = points("q.npy", 300, 24, 4);
    Path whole = dir.resolve("whole.npz");
    Path blocked = dir.resolve("blocked.npz");
    String[] common = {"build", "--input", base.toString(), "--queries", queries.toString(), "--k", "9",
        "--algorithm", "exact", "--mode", "distance"};
    CliRun a = CliRun.of(concat(common, "--output", whole.toString()));
    assertEquals(0, a.exit(), a.err());
    CliRun b = CliRun.of(concat(common, "--output", blocked.toString(), "--memory",
        Long.toString(blockedBudget(8000, 24, 300, 9))));
    assertEquals(0, b.exit(), b.err());
    assertTrue(b.err().contains("reading it in blocks of"), b.err());
    assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(blocked));
  }

  @Test
  void aBadValueInAnInputReadInBlocksIsRefusedBeforeTheRun() throws Exception {
    int n = 6000;
    int d = 32;
    Random random = new Random(7);
    float[] values = new float[n * d];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    values[5900 * d + 3] = Float.NaN; // in the last block
    Path input = dir.resolve("nan.npy");
    NpyWriter.writeFloat32(input, n, d, values);
    Path out = dir.resolve("g.npy");
    String budget = Long.toString(blockedBudget(n, d, 0, 7));
    CliRun plan = CliRun.of("build", "--input", input.toString(), "--k", "7", "--algorithm", "exact", "--output",
        out.toString(), "--memory", budget, "--dry-run");
    assertTrue(plan.out().contains("input: read in "), plan.out());
    CliRun r = CliRun.of("build", "--input", input.toString(), "--k", "7", "--algorithm", "exact", "--output",
        out.toString(), "--memory", budget);
    assertEquals(2, r.exit(), r.err());
    assertEquals("error: " + input + ": row 5900, column 3: value is NaN (only finite values are allowed)\n",
        r.err());
    assertFalse(r.err().contains("[#"), "refused before the run's progress: " + r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void aRunThatFitsNeitherWayIsRefusedUpFrontSayingWhatToChange() throws Exception {
    Path input = points("p.npy", 3000, 16, 5);
    Path csv = dir.resolve("p.csv");
    StringBuilder text = new StringBuilder();
    float[] v = VectorReader.read(input).data();
    for (int i = 0; i < 3000; i++) {
      for (int j = 0; j < 16; j++) {
        text.append(j == 0 ? "" : ",").append(v[i * 16 + j]);
      }
      text.append('\n');
    }
    Files.writeString(csv, text);
    Path out = dir.resolve("g.npz");
    // A text input cannot be read in blocks; a tiny budget leaves no room for blocks of a .npy.
    // Just below what each run needs whole (by the plan's own estimate).
    String exact = Long.toString(
        MemoryPlan.of(Algorithm.EXACT, 3000, 16, 0, 3000, 10, true, false, Long.MAX_VALUE).peak() - 1);
    // NN-Descent from 20,000 points (below, it hands the graph to the exact engine, and is planned so).
    Path large = points("large.npy", 20_000, 16, 6);
    String nndescent = Long.toString(
        MemoryPlan.of(Algorithm.NNDESCENT, 20_000, 16, 0, 20_000, 10, true, false, Long.MAX_VALUE).peak() - 1);
    for (String[] args : new String[][] {{"--input", csv.toString(), "--memory", exact},
        {"--input", input.toString(), "--memory", "1m"},
        {"--input", large.toString(), "--memory", nndescent, "--algorithm", "nndescent"}}) {
      CliRun r = CliRun.of(concat(new String[] {"build", "--k", "10", "--output", out.toString()}, args));
      assertEquals(2, r.exit(), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith("error: this run needs about "), r.err());
      assertTrue(r.err().contains("JAVA_OPTS=-Xmx"), r.err());
      assertTrue(r.err().contains("write .npy neighbour ids instead"), r.err());
      assertFalse(Files.exists(out), "nothing written");
    }
    CliRun r = CliRun.of("build", "--k", "10", "--output", out.toString(), "--input", csv.toString(),
        "--memory", exact);
    assertTrue(r.err().contains("--algorithm exact) of a .npy, .fvecs or .bvecs input"), r.err());
    // A .npy read whole because of an option: the advice names the option, not the format.
    r = CliRun.of("build", "--k", "10", "--output", out.toString(), "--input", large.toString(),
        "--memory", nndescent, "--algorithm", "nndescent");
    assertTrue(r.err().endsWith(", or an exact run (--algorithm exact), which reads its input in blocks,"
        + " or write .npy neighbour ids instead of a sparse matrix\n"), r.err());
    Path groups = Files.writeString(dir.resolve("g.txt"), "0\n1\n".repeat(1500));
    r = CliRun.of("build", "--k", "10", "--output", out.toString(), "--input", input.toString(),
        "--memory", exact, "--groups", groups.toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(", or a run without --groups, which reads its input in blocks"), r.err());
    // Without the groups, NN-Descent (20,000 points) would still read it whole: the advice says
    // exact too.
    Path halves = Files.writeString(dir.resolve("h.txt"), "0\n1\n".repeat(10_000));
    r = CliRun.of("build", "--k", "10", "--output", out.toString(), "--input", large.toString(),
        "--memory", "1m", "--groups", halves.toString(), "--algorithm", "nndescent");
    assertTrue(r.err().contains(", or an exact run (--algorithm exact) without --groups, which reads"), r.err());
  }

  @Test
  void badMemoryValuesNameTheOption() throws Exception {
    Path input = points("p.npy", 100, 4, 6);
    Path out = dir.resolve("g.npy");
    for (String bad : new String[] {"abc", "-5m", "0", "12q", "1e30t"}) {
      CliRun r = CliRun.of("build", "--input", input.toString(), "--k", "3", "--output", out.toString(),
          "--memory", bad);
      assertEquals(2, r.exit(), bad + ": " + r.err());
      assertTrue(r.err().startsWith("error: --memory must be a size such as 512m or 4g, got '" + bad + "'"),
          r.err());
    }
    long beyond = Runtime.getRuntime().maxMemory() * 2;
    CliRun r = CliRun.of("build", "--input", input.toString(), "--k", "3", "--output", out.toString(),
        "--memory", Long.toString(beyond));
    assertEquals(2, r.exit(), r.err());
    long enough = (beyond + (1L << 20) - 1 >> 20) + 2;
    assertTrue(r.err().contains("of heap the JVM may use: leave -Xmx out of JAVA_OPTS (./knng then"
        + " sets the heap from --memory), or raise it to -Xmx" + enough + "m"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void sizesReadAsUsersWriteThem() {
    assertEquals(512L << 20, MemoryPlan.parseSize("--memory", "512m"));
    assertEquals(512L << 20, MemoryPlan.parseSize("--memory", "512MB"));
    assertEquals(3L << 29, MemoryPlan.parseSize("--memory", "1.5g"));
    assertEquals(4L << 30, MemoryPlan.parseSize("--memory", "4G"));
    assertEquals(2048, MemoryPlan.parseSize("--memory", "2k"));
    assertEquals(1000, MemoryPlan.parseSize("--memory", "1000"));
    assertEquals(1L << 40, MemoryPlan.parseSize("--memory", "1t"));
    assertEquals("1.5 GB", MemoryPlan.size(3L << 29));
    assertEquals("2.0 KB", MemoryPlan.size(2048));
    org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
        () -> MemoryPlan.parseSize("--memory", "m"));
  }

  private static String[] concat(String[] a, String... b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
        .filter(s -> !s.isEmpty()).toArray(String[]::new);
  }
}
