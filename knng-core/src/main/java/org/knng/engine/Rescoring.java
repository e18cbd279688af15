package org.knng.engine;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.knng.graph.KnnResult;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;
import org.knng.select.EdgeBuffer;
import org.knng.select.NeighborReservoirs;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;
import org.knng.vectors.Vectors;

/**
 * The last step of every engine's result: the candidates it kept (from float32 kernels, or from
 * an approximate search) are re-computed in double precision from the metric's definition ({@link
 * Metric#distance}) and reported in its units. For k-NN rows the neighbours are re-sorted by (distance, id) and, with include-self, the
 * point itself is put first; for a radius graph the collected pairs are gathered row by row into
 * CSR and kept if their distance is at most the radius.
 */
public final class Rescoring {
  /**
   * Rows per chunk: as many as fit 256 KB of float32 vectors (512 KB widened to double, what the
   * pairs read again and again; they stay in the core's cache; vectors of integers are read as
   * they are, and twice the rows gained nothing measurable)... The more rows a chunk holds, the
   * more of its pairs share each neighbour, which is read from memory and widened once for all of
   * them: Fashion-MNIST at k = 1000 re-scores 60M pairs, 7.4 per neighbour read with 128 KB, and
   * the phase took 4.6-4.9 s instead of 5.6-5.8 s with 256 KB on a 2-core machine with a 1 MB L2
   * cache (512 KB chunks, whose doubles would fill that cache, saved little more); at k = 100
   * 1.13 s instead of 1.22 s; random 50k x 128 points, whose near rows rarely share neighbours,
   * unchanged.
   */
  private static final int CHUNK_BYTES = 256 << 10;
  /** ... and at most this many (row, neighbour) pairs, the size of each worker's scratch. */
  private static final int MAX_PAIRS = 1 << 20;
  /** Element moves per entry {@link #sortRow}'s insertion sort may make before it sorts by keys. */
  private static final int MOVES_PER_ENTRY = 16;

  private final KnnOptions options;
  private final Metric metric;
  private final VectorOps ops = VectorOpsProvider.get();
  private final int[] visit; // the order rows are re-scored in, or null for point order

  /** @param options the metric, k, include-self and threads of the result */
  public Rescoring(KnnOptions options) {
    this(options, null);
  }

  private Rescoring(KnnOptions options, int[] visit) {
    this.options = options;
    this.metric = options.metric();
    this.visit = visit;
  }

  /**
   * The same re-scoring, taking the rows of a k-NN result (given in point order, as usual) in
   * the order {@code rows}: an engine that has put near points next to each other (the exact
   * engine's projected screen) passes that order, so that the rows re-scored together share most
   * of their neighbours and read far fewer vectors from memory (Fashion-MNIST at k = 1000: each
   * chunk of rows read about 30,000 scattered vectors in point order). The result is the same.
   *
   * @param rows every row once, in the order to re-score them
   * @return a re-scoring that visits the rows in that order
   */
  public Rescoring visiting(int[] rows) {
    return new Rescoring(options, rows);
  }

  /**
   * The k-NN graph of {@code points} from the candidates of its self-join ({@code n x kept} ids,
   * {@code kept = k} or {@code k - 1} with include-self, -1 where a row has fewer; null when kept
   * is 0). Without include-self the result takes {@code candidates} over as its id array.
   *
   * @param points the points
   * @param candidates each row's kept neighbours, any order, {@code -1} for none
   * @return the sorted, re-scored graph
   */
  public KnnResult graph(Vectors points, int[] candidates) {
    return graph(points, candidates, null);
  }

  /**
   * {@link #graph(Vectors, int[])}, writing the distances into {@code spare} when it has room for
   * {@code n x k} (an engine's candidate values it no longer needs), so that a large k costs no
   * second copy of the result.
   *
   * @param points the points
   * @param candidates each row's kept neighbours, any order, {@code -1} for none
   * @param spare an array the result may take over for its distances, or null
   * @return the sorted, re-scored graph
   */
  public KnnResult graph(Vectors points, int[] candidates, float[] spare) {
    return knn(points, points, candidates, spare, true, options.includeSelf());
  }

  /**
   * The k nearest base points of each query, from the search's {@code queries x k} candidates,
   * which the result takes over as its id array.
   *
   * @param base the set searched
   * @param queries the queries
   * @param candidates each query's kept base ids, any order, {@code -1} for none
   * @param spare an array the result may take over for its distances, or null
   * @return the sorted, re-scored result
   */
  public KnnResult search(Vectors base, Vectors queries, int[] candidates, float[] spare) {
    return knn(queries, base, candidates, spare, false, false);
  }

  /**
   * {@link #graph(Vectors, int[], float[])} for an engine that works in its own order of the
   * points (a tree's) and finishes rows one at a time: {@code ordered} holds the points in that
   * order, row {@code r} being point {@code pointOf[r]}, and the candidates of point {@code p} (in
   * the rows of {@code candidates}, as usual) are rows of {@code ordered}. Each worker re-scores a
   * row as soon as its candidates are in place ({@link InOrder.Worker#row}), while the vectors it
   * just compared are still in cache; the result has point ids, ties by the smaller point id,
   * exactly as from point ids.
   *
   * @param ordered the points in the engine's order
   * @param candidates each point's kept neighbours as rows of {@code ordered}, {@code -1} for none
   * @param spare an array the result may take over for its distances, or null
   * @param pointOf the point of each row of {@code ordered}
   * @return the re-scoring, to which workers hand their rows
   */
  public InOrder graphInOrder(Vectors ordered, int[] candidates, float[] spare, int[] pointOf) {
    return new InOrder(ordered, ordered, candidates, spare, true, options.includeSelf(), pointOf, pointOf);
  }

  /**
   * {@link #search(Vectors, Vectors, int[], float[])} for an engine that works in its own orders
   * of the base and the queries, row by row (see {@link #graphInOrder}).
   *
   * @param base the base points in the engine's order
   * @param queries the queries in the engine's order
   * @param candidates each query's kept neighbours as rows of {@code base}, {@code -1} for none
   * @param spare an array the result may take over for its distances, or null
   * @param basePoint the point of each row of {@code base}
   * @param queryPoint the query of each row of {@code queries}
   * @return the re-scoring, to which workers hand their rows
   */
  public InOrder searchInOrder(Vectors base, Vectors queries, int[] candidates, float[] spare,
      int[] basePoint, int[] queryPoint) {
    return new InOrder(queries, base, candidates, spare, false, false, queryPoint, basePoint);
  }

  /**
   * The rows of a k-NN result re-scored one at a time, in an engine's own order, by the workers
   * that found them. Without include-self the result takes {@code candidates} over as its id
   * array (each row is re-scored in place).
   */
  public final class InOrder {
    private final int[] candidates;
    private final int[] ids;
    private final float[] dist;
    private final float[] q;
    private final float[] x;
    private final int d;
    private final int rows;
    private final int columns;
    private final boolean graph;
    private final boolean selfFirst;
    private final int[] rowPoint;
    private final int[] idPoint;
    private final boolean integers;

    private InOrder(Vectors queries, Vectors base, int[] candidates, float[] spare, boolean graph,
        boolean selfFirst, int[] rowPoint, int[] idPoint) {
      int k = options.k();
      this.graph = graph;
      this.rows = queries.size();
      this.columns = base.size();
      this.candidates = candidates;
      this.ids = selfFirst ? new int[rows * k] : candidates;
      this.dist = spare != null && spare.length == rows * k ? spare : new float[rows * k];
      this.q = queries.data();
      this.x = base.data();
      this.d = base.dimension();
      this.selfFirst = selfFirst;
      this.rowPoint = rowPoint;
      this.idPoint = idPoint;
      this.integers =
          Distances.worthIntegerSums(metric, q, x, d, options.k(), options.threads());
    }

    /** @return a worker's handle (one per thread) */
    public Worker worker() {
      return new Worker();
    }

    /** @return the result, once every row has been re-scored */
    public KnnResult result() {
      if (UnderflowRows.mayHave(metric, options.k(), d, ids, dist)) {
        UnderflowRows.research(metric, options.k(), selfFirst, ids, dist, q, inverse(rowPoint), x,
            inverse(idPoint), d, columns, graph, options.threads());
      }
      return new KnnResult(rows, columns, options.k(), ids, dist, metric, selfFirst);
    }

    /** One thread's re-scoring, with its own scratch for the distances. */
    public final class Worker {
      private final Distances batch = new Distances(metric, ops, q, x, d, dist, 1, integers);
      /** What {@link #warm} read, kept so that its reads are not optimised away. */
      private int warmed;

      private Worker() {}

      /**
       * Reads the result rows of the engine's rows {@code [from, to)} into the cache, to be
       * written soon: they are scattered over the result (a row's place is its point's), and a
       * write that misses the cache holds up the writes behind it, where independent reads
       * issued together wait for memory side by side while the engine works on. On a million
       * 3-d points the tree engine's search takes about 6% less time.
       *
       * @param from the first row, in the engine's order
       * @param to the end of the rows
       */
      public void warm(int from, int to) {
        int k = options.k();
        int first = selfFirst ? 1 : 0;
        int kept = k - first;
        int sum = 0;
        for (int r = from; r < to; r++) {
          int at = rowPoint[r] * k;
          int c = rowPoint[r] * kept;
          // A row's first and last values: at most two cache lines per array up to k = 16.
          sum += Float.floatToRawIntBits(dist[at]) + Float.floatToRawIntBits(dist[at + k - 1]);
          if (kept > 0) {
            sum += candidates[c] + candidates[c + kept - 1];
          }
          if (selfFirst) {
            sum += ids[at] + ids[at + k - 1];
          }
        }
        warmed += sum;
      }

      /**
       * Re-scores row {@code r} of the engine's order (its place in the result is its point's
       * row): its candidates must be in place, and are read only now.
       *
       * @param r the row, in the engine's order
       */
      public void row(int r) {
        int k = options.k();
        int first = selfFirst ? 1 : 0;
        int kept = k - first;
        int at = rowPoint[r] * k;
        batch.first(0, r * d);
        if (selfFirst) {
          ids[at] = r;
          if (kept > 0) {
            System.arraycopy(candidates, rowPoint[r] * kept, ids, at + 1, kept);
          }
        }
        for (int p = at, end = at + k; p < end; p++) {
          int id = ids[p];
          if (id < 0) {
            dist[p] = Float.POSITIVE_INFINITY;
          } else if (selfFirst && p == at) {
            dist[p] = 0f;
          } else {
            batch.second(id * d);
            batch.add(p, 0);
          }
          ids[p] = id < 0 ? -1 : selfFirst && p == at ? rowPoint[r] : idPoint[id];
        }
        batch.finish();
        sortRow(ids, dist, at + first, at + k);
      }
    }
  }

  /**
   * Re-scores chunk by chunk of rows. In point order (or the order given to {@link #visiting}), a
   * chunk's rows stay in cache while its (row, neighbour) pairs are taken in the order of the
   * neighbours' ids, so the base is read in one ascending sweep instead of at N x k scattered
   * addresses (at k = 1000 that is 2.5x faster). {@code graph}: the rows are the base's own points
   * (a self-join), not queries.
   */
  private KnnResult knn(Vectors queries, Vectors base, int[] candidates, float[] spare,
      boolean graph, boolean selfFirst) {
    assert visit == null || visit.length == queries.size() : "an order to visit is for every row";
    int k = options.k();
    int rows = queries.size();
    int first = selfFirst ? 1 : 0;
    int kept = k - first;
    int[] ids = selfFirst ? new int[rows * k] : candidates;
    float[] dist = spare != null && spare.length == rows * k ? spare : new float[rows * k];
    float[] q = queries.data();
    float[] x = base.data();
    int d = base.dimension();
    int chunk = Math.max(1, Math.min(CHUNK_BYTES / (4 * Math.max(1, d)), MAX_PAIRS / k));
    boolean integers = Distances.worthIntegerSums(metric, q, x, d, k, options.threads());
    int pairs = chunk * k;
    // Buckets of 2^shift consecutive neighbour ids, no more buckets than a chunk has pairs.
    int shift = Math.max(0, bits(base.size()) - bits(pairs));
    int buckets = (base.size() >> shift) + 1;
    AtomicInteger next = new AtomicInteger();
    Parallel.run(Math.max(1, Math.min(options.threads(), (rows + chunk - 1) / chunk)), () -> {
      int[] order = new int[pairs];
      int[] starts = new int[buckets + 1];
      Distances batch = new Distances(metric, ops, q, x, d, dist, chunk, integers);
      for (int r0; (r0 = next.getAndAdd(chunk)) < rows; ) {
        int r1 = Math.min(rows, r0 + chunk);
        if (selfFirst) {
          for (int v = r0; v < r1; v++) {
            int r = visit == null ? v : visit[v];
            ids[r * k] = r;
            if (kept > 0) {
              System.arraycopy(candidates, r * kept, ids, r * k + 1, kept);
            }
          }
        }
        for (int v = r0; v < r1; v++) {
          batch.first(v - r0, (visit == null ? v : visit[v]) * d);
        }
        Arrays.fill(starts, 0);
        for (int v = r0; v < r1; v++) {
          for (int p = (visit == null ? v : visit[v]) * k, end = p + k; p < end; p++) {
            starts[(Math.max(0, ids[p]) >> shift) + 1]++;
          }
        }
        for (int b = 0; b < buckets; b++) {
          starts[b + 1] += starts[b];
        }
        // A pair is held as its place in the chunk: (row's slot) * k + (place in the row).
        for (int v = r0; v < r1; v++) {
          for (int j = 0, p = (visit == null ? v : visit[v]) * k; j < k; j++) {
            order[starts[Math.max(0, ids[p + j]) >> shift]++] = (v - r0) * k + j;
          }
        }
        for (int o = 0, end = (r1 - r0) * k; o < end; o++) {
          int slot = order[o] / k;
          int j = order[o] - slot * k;
          int p = (visit == null ? r0 + slot : visit[r0 + slot]) * k + j;
          int id = ids[p];
          if (id < 0) {
            dist[p] = Float.POSITIVE_INFINITY;
          } else if (selfFirst && j == 0) {
            dist[p] = 0f;
          } else {
            batch.second(id * d);
            batch.add(p, slot);
          }
        }
        batch.finish();
        for (int v = r0; v < r1; v++) {
          int r = visit == null ? v : visit[v];
          sortRow(ids, dist, r * k + first, r * k + k);
        }
      }
    });
    UnderflowRows.research(metric, k, selfFirst, ids, dist, q, null, x, null, d, base.size(),
        graph, options.threads());
    return new KnnResult(rows, base.size(), k, ids, dist, metric, selfFirst);
  }

  /** @return the row of each point, given the point of each row */
  private static int[] inverse(int[] pointOf) {
    int[] rowOf = new int[pointOf.length];
    for (int r = 0; r < pointOf.length; r++) {
      rowOf[pointOf[r]] = r;
    }
    return rowOf;
  }

  /**
   * Pairs waiting for their distances in the metric's units, as every engine reports them:
   * euclidean and sqeuclidean ones are computed up to {@value #BATCH} at a time by the kernels
   * ({@link VectorOps#squaredEuclidean}, the bits of {@link Metric#squaredEuclidean}), cosine and
   * inner product ones too ({@link VectorOps#dots}, the bits of {@link Metric#dot}); manhattan and
   * chebyshev ones, and euclidean ones below 16 dimensions, at once. A pair's first vector is one
   * of a few rows held in slots ({@link #first}), its second the vector last named ({@link
   * #second}), and the pairs added together share it: for the batches each vector is widened to
   * double once (and, for cosine, its squared norm summed once), however many pairs it is in.
   * Vectors of small integers (pixels, SIFT descriptors: see {@link #integerSums}) are not
   * widened: their sums are exact in float32 lanes ({@link VectorOps#integerSquaredEuclidean},
   * {@link VectorOps#integerDots}), which read half the bytes and do twice the work per
   * instruction for the same bits. {@link #finish} computes what is left. One per thread.
   */
  public static final class Distances {
    private static final int BATCH = 16;
    /**
     * Neighbours per row from which the integer sums are looked for: below, {@link #integerSums}'s
     * pass over the values costs more than they save (Fashion-MNIST: the pass about 70 ms; at k =
     * 10 the re-scoring, bound by reading scattered neighbours, gained nothing from them, at k =
     * 100 0.14 s, at k = 1000 1.9 s).
     */
    public static final int INTEGER_SUMS_FROM_K = 64;
    /** {@code 2^24}: float32 holds every integer up to it exactly. */
    private static final double EXACT_FLOATS = 1 << 24;
    private final Metric metric;
    private final VectorOps ops;
    private final float[] a;
    private final float[] b;
    private final int d;
    private final float[] dist;
    private final boolean squares;
    private final boolean batches;
    /** Whether the batches sum float32 integers exactly instead of widened vectors. */
    private final boolean integers;
    private final int[] slotOffsets;
    /** The slots' vectors widened to double, for the batches of widened vectors (else null). */
    private final double[] wide;
    /** Each slot's squared norm, for cosine only (null otherwise). */
    private final double[] slotNorms;
    /** The second vector widened to double, when {@link #wide} is not null. */
    private final double[] second;
    private int secondOffset = -1;
    private double secondNorm;
    private final int[] at = new int[BATCH];
    private final int[] slotOf = new int[BATCH];
    private final int[] aOffsets = new int[BATCH];
    private final double[] out = new double[BATCH];
    /** Where {@link #squaredNorm} asks the kernel for one vector's sum. */
    private final int[] norm = new int[1];
    private int size;

    /**
     * @param metric the metric
     * @param ops the kernels
     * @param a the first vectors of the pairs
     * @param b the second vectors of the pairs
     * @param d values per vector
     * @param dist receives each pair's distance, as float32, at the place {@link #add} names
     * @param slots how many first vectors are held at once
     * @param integers {@link #worthIntegerSums} of {@code a} and {@code b}
     */
    public Distances(Metric metric, VectorOps ops, float[] a, float[] b, int d, float[] dist,
        int slots, boolean integers) {
      this.metric = metric;
      this.ops = ops;
      this.a = a;
      this.b = b;
      this.d = d;
      this.dist = dist;
      this.squares = metric == Metric.EUCLIDEAN || metric == Metric.SQEUCLIDEAN;
      this.batches = batched(metric, d);
      this.integers = batches && integers;
      this.slotOffsets = new int[slots];
      this.wide = batches && !integers ? new double[slots * d] : null;
      this.second = wide != null ? new double[d] : null;
      this.slotNorms = metric == Metric.COSINE ? new double[slots] : null;
    }

    /**
     * Whether pairs are computed in batches: not manhattan and chebyshev ones, nor euclidean ones
     * below one round of the definition's sixteen chains, which are computed at once from the
     * floats (point clouds re-score millions of 3-d pairs, each with its own neighbour).
     */
    private static boolean batched(Metric metric, int d) {
      boolean squares = metric == Metric.EUCLIDEAN || metric == Metric.SQEUCLIDEAN;
      return (squares && d >= 16) || metric == Metric.COSINE || metric == Metric.INNER_PRODUCT;
    }

    /**
     * Whether re-scoring {@code k} neighbours per row should use the integer sums: {@link
     * #integerSums}, looked for only from {@link #INTEGER_SUMS_FROM_K} neighbours per row. Callers
     * find it once for all their workers.
     *
     * @param metric the metric
     * @param a the first vectors
     * @param b the second vectors (possibly the same array)
     * @param d values per vector
     * @param k neighbours re-scored per row
     * @param threads threads for the pass over the values
     * @return whether the batches should sum the vectors' integers
     */
    public static boolean worthIntegerSums(Metric metric, float[] a, float[] b, int d, int k,
        int threads) {
      return k >= INTEGER_SUMS_FROM_K && integerSums(metric, a, b, d, threads);
    }

    /**
     * Whether the sums of pairs of these vectors are exact in float32 lanes, so that the batches
     * need not widen them: every value an integer, and {@code ceil(d / 16) m^2 <= 2^24}, {@code m}
     * the largest difference of two values (euclidean) or the largest magnitude (cosine and inner
     * product; the squared norms too). A pass over the values ({@link IntegerRange}), on {@code
     * threads} threads, stopped at the first block with a value that is not an integer; false at
     * once where pairs are not computed in batches.
     *
     * @param metric the metric
     * @param a the first vectors
     * @param b the second vectors (possibly the same array)
     * @param d values per vector
     * @param threads threads for the pass
     * @return whether the kernels' integer sums are exact for every pair
     */
    public static boolean integerSums(Metric metric, float[] a, float[] b, int d, int threads) {
      boolean squares = metric == Metric.EUCLIDEAN || metric == Metric.SQEUCLIDEAN;
      if (!batched(metric, d)) {
        return false;
      }
      IntegerRange range = IntegerRange.of(a, a.length, threads);
      if (range != null && b != a) {
        IntegerRange other = IntegerRange.of(b, b.length, threads);
        range = other == null ? null : range.with(other);
      }
      if (range == null || range.isEmpty()) {
        return false;
      }
      double m = squares
          ? (double) range.max() - range.min()
          : Math.max(Math.abs((double) range.min()), Math.abs((double) range.max()));
      return (double) ((d + 15) / 16) * m * m <= EXACT_FLOATS;
    }

    /**
     * Holds the first vector at {@code aOffset} of {@code a} in {@code slot} for the pairs added
     * next; the pairs still waiting must not name the slot's previous vector.
     *
     * @param slot which slot
     * @param aOffset where the vector starts in {@code a}
     */
    public void first(int slot, int aOffset) {
      slotOffsets[slot] = aOffset;
      if (wide != null) {
        for (int i = 0, w = slot * d; i < d; i++) {
          wide[w + i] = a[aOffset + i];
        }
      }
      if (slotNorms != null) {
        slotNorms[slot] = integers ? integerNorm(a, aOffset) : squaredNorm(wide, slot * d);
      }
    }

    /**
     * Makes {@code b} at {@code bOffset} the second vector of the pairs added next (nothing to do
     * if it already is; else the pairs waiting are computed first).
     *
     * @param bOffset where the vector starts in {@code b}
     */
    public void second(int bOffset) {
      if (bOffset == secondOffset) {
        return;
      }
      finish();
      secondOffset = bOffset;
      if (second != null) {
        for (int i = 0; i < d; i++) {
          second[i] = b[bOffset + i];
        }
      }
      if (slotNorms != null) {
        secondNorm = integers ? integerNorm(b, bOffset) : squaredNorm(second, 0);
      }
    }

    /**
     * The squared norm of a widened vector, as {@link Metric#distance} sums it: by the kernel, with
     * the definition's bits (a neighbour's norm is taken once per run of pairs that share it).
     */
    private double squaredNorm(double[] v, int offset) {
      norm[0] = offset;
      ops.dots(v, norm, v, offset, 1, d, out);
      return out[0];
    }

    /** {@link #squaredNorm} of a vector of integers, summed exactly as they are. */
    private double integerNorm(float[] v, int offset) {
      norm[0] = offset;
      ops.integerDots(v, norm, v, offset, 1, d, out);
      return out[0];
    }

    /**
     * {@code dist[p]} will be the distance of the first vector in {@code slot} and the second
     * vector (at once, or by {@link #finish} at the latest).
     *
     * @param p where the distance goes
     * @param slot the slot holding the first vector
     */
    public void add(int p, int slot) {
      if (!batches) {
        dist[p] = (float) metric.distance(a, slotOffsets[slot], b, secondOffset, d);
        return;
      }
      at[size] = p;
      slotOf[size] = slot;
      aOffsets[size] = integers ? slotOffsets[slot] : slot * d;
      if (++size == BATCH) {
        finish();
      }
    }

    /** Computes the distances of the pairs still waiting. */
    public void finish() {
      if (size == 0) {
        return;
      }
      if (squares) {
        if (integers) {
          ops.integerSquaredEuclidean(a, aOffsets, b, secondOffset, size, d, out);
        } else {
          ops.squaredEuclidean(wide, aOffsets, second, 0, size, d, out);
        }
        for (int l = 0; l < size; l++) {
          dist[at[l]] = (float) (metric == Metric.EUCLIDEAN ? Math.sqrt(out[l]) : out[l]);
        }
      } else {
        if (integers) {
          ops.integerDots(a, aOffsets, b, secondOffset, size, d, out);
        } else {
          ops.dots(wide, aOffsets, second, 0, size, d, out);
        }
        for (int l = 0; l < size; l++) {
          put(l, out[l]);
        }
      }
      size = 0;
    }

    private void put(int l, double dot) {
      dist[at[l]] = (float) (metric == Metric.COSINE
          ? Metric.cosine(dot, slotNorms[slotOf[l]], secondNorm) : -dot);
    }
  }

  /** Bits needed to write {@code n - 1}: {@code 2^bits(n) >= n}. */
  private static int bits(int n) {
    return 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1));
  }

  /**
   * Sorts one row segment by (distance, id), the order of every engine's rows ({@code -0} and
   * {@code +0} are equal distances, as {@code ==} has them). The engines hand over rows that are
   * sorted already nearly always (by float32 values, which the double-precision distances seldom
   * reorder), so a row is first checked without a branch per entry ({@link #inOrder}): a
   * comparison that is almost never true is compiled by the optimizing compiler as a trap, and
   * each time one fired (three in a run of a thousand point clouds) the method that sorts every
   * row lost its compiled code until it was compiled again. A row out of order is sorted by
   * insertion, or, if it is far from sorted (more element moves than {@value #MOVES_PER_ENTRY}
   * per entry), on packed keys, so that any order costs {@code O(k log k)}, not {@code O(k^2)}.
   *
   * @param ids the ids, sorted along with the distances
   * @param dist the distances
   * @param from the segment's first index
   * @param to one past its last
   */
  public static void sortRow(int[] ids, float[] dist, int from, int to) {
    if (!inOrder(ids, dist, from, to)) {
      insertionSort(ids, dist, from, to);
    }
  }

  /**
   * Whether a row segment is in (distance, id) order, by arithmetic on one key per entry (the
   * distance's bits made to order as the values do, {@code -0} as {@code +0}, above {@code id +
   * 1}): the loop has no branch but its own.
   */
  private static boolean inOrder(int[] ids, float[] dist, int from, int to) {
    long disorder = 0;
    long previous = -(1L << 62); // the smallest key
    for (int i = from; i < to; i++) {
      long key = ((long) NeighborReservoirs.orderedBits(dist[i]) << 31) + (ids[i] + 1L);
      // Keys lie in [-2^62, 2^62), so a difference cannot overflow: its sign is the order.
      disorder |= key - previous;
      previous = key;
    }
    return disorder >= 0;
  }

  private static void insertionSort(int[] ids, float[] dist, int from, int to) {
    long budget = (long) MOVES_PER_ENTRY * (to - from);
    for (int i = from + 1; i < to; i++) {
      float dv = dist[i];
      int iv = ids[i];
      int j = i - 1;
      while (j >= from && (dist[j] > dv || (dist[j] == dv && ids[j] > iv))) {
        dist[j + 1] = dist[j];
        ids[j + 1] = ids[j];
        j--;
      }
      dist[j + 1] = dv;
      ids[j + 1] = iv;
      budget -= i - 1 - j;
      if (budget < 0) {
        sortByKeys(ids, dist, from, to);
        return;
      }
    }
  }

  /**
   * {@link #sortRow} by one signed 64-bit key per entry: the distance's bits made to order as the
   * values do (negatives flipped, {@code -0} as {@code +0}) above {@code id + 1} (so that {@code -1}
   * comes first among equal distances, as in the insertion sort) and, lowest, whether the distance
   * was {@code -0}, so that every value comes back with its bits. Ids are below {@code 2^31 - 1}
   * (array indices), so {@code id + 1} takes 31 bits.
   */
  private static void sortByKeys(int[] ids, float[] dist, int from, int to) {
    long[] keys = new long[to - from];
    for (int i = from; i < to; i++) {
      float value = dist[i];
      long negativeZero = value == 0f && Float.floatToRawIntBits(value) != 0 ? 1 : 0;
      keys[i - from] = ((long) NeighborReservoirs.orderedBits(value) << 32) | ((ids[i] + 1L) << 1)
          | negativeZero;
    }
    Arrays.sort(keys);
    for (int i = from; i < to; i++) {
      long key = keys[i - from];
      dist[i] = (key & 1) != 0 ? -0f : NeighborReservoirs.fromOrderedBits((int) (key >> 32));
      ids[i] = (int) ((key & 0xffffffffL) >>> 1) - 1;
    }
  }

  /**
   * The ranking value up to which an engine collects the pairs of a radius graph: the radius in
   * ranking units (squared for euclidean, as the kernels rank) plus a relative margin, so that
   * every pair within the radius in double precision is collected from float32 values; {@link
   * #radius} removes the few extra.
   *
   * @param metric the metric
   * @param radius the radius, in the metric's units
   * @return the largest float32 ranking value to collect
   */
  public static float collectLimit(Metric metric, double radius) {
    double rank = metric == Metric.EUCLIDEAN ? radius * radius : radius;
    return (float) (rank + Math.abs(rank) * 1e-4 + 1e-6);
  }

  /**
   * The radius graph of {@code points} from the pairs its self-join collected (each within the
   * radius plus a float32 margin, in both directions): gathered into rows, sorted by column,
   * re-computed, and kept if at most {@code radius}; with include-self each point also gets itself.
   *
   * @param points the points
   * @param buffers the collected pairs
   * @param radius the largest distance kept
   * @return the radius graph
   */
  public SparseGraph radius(Vectors points, List<EdgeBuffer> buffers, double radius) {
    return radius(points, points, buffers, radius, options.includeSelf());
  }

  /**
   * The radius search of {@code queries} against {@code base} from the pairs its join collected
   * (each within the radius plus a float32 margin): gathered into rows, sorted by column,
   * re-computed, and kept if at most {@code radius}. Nothing is excluded as self.
   *
   * @param base the points searched (columns)
   * @param queries the queries (rows)
   * @param buffers the collected pairs, rows are query indices
   * @param radius the largest distance kept
   * @return the {@code queries x base} graph
   */
  public SparseGraph radiusSearch(Vectors base, Vectors queries, List<EdgeBuffer> buffers,
      double radius) {
    return radius(queries, base, buffers, radius, false);
  }

  /** Rows of {@code rows} against {@code columns} (the same object in a self-join). */
  private SparseGraph radius(Vectors rows, Vectors columns, List<EdgeBuffer> buffers, double radius,
      boolean includeSelf) {
    boolean self = rows == columns;
    int n = rows.size();
    int d = rows.dimension();
    float[] x = rows.data();
    float[] y = columns.data();
    int[] counts = new int[n + 1];
    for (EdgeBuffer b : buffers) {
      for (int e = 0; e < b.size(); e++) {
        counts[b.row(e) + 1]++;
      }
    }
    if (includeSelf) {
      for (int i = 0; i < n; i++) {
        counts[i + 1]++;
      }
    }
    for (int i = 0; i < n; i++) {
      counts[i + 1] += counts[i];
    }
    long[] keyed = new long[counts[n]];
    int[] fill = Arrays.copyOf(counts, n);
    for (EdgeBuffer b : buffers) {
      for (int e = 0; e < b.size(); e++) {
        keyed[fill[b.row(e)]++] = b.column(e);
      }
    }
    if (includeSelf) {
      for (int i = 0; i < n; i++) {
        keyed[fill[i]++] = i;
      }
    }
    int[] indptr = new int[n + 1];
    int[] indices = new int[keyed.length];
    float[] weights = new float[keyed.length];
    int out = 0;
    for (int i = 0; i < n; i++) {
      Arrays.sort(keyed, counts[i], counts[i + 1]);
      for (int p = counts[i]; p < counts[i + 1]; p++) {
        int j = (int) keyed[p];
        double dist = self && j == i ? 0 : metric.distance(x, i * d, y, j * d, d);
        if (dist <= radius) {
          indices[out] = j;
          weights[out] = (float) dist;
          out++;
        }
      }
      indptr[i + 1] = out;
    }
    return new SparseGraph(n, columns.size(), indptr, Arrays.copyOf(indices, out),
        Arrays.copyOf(weights, out));
  }
}
