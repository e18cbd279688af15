package org.knng.exact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.ProgressListener;
import org.knng.metric.Metric;
import org.knng.select.NeighborHeaps;
import org.knng.simd.VectorOps;
import org.knng.vectors.Vectors;

/**
 * The tiled candidate search behind {@link BruteForceEngine}: distance tiles from the register-
 * blocked kernels of {@link VectorOps}, screened against each neighbour list's current k-th
 * distance so that a heap is touched only on a hit. Nothing bigger than one block per thread is
 * ever allocated: memory is the input, the {@code N x k} heaps and a few small buffers.
 *
 * <p>Ranking values (float32): euclidean and sqeuclidean rank by the squared distance, cosine by
 * {@code 1 - cos}, inner product by {@code -x.y}, manhattan by the direct sum. The kernels compute
 * the first two through dot products ({@code |x|^2 + |y|^2 - 2 x.y}, {@code 1 - x.y} on unit
 * vectors), which cancel badly for near-duplicates and data far from the origin. So the screen
 * uses a lower bound (the dot-product value minus its worst-case rounding error, {@link
 * #errorFactor}) and every hit is re-computed from the differences before it is offered: the
 * neighbour lists only ever hold direct-difference values, and no true neighbour is screened out.
 * The caller re-scores the neighbours kept in double precision.
 *
 * <p>A self-join computes each unordered pair once and offers it to both points' lists; {@link
 * PairSchedule} keeps threads on disjoint rows. Every pair's value is the same whichever block
 * or thread computes it (the kernels are symmetric), so the result does not depend on threads.
 */
final class TiledSearch {
  /**
   * Rows per block. Packing a column block of B vectors costs about 32/B of the arithmetic it feeds,
   * so blocks have at least {@link #MIN_BLOCK} rows (3% at most) and, up to {@link #MAX_BLOCK}, as
   * many as fit {@link #BLOCK_BYTES} of packed vectors; only one panel of the block (W vectors)
   * needs to stay in L2 while the row strips stream past it.
   */
  private static final int BLOCK_BYTES = 2 << 20;
  private static final int MIN_BLOCK = 512;
  private static final int MAX_BLOCK = 2048;

  private final VectorOps ops;
  private final Metric metric;
  private final int threads;
  private final ProgressListener progress;

  TiledSearch(VectorOps ops, Metric metric, int threads, ProgressListener progress) {
    this.ops = ops;
    this.metric = metric;
    this.threads = threads;
    this.progress = progress;
  }

  /** Candidate lists of the self-join of {@code points}: each point's {@code kept} nearest others. */
  NeighborHeaps selfJoin(Vectors points, int kept) {
    NeighborHeaps heaps = new NeighborHeaps(points.size(), kept);
    CandidateSink shared = heaps::offer; // safe: PairSchedule keeps threads on disjoint rows
    runSelfJoin(points, heaps.thresholds(), worker -> shared);
    return heaps;
  }

  /**
   * Every pair of {@code points} whose ranking value is at most {@code rankRadius}, in both
   * directions (i to j and j to i), collected by each worker into its own buffer.
   */
  List<EdgeBuffer> radiusJoin(Vectors points, float rankRadius) {
    float[] thresholds = new float[points.size() + NeighborHeaps.THRESHOLD_PADDING];
    Arrays.fill(thresholds, rankRadius);
    List<EdgeBuffer> buffers = java.util.Collections.synchronizedList(new ArrayList<>());
    runSelfJoin(points, thresholds, worker -> {
      EdgeBuffer b = new EdgeBuffer();
      buffers.add(b);
      return b;
    });
    return buffers;
  }

  /** The self-join tile loop: each unordered pair once, offered to both rows' sinks. */
  private void runSelfJoin(Vectors points, float[] thresholds, IntFunction<CandidateSink> sinks) {
    int n = points.size();
    int d = points.dimension();
    Terms terms = terms(points);
    int block = blockSize(n, d);
    int blocks = (n + block - 1) / block;
    PairSchedule schedule = new PairSchedule(blocks);
    Progress counter = new Progress(progress, schedule.size());
    AtomicInteger[] next = new AtomicInteger[schedule.rounds()];
    Arrays.setAll(next, i -> new AtomicInteger());
    int workers = Math.max(1, Math.min(threads, blocks));
    Phaser phaser = new Phaser(workers);
    AtomicInteger workerIds = new AtomicInteger();
    Parallel.run(workers, () -> {
      Worker w = new Worker(d, block);
      CandidateSink sink = sinks.apply(workerIds.getAndIncrement());
      try {
        for (int round = 0; round < schedule.rounds(); round++) {
          int[] pairs = schedule.pairs(round);
          for (int t; (t = next[round].getAndIncrement()) < pairs.length / 2; ) {
            int bi = pairs[2 * t];
            int bj = pairs[2 * t + 1];
            int i0 = bi * block;
            int j0 = bj * block;
            w.pairBlocks(points.data(), terms, i0, Math.min(n, i0 + block), points.data(), terms,
                j0, Math.min(n, j0 + block), thresholds, sink, true, bi == bj);
            counter.add(1);
          }
          if (phaser.arriveAndAwaitAdvance() < 0) {
            return; // another worker failed and terminated the phaser
          }
        }
      } catch (RuntimeException | Error e) {
        phaser.forceTermination();
        throw e;
      }
    });
  }

  /** Candidate lists of each query: its {@code kept} nearest points of {@code base}. */
  NeighborHeaps search(Vectors base, Vectors queries, int kept) {
    int rows = queries.size();
    int n = base.size();
    int d = base.dimension();
    NeighborHeaps heaps = new NeighborHeaps(rows, kept);
    CandidateSink sink = heaps::offer;
    Terms baseTerms = terms(base);
    Terms queryTerms = terms(queries);
    int block = blockSize(Math.max(rows, n), d);
    int rowBlocks = (rows + block - 1) / block;
    int colBlocks = (n + block - 1) / block;
    Progress counter = new Progress(progress, (long) rowBlocks * colBlocks);
    AtomicInteger next = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(threads, rowBlocks)), () -> {
      Worker w = new Worker(d, block);
      for (int b; (b = next.getAndIncrement()) < rowBlocks; ) {
        int i0 = b * block;
        int i1 = Math.min(rows, i0 + block);
        for (int j0 = 0; j0 < n; j0 += block) {
          w.pairBlocks(queries.data(), queryTerms, i0, i1, base.data(), baseTerms, j0,
              Math.min(n, j0 + block), heaps.thresholds(), sink, false, false);
          counter.add(1);
        }
      }
    });
    return heaps;
  }

  /**
   * Rows per block (see {@link #BLOCK_BYTES}), and small enough that there are several blocks to
   * share among threads. Depends only on N and the dimension, never on the thread count.
   */
  private int blockSize(int n, int d) {
    // A multiple of both the panel width and the strip height, so that only the last block of
    // the data ends in a partial strip (the slower path) or a partial panel.
    int unit = lcm(ops.tileWidth(), VectorOps.TILE_ROWS);
    int rows = Math.max(MIN_BLOCK, Math.min(MAX_BLOCK, BLOCK_BYTES / (4 * d)));
    int byCache = Math.max(unit, rows / unit * unit);
    int byCount = Math.max(unit, ((n + 7) / 8 + unit - 1) / unit * unit);
    return Math.min(byCache, byCount);
  }

  private static int lcm(int a, int b) {
    int x = a;
    int y = b;
    while (y != 0) {
      int t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }

  /**
   * Bound on the relative rounding error of {@code |x|^2 + |y|^2 - 2 x.y} in float32 with D
   * sequential fused multiply-adds: at most {@code (D + 3) u (|x|^2 + |y|^2)} with {@code u =
   * 2^-24}, doubled for safety. Subtracting it makes the screen's value a lower bound.
   */
  static float errorFactor(int dimension) {
    return (float) (2.0 * (dimension + 4) * Math.ulp(1.0f) / 2);
  }

  /**
   * The per-row and per-column terms that turn a raw kernel value into a screening value, and how
   * a hit is re-scored.
   */
  private static final class Terms {
    final float scale;
    final float[] add;       // per vector; NaN in the padding marks columns that do not exist
    final float[] unitScale; // cosine: 1/|x|; otherwise null
    final boolean rescore;   // hits are re-computed from the differences (euclidean, cosine)

    Terms(float scale, float[] add, float[] unitScale, boolean rescore) {
      this.scale = scale;
      this.add = add;
      this.unitScale = unitScale;
      this.rescore = rescore;
    }
  }

  private Terms terms(Vectors v) {
    int n = v.size();
    int d = v.dimension();
    float[] data = v.data();
    float[] add = new float[n + NeighborHeaps.THRESHOLD_PADDING];
    Arrays.fill(add, n, add.length, Float.NaN);
    double margin = errorFactor(d);
    switch (metric) {
      case EUCLIDEAN:
      case SQEUCLIDEAN:
        // |x|^2 (1 - e) + |y|^2 (1 - e) - 2 x.y <= the true squared distance.
        for (int i = 0; i < n; i++) {
          add[i] = (float) ((1 - margin) * squaredNorm(data, i * d, d));
        }
        return new Terms(-2f, add, null, true);
      case COSINE: {
        // 1 - x.y on unit vectors, less the error bound (unit norms), half of it per side.
        float[] inv = new float[n];
        for (int i = 0; i < n; i++) {
          inv[i] = (float) (1.0 / Math.sqrt(squaredNorm(data, i * d, d)));
          add[i] = (float) (0.5 - margin);
        }
        return new Terms(-1f, add, inv, true);
      }
      case INNER_PRODUCT:
        return new Terms(-1f, add, null, false);
      case MANHATTAN:
        return new Terms(1f, add, null, false);
      default:
        throw new AssertionError(metric);
    }
  }

  private static double squaredNorm(float[] data, int offset, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double x = data[offset + j];
      s += x * x;
    }
    return s;
  }

  /** One thread's buffers and the tile loop over a pair of blocks. */
  private final class Worker {
    private final int d;
    private final PackedBlock packed;
    private final float[] rowCopy;   // cosine: the row block as unit vectors
    private final float[] tile;
    private final int[] hits;
    private final int width;

    Worker(int d, int block) {
      this.d = d;
      this.width = ops.tileWidth();
      this.packed = new PackedBlock(width, d, block);
      this.rowCopy = metric == Metric.COSINE ? new float[block * d] : null;
      this.tile = new float[VectorOps.TILE_ROWS * width];
      this.hits = new int[VectorOps.TILE_ROWS * width];
    }

    /**
     * Screens every pair of rows {@code [i0, i1)} x columns {@code [j0, j1)}. With {@code
     * symmetric}, each hit is offered to the column's list too; with {@code diagonal} (the same
     * block on both sides) only pairs with column > row are used.
     */
    void pairBlocks(float[] rowData, Terms rowTerms, int i0, int i1, float[] colData, Terms colTerms,
        int j0, int j1, float[] thresholds, CandidateSink sink, boolean symmetric, boolean diagonal) {
      packed.pack(colData, j0, j1 - j0, colTerms.unitScale);
      float[] a = rowData;
      int aBase = i0 * d;
      if (rowTerms.unitScale != null) {
        for (int i = i0; i < i1; i++) {
          float s = rowTerms.unitScale[i];
          for (int j = 0; j < d; j++) {
            rowCopy[(i - i0) * d + j] = rowData[i * d + j] * s;
          }
        }
        a = rowCopy;
        aBase = 0;
      }
      float[] colThresholds = symmetric ? thresholds : null;
      float[] panels = packed.panels();
      boolean manhattan = metric == Metric.MANHATTAN;
      for (int p = 0; p < packed.panelCount(); p++) {
        int c0 = j0 + p * width;
        int panelOffset = packed.offset(p);
        for (int r0 = i0; r0 < i1; r0 += VectorOps.TILE_ROWS) {
          int rows = Math.min(VectorOps.TILE_ROWS, i1 - r0);
          if (diagonal && c0 + width <= r0 + 1) {
            continue; // every pair of this tile has column <= row: seen from the other side
          }
          int aOffset = aBase + (r0 - i0) * d;
          if (manhattan) {
            ops.manhattanTile(a, aOffset, rows, d, panels, panelOffset, tile);
          } else {
            ops.dotTile(a, aOffset, rows, d, panels, panelOffset, tile);
          }
          int count = ops.screen(tile, rows, rowTerms.scale, rowTerms.add, r0, colTerms.add, c0,
              thresholds, colThresholds, hits);
          for (int h = 0; h < count; h++) {
            int pos = hits[h];
            int i = r0 + pos / width;
            int j = c0 + pos % width;
            if (diagonal && j <= i) {
              continue;
            }
            float dist = tile[pos];
            if (rowTerms.rescore) {
              dist = rescore(rowData, rowTerms, i, colData, colTerms, j, d);
            }
            if (dist <= thresholds[i]) {
              sink.offer(i, dist, j);
            }
            if (symmetric && dist <= thresholds[j]) {
              sink.offer(j, dist, i);
            }
          }
        }
      }
    }
  }

  /** The ranking value of one pair from the differences (euclidean: squared; cosine: 1 - cos). */
  private float rescore(float[] rowData, Terms rowTerms, int i, float[] colData, Terms colTerms, int j,
      int d) {
    if (rowTerms.unitScale == null) {
      return ops.squaredDistance(rowData, i * d, colData, j * d, d);
    }
    return 0.5f * ops.squaredDistance(rowData, i * d, rowTerms.unitScale[i], colData, j * d,
        colTerms.unitScale[j], d);
  }

  /** Serializes progress updates from the workers. */
  private static final class Progress {
    private final ProgressListener listener;
    private final long total;
    private long done;

    Progress(ProgressListener listener, long total) {
      this.listener = listener;
      this.total = total;
    }

    synchronized void add(long units) {
      done += units;
      listener.update(done, total);
    }
  }
}
