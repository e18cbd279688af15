package org.knng.tile;

import java.util.Arrays;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.knng.ProgressListener;
import org.knng.engine.Parallel;
import org.knng.select.CandidateSink;
import org.knng.simd.VectorOps;

/**
 * All pairs of blocks of a {@link Screen}, on several threads, each worker running its own {@link
 * BlockJoin}: a self-join in the order of a {@link PairSchedule} (each unordered pair once, offered
 * to both rows' lists, no two workers on the same rows), or queries against a base (each worker
 * owns whole query blocks). Nothing bigger than one block per worker is allocated.
 *
 * <p>Every pair's value is the same whichever block or worker computes it (the kernels are
 * symmetric), and a candidate list keeps the k smallest (value, id) pairs in a strict order, so the
 * result does not depend on the thread count.
 */
public final class TileJoin {
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
  private final int threads;
  private final ProgressListener progress;

  /**
   * @param ops the kernels
   * @param threads worker threads, at least 1
   * @param progress told how many block pairs are done
   */
  public TileJoin(VectorOps ops, int threads, ProgressListener progress) {
    this.ops = ops;
    this.threads = threads;
    this.progress = progress;
  }

  /**
   * Rows per block for {@code n} rows of {@code d} values (see {@link #BLOCK_BYTES}), and small
   * enough that there are several blocks to share among threads. Depends only on N, the dimension
   * and the kernels' tile width, never on the thread count.
   *
   * @param ops the kernels
   * @param n rows (the larger side of a join)
   * @param d values per row the kernels read
   * @return the block size
   */
  public static int blockSize(VectorOps ops, int n, int d) {
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
   * Every unordered pair of rows of a self-join screen once, offered to both rows' sinks. With
   * {@link Screen#nearFirst()} the blocks joined with themselves come first.
   *
   * @param screen a screen whose rows and columns are the same side
   * @param thresholds each row's admission threshold, kept current by the sinks
   * @param sinks the sink of each worker (by worker number); they may share one, since no two
   *     workers touch the same rows at once
   */
  public void selfJoin(Screen screen, float[] thresholds, IntFunction<CandidateSink> sinks) {
    assert screen.rows() == screen.columns() : "a self-join has one side";
    int n = screen.rows().size();
    int block = screen.block();
    int blocks = (n + block - 1) / block;
    PairSchedule schedule = new PairSchedule(blocks, screen.nearFirst());
    Progress counter = new Progress(progress, schedule.size());
    AtomicInteger[] next = new AtomicInteger[schedule.rounds()];
    Arrays.setAll(next, i -> new AtomicInteger());
    int workers = Math.max(1, Math.min(threads, blocks));
    Phaser phaser = new Phaser(workers);
    AtomicInteger workerIds = new AtomicInteger();
    Parallel.run(workers, () -> {
      BlockJoin join = new BlockJoin(ops, screen, thresholds, sinks.apply(workerIds.getAndIncrement()));
      try {
        for (int round = 0; round < schedule.rounds(); round++) {
          int[] pairs = schedule.pairs(round);
          for (int t; (t = next[round].getAndIncrement()) < pairs.length / 2; ) {
            int i0 = pairs[2 * t] * block;
            int j0 = pairs[2 * t + 1] * block;
            join.join(i0, Math.min(n, i0 + block), j0, Math.min(n, j0 + block),
                i0 == j0 ? BlockJoin.Pairs.WITHIN : BlockJoin.Pairs.BOTH_WAYS);
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

  /**
   * Every pair of one row of {@code left} and one row of {@code right} once, offered to both rows'
   * sinks: the join between two blocks of a larger set whose pairs within each block are computed
   * elsewhere ({@code org.knng.exact.SplitJoin}). The lists are cut into runs of {@link
   * Screen#block()} rows, joined run against run in rounds where no run appears twice, so workers
   * never touch the same rows.
   *
   * @param screen a screen whose rows and columns are the same side
   * @param thresholds each row's admission threshold, kept current by the sinks
   * @param sinks the sink of each worker (by worker number)
   * @param left rows of the screen, distinct, none of them in {@code right}
   * @param right rows of the screen, distinct
   */
  public void between(Screen screen, float[] thresholds, IntFunction<CandidateSink> sinks,
      int[] left, int[] right) {
    assert screen.rows() == screen.columns() : "a join between blocks of one set has one side";
    int block = screen.block();
    int leftRuns = (left.length + block - 1) / block;
    int rightRuns = (right.length + block - 1) / block;
    // Round r pairs left run i with right run (i + r) mod m: over m rounds every pair once, and
    // within a round each run at most once.
    int m = Math.max(leftRuns, rightRuns);
    if (leftRuns == 0 || rightRuns == 0) {
      return;
    }
    Progress counter = new Progress(progress, (long) leftRuns * rightRuns);
    AtomicInteger[] next = new AtomicInteger[m];
    Arrays.setAll(next, i -> new AtomicInteger());
    int workers = Math.max(1, Math.min(threads, Math.min(leftRuns, rightRuns)));
    Phaser phaser = new Phaser(workers);
    AtomicInteger workerIds = new AtomicInteger();
    Parallel.run(workers, () -> {
      BlockJoin join = new BlockJoin(ops, screen, thresholds, sinks.apply(workerIds.getAndIncrement()));
      try {
        for (int round = 0; round < m; round++) {
          for (int i; (i = next[round].getAndIncrement()) < m; ) {
            int j = (i + round) % m;
            if (i >= leftRuns || j >= rightRuns) {
              continue;
            }
            int l0 = i * block;
            int r0 = j * block;
            join.join(left, l0, Math.min(block, left.length - l0), right, r0,
                Math.min(block, right.length - r0), BlockJoin.Pairs.BOTH_WAYS);
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

  /**
   * Every row of the screen's rows (queries) against every row of its columns (the base), offered
   * to the rows' sink only.
   *
   * @param screen a search screen
   * @param thresholds each query's admission threshold, kept current by the sink
   * @param sinks the sink of each worker (by worker number); they may share lists, since workers
   *     own whole query blocks
   */
  public void search(Screen screen, float[] thresholds, IntFunction<CandidateSink> sinks) {
    search(screen, null, thresholds, sinks);
  }

  /**
   * {@link #search(Screen, float[], IntFunction)} against the listed rows of the columns only: a
   * sample of a join's columns searched on the join's own screen (its projection, its values), as
   * {@code org.knng.exact.StartingThresholds} does before a large-k join.
   *
   * @param screen a screen
   * @param columnList distinct rows of {@code screen.columns()} in ascending order, or null for
   *     all of them
   * @param thresholds each query's admission threshold, kept current by the sink
   * @param sinks the sink of each worker (by worker number); workers own whole row blocks
   */
  public void search(Screen screen, int[] columnList, float[] thresholds,
      IntFunction<CandidateSink> sinks) {
    int rows = screen.rows().size();
    int n = columnList == null ? screen.columns().size() : columnList.length;
    int block = screen.block();
    // Fewer queries than a block per thread (a recall sample of 1,000 rows, a few new points):
    // smaller row blocks, so that every thread has some (one block ran on one thread alone).
    int perThread = (rows + threads - 1) / threads;
    int rowBlock = Math.min(block, Math.max(VectorOps.TILE_ROWS,
        (perThread + VectorOps.TILE_ROWS - 1) / VectorOps.TILE_ROWS * VectorOps.TILE_ROWS));
    int rowBlocks = (rows + rowBlock - 1) / rowBlock;
    int colBlocks = (n + block - 1) / block;
    Progress counter = new Progress(progress, (long) rowBlocks * colBlocks);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger workerIds = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(threads, rowBlocks)), () -> {
      BlockJoin join = new BlockJoin(ops, screen, thresholds, sinks.apply(workerIds.getAndIncrement()));
      int[] nearFirst = columnList != null && screen.nearFirst() ? new int[n] : null;
      for (int b; (b = next.getAndIncrement()) < rowBlocks; ) {
        int i0 = b * rowBlock;
        int i1 = Math.min(rows, i0 + rowBlock);
        int[] list = nearFirst == null ? columnList : rotated(columnList, i0, nearFirst);
        for (int j0 = 0; j0 < n; j0 += block) {
          if (list == null) {
            join.join(i0, i1, j0, Math.min(n, j0 + block), BlockJoin.Pairs.ONE_WAY);
          } else {
            join.join(i0, i1, list, j0, Math.min(block, n - j0));
          }
          counter.add(1);
        }
      }
    });
  }

  /**
   * The listed columns from the first at or after {@code row} on, then the ones before it: on a
   * screen that puts near points next to each other, a row block meets its near columns first,
   * so its thresholds tighten before the far ones arrive (the lists keep the same candidates in
   * any order).
   */
  private static int[] rotated(int[] columnList, int row, int[] into) {
    int n = columnList.length;
    int at = Arrays.binarySearch(columnList, row);
    int start = at >= 0 ? at : -at - 1;
    System.arraycopy(columnList, start, into, 0, n - start);
    System.arraycopy(columnList, 0, into, n - start, start);
    return into;
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
