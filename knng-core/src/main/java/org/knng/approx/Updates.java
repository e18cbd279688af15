package org.knng.approx;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.knng.engine.Parallel;
import org.knng.select.CandidateSink;
import org.knng.select.RowHeaps;
import org.knng.simd.VectorOps;
import org.knng.tile.BlockJoin;
import org.knng.tile.BlockJoin.Pairs;
import org.knng.tile.Screen;

/**
 * Runs units of join work (forest leaves, or the local joins of NN-Descent) on all threads without
 * a lock and without making the result depend on the thread count.
 *
 * <p>Units are taken in fixed chunks (of {@link #CHUNK} units, fewer where a phase holds few
 * large units, so that it still has {@link #PHASE_CHUNKS} chunks to balance over the threads; the
 * size follows only the units and the budget); each chunk's pairs go to the chunk's own
 * buffer, screened against the thresholds as they were when the phase began (nothing is applied
 * while a phase runs). Then each buffer is sorted by row bin, and the bins are applied, each by one
 * thread, visiting the buffers in chunk order: every row sees its offers in the same order whatever
 * the thread count, so the lists and the count of changes are the same. A phase holds at most
 * {@code budget} offers' worth of units, so the buffers stay bounded (12 bytes an offer) however
 * large N is. Pairs that both lists already hold are dropped before their value is computed
 * ({@link KnownPairs}).
 */
final class Updates {
  /** Units per chunk: small enough to balance two threads, large enough to amortise a buffer. */
  static final int CHUNK = 32;
  /**
   * Chunks a phase has at least, where its units allow: a phase of a few large units (cells of a
   * thousand rows each) in two or three chunks of 32 left one thread waiting for the other
   * (1,000,000-point mixture: its components joined in 20-27 s then, 18 s in 16 chunks; 200,000
   * points: 1.4-1.9 s, 1.2 s).
   */
  static final int PHASE_CHUNKS = 16;
  /** Row bins of the apply step (a fixed number: the order of application must not follow T). */
  private static final int BINS = 256;

  private final VectorOps ops;
  private final KnownPairs screen;
  private final int threads;
  private final long budget;
  private final int[] rowOf; // the screen's row of each point, null when rows are points
  // Kept from phase to phase, so that a build makes no garbage per phase: the chunks' buffers,
  // and each thread's join (its packed blocks) for the lists it was made for.
  private Buffer[] buffers = new Buffer[0];
  private final Worker[] workers;
  private float[] limits; // the keep-th values of the lists, when a cell keeps fewer than a list
  private NeighborLists joinedLists;

  /**
   * @param ops the kernels
   * @param screen the join's screen (blocks of lists)
   * @param threads worker threads
   * @param budget the most offers a phase may buffer
   */
  Updates(VectorOps ops, Screen screen, int threads, long budget) {
    this.ops = ops;
    this.screen = new KnownPairs(screen);
    this.threads = threads;
    this.budget = budget;
    this.workers = new Worker[threads];
    int[] ids = screen.columns().ids();
    if (ids == null) {
      rowOf = null;
    } else {
      rowOf = new int[ids.length];
      for (int r = 0; r < ids.length; r++) {
        rowOf[ids[r]] = r;
      }
    }
  }

  /** One unit of work: joins some lists with the worker's joins. */
  interface Unit {
    void run(int unit, Worker worker);
  }

  /**
   * Runs units {@code [0, count)} and applies what they offer; a cell offers each row its nearest
   * {@code lists.k()} of the cell.
   *
   * @param lists the graph the offers go to
   * @param count units
   * @param maxOffers the most offers one unit can make (bounds a phase)
   * @param unit the work
   * @return how many offers changed a list
   */
  long run(NeighborLists lists, int count, long maxOffers, Unit unit) {
    return run(lists, count, maxOffers, lists.k(), unit);
  }

  /**
   * As {@link #run(NeighborLists, int, long, Unit)}, a cell offering each row only its nearest
   * {@code keep} of the cell ({@link Worker#cell}).
   *
   * @param keep candidates a cell offers each row, from 1 to {@code lists.k()}
   */
  long run(NeighborLists lists, int count, long maxOffers, int keep, Unit unit) {
    if (keep < 1 || keep > lists.k()) {
      throw new IllegalArgumentException(
          "a cell keeps 1 to " + lists.k() + " per row, not " + keep);
    }
    screen.lists(lists);
    int fit = (int) Math.max(1, Math.min(count, budget / Math.max(1, maxOffers)));
    int chunk = Math.max(1, Math.min(CHUNK, fit / PHASE_CHUNKS));
    int perPhase = Math.max(chunk, fit / chunk * chunk);
    long changes = 0;
    for (int from = 0; from < count; from += perPhase) {
      int to = Math.min(count, from + perPhase);
      changes += phase(lists, from, to, chunk, keep, unit);
    }
    return changes;
  }

  private long phase(NeighborLists lists, int from, int to, int chunk, int keep, Unit unit) {
    int chunks = (to - from + chunk - 1) / chunk;
    if (buffers.length < chunks) {
      buffers = Arrays.copyOf(buffers, chunks);
    }
    if (joinedLists != lists) { // the joins read the lists' thresholds: new lists, new joins
      joinedLists = lists;
      Arrays.fill(workers, null);
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger slots = new AtomicInteger();
    float[] thresholds = lists.thresholds();
    float[] limits = limits(lists, keep);
    Parallel.run(Math.min(threads, chunks), () -> {
      // Each thread takes a slot of its own, and the join (and its packing buffers) kept there.
      int slot = slots.getAndIncrement();
      if (workers[slot] == null) {
        workers[slot] = new Worker(thresholds);
      }
      Worker worker = workers[slot];
      worker.keep(keep, limits);
      for (int c; (c = next.getAndIncrement()) < chunks; ) {
        if (buffers[c] == null) {
          buffers[c] = new Buffer();
        }
        Buffer b = buffers[c];
        b.size = 0;
        worker.sink.to = b;
        for (int u = from + c * chunk, end = Math.min(to, u + chunk); u < end; u++) {
          unit.run(u, worker);
        }
        b.sortByBin(lists.rows());
      }
    });
    AtomicInteger nextBin = new AtomicInteger();
    AtomicLong changes = new AtomicLong();
    Parallel.run(Math.min(threads, BINS), () -> {
      long changed = 0;
      for (int bin; (bin = nextBin.getAndIncrement()) < BINS; ) {
        for (int c = 0; c < chunks; c++) {
          Buffer b = buffers[c];
          for (int e = b.binStart[bin]; e < b.binStart[bin + 1]; e++) {
            if (lists.insert(b.rows[e], b.values[e], b.ids[e])) {
              changed++;
            }
          }
        }
      }
      changes.addAndGet(changed);
    });
    return changes.get();
  }

  /**
   * What a cell's row must beat to be offered: the value at rank {@code keep} of its list (a
   * candidate farther than the row's keep-th cannot enter its nearest keep), which is the list's
   * threshold when it keeps the whole list.
   */
  private float[] limits(NeighborLists lists, int keep) {
    if (keep == lists.k()) {
      return lists.thresholds();
    }
    if (limits == null || limits.length != lists.thresholds().length) {
      limits = new float[lists.thresholds().length];
      Arrays.fill(limits, Float.POSITIVE_INFINITY); // the padding
    }
    for (int r = 0; r < lists.rows(); r++) {
      limits[r] = lists.value(r, keep - 1);
    }
    return limits;
  }

  /**
   * One thread's joins, kept from phase to phase: {@link #join} offers every pair that passes the
   * lists' thresholds (as they were when the phase began); {@link #cell} first keeps, per row of a
   * cell, only its nearest {@code keep} candidates within the cell, so that a large cell offers
   * {@code cell x keep} pairs, not {@code cell^2}, and its tiles are screened against thresholds
   * that tighten as the cell is joined (as in the exact engine's block joins).
   */
  final class Worker {
    final BlockJoin join;
    private final Forward sink;
    private final float[] listThresholds;
    private int keep;
    private float[] limits;
    // The cell join, made at the first cell: its own thresholds (the rows' limits or the cell's
    // keep-th, whichever is lower), the rows' positions in the cell, one heap of the nearest per
    // position.
    private BlockJoin cellJoin;
    private float[] cellThresholds;
    private int[] position;
    private RowHeaps heaps;

    private Worker(float[] listThresholds) {
      this.sink = new Forward(rowOf);
      this.join = new BlockJoin(ops, screen, listThresholds, sink);
      this.listThresholds = listThresholds;
    }

    /**
     * Sets how many of a cell's candidates each row is offered (new heaps if that changes), and
     * the values they must beat ({@link #limits}).
     */
    private void keep(int keep, float[] limits) {
      if (keep != this.keep) {
        this.keep = keep;
        heaps = null;
      }
      this.limits = limits;
    }

    /**
     * Joins a cell with itself ({@code order[from, from + size)}, rows of the screen), offering
     * each row's nearest {@code keep} of the cell (by value, then id) that beat its limit ({@link
     * Updates#limits}).
     */
    void cell(int[] order, int from, int size) {
      if (size <= keep + 1) { // every row keeps all the others anyway
        join.join(order, from, size, order, from, size, Pairs.WITHIN);
        return;
      }
      cells(order, from, size, order, from, size, Pairs.WITHIN);
    }

    /**
     * Joins two runs of rows as {@link BlockJoin#join(int[], int, int, int[], int, int, Pairs)}
     * does, but offers each row (and, both ways, each column) only its nearest {@code k} of the
     * pairs, by value then id. The two runs must hold different rows, unless {@code pairs} is
     * {@link Pairs#WITHIN}.
     */
    void cells(int[] rowList, int rowFrom, int rowCount, int[] columnList, int columnFrom,
        int columnCount, Pairs pairs) {
      if (heaps == null) {
        heaps = new RowHeaps(2 * screen.block(), keep);
      }
      if (cellJoin == null) {
        cellThresholds = listThresholds.clone();
        position = new int[listThresholds.length];
        cellJoin = new BlockJoin(ops, screen, cellThresholds, (row, value, id) -> {
          int p = position[row];
          heaps.offer(p, value, id);
          cellThresholds[row] = Math.min(limits[row], heaps.threshold(p));
        });
      }
      boolean columnsToo = pairs == Pairs.BOTH_WAYS;
      int size = rowCount + (columnsToo ? columnCount : 0);
      heaps.reset(size);
      for (int p = 0; p < rowCount; p++) {
        int row = rowList[rowFrom + p];
        position[row] = p;
        cellThresholds[row] = limits[row];
      }
      if (columnsToo) {
        for (int p = 0; p < columnCount; p++) {
          int row = columnList[columnFrom + p];
          position[row] = rowCount + p;
          cellThresholds[row] = limits[row];
        }
      }
      cellJoin.join(rowList, rowFrom, rowCount, columnList, columnFrom, columnCount, pairs);
      for (int p = 0; p < rowCount; p++) {
        heaps.drainInto(p, rowList[rowFrom + p], sink);
      }
      if (columnsToo) {
        for (int p = 0; p < columnCount; p++) {
          heaps.drainInto(rowCount + p, columnList[columnFrom + p], sink);
        }
      }
    }
  }

  /**
   * The worker's sink, pointed at the current chunk's buffer. The join offers point ids; the lists
   * hold rows of the screen, so a reordered screen's ids are mapped back to its rows.
   */
  private static final class Forward implements CandidateSink {
    private final int[] rowOf;
    Buffer to;

    Forward(int[] rowOf) {
      this.rowOf = rowOf;
    }

    @Override
    public void offer(int row, float distance, int id) {
      int column = rowOf == null ? id : rowOf[id];
      if (row != column) { // a point met as both a new and an old candidate of the same list
        to.offer(row, distance, column);
      }
    }
  }

  /** One chunk's offers, then sorted (stably) by row bin. */
  static final class Buffer implements CandidateSink {
    int[] rows = new int[256];
    float[] values = new float[256];
    int[] ids = new int[256];
    int size;
    int[] binStart;
    private int[] fill;
    private int[] bins = new int[0];
    private int[] sortedRows = new int[0];
    private float[] sortedValues = new float[0];
    private int[] sortedIds = new int[0];

    @Override
    public void offer(int row, float value, int id) {
      if (size == rows.length) {
        int grown = size * 2;
        rows = Arrays.copyOf(rows, grown);
        values = Arrays.copyOf(values, grown);
        ids = Arrays.copyOf(ids, grown);
      }
      rows[size] = row;
      values[size] = value;
      ids[size] = id;
      size++;
    }

    void sortByBin(int n) {
      if (binStart == null) {
        binStart = new int[BINS + 1];
      }
      Arrays.fill(binStart, 0);
      // As long as the offers' arrays (not only the offers): the swap below must not leave the
      // next phase arrays shorter than these (a phase without offers left arrays of length 0,
      // which offer() then could not grow).
      if (sortedRows.length < rows.length) {
        bins = new int[rows.length];
        sortedRows = new int[rows.length];
        sortedValues = new float[rows.length];
        sortedIds = new int[rows.length];
      }
      for (int e = 0; e < size; e++) {
        bins[e] = (int) ((long) rows[e] * BINS / n);
        binStart[bins[e] + 1]++;
      }
      for (int b = 0; b < BINS; b++) {
        binStart[b + 1] += binStart[b];
      }
      if (fill == null) {
        fill = new int[BINS];
      }
      System.arraycopy(binStart, 0, fill, 0, BINS);
      for (int e = 0; e < size; e++) {
        int p = fill[bins[e]]++;
        sortedRows[p] = rows[e];
        sortedValues[p] = values[e];
        sortedIds[p] = ids[e];
      }
      // Swap: the sorted arrays are read by the apply step, the others filled next phase.
      int[] r = rows;
      rows = sortedRows;
      sortedRows = r;
      float[] v = values;
      values = sortedValues;
      sortedValues = v;
      int[] i = ids;
      ids = sortedIds;
      sortedIds = i;
    }
  }
}
