package org.knng.bench;

import java.util.Collection;
import java.util.Locale;
import org.knng.simd.VectorOpsProvider;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the FMA-peak probe and the tile kernel in one JMH session and prints a markdown table of
 * GFLOP/s and the kernel's share of the peak, so that both come from the same machine state.
 * Usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar org.knng.bench.KernelReport}.
 */
public final class KernelReport {
  private KernelReport() {}

  /**
   * @param args ignored
   * @throws RunnerException if JMH fails
   */
  public static void main(String[] args) throws RunnerException {
    Options options = new OptionsBuilder()
        .include(FmaPeakBenchmark.class.getSimpleName())
        .include(KernelBenchmark.class.getSimpleName())
        .build();
    Collection<RunResult> results = new Runner(options).run();
    double peak = Double.NaN;
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith("fma")) {
        peak = FmaPeakBenchmark.flops() / r.getPrimaryResult().getScore();
      }
    }
    System.out.println();
    System.out.println("JDK " + Runtime.version() + ", " + FmaPeakBenchmark.SPECIES.vectorBitSize() + "-bit vectors, one core");
    System.out.println();
    System.out.println("| benchmark | GFLOP/s | % of FMA peak |");
    System.out.println("| --- | ---: | ---: |");
    System.out.printf(Locale.ROOT, "| FMA peak probe | %.1f | 100 |%n", peak);
    for (RunResult r : results) {
      if (!r.getParams().getBenchmark().endsWith("dotTiles")) {
        continue;
      }
      int dimension = Integer.parseInt(r.getParams().getParam("dimension"));
      String provider = r.getParams().getParam("provider");
      System.setProperty(VectorOpsProvider.PROPERTY, provider);
      int width = VectorOpsProvider.get().tileWidth();
      double gflops = KernelBenchmark.flops(dimension, width) / r.getPrimaryResult().getScore();
      System.out.printf(Locale.ROOT, "| dot tile, %s, D=%d | %.1f | %.0f |%n", provider, dimension, gflops,
          100 * gflops / peak);
    }
  }
}
