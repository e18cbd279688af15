package org.knng.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's float32 FMA peak on one core as the JVM reaches it: 12 independent vector
 * accumulators (enough to hide the FMA latency on two ports), no memory traffic. The yardstick the
 * kernel's GFLOP/s is read against. This probe, like the kernels, needs {@code jdk.incubator.vector};
 * it lives here rather than in knng-core because it measures the machine, not knng.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class FmaPeakBenchmark {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  static final int ITERATIONS = 4096;
  static final int ACCUMULATORS = 12;

  /** Multiplier and addend kept in fields so the JIT cannot fold them. */
  public float x = 0.999f;
  /** See {@link #x}. */
  public float y = 0.001f;

  /** @return floating-point operations of one {@link #fma} call */
  static double flops() {
    return 2.0 * ITERATIONS * ACCUMULATORS * SPECIES.length();
  }

  /** @return the sum of all accumulators, so that the loop is not removed */
  @Benchmark
  public float fma() {
    FloatVector m = FloatVector.broadcast(SPECIES, x);
    FloatVector a = FloatVector.broadcast(SPECIES, y);
    FloatVector c0 = a, c1 = a.add(1f), c2 = a.add(2f), c3 = a.add(3f), c4 = a.add(4f), c5 = a.add(5f);
    FloatVector c6 = a.add(6f), c7 = a.add(7f), c8 = a.add(8f), c9 = a.add(9f), c10 = a.add(10f), c11 = a.add(11f);
    for (int i = 0; i < ITERATIONS; i++) {
      c0 = c0.fma(m, a);
      c1 = c1.fma(m, a);
      c2 = c2.fma(m, a);
      c3 = c3.fma(m, a);
      c4 = c4.fma(m, a);
      c5 = c5.fma(m, a);
      c6 = c6.fma(m, a);
      c7 = c7.fma(m, a);
      c8 = c8.fma(m, a);
      c9 = c9.fma(m, a);
      c10 = c10.fma(m, a);
      c11 = c11.fma(m, a);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
        .reduceLanes(VectorOperators.ADD);
  }
}
