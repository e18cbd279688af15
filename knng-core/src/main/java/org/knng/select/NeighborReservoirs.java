package org.knng.select;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.engine.Parallel;
import org.knng.simd.VectorOps;

/**
 * The k nearest candidates of every row, kept as FAISS keeps them for large k: each row has its
 * {@code k} slots and a small spill area; a candidate that beats the row's admission threshold is
 * appended (no heap to sift), and when the spill area is full the row's {@code k + spill}
 * candidates are partitioned around the k-th one, which becomes the new threshold. The cost of a
 * kept candidate is then a few sequential moves whatever k is, where a heap pays {@code log2 k}
 * scattered sifts (at k = 1000 they were two thirds of the exact engine's time). The spill area is
 * chosen by k ({@link #spill(int)}), so this one mechanism serves k = 1 to k = N - 1.
 *
 * <p>Candidates are ordered by distance, then by id: a strict total order, so the {@code k} kept
 * per row are the same whatever order candidates are offered in. That is what makes results
 * identical for any thread count, and what breaks ties in favour of the smaller index.
 *
 * <p>Memory: {@code rows * (k + spill(k)) * 8} bytes, plus one scratch of {@code (k + spill) * 8}
 * bytes per {@link #worker()}. Workers may share the lists as long as no two offer to the same row
 * at once.
 */
public final class NeighborReservoirs {
  private final int rows;
  private final int k;
  private final int spill;
  private final int[] ids;          // rows x k: each row's first candidates, then its kept ones
  private final float[] distances;
  private long[] spilled;           // rows x spill: keys of the candidates since the last partition
  private final int[] counts;       // candidates a row holds, in its slots and its spill area
  private final long[] worst;       // the key of a full row's k-th candidate, or of its limit
  private final float[] thresholds; // its distance, +infinity before: what the screens read

  /**
   * @param rows number of rows
   * @param k candidates kept per row, at least 1
   */
  public NeighborReservoirs(int rows, int k) {
    this(rows, k, spill(k));
  }

  /**
   * @param rows number of rows
   * @param k candidates kept per row, at least 1
   * @param spill candidates a row takes between two partitions, at least 1
   */
  NeighborReservoirs(int rows, int k, int spill) {
    this(rows, k, spill, null);
  }

  /** With {@code lender}: its slots and spill areas, which are large enough, instead of new ones. */
  private NeighborReservoirs(int rows, int k, int spill, NeighborReservoirs lender) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    if ((long) rows * k > Integer.MAX_VALUE - 8 || (long) rows * spill > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(rows + " rows x k=" + k + " neighbours do not fit in one array");
    }
    this.rows = rows;
    this.k = k;
    this.spill = spill;
    this.ids = lender != null ? lender.ids : new int[rows * k];
    this.distances = lender != null ? lender.distances : new float[rows * k];
    this.spilled = lender != null ? lender.spilled : new long[rows * spill];
    this.counts = new int[rows];
    this.worst = new long[rows];
    Arrays.fill(worst, Long.MAX_VALUE);
    this.thresholds = new float[rows + VectorOps.SCREEN_PADDING];
    Arrays.fill(thresholds, Float.POSITIVE_INFINITY);
  }

  /**
   * The spill area for k: a quarter of k (a partition of {@code 1.25 k} candidates then costs
   * about 15 moves per candidate kept, and the spill adds a quarter to the memory of the result),
   * at least 8 so that small k partitions rarely, and an eighth of k from k = 512 on, where the
   * exact engine starts each row's threshold from a sample and rows take few more than k
   * candidates: there the memory matters more than the extra partitions (Fashion-MNIST at k =
   * 1000: 60 MB less, the same time).
   *
   * @param k candidates kept per row
   * @return candidates a row takes between two partitions
   */
  static int spill(int k) {
    return Math.max(8, k >= 512 ? k / 8 : k / 4);
  }

  /**
   * Lists of {@code k} candidates per row held in this one's arrays, for a search that must finish
   * before this one takes its first candidate (the sample a large join's starting thresholds are
   * read from): they cost no memory but their counts and thresholds, where lists of their own
   * (Fashion-MNIST at k = 1000: 60,000 rows x 51) would stay in the old generation, dead, once
   * read. Their candidates overwrite this one's slots, which hold nothing yet.
   *
   * @param k candidates kept per row, at most this one's k
   * @return the borrowed lists
   * @throws IllegalStateException if a row of this one already holds a candidate, or its arrays
   *     were released ({@link #sortAndRelease})
   */
  public NeighborReservoirs borrow(int k) {
    if (spilled == null) {
      throw new IllegalStateException("released lists cannot be lent");
    }
    for (int count : counts) {
      if (count != 0) {
        throw new IllegalStateException("lists that hold candidates cannot be lent");
      }
    }
    int spill = spill(k);
    if (k > this.k || (long) rows * spill > spilled.length) {
      return new NeighborReservoirs(rows, k, spill); // more than this one holds: lists of their own
    }
    return new NeighborReservoirs(rows, k, spill, this);
  }

  /** @return the number of rows */
  public int rows() {
    return rows;
  }

  /** @return the candidates kept per row */
  public int k() {
    return k;
  }

  /**
   * The distance a new candidate must not exceed to enter this row: the k-th kept distance of the
   * row's last partition, +infinity until the row has k candidates.
   *
   * @param row row index
   * @return the admission threshold
   */
  public float threshold(int row) {
    return thresholds[row];
  }

  /**
   * Every row's {@link #threshold(int)} in one dense array, kept up to date by the workers, for
   * kernels that screen a whole tile of candidates at once. It is {@link VectorOps#SCREEN_PADDING}
   * longer than {@link #rows()}, as {@link VectorOps#screen} needs. Read-only for callers.
   *
   * @return the live threshold array (not a copy)
   */
  public float[] thresholds() {
    return thresholds;
  }

  /**
   * Starts a row's threshold at {@code limit} instead of +infinity: candidates farther than it
   * are never taken, so the row may end with fewer than k ({@link #count(int)} tells). For an
   * engine that knows an upper bound of each row's k-th distance before it starts.
   *
   * @param row row index, not yet offered anything
   * @param limit the largest distance the row takes (ties with it are taken)
   */
  public void limit(int row, float limit) {
    thresholds[row] = limit;
    worst[row] = key(limit, Integer.MAX_VALUE);
  }

  /**
   * A sink for one worker thread, with its own scratch for partitions.
   *
   * @return a new worker
   */
  public Worker worker() {
    return new Worker();
  }

  /** Offers candidates to the lists from one thread; see {@link NeighborReservoirs}. */
  public final class Worker implements CandidateSink {
    private final float[] values = new float[k + spill];
    private int[] tieIds = new int[16];

    private Worker() {}

    @Override
    public void offer(int row, float distance, int id) {
      keep(row, distance, id);
    }

    /**
     * {@link #offer}, telling whether the candidate entered the row (it may still be dropped by a
     * later partition).
     *
     * @param row row index
     * @param distance candidate distance (NaN is never kept)
     * @param id candidate id, at least 0
     * @return whether the candidate was taken
     */
    public boolean keep(int row, float distance, int id) {
      if (key(distance, id) >= worst[row] || distance != distance) {
        return false;
      }
      int n = counts[row];
      if (n < k) {
        int at = row * k + n;
        ids[at] = id;
        distances[at] = distance;
        counts[row] = n + 1;
        if (n + 1 == k) {
          partition(row);
        }
        return true;
      }
      int at = row * spill + n - k;
      spilled[at] = key(distance, id); // one cache line touched, not two
      counts[row] = n + 1;
      if (n + 1 - k == spill) {
        partition(row);
      }
      return true;
    }

    /**
     * Keeps the row's k smallest candidates in its slots; the k-th becomes the threshold. Only the
     * distances are copied and partitioned; then each slot whose candidate lost takes the next
     * spilled candidate that won, so a partition moves about {@code k + 2 spill} floats.
     */
    private void partition(int row) {
      int n = counts[row];
      int base = row * k;
      int spillBase = row * spill;
      System.arraycopy(distances, base, values, 0, k);
      for (int p = k; p < n; p++) {
        values[p] = distance(spilled[spillBase + p - k]);
      }
      float kth = select(values, n, k - 1);
      int below = 0;
      for (int p = 0; p < n; p++) {
        below += values[p] < kth ? 1 : 0;
      }
      int lastTie = lastTie(row, n, kth, k - below);
      long last = key(kth, lastTie); // the k-th candidate: the ones after it lose
      int s = spillBase;
      for (int p = base; p < base + k; p++) {
        float d = distances[p];
        if (d < kth || (d == kth && ids[p] <= lastTie)) {
          continue;
        }
        // The slot's candidate lost: the next spilled winner takes it (there is one per such slot).
        while (spilled[s] > last) {
          s++;
        }
        distances[p] = distance(spilled[s]);
        ids[p] = id(spilled[s]);
        s++;
      }
      counts[row] = k;
      worst[row] = last;
      thresholds[row] = kth;
    }

    /**
     * Among the row's candidates at distance {@code kth}, the largest id of the {@code keep}
     * smallest: those are kept, the others lose to the candidates nearer than {@code kth}.
     */
    private int lastTie(int row, int n, float kth, int keep) {
      int tied = 0;
      for (int p = row * k, end = p + Math.min(n, k); p < end; p++) {
        if (distances[p] == kth) {
          tieIds = tieIds.length > tied ? tieIds : Arrays.copyOf(tieIds, 2 * tieIds.length);
          tieIds[tied++] = ids[p];
        }
      }
      for (int p = row * spill, end = p + n - k; p < end; p++) {
        if (distance(spilled[p]) == kth) {
          tieIds = tieIds.length > tied ? tieIds : Arrays.copyOf(tieIds, 2 * tieIds.length);
          tieIds[tied++] = id(spilled[p]);
        }
      }
      if (tied > keep) {
        Arrays.sort(tieIds, 0, tied);
        return tieIds[keep - 1];
      }
      int last = Integer.MIN_VALUE;
      for (int t = 0; t < tied; t++) {
        last = Math.max(last, tieIds[t]);
      }
      return last;
    }
  }

  /** Copies the row's candidates, slots then spill area, into {@code to} as keys; returns how many. */
  private int gather(int row, long[] to) {
    int n = counts[row];
    int inSlots = Math.min(n, k);
    int base = row * k;
    for (int p = 0; p < inSlots; p++) {
      to[p] = key(distances[base + p], ids[base + p]);
    }
    int spillBase = row * spill;
    for (int p = inSlots; p < n; p++) {
      to[p] = spilled[spillBase + p - k];
    }
    return n;
  }

  /**
   * @param row row index
   * @return how many candidates the row would keep now (at most {@code k})
   */
  public int count(int row) {
    return Math.min(k, counts[row]);
  }

  /**
   * Sorts every row's k best ascending by (distance, id) into flat arrays, on {@code threads}
   * threads, and hands them over. Rows with fewer than {@code k} candidates are padded with id
   * {@code -1} and distance +infinity. The lists must not be used afterwards.
   *
   * @param threads threads to sort on, at least 1
   * @return the ids and distances as flat row-major arrays of {@code rows * k}
   */
  public Sorted sortAndRelease(int threads) {
    int chunk = 1024;
    AtomicInteger next = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(threads, (rows + chunk - 1) / chunk)), () -> {
      long[] keys = new long[k + spill];
      for (int r0; (r0 = next.getAndAdd(chunk)) < rows; ) {
        for (int r = r0; r < Math.min(rows, r0 + chunk); r++) {
          int n = gather(r, keys);
          Arrays.sort(keys, 0, n);
          int base = r * k;
          for (int p = 0; p < k; p++) {
            ids[base + p] = p < n ? id(keys[p]) : -1;
            distances[base + p] = p < n ? distance(keys[p]) : Float.POSITIVE_INFINITY;
          }
        }
      }
    });
    spilled = null;
    return new Sorted(ids, distances, k);
  }

  /** Row-major sorted neighbour ids and distances, {@code rows * k} each. */
  public static final class Sorted {
    /** Neighbour ids, {@code -1} where a row had fewer than {@code k}. */
    public final int[] ids;
    /** Neighbour distances, ascending within a row. */
    public final float[] distances;
    private final int k;

    Sorted(int[] ids, float[] distances, int k) {
      this.ids = ids;
      this.distances = distances;
      this.k = k;
    }

    /**
     * Puts the rows of {@link #ids} back in point order, in place, when an engine kept them in its
     * own order (a screen's or a tree's): row {@code r} moves to row {@code pointOfRow[r]}, one
     * cycle of the permutation at a time, so no second {@code rows x k} array is made. The
     * distances are left in the old order (engines only reuse their space).
     *
     * @param pointOfRow the point of each row, or null when rows are already points
     */
    public void toPointOrder(int[] pointOfRow) {
      if (pointOfRow == null) {
        return;
      }
      int n = pointOfRow.length;
      BitSet placed = new BitSet(n);
      int[] carried = new int[k];
      int[] swap = new int[k];
      for (int start = 0; start < n; start++) {
        if (placed.get(start)) {
          continue;
        }
        // Carry row `start` to its place, the row found there to its own, until the cycle closes.
        System.arraycopy(ids, start * k, carried, 0, k);
        int at = pointOfRow[start];
        while (true) {
          placed.set(at);
          if (at == start) {
            System.arraycopy(carried, 0, ids, at * k, k);
            break;
          }
          System.arraycopy(ids, at * k, swap, 0, k);
          System.arraycopy(carried, 0, ids, at * k, k);
          int[] t = carried;
          carried = swap;
          swap = t;
          at = pointOfRow[at];
        }
      }
    }
  }

  /**
   * A candidate as one long whose signed order is the (distance, id) order: the distance's bits
   * mapped to an int that orders as the float does (-0 read as +0, as {@code ==} does), then the id.
   */
  static long key(float distance, int id) {
    return ((long) orderedBits(distance) << 32) | (id & 0xffffffffL);
  }

  static int id(long key) {
    return (int) key;
  }

  static float distance(long key) {
    return fromOrderedBits((int) (key >> 32));
  }

  /**
   * A distance's bits as an int whose signed order is the order of the floats ({@code -0} read as
   * {@code +0}, as {@code ==} reads it; {@code Float.NaN} above {@code +Infinity}): sorting such
   * ints, or longs made of them and an id, sorts by distance without a float comparison's branches.
   *
   * @param distance a distance
   * @return its ordered bits
   */
  public static int orderedBits(float distance) {
    int bits = Float.floatToRawIntBits(distance + 0f); // -0 + 0 is +0
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  /**
   * The distance of {@link #orderedBits} (the mapping is its own inverse).
   *
   * @param ordered ordered bits
   * @return the distance ({@code +0} for {@code -0})
   */
  public static float fromOrderedBits(int ordered) {
    return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & 0x7fffffff));
  }

  /**
   * The value at position {@code nth} of {@code a[0, n)} if it were sorted; {@code a} is reordered.
   * Quickselect with a median-of-three pivot and a partition without data-dependent branches (the
   * candidates arrive in random order, so a branch on each comparison would be mispredicted half
   * the time); a range that stops shrinking is sorted instead, so it is never quadratic.
   */
  static float select(float[] a, int n, int nth) {
    int lo = 0;
    int hi = n; // exclusive
    int budget = 2 * (32 - Integer.numberOfLeadingZeros(n)) + 8;
    while (hi - lo > 24 && --budget >= 0) {
      int mid = (lo + hi) >>> 1;
      float x = a[lo];
      float y = a[mid];
      float z = a[hi - 1];
      float pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
      // Lomuto: a[lo, below) < pivot <= a[below, i); each element is swapped unconditionally.
      int below = lo;
      for (int i = lo; i < hi; i++) {
        float v = a[i];
        a[i] = a[below];
        a[below] = v;
        below += v < pivot ? 1 : 0;
      }
      if (nth < below) {
        hi = below;
        continue;
      }
      // Then a[below, equal) == pivot < a[equal, hi).
      int equal = below;
      for (int i = below; i < hi; i++) {
        float v = a[i];
        a[i] = a[equal];
        a[equal] = v;
        equal += v == pivot ? 1 : 0;
      }
      if (nth < equal) {
        return pivot;
      }
      lo = equal;
    }
    Arrays.sort(a, lo, hi);
    return a[nth];
  }

}
