package org.knng.cli;

import java.util.Locale;
import org.knng.Algorithm;
import org.knng.InvalidInputException;
import org.knng.exact.BlockedJoin;

/**
 * {@code --memory} and {@code --dry-run} of {@code knng build}: before any work, the run's peak
 * heap and time estimated from the shapes of its inputs and its options, and how the input is
 * read: whole, or (for an exact graph or search of a {@code .npy}, {@code .fvecs} or {@code .bvecs}
 * input that does not fit) a block at a time through {@link BlockedJoin}. A run that cannot fit
 * either way is refused with the estimate and what to change, instead of failing with an
 * out-of-memory error after the work.
 *
 * <p>The model (bytes; {@code V} the float32 vectors, {@code S} the rows x k neighbour slots):
 * the JVM and knng's own {@link #BASE}; the input {@code V}; the engine's copy of the vectors
 * (reordered for locality) and its per-slot state; the result ({@code 8 S}); the output writer's
 * arrays. Its constants were fitted to the smallest heap with which measured runs succeed (the
 * README's memory section has the table and the error).
 */
final class MemoryPlan {
  /** Resident memory of the JVM outside the heap (code, metadata, threads): measured, about 60 MB. */
  static final long JVM_RESIDENT = 60L << 20;
  /** Heap taken by the JVM's and knng's own objects before any data. */
  static final long BASE = 8L << 20;
  /** The engines' working copies of the vectors (padding, reordered blocks), as a share of them. */
  private static final double VECTOR_COPIES = 0.35;
  /** Bytes of heap per neighbour slot while an engine searches, beyond the result's. */
  private static final int ENGINE_SLOT = 4;
  /** The approximate engines' bytes per neighbour slot: lists, candidates, sampled copies. */
  private static final int APPROXIMATE_SLOT = 90;
  /** The tree engine's bytes per point (its order, boxes, positions). */
  private static final int TREE_POINT = 16;
  /** Bytes per neighbour slot of the result: an int id and a float distance. */
  private static final int RESULT_SLOT = 8;
  /** Bytes per neighbour slot of the lists merged block by block: id, ranking value, distance. */
  private static final int MERGED_SLOT = 12;
  /** Bytes per edge of a sparse-matrix output (.npz, .mtx, .csv): the CSR arrays and buffers. */
  private static final int GRAPH_EDGE = 10;
  /** The smallest block worth reading: below it the pieces' overheads dominate. */
  private static final int MIN_BLOCK_ROWS = 256;

  final Algorithm engine;
  final long rows;
  final int dimension;
  final long queries;
  final long resultRows;
  final int k;
  final long budget;
  final long input;
  final long engineBytes;
  final long result;
  final long output;
  final boolean blocked;
  final int blockRows;
  /** The least the run needs: its peak read whole, or what stays plus the smallest blocks. */
  private long needed;

  private MemoryPlan(Algorithm engine, long rows, int dimension, long queries, long resultRows, int k,
      long budget, long input, long engineBytes, long result, long output, boolean blocked, int blockRows) {
    this.engine = engine;
    this.rows = rows;
    this.dimension = dimension;
    this.queries = queries;
    this.resultRows = resultRows;
    this.k = k;
    this.budget = budget;
    this.input = input;
    this.engineBytes = engineBytes;
    this.result = result;
    this.output = output;
    this.blocked = blocked;
    this.blockRows = blockRows;
    this.needed = BASE + input + engineBytes + result + output;
  }

  /**
   * Plans a k-NN run (a radius graph without k has no bounded result and is planned as its input
   * alone).
   *
   * @param engine the engine that runs
   * @param rows points of the input
   * @param dimension values per point
   * @param queries queries ({@code --queries}), or 0 for a graph of the input
   * @param resultRows rows of the result held at once (all, or a block of a result written in
   *     blocks)
   * @param k neighbours per row (0 for a radius graph without k)
   * @param graphOutput whether the output is a sparse matrix (.npz, .mtx, .csv) rather than .npy ids
   * @param canBlock whether the input can be read a block at a time (a mappable file, an exact run)
   * @param budget the heap the run may use
   * @return the plan; {@link #fits()} says whether it can run
   */
  static MemoryPlan of(Algorithm engine, long rows, int dimension, long queries, long resultRows,
      int k, boolean graphOutput, boolean canBlock, long budget) {
    long slots = resultRows * k;
    long vectors = 4L * (rows + queries) * dimension;
    long result = RESULT_SLOT * slots;
    long output = graphOutput ? GRAPH_EDGE * slots : 0;
    long engineBytes = (long) (VECTOR_COPIES * vectors) + engineSlot(engine) * slots
        + (engine == Algorithm.KDTREE ? TREE_POINT * (rows + queries) : 0);
    boolean fitsArray = (rows + queries) * dimension <= Integer.MAX_VALUE - 8;
    MemoryPlan whole = new MemoryPlan(engine, rows, dimension, queries, resultRows, k, budget, vectors,
        engineBytes, result, output, false, 0);
    if ((whole.fits() && fitsArray) || !canBlock) {
      return whole;
    }
    // In blocks: the queries (and the engine's copy of them) stay, the base comes a block at a
    // time; each row's merged lists become the result (include-self copies them once more).
    long queryBytes = 4L * queries * dimension;
    long staying = (long) (VECTOR_COPIES * queryBytes) + MERGED_SLOT * slots;
    long left = budget - BASE - queryBytes - staying - result - output;
    int blockRows = left <= 0 ? 0 : (int) Math.min(rows, BlockedJoin.blockRows(left, dimension, k));
    MemoryPlan blocked = new MemoryPlan(engine, rows, dimension, queries, resultRows, k, budget, queryBytes,
        staying + BlockedJoin.blockBytes(blockRows, dimension, k), result, output, true,
        blockRows >= Math.min(rows, MIN_BLOCK_ROWS) ? blockRows : 0);
    // What stays, plus the smallest blocks worth reading.
    blocked.needed = BASE + queryBytes + staying + result + output
        + BlockedJoin.blockBytes(Math.min(rows, MIN_BLOCK_ROWS), dimension, k);
    return blocked;
  }

  /** An engine's bytes per neighbour slot beyond the result's. */
  private static long engineSlot(Algorithm engine) {
    switch (engine) {
      case NNDESCENT:
      case LSH:
        return APPROXIMATE_SLOT;
      default:
        return ENGINE_SLOT;
    }
  }

  /** @return the estimated peak heap of the run */
  long peak() {
    return BASE + input + engineBytes + result + output;
  }

  /** @return whether the run fits the budget as planned */
  boolean fits() {
    return blocked ? blockRows > 0 : peak() <= budget;
  }

  /**
   * A rough time for the search, from the work it does and rates measured on this project's
   * benchmark machine (2 cores): an order of magnitude, not a promise.
   *
   * @param threads worker threads
   * @return seconds
   */
  double seconds(int threads) {
    double pairs = queries > 0 ? (double) queries * rows : (double) rows * rows / 2;
    double work;
    switch (engine) {
      case KDTREE:
        work = rows * (k + 4.0) * Math.log(Math.max(2, rows)) * 60; // tree steps of ~60 flops
        break;
      case NNDESCENT:
      case LSH:
        work = (queries > 0 ? queries : rows) * (double) Math.max(k, 10) * 120 * dimension;
        break;
      default:
        work = pairs * dimension;
        break;
    }
    double rate = 4e10 * Math.max(1, threads); // multiply-adds per second per thread
    double pieces = blocked ? Math.pow((double) rows / Math.max(1, blockRows), 2) / 2 : 0;
    return 0.5 + work / rate + pieces * 0.01 + 4e-9 * (input + result);
  }

  /**
   * The estimate, one line per item, for {@code --dry-run}.
   *
   * @param threads worker threads
   * @return the lines
   */
  String describe(int threads) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "memory: about %s at peak (heap; about %s resident with the"
        + " JVM's own), of %s available (--memory)%n", size(peak()), size(peak() + JVM_RESIDENT),
        size(budget)));
    s.append(String.format(Locale.ROOT, "  %s vectors in memory, %s engine, %s result, %s output,"
            + " %s JVM and knng%n", size(input), size(engineBytes), size(result), size(output),
        size(BASE)));
    if (blocked) {
      long blocks = (rows + Math.max(1, blockRows) - 1) / Math.max(1, blockRows);
      s.append(blockRows > 0
          ? String.format(Locale.ROOT, "input: read in %d blocks of %d rows (%s as float32 does not"
              + " fit whole)%n", blocks, blockRows, size(4L * rows * dimension))
          : String.format(Locale.ROOT, "input: %s as float32 does not fit, and its result leaves no"
              + " room for blocks%n", size(4L * rows * dimension)));
    } else {
      s.append("input: read whole\n");
    }
    s.append(String.format(Locale.ROOT, "time: about %s with %d thread%s (a rough estimate)%n",
        duration(seconds(threads)), threads, threads == 1 ? "" : "s"));
    return s.toString();
  }

  /**
   * The one-line refusal of a run that does not fit, with what to change.
   *
   * @param canBlock whether the input could be read in blocks
   * @param blockedRun the run that would read this input (of a format read in blocks) in blocks,
   *     e.g. "a run without --groups", or null
   * @param graphOutput whether the output is a sparse matrix
   * @return the message
   */
  String refusal(boolean canBlock, String blockedRun, boolean graphOutput) {
    long need = needed;
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "this run needs about %s of memory (%s vectors, %s engine, %s result, %s output), more than"
            + " the %s available: give the JVM more heap (JAVA_OPTS=-Xmx%dg ./knng ..., and --memory)",
        size(need), size(input), size(engineBytes), size(result), size(output), size(budget),
        Math.max(1, (long) Math.ceil(need * 1.1 / (1L << 30)))));
    if (!canBlock && !blocked) {
      s.append(blockedRun != null
          ? ", or " + blockedRun + ", which reads its input in blocks"
          : ", or an exact run (--algorithm exact) of a .npy, .fvecs or .bvecs input or a contiguous"
              + " HDF5 dataset, which can be read in blocks");
    }
    if (graphOutput) {
      s.append(", or write .npy neighbour ids instead of a sparse matrix");
    }
    return s.toString();
  }

  /**
   * Parses a size: a number of bytes with an optional unit k, m, g or t (powers of 1024, case
   * ignored, an optional trailing b), e.g. {@code 512m}, {@code 1.5g}, {@code 4GB}.
   *
   * @param option the option (for the message)
   * @param text the value
   * @return bytes
   * @throws InvalidInputException naming the option if the value is not a positive size
   */
  static long parseSize(String option, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("b")) {
      t = t.substring(0, t.length() - 1);
    }
    long unit = 1;
    if (!t.isEmpty() && "kmgt".indexOf(t.charAt(t.length() - 1)) >= 0) {
      unit = 1L << (10 * ("kmgt".indexOf(t.charAt(t.length() - 1)) + 1));
      t = t.substring(0, t.length() - 1);
    }
    double value;
    try {
      value = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (!(value > 0) || Double.isInfinite(value) || value * unit >= Long.MAX_VALUE) {
      throw new InvalidInputException(option + " must be a size such as 512m or 4g, got '" + text + "'");
    }
    return (long) (value * unit);
  }

  /**
   * @param bytes a size
   * @return it in KB, MB or GB with one decimal (powers of 1024)
   */
  static String size(long bytes) {
    if (bytes < (1L << 20)) {
      return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }
    if (bytes < (1L << 30)) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
  }

  private static String duration(double seconds) {
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.0f s", Math.max(1, seconds));
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
