package org.knng.tile;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.knng.simd.VectorOps;
import org.knng.vectors.Vectors;

/**
 * The ranking value of a pair re-computed from the differences of the original vectors, in
 * float32: {@code |x - y|^2} (euclidean and sqeuclidean), or {@code |x/|x| - y/|y||^2 / 2 = 1 - cos}
 * (cosine, with the rows' {@code 1 / |x|} factors). The kernels' dot-product values cancel badly
 * for near-duplicates; these do not, so every screen offers these values to the candidate lists
 * and the lists are the same whichever screen found the pair.
 *
 * <p>Ties. Two pairs equally near in exact arithmetic must get the same value, so that the smaller
 * index wins the k-th place: float32 sums of the same terms in other lanes can round apart. Where
 * exact ties are common, between vectors of integers, a pair of integer rows (every value an
 * integer of magnitude at most 2^24) is therefore valued by a sum in double:
 * <ul>
 *   <li>euclidean: where the float32 sum reaches 2^24. Below that every partial sum of the integer
 *       squares is an integer float32 holds, so the sum is exact in any order (pixels, SIFT); from
 *       there on it is summed again in double, exact below 2^53, and rounded once;
 *   <li>cosine: always ({@code 1/|x|} makes the terms fractions), in double in index order and
 *       rounded once, so that pairs with the same terms (equal norms and dot products, as in 0/1
 *       data) get the same value on every route.
 * </ul>
 * Whether a row is integer is its own property, so a pair's value does not depend on the other
 * points, the blocks the input is read in, the engine or the SIMD width.
 */
public final class Differences {
  /** Below this, a float32 sum of integer squares is exact whatever the order. */
  private static final float EXACT_BELOW = 0x1p24f;
  /** The largest magnitude of an integer row's values: their differences and products are exact in double. */
  private static final int INTEGER_LIMIT = 1 << 24;

  private final VectorOps ops;
  private final float[] rows;
  private final float[] columns;
  private final float[] rowUnit;
  private final float[] columnUnit;
  private final int d;
  private final Vectors rowVectors;
  private final Vectors columnVectors;
  /** The rows' and columns' vectors as bytes in their sides' row order ({@link ByteRows}), or null. */
  private final byte[] rowBytes;
  private final byte[] columnBytes;
  /**
   * What each row of a side is, found when a pair first needs to know ({@link #look}): 0 not yet
   * looked at, 1 an integer row, -1 not. Allocated on first use; the columns share the rows' array
   * in a self-join. Entries are read and written opaquely; two threads that look at one row at once
   * find and write the same.
   */
  private volatile byte[] rowStates;
  private volatile byte[] columnStates;
  private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(byte[].class);

  /**
   * @param ops the kernels
   * @param rows the row vectors
   * @param rowUnit {@code 1 / |x|} of each row for cosine, or null for euclidean
   * @param columns the column vectors, of the same dimension
   * @param columnUnit {@code 1 / |y|} of each column for cosine, or null for euclidean
   */
  public Differences(VectorOps ops, Vectors rows, float[] rowUnit, Vectors columns, float[] columnUnit) {
    this(ops, rows, rowUnit, columns, columnUnit, null, null);
  }

  /**
   * As {@link #Differences(VectorOps, Vectors, float[], Vectors, float[])}, the euclidean values
   * read from copies of the vectors as bytes ({@link ByteRows}, both with the same offset), each in
   * the row order of the side the hits index: the same bits, a quarter of the memory read. With
   * cosine factors the bytes are not used (a factor does not cancel their offset).
   *
   * @param ops the kernels
   * @param rows the row vectors
   * @param rowUnit {@code 1 / |x|} of each row for cosine, or null for euclidean
   * @param columns the column vectors, of the same dimension
   * @param columnUnit {@code 1 / |y|} of each column for cosine, or null for euclidean
   * @param rowBytes the row side's vectors as bytes, in its row order, or null
   * @param columnBytes the column side's vectors as bytes, in its row order, or null
   */
  public Differences(VectorOps ops, Vectors rows, float[] rowUnit, Vectors columns, float[] columnUnit,
      byte[] rowBytes, byte[] columnBytes) {
    boolean bytes = rowUnit == null && rowBytes != null && columnBytes != null;
    this.rowBytes = bytes ? rowBytes : null;
    this.columnBytes = bytes ? columnBytes : null;
    this.ops = ops;
    this.rows = rows.data();
    this.columns = columns.data();
    this.rowUnit = rowUnit;
    this.columnUnit = columnUnit;
    this.d = rows.dimension();
    this.rowVectors = rows;
    this.columnVectors = columns;
  }

  /**
   * Whether some pairs are valued by a sum in double rather than by the float32 kernels: integer
   * rows on both sides, and for euclidean integers far enough apart for a sum to reach 2^24. Then a
   * running float32 sum of the squares is not always the value. Looks at every row.
   *
   * @return whether some pairs of integer rows have their values summed in double
   */
  public boolean sumsIntegersInDouble() {
    float[] range = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    boolean rows = lookAtAll(rowStates(), rowVectors, range);
    boolean columns = lookAtAll(columnStates(), columnVectors, range);
    double span = (double) range[1] - range[0];
    return rows && columns && (rowUnit != null || (double) d * span * span >= EXACT_BELOW);
  }

  /**
   * Looks at every row of {@code v}, widening {@code range} by the integer rows' values.
   *
   * @return whether there are integer rows
   */
  private static boolean lookAtAll(byte[] states, Vectors v, float[] range) {
    float[] x = v.data();
    int dim = v.dimension();
    boolean any = false;
    for (int i = 0; i < v.size(); i++) {
      if (state(states, v, i) > 0) {
        any = true;
        for (int c = i * dim; c < (i + 1) * dim; c++) {
          range[0] = Math.min(range[0], x[c]);
          range[1] = Math.max(range[1], x[c]);
        }
      }
    }
    return any;
  }

  private byte[] rowStates() {
    byte[] states = rowStates;
    if (states == null) {
      states = new byte[rowVectors.size()];
      rowStates = states; // a race allocates twice: the entries found in the other are found again
    }
    return states;
  }

  private byte[] columnStates() {
    if (columnVectors == rowVectors) {
      return rowStates();
    }
    byte[] states = columnStates;
    if (states == null) {
      states = new byte[columnVectors.size()];
      columnStates = states;
    }
    return states;
  }

  /** Row {@code i}'s state ({@link #rowStates}) in {@code states} of the rows of {@code v}. */
  private static byte state(byte[] states, Vectors v, int i) {
    byte state = (byte) STATE.getOpaque(states, i);
    if (state == 0) {
      state = look(v, i) ? (byte) 1 : (byte) -1;
      STATE.setOpaque(states, i, state);
    }
    return state;
  }

  /** Whether row {@code i} of {@code v} is an integer row: every value an integer of magnitude at most 2^24. */
  private static boolean look(Vectors v, int i) {
    float[] x = v.data();
    int from = i * v.dimension();
    for (int c = from; c < from + v.dimension(); c++) {
      float value = x[c];
      int whole = (int) value; // 0 for NaN
      if (whole != value || whole > INTEGER_LIMIT || whole < -INTEGER_LIMIT) {
        return false;
      }
    }
    return true;
  }

  /** Whether row {@code i} and column {@code j} are both integer rows. */
  private boolean integers(int i, int j) {
    return state(rowStates(), rowVectors, i) > 0 && state(columnStates(), columnVectors, j) > 0;
  }

  /** The squared distance of integer rows, summed exactly ({@link #integerSum}), rounded once. */
  private float integerSquares(float[] a, int aOffset, float[] b, int bOffset) {
    return (float) integerSum(a, aOffset, b, bOffset, d);
  }

  /**
   * {@code |a - b|^2} summed in double: exactly, so the same in any order, when every value is an
   * integer of magnitude at most 2^24 and the sum is below 2^53 (each difference and square is then
   * exact, and so is every partial sum); unspecified otherwise. Plain Java on every route, in four
   * chains: fast from the first call (Vector API code runs many times slower until the optimizing
   * compiler has compiled it, and the first calls come early in a join, from pairs met before the
   * thresholds fall).
   *
   * @param a the first vector's array
   * @param aOffset where it starts
   * @param b the second vector's array
   * @param bOffset where it starts
   * @param d values per vector
   * @return the sum
   */
  static double integerSum(float[] a, int aOffset, float[] b, int bOffset, int d) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < d; i += 4) {
      double e0 = (double) a[aOffset + i] - b[bOffset + i];
      double e1 = (double) a[aOffset + i + 1] - b[bOffset + i + 1];
      double e2 = (double) a[aOffset + i + 2] - b[bOffset + i + 2];
      double e3 = (double) a[aOffset + i + 3] - b[bOffset + i + 3];
      s0 += e0 * e0;
      s1 += e1 * e1;
      s2 += e2 * e2;
      s3 += e3 * e3;
    }
    for (; i < d; i++) {
      double e = (double) a[aOffset + i] - b[bOffset + i];
      s0 += e * e;
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * {@code |x s - y t|^2 / 2} of integer rows ({@code s, t} their {@code 1 / |x|} factors): each
   * coordinate scaled in float32 as the kernels and the tree's unit vectors have it (so the value
   * is the quantity the screens bound), the differences and squares in double, summed in index
   * order (plain Java, the same on every route) and rounded once. Pairs with the same terms (equal
   * norms and equal coordinates in other places, as in 0/1 data) get the same value, but for a
   * last-bit difference of the double sums that almost never survives the rounding.
   */
  private float integerCosine(int i, int aOffset, int j, int bOffset) {
    float s = rowUnit[i];
    float t = columnUnit[j];
    double sum = 0;
    for (int c = 0; c < d; c++) {
      double e = (double) (rows[aOffset + c] * s) - (double) (columns[bOffset + c] * t);
      sum += e * e;
    }
    return (float) (0.5 * sum);
  }


  /**
   * @param i a row
   * @param j a column
   * @return their ranking value from the differences
   */
  public float value(int i, int j) {
    if (rowUnit == null) {
      float v = ops.squaredDistance(rows, i * d, columns, j * d, d);
      return v >= EXACT_BELOW && integers(i, j) ? integerSquares(rows, i * d, columns, j * d) : v;
    }
    if (integers(i, j)) {
      return integerCosine(i, i * d, j, j * d);
    }
    return 0.5f * ops.squaredDistance(rows, i * d, rowUnit[i], columns, j * d, columnUnit[j], d);
  }

  /**
   * The ranking value of a pair whose squared distance (halved for cosine) the kernels compute as a
   * running float32 sum ({@link VectorOps#runningSquares}) equal to {@code runningSum}: that sum,
   * except for a pair of integer rows whose value is summed in double ({@link #value}).
   *
   * @param i a row
   * @param j a column
   * @param runningSum the running sum, in the value's units
   * @return their ranking value, that of {@link #value}
   */
  public float valueAfterRunningSum(int i, int j, float runningSum) {
    if (rowUnit == null) {
      return runningSum >= EXACT_BELOW && integers(i, j)
          ? integerSquares(rows, i * d, columns, j * d) : runningSum;
    }
    return integers(i, j) ? integerCosine(i, i * d, j, j * d) : runningSum;
  }

  /**
   * The ranking values of the hits (each that of {@link #value}), computed together ({@link
   * VectorOps#squaredDistances}), from the bytes where there are bytes (indexed by the hits' rows and
   * columns themselves), else from the vectors (by the sides' point ids).
   *
   * @param hits the pairs, as rows of {@code rowSide} and {@code columnSide}
   * @param rowSide the side the hits' rows index (its ids name the points of this instance's rows)
   * @param columnSide the side the hits' columns index
   */
  public void values(Hits hits, Side rowSide, Side columnSide) {
    int n = hits.size();
    if (rowBytes != null) {
      int[] a = hits.aOffsets;
      int[] b = hits.bOffsets;
      for (int p = 0; p < n; p++) {
        a[p] = hits.rows[p] * d;
        b[p] = hits.columns[p] * d;
      }
      ops.squaredDistances(rowBytes, a, columnBytes, b, n, d, hits.values);
      integersInDouble(hits, rowSide, columnSide);
      return;
    }
    if (rowUnit == null) {
      int[] a = hits.aOffsets;
      int[] b = hits.bOffsets;
      for (int p = 0; p < n; p++) {
        a[p] = rowSide.id(hits.rows[p]) * d;
        b[p] = columnSide.id(hits.columns[p]) * d;
      }
      ops.squaredDistances(rows, a, columns, b, n, d, hits.values);
      integersInDouble(hits, rowSide, columnSide);
      return;
    }
    int[] a = hits.aOffsets;
    int[] b = hits.bOffsets;
    for (int p = 0; p < n; p++) {
      int i = rowSide.id(hits.rows[p]);
      int j = columnSide.id(hits.columns[p]);
      a[p] = i * d;
      b[p] = j * d;
      hits.aScales[p] = rowUnit[i];
      hits.bScales[p] = columnUnit[j];
    }
    ops.squaredDistances(rows, a, hits.aScales, columns, b, hits.bScales, n, d, hits.values);
    for (int p = 0; p < n; p++) {
      hits.values[p] *= 0.5f;
    }
    integersInDouble(hits, rowSide, columnSide);
  }

  /**
   * Values again, as {@link #value} does, the hits between integer rows that the float32 kernels
   * may have rounded apart from equally near pairs: euclidean values from 2^24 on, every cosine
   * value.
   */
  private void integersInDouble(Hits hits, Side rowSide, Side columnSide) {
    int n = hits.size();
    float[] values = hits.values;
    if (rowUnit == null) {
      for (int p = 0; p < n; p++) {
        int i = rowSide.id(hits.rows[p]);
        int j = columnSide.id(hits.columns[p]);
        if (values[p] >= EXACT_BELOW && integers(i, j)) {
          // From the vectors by point, also where the kernels read the bytes in row order.
          values[p] = integerSquares(rows, i * d, columns, j * d);
        }
      }
      return;
    }
    for (int p = 0; p < n; p++) {
      int i = rowSide.id(hits.rows[p]);
      int j = columnSide.id(hits.columns[p]);
      if (integers(i, j)) {
        values[p] = integerCosine(i, hits.aOffsets[p], j, hits.bOffsets[p]);
      }
    }
  }
}
