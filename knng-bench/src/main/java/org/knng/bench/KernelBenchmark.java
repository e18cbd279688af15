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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The distance-tile kernel on one core: a group of 96 rows (16 packed strips) against 16 packed
 * panels through {@link VectorOps#stripTiles}, i.e. what the exact engine runs between screens. Scores are nanoseconds per invocation; {@link
 * KernelReport} turns them into GFLOP/s ({@link #flops}) beside {@link FmaPeakBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class KernelBenchmark {
  static final int ROWS = 96;
  static final int PANELS = 16;

  /**
   * @param dimension vector dimension
   * @param width panel width of the provider
   * @return floating-point operations of one {@link #dotTiles} call (an FMA counts two)
   */
  static double flops(int dimension, int width) {
    return 2.0 * ROWS * PANELS * width * dimension;
  }

  /** Vector dimension. */
  @Param({"128", "784"})
  public int dimension;

  /** Kernel implementation: {@code panama} (Vector API) or {@code scalar}. */
  @Param({"panama"})
  public String provider;

  private VectorOps ops;
  private float[] rows;
  private float[] panels;
  private float[] tile;
  private int width;

  /** Fills the inputs with seeded random values. */
  @Setup(Level.Trial)
  public void setUp() {
    System.setProperty(VectorOpsProvider.PROPERTY, provider);
    ops = VectorOpsProvider.get();
    width = ops.tileWidth();
    Random r = new Random(42);
    rows = new float[ROWS * dimension];
    panels = new float[PANELS * width * dimension];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = r.nextFloat();
    }
    for (int i = 0; i < panels.length; i++) {
      panels[i] = r.nextFloat();
    }
    tile = new float[ROWS * width];
  }

  /**
   * All tiles of the block.
   *
   * @param bh keeps the results alive
   * @return a value depending on every tile, so that none is optimized away
   */
  @Benchmark
  public float dotTiles(Blackhole bh) {
    float sink = 0;
    for (int p = 0; p < PANELS; p++) {
      int panelOffset = p * width * dimension;
      ops.stripTiles(VectorOps.Kernel.DOT, rows, 0, ROWS / VectorOps.TILE_ROWS, dimension, panels, panelOffset, tile);
      sink += tile[0];
    }
    bh.consume(tile);
    return sink;
  }
}
