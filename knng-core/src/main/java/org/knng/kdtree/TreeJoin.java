package org.knng.kdtree;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.knng.ProgressListener;
import org.knng.engine.Parallel;
import org.knng.tree.KdTree;

/**
 * Every query point against a {@link KdTree} of base points, a leaf of queries at a time: the
 * queries of one leaf share one walk of the base tree, nearest boxes first, which skips every node
 * whose box is farther from the query leaf's box than the largest threshold of its queries; each
 * base leaf reached is scanned for the queries whose own distance to its box is within their
 * threshold. In a self-join the query leaf is first scanned against itself, so the thresholds are
 * tight before the walk starts.
 *
 * <p>Values: the scan computes a float32 distance (squared for euclidean) straight from the
 * coordinates, a running sum over them in order. Where the exact engine's ranking value is that
 * same sum (every metric in the few dimensions a tree pays in: see {@link
 * org.knng.simd.VectorOps#runningSquares}), the scan's value is what the {@link Rows} receive;
 * otherwise, for the few pairs that can still enter a row, {@link PairValue} gives the exact
 * engine's value. Either way the kept neighbours are those of the exact engine, bit for bit. The
 * box bounds (and the scan's value where it is not the ranking value) may differ from the ranking
 * value by rounding, so they are compared with a threshold raised by {@link #slack}: nothing that
 * could enter a row is skipped.
 *
 * <p>Each query row is owned by the task of its leaf, and a row's k nearest by (value, id) do not
 * depend on the order candidates arrive in, so the result is the same for any thread count.
 */
final class TreeJoin {
  /** Query leaves a worker takes at a time. */
  private static final int CHUNK = 16;

  private final KdTree queries;
  private final KdTree base;
  private final boolean self;
  private final Norm norm;
  private final PairValue value; // null: the scan's value is the ranking value
  private final float unitsPerValue;
  private final float valuePerUnit;
  private final float relative;

  /** How the differences of a pair's coordinates make its distance. */
  enum Norm {
    /** The sum of their squares (euclidean, squared euclidean, cosine on unit vectors). */
    SQUARES,
    /** The sum of their absolute values (manhattan). */
    SUM,
    /** The largest absolute value (chebyshev). */
    MAX
  }

  /**
   * The ranking value of a pair, from its positions in the two trees and the scan's own value for
   * it (its running float32 sum, in the ranking value's units).
   */
  interface PairValue {
    float value(int queryPosition, int basePosition, float scanValue);
  }

  /**
   * What a worker collects for the queries of one leaf at a time: each row's threshold (the
   * largest ranking value it still takes) and its candidates. Rows are query positions, candidates
   * base positions.
   */
  interface Rows {
    /** Starts the leaf of query positions {@code [from, to)}. */
    void begin(int from, int to);

    /** @return the largest ranking value row {@code row} of the current leaf still takes */
    float threshold(int row);

    /** Offers the base position {@code position} at ranking value {@code value} to a row. */
    void offer(int row, float value, int position);

    /** Ends the current leaf: its rows have seen every candidate they can take. */
    void end();
  }

  /**
   * @param queries the query tree
   * @param base the base tree (the same object in a self-join: a point is not its own candidate)
   * @param norm how the differences of the coordinates make a distance
   * @param unitsPerValue the scan's distance per unit of ranking value (2 for cosine, whose
   *     ranking value {@code 1 - cos} is half the squared distance of the unit vectors; else 1)
   * @param value the ranking value of a pair, or null where the scan's running sum over the
   *     coordinates (a fused multiply-add per coordinate for squares), divided by {@code
   *     unitsPerValue}, is that value
   */
  TreeJoin(KdTree queries, KdTree base, Norm norm, float unitsPerValue, PairValue value) {
    this.queries = queries;
    this.base = base;
    this.self = queries == base;
    this.norm = norm;
    this.unitsPerValue = unitsPerValue;
    this.value = value;
    this.valuePerUnit = 1f / unitsPerValue;
    // A float32 sum of D squares (or absolute values) of differences is within (D + 3) u of the
    // exact sum, u = 2^-24, whichever order and fused operations compute it; four times that covers
    // the scan's value against the ranking value with room to spare.
    this.relative = 4f * (base.dimension() + 3) * 0x1p-24f;
  }

  /**
   * The largest scan value (or box bound) that may belong to a pair whose ranking value is at
   * most {@code threshold}: the threshold raised by the rounding of both, plus the smallest normal
   * float for sums of subnormal terms, in the scan's units.
   */
  private float slack(float threshold) {
    return (threshold + threshold * relative + Float.MIN_NORMAL) * unitsPerValue;
  }

  /**
   * Runs the join.
   *
   * @param rows a new collector for each worker
   * @param threads worker threads
   * @param progress told of the query points done
   */
  void run(Supplier<Rows> rows, int threads, ProgressListener progress) {
    int[] leaves = queries.leaves();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    int workers = Math.max(1, Math.min(threads, (leaves.length + CHUNK - 1) / CHUNK));
    Parallel.run(workers, () -> {
      Walk walk = new Walk(rows.get());
      for (int l0; (l0 = next.getAndAdd(CHUNK)) < leaves.length; ) {
        int l1 = Math.min(leaves.length, l0 + CHUNK);
        for (int l = l0; l < l1; l++) {
          walk.leaf(leaves[l]);
        }
        int count = queries.end(leaves[l1 - 1]) - queries.start(leaves[l0]);
        progress.update(done.addAndGet(count), queries.size());
      }
    });
  }

  /** One worker's walk state: a stack of nodes with their bounds. */
  private final class Walk {
    private final Rows rows;
    private final int[] stack = new int[128];
    private final float[] bounds = new float[128];
    private final int d = base.dimension();
    private final float[] q = queries.ordered().data();
    private final float[] columns = base.columns();
    private final float[] sums = new float[Math.max(1, base.largestLeaf())];
    private final float[] qLow = queries.low();
    private final float[] qHigh = queries.high();
    private final float[] low = base.low();
    private final float[] high = base.high();

    Walk(Rows rows) {
      this.rows = rows;
    }

    /**
     * Every query of the leaf {@code leaf} of the query tree against the base tree: in a
     * self-join first against the leaf itself, then down the base tree, nearer boxes first,
     * skipping every node whose box is farther from the query leaf's box than the largest
     * threshold of its rows (which falls as leaves are scanned), and scanning each leaf reached
     * for the rows whose own distance to its box is within their threshold.
     */
    void leaf(int leaf) {
      int from = queries.start(leaf);
      int to = queries.end(leaf);
      rows.begin(from, to);
      if (self) {
        for (int r = from; r < to; r++) {
          scanOne(r, leaf, true);
        }
      }
      float largest = largest(from, to);
      int top = 0;
      stack[top] = 0;
      bounds[top++] = boxToBox(leaf, 0);
      while (top > 0) {
        int node = stack[--top];
        if (bounds[top] > slack(largest) || (self && node == leaf)) {
          continue;
        }
        if (base.isLeaf(node)) {
          for (int r = from; r < to; r++) {
            if (pointToBox(r, node) <= slack(rows.threshold(r))) {
              scanOne(r, node, false);
            }
          }
          largest = largest(from, to);
          continue;
        }
        int a = node + 1;
        int b = base.upper(node);
        float ba = boxToBox(leaf, a);
        float bb = boxToBox(leaf, b);
        float limit = slack(largest);
        // The nearer child goes on top, so it is walked first.
        if (ba <= bb) {
          top = push(top, b, bb, limit);
          top = push(top, a, ba, limit);
        } else {
          top = push(top, a, ba, limit);
          top = push(top, b, bb, limit);
        }
      }
      rows.end();
    }

    private int push(int top, int node, float bound, float limit) {
      if (bound <= limit) {
        stack[top] = node;
        bounds[top++] = bound;
      }
      return top;
    }

    private float largest(int from, int to) {
      float m = 0;
      for (int r = from; r < to; r++) {
        m = Math.max(m, rows.threshold(r));
      }
      return m;
    }

    /**
     * Query row {@code r} against the points of the base leaf {@code node} ({@code own}: its own
     * leaf in a self-join, where it skips itself).
     */
    private void scanOne(int r, int node, boolean own) {
      int cFrom = base.start(node);
      int count = base.end(node) - cFrom;
      int self = own ? r - cFrom : -1;
      float t = rows.threshold(r);
      distances(r * d, cFrom, count);
      if (value == null) {
        // The scan's value is the ranking value: one comparison. A second one, against the slack
        // first, would almost never differ from it, and a branch the optimizing compiler has
        // never seen taken is compiled as a trap: the first time it was, the scan lost its
        // compiled code until it was compiled again (0.27 s of the 0.7 s search of 200,000
        // uniform 3-d points). The comparisons against the threshold the scan starts with make a
        // mask first, without a branch each (a third of them pass, in no order a processor can
        // predict), and only the points it holds are compared again with the threshold as it
        // falls: a thousand clouds of 1,024 points, one thread, 7% less search time.
        for (int j0 = 0; j0 < count; j0 += 64) {
          int end = Math.min(count, j0 + 64);
          long mask = 0;
          for (int j = j0; j < end; j++) {
            mask |= (sums[j] * valuePerUnit <= t ? 1L : 0L) << (j - j0);
          }
          if (self >= j0 && self < end) {
            mask &= ~(1L << (self - j0));
          }
          while (mask != 0) {
            int j = j0 + Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            float v = sums[j] * valuePerUnit;
            if (v <= t) {
              rows.offer(r, v, cFrom + j);
              t = rows.threshold(r);
            }
          }
        }
        return;
      }
      float limit = slack(t);
      for (int j = 0; j < count; j++) {
        if (sums[j] <= limit && j != self) {
          float v = value.value(r, cFrom + j, sums[j] * valuePerUnit);
          if (v <= t) {
            rows.offer(r, v, cFrom + j);
            t = rows.threshold(r);
            limit = slack(t);
          }
        }
      }
    }

    /**
     * The scan's float32 distances from the query at {@code qo} to the base positions {@code
     * [from, from + count)}, into {@link #sums}: coordinate by coordinate over the run, loops the
     * JIT turns into SIMD code by itself. Each point's sum runs over the coordinates in order, as
     * the exact engine's ranking value does in low dimensions. Plain Java on purpose: in the first
     * second of a run, before the optimizing compiler has run, Vector API code is many times
     * slower than this, and a point cloud's whole graph may take less than that second.
     */
    private void distances(int qo, int from, int count) {
      int n = base.size();
      Arrays.fill(sums, 0, count, 0f);
      for (int c = 0; c < d; c++) {
        float v = q[qo + c];
        int o = c * n + from;
        if (norm == Norm.SUM) {
          for (int j = 0; j < count; j++) {
            sums[j] += Math.abs(columns[o + j] - v);
          }
        } else if (norm == Norm.MAX) {
          for (int j = 0; j < count; j++) {
            sums[j] = Math.max(sums[j], Math.abs(columns[o + j] - v));
          }
        } else {
          for (int j = 0; j < count; j++) {
            float e = columns[o + j] - v;
            sums[j] = Math.fma(e, e, sums[j]);
          }
        }
      }
    }

    /** A lower bound of the distance from query position {@code r} to any point of a node. */
    private float pointToBox(int r, int node) {
      float s = 0;
      int qo = r * d;
      int no = node * d;
      for (int c = 0; c < d; c++) {
        float v = q[qo + c];
        float gap = Math.max(Math.max(low[no + c] - v, v - high[no + c]), 0f);
        s = combine(s, gap);
      }
      return s;
    }

    /** A lower bound of the distance from any point of a query leaf to any point of a node. */
    private float boxToBox(int leaf, int node) {
      float s = 0;
      int lo = leaf * d;
      int no = node * d;
      for (int c = 0; c < d; c++) {
        float gap = Math.max(
            Math.max(low[no + c] - qHigh[lo + c], qLow[lo + c] - high[no + c]), 0f);
        s = combine(s, gap);
      }
      return s;
    }

    /** A running distance with one more coordinate's gap (at least 0). */
    private float combine(float s, float gap) {
      switch (norm) {
        case SUM:
          return s + gap;
        case MAX:
          return Math.max(s, gap);
        default:
          return s + gap * gap;
      }
    }
  }
}
