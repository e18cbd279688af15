package org.knng.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The double-precision re-scoring kernel on one core, as the engines' last step calls it: pairs
 * whose first vectors are among {@link #SLOTS} rows widened to double (a chunk of rows, kept in
 * cache) and whose second vector is one neighbour they share ({@link
 * VectorOps#squaredEuclidean(double[], int[], double[], int, int, int, double[])} for euclidean
 * distances, {@link VectorOps#dots} for cosine and inner product). Each
 * invocation computes {@link #PAIRS} pairs, {@code batch} per call: with {@code batch = 1} every
 * pair goes through the one-pair loop, with {@code 16} the kernel takes them two at a time and
 * loads the shared vector once for both. Scores are nanoseconds per {@link #PAIRS} pairs.
 *
 * <pre>
 * mvn -q package -DskipTests -pl knng-bench -am
 * java --add-modules jdk.incubator.vector -jar knng-bench/target/benchmarks.jar RescoreBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class RescoreBenchmark {
  /** First vectors held at once (the re-scoring's chunk of rows at D = 784). */
  static final int SLOTS = 83;
  /** Pairs per invocation. */
  static final int PAIRS = 16;

  /** Vector dimension. */
  @Param({"128", "784"})
  public int dimension;

  /** Pairs per kernel call. */
  @Param({"1", "16"})
  public int batch;

  /** The sum: {@code squares} (euclidean) or {@code dots} (cosine, inner product). */
  @Param({"squares", "dots"})
  public String sum;

  private VectorOps ops;
  private double[] slots;
  private double[] second;
  private int[] offsets;
  private final double[] out = new double[PAIRS];

  /** Fills the vectors with seeded random values and picks each pair's slot. */
  @Setup(Level.Trial)
  public void setUp() {
    ops = VectorOpsProvider.get();
    Random r = new Random(42);
    slots = new double[SLOTS * dimension];
    second = new double[dimension];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = r.nextFloat();
    }
    for (int i = 0; i < dimension; i++) {
      second[i] = r.nextFloat();
    }
    offsets = new int[PAIRS];
    for (int p = 0; p < PAIRS; p++) {
      offsets[p] = r.nextInt(SLOTS) * dimension;
    }
  }

  /**
   * The pairs, {@code batch} per call.
   *
   * @return a value depending on every pair, so that none is optimized away
   */
  @Benchmark
  public double pairs() {
    double sink = 0;
    int[] one = new int[1];
    for (int p = 0; p < PAIRS; p += batch) {
      int[] at = batch == 1 ? one : offsets;
      one[0] = offsets[p];
      if (sum.equals("squares")) {
        ops.squaredEuclidean(slots, at, second, 0, batch, dimension, out);
      } else {
        ops.dots(slots, at, second, 0, batch, dimension, out);
      }
      sink += out[0] + out[batch - 1];
    }
    return sink;
  }
}
