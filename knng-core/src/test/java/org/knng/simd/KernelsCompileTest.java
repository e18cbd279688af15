package org.knng.simd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.knng.Knng;
import org.knng.metric.Metric;
import org.knng.vectors.Vectors;

/**
 * Every method of knng that a run compiles is compiled by HotSpot's compilers, none skipped. A
 * SIMD kernel that C1 cannot compile (JDK 25's ran out of registers on a kernel with a long masked
 * tail, JDK 17's did not: {@code COMPILE SKIPPED: out of virtual registers in LIR generator}; the
 * build tests on both) runs its Vector API
 * operations unintrinsified until C2 takes it, many times slower while its results stay right, so
 * no test of results notices (inner-product re-scoring took 16.8 s instead of 1.9 s). A child JVM
 * with {@code -XX:+PrintCompilation} builds exact graphs for every metric, with short and long
 * vectors and enough neighbours that the re-scoring kernels run hot.
 */
class KernelsCompileTest {
  @Test
  void noMethodOfKnngIsSkippedByTheCompilers() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "--add-modules", "jdk.incubator.vector",
        "-XX:+PrintCompilation", "-cp", System.getProperty("java.class.path"),
        Workload.class.getName());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), UTF_8);
    assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child JVM finishes");
    assertEquals(0, child.exitValue(), () -> out.substring(Math.max(0, out.length() - 2000)));
    assertTrue(out.contains(Workload.DONE), "the workload ran to its end");
    assertTrue(out.contains("org.knng.simd.PanamaVectorOps::dots"),
        "the re-scoring kernels were compiled at all (the output is -XX:+PrintCompilation's)");
    // "concurrent class loading" is transient: the compiler tries again.
    String skipped = out.lines()
        .filter(line -> line.contains("COMPILE SKIPPED") && line.contains("org.knng."))
        .filter(line -> !line.contains("concurrent class loading"))
        .collect(Collectors.joining("\n"));
    assertEquals("", skipped, "methods the compilers skipped");
  }

  /** The child's work: exact graphs of random points, every metric, two dimensions. */
  static final class Workload {
    static final String DONE = "knng compile workload done";

    public static void main(String[] args) {
      Random random = new Random(5);
      long sum = 0;
      for (int d : new int[] {20, 131}) {
        float[] data = new float[3000 * d];
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) random.nextGaussian();
        }
        Vectors points = Vectors.wrap(data, d);
        for (Metric metric : Metric.values()) {
          sum += Knng.exactGraph(points, 64, metric).ids()[123];
        }
      }
      System.out.println(DONE + " " + sum);
    }
  }
}
