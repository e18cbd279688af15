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
  /** Strips per {@link VectorOps#stripTiles} call: 16 tiles of 6 x 64 floats (24 KB) stay in L1. */
  private static final int GROUP = 16;

  /** Which screen a euclidean self-join uses: chosen from the data, or forced (for tests). */
  enum Screening {
    /** {@link Projection} when the data has a few dominant directions, else the full width. */
    AUTO,
    /** Every pair screened on its full-width dot product. */
    FULL,
    /** Always the {@link Projection} screen (euclidean, sqeuclidean and cosine self-joins). */
    PROJECTED
  }

  private final VectorOps ops;
  private final Metric metric;
  private final int threads;
  private final ProgressListener progress;
  private final Screening screening;

  TiledSearch(VectorOps ops, Metric metric, int threads, ProgressListener progress, Screening screening) {
    this.ops = ops;
    this.metric = metric;
    this.threads = threads;
    this.progress = progress;
    this.screening = screening;
  }

  /**
   * Candidates of the self-join of {@code points}: each point's {@code kept} nearest others, as
   * ids sorted by ranking value ({@code n x kept}, -1 where a point has fewer).
   */
  int[] selfJoin(Vectors points, int kept) {
    int n = points.size();
    NeighborHeaps heaps = new NeighborHeaps(n, kept);
    CandidateSink shared = heaps::offer; // safe: PairSchedule keeps threads on disjoint rows
    View projected = projectedView(points);
    if (projected == null) {
      runSelfJoin(view(points), heaps.thresholds(), worker -> shared, false);
      return heaps.sortAndRelease().ids;
    }
    runSelfJoin(projected, heaps.thresholds(), worker -> shared, true);
    // The heaps are in screen order and hold point ids: put the rows back in point order.
    int[] order = projected.terms.ids;
    int[] sorted = heaps.sortAndRelease().ids;
    int[] ids = new int[sorted.length];
    for (int r = 0; r < n; r++) {
      System.arraycopy(sorted, r * kept, ids, order[r] * kept, kept);
    }
    return ids;
  }

  /**
   * The {@link Projection} screen's view of {@code points}, or null where the full-width screen is
   * used (other metrics, data without a few dominant directions, or forced). Its rows are in screen
   * order; {@code terms.ids} maps them to points, and hits are re-scored from the original vectors.
   */
  private View projectedView(Vectors points) {
    Projection projection = fitProjection(points);
    if (projection == null) {
      return null;
    }
    int block = blockSize(points.size(), projection.dims());
    Projection.Screen screen = projection.screen(points, ops, block, threads);
    return new View(screen.data, projection.dims(), points.size(),
        projectedTerms(points, screen, screen.order), block);
  }

  /** {@link Projection#fit} for the metrics it serves, unless the full-width screen is forced. */
  private Projection fitProjection(Vectors base) {
    boolean cosine = metric == Metric.COSINE;
    if (!(metric == Metric.EUCLIDEAN || metric == Metric.SQEUCLIDEAN || cosine)
        || screening == Screening.FULL) {
      return null;
    }
    return Projection.fit(base, ops, screening == Screening.PROJECTED, cosine);
  }

  /**
   * Terms for kernels that read {@code screen}'s projections as they are; hits are re-scored from
   * {@code points} (cosine from {@code x / |x|}, as in the full-width screen).
   */
  private Terms projectedTerms(Vectors points, Projection.Screen screen, int[] ids) {
    boolean cosine = metric == Metric.COSINE;
    return new Terms(cosine ? -1f : -2f, screen.add, null, cosine ? inverseNorms(points) : null, true,
        points.data(), points.dimension(), ids, screen);
  }

  /** {@code 1 / |x|} of every vector, rounded to float32: the scales cosine re-scores with. */
  static float[] inverseNorms(Vectors points) {
    int d = points.dimension();
    float[] inv = new float[points.size()];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = (float) (1.0 / Math.sqrt(squaredNorm(points.data(), i * d, d)));
    }
    return inv;
  }

  /** The data the kernels read for one side of a join, its screening terms and its block size. */
  private static final class View {
    final float[] data;
    final int dimension;
    final int size;
    final Terms terms;
    final int block;

    View(float[] data, int dimension, int size, Terms terms, int block) {
      this.data = data;
      this.dimension = dimension;
      this.size = size;
      this.terms = terms;
      this.block = block;
    }
  }

  private View view(Vectors points) {
    return new View(points.data(), points.dimension(), points.size(), terms(points),
        blockSize(points.size(), points.dimension()));
  }

  /**
   * Every pair of {@code points} whose ranking value is at most {@code rankRadius}, in both
   * directions (i to j and j to i), collected by each worker into its own buffer.
   */
  List<EdgeBuffer> radiusJoin(Vectors points, float rankRadius) {
    float[] thresholds = new float[points.size() + NeighborHeaps.THRESHOLD_PADDING];
    Arrays.fill(thresholds, rankRadius);
    List<EdgeBuffer> buffers = java.util.Collections.synchronizedList(new ArrayList<>());
    View projected = projectedView(points);
    if (projected == null) {
      runSelfJoin(view(points), thresholds, worker -> {
        EdgeBuffer b = new EdgeBuffer();
        buffers.add(b);
        return b;
      }, false);
      return buffers;
    }
    int[] order = projected.terms.ids; // screen row -> point; ids offered are already points
    runSelfJoin(projected, thresholds, worker -> {
      EdgeBuffer b = new EdgeBuffer();
      buffers.add(b);
      return (row, distance, id) -> b.offer(order[row], distance, id);
    }, true);
    return buffers;
  }

  /**
   * The self-join tile loop: each unordered pair once, offered to both rows' sinks. With {@code
   * diagonalFirst}, each block is first joined with itself (where the projected screen's order
   * puts near neighbours), so that the k-th distances screening the rest are tight early.
   */
  private void runSelfJoin(View points, float[] thresholds, IntFunction<CandidateSink> sinks,
      boolean diagonalFirst) {
    int n = points.size;
    int d = points.dimension;
    Terms terms = points.terms;
    int block = points.block;
    int blocks = (n + block - 1) / block;
    PairSchedule schedule = new PairSchedule(blocks, diagonalFirst);
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
            w.pairBlocks(points.data, terms, i0, Math.min(n, i0 + block), points.data, terms,
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

  /** Candidates of each query: its {@code kept} nearest points of {@code base}, as in {@link #selfJoin}. */
  int[] search(Vectors base, Vectors queries, int kept) {
    int rows = queries.size();
    int n = base.size();
    NeighborHeaps heaps = new NeighborHeaps(rows, kept);
    CandidateSink sink = heaps::offer;
    // As many pairs as a self-join of MIN_POINTS, or the fit costs more than it saves.
    boolean worthIt = (long) rows * n >= (long) Projection.MIN_POINTS * Projection.MIN_POINTS / 2;
    Projection projection = worthIt || screening == Screening.PROJECTED ? fitProjection(base) : null;
    View baseView;
    View queryView;
    if (projection == null) {
      int block = blockSize(Math.max(rows, n), base.dimension());
      baseView = new View(base.data(), base.dimension(), n, terms(base), block);
      queryView = new View(queries.data(), queries.dimension(), rows, terms(queries), block);
    } else {
      // Both sides projected onto the base's directions, in their own order (no tree: a query
      // block meets every base block anyway), with margins balanced alike.
      int dims = projection.dims();
      int block = blockSize(Math.max(rows, n), dims);
      Projection.Screen baseScreen = projection.screen(base, ops, block, threads, false, null);
      Projection.Screen queryScreen = projection.screen(queries, ops, block, threads, false, baseScreen);
      baseView = new View(baseScreen.data, dims, n, projectedTerms(base, baseScreen, null), block);
      queryView = new View(queryScreen.data, dims, rows, projectedTerms(queries, queryScreen, null),
          block);
    }
    int block = baseView.block;
    int rowBlocks = (rows + block - 1) / block;
    int colBlocks = (n + block - 1) / block;
    Progress counter = new Progress(progress, (long) rowBlocks * colBlocks);
    AtomicInteger next = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(threads, rowBlocks)), () -> {
      Worker w = new Worker(baseView.dimension, block);
      for (int b; (b = next.getAndIncrement()) < rowBlocks; ) {
        int i0 = b * block;
        int i1 = Math.min(rows, i0 + block);
        for (int j0 = 0; j0 < n; j0 += block) {
          w.pairBlocks(queryView.data, queryView.terms, i0, i1, baseView.data, baseView.terms, j0,
              Math.min(n, j0 + block), heaps.thresholds(), sink, false, false);
          counter.add(1);
        }
      }
    });
    return heaps.sortAndRelease().ids;
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
    final float[] kernelScale; // cosine: 1/|x|, applied to the kernel's input; otherwise null
    final float[] unitScale;   // cosine: 1/|x| of each source vector, for re-scoring
    final boolean rescore;   // hits are re-computed from the differences (euclidean, cosine)
    final float[] source;    // the vectors hits are re-computed from
    final int sourceDimension;
    final int[] ids;         // kernel row -> vector of source (and id offered); null: the same
    final Projection.Screen projected; // a second look at each hit before re-scoring, or null

    Terms(float scale, float[] add, float[] kernelScale, float[] unitScale, boolean rescore,
        float[] source, int sourceDimension, int[] ids, Projection.Screen projected) {
      this.scale = scale;
      this.add = add;
      this.kernelScale = kernelScale;
      this.unitScale = unitScale;
      this.rescore = rescore;
      this.source = source;
      this.sourceDimension = sourceDimension;
      this.ids = ids;
      this.projected = projected;
    }

    int id(int row) {
      return ids == null ? row : ids[row];
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
        return new Terms(-2f, add, null, null, true, data, d, null, null);
      case COSINE: {
        // 1 - x.y on unit vectors, less the error bound (unit norms), half of it per side.
        float[] inv = inverseNorms(v);
        Arrays.fill(add, 0, n, (float) (0.5 - margin));
        return new Terms(-1f, add, inv, inv, true, data, d, null, null);
      }
      case INNER_PRODUCT:
        return new Terms(-1f, add, null, null, false, data, d, null, null);
      case MANHATTAN:
        return new Terms(1f, add, null, null, false, data, d, null, null);
      default:
        throw new AssertionError(metric);
    }
  }

  /** {@code sum(v^2)} over {@code d} values from {@code offset}, in double precision. */
  static double squaredNorm(float[] data, int offset, int d) {
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
    private final PackedBlock strips; // the row block, in strips of TILE_ROWS
    private final PackedBlock packed; // the column block, in panels of W
    private final float[] tiles;      // GROUP tiles, screened while still in L1
    private final int[] hits;
    private final int width;

    Worker(int d, int block) {
      this.d = d;
      this.width = ops.tileWidth();
      this.strips = new PackedBlock(VectorOps.TILE_ROWS, d, block);
      this.packed = new PackedBlock(width, d, block);
      this.tiles = new float[GROUP * VectorOps.TILE_ROWS * width];
      this.hits = new int[VectorOps.TILE_ROWS * width];
    }

    /**
     * Screens every pair of rows {@code [i0, i1)} x columns {@code [j0, j1)}. With {@code
     * symmetric}, each hit is offered to the column's list too; with {@code diagonal} (the same
     * block on both sides) only pairs with column > row are used.
     */
    void pairBlocks(float[] rowData, Terms rowTerms, int i0, int i1, float[] colData, Terms colTerms,
        int j0, int j1, float[] thresholds, CandidateSink sink, boolean symmetric, boolean diagonal) {
      strips.pack(rowData, i0, i1 - i0, rowTerms.kernelScale);
      packed.pack(colData, j0, j1 - j0, colTerms.kernelScale);
      if (!diagonal) {
        for (int p = 0; p < packed.panelCount(); p++) {
          panelTiles(p, 0, strips.panelCount(), i0, i1, j0, rowTerms, colTerms, thresholds, sink,
              symmetric, false);
        }
        return;
      }
      // A block with itself: first the strips that overlap each panel's own rows (in the projected
      // screen's order, near neighbours), so that the k-th distances screening the rest are tight;
      // then the strips above them. Strips from row c0 + W - 1 on only meet columns <= their rows:
      // those pairs are seen from the other side.
      for (int pass = 0; pass < 2; pass++) {
        for (int p = 0; p < packed.panelCount(); p++) {
          int c0 = j0 + p * width;
          int near = (c0 - i0) / VectorOps.TILE_ROWS; // the strip holding row c0
          int end = Math.min(strips.panelCount(), (c0 + width - 2 - i0) / VectorOps.TILE_ROWS + 1);
          panelTiles(p, pass == 0 ? near : 0, pass == 0 ? end : near, i0, i1, j0, rowTerms,
              colTerms, thresholds, sink, symmetric, true);
        }
      }
    }

    /** Computes and screens the tiles of strips {@code [from, to)} against panel {@code p}. */
    private void panelTiles(int p, int from, int to, int i0, int i1, int j0, Terms rowTerms,
        Terms colTerms, float[] thresholds, CandidateSink sink, boolean symmetric, boolean diagonal) {
      float[] colThresholds = symmetric ? thresholds : null;
      boolean manhattan = metric == Metric.MANHATTAN;
      int tileSize = VectorOps.TILE_ROWS * width;
      int c0 = j0 + p * width;
      for (int g = from; g < to; g += GROUP) {
        int group = Math.min(GROUP, to - g);
        ops.stripTiles(manhattan, strips.panels(), strips.offset(g), group, d, packed.panels(),
            packed.offset(p), tiles);
        for (int s = 0; s < group; s++) {
          int r0 = i0 + (g + s) * VectorOps.TILE_ROWS;
          int rows = Math.min(VectorOps.TILE_ROWS, i1 - r0);
          int tile = s * tileSize;
          int count = ops.screen(tiles, tile, rows, rowTerms.scale, rowTerms.add, r0, colTerms.add,
              c0, thresholds, colThresholds, hits);
          screened(tile, count, r0, c0, rowTerms, colTerms, thresholds, sink, symmetric, diagonal);
        }
      }
    }

    /** Offers the hits of one screened tile, re-scored, to the rows' (and columns') lists. */
    private void screened(int tile, int count, int r0, int c0, Terms rowTerms, Terms colTerms,
        float[] thresholds, CandidateSink sink, boolean symmetric, boolean diagonal) {
      for (int h = 0; h < count; h++) {
        int pos = hits[h];
        int i = r0 + pos / width;
        int j = c0 + pos % width;
        if (diagonal && j <= i) {
          continue;
        }
        float dist = tiles[tile + pos];
        if (rowTerms.projected != null && rowTerms.projected.rejects(i, colTerms.projected, j,
            dist, thresholds, symmetric, ops)) {
          continue;
        }
        int ri = rowTerms.id(i);
        int cj = colTerms.id(j);
        if (rowTerms.rescore) {
          dist = rescore(rowTerms, ri, colTerms, cj);
        }
        if (dist <= thresholds[i]) {
          sink.offer(i, dist, cj);
        }
        if (symmetric && dist <= thresholds[j]) {
          sink.offer(j, dist, ri);
        }
      }
    }
  }

  /**
   * The ranking value of vectors {@code i} and {@code j} from the differences (euclidean: squared;
   * cosine: 1 - cos).
   */
  private float rescore(Terms rowTerms, int i, Terms colTerms, int j) {
    int d = rowTerms.sourceDimension;
    if (rowTerms.unitScale == null) {
      return ops.squaredDistance(rowTerms.source, i * d, colTerms.source, j * d, d);
    }
    return 0.5f * ops.squaredDistance(rowTerms.source, i * d, rowTerms.unitScale[i], colTerms.source,
        j * d, colTerms.unitScale[j], d);
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
