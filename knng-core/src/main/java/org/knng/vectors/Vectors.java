package org.knng.vectors;

import org.knng.InvalidInputException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, immutable-by-convention set of {@code size()} float32 vectors of one dimension, stored
 * row-major in a single contiguous array.
 *
 * <p>Every value is checked to be finite when a {@code Vectors} is created: an engine never sees a
 * NaN or an infinity, and the error names the offending row and column.
 *
 * <pre>{@code
 * Vectors points = Vectors.of(new float[][] {{0f, 0f}, {1f, 0f}, {0f, 2f}});
 * Vectors same = Vectors.wrap(new float[] {0f, 0f, 1f, 0f, 0f, 2f}, 2);
 * }</pre>
 */
public final class Vectors implements VectorSource {
  private final float[] data;
  private final int size;
  private final int dimension;
  private final boolean reorderable;

  private Vectors(float[] data, int size, int dimension) {
    this(data, size, dimension, false);
  }

  private Vectors(float[] data, int size, int dimension, boolean reorderable) {
    this.data = data;
    this.size = size;
    this.dimension = dimension;
    this.reorderable = reorderable;
  }

  /**
   * Copies rows of equal length into a new contiguous store.
   *
   * @param rows one array per vector, all of the same length (at least 1)
   * @return the vectors
   * @throws InvalidInputException if there are no rows, the rows differ in length, or a value is
   *     NaN or infinite (the message names the row and column)
   */
  public static Vectors of(float[][] rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.length == 0) {
      throw new InvalidInputException("no vectors: at least one row is needed");
    }
    int dimension = rows[0].length;
    if (dimension == 0) {
      throw new InvalidInputException("row 0 has dimension 0: vectors need at least one value");
    }
    long total = (long) rows.length * dimension;
    checkCapacity(rows.length, dimension);
    float[] data = new float[(int) total];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != dimension) {
        throw new InvalidInputException(
            "row " + i + " has " + rows[i].length + " values, expected " + dimension + " as in row 0");
      }
      System.arraycopy(rows[i], 0, data, i * dimension, dimension);
    }
    return wrap(data, dimension);
  }

  /**
   * Uses a flat row-major array as the store, without copying it. The caller must not change the
   * array while the vectors are in use.
   *
   * @param data {@code size * dimension} values, row after row
   * @param dimension values per vector (at least 1); {@code data.length} must be a multiple of it
   * @return the vectors
   * @throws InvalidInputException if the length is not a positive multiple of {@code dimension},
   *     or a value is NaN or infinite (the message names the row and column)
   */
  public static Vectors wrap(float[] data, int dimension) {
    Objects.requireNonNull(data, "data");
    if (dimension < 1) {
      throw new InvalidInputException("dimension must be at least 1, got " + dimension);
    }
    if (data.length == 0 || data.length % dimension != 0) {
      throw new InvalidInputException(
          "array of " + data.length + " values is not a positive multiple of dimension " + dimension);
    }
    int size = data.length / dimension;
    for (int i = 0; i < data.length; i++) {
      float v = data[i];
      if (!Float.isFinite(v)) {
        throw new InvalidInputException(
            "row " + (i / dimension) + ", column " + (i % dimension) + ": value is " + v
                + " (only finite values are allowed)");
      }
    }
    return new Vectors(data, size, dimension);
  }

  /**
   * These vectors on the same array, which the exact engine may reorder in place while it builds
   * their graph ({@code BruteForceEngine.graph}): it moves near points next to each other, so
   * that the pairs it re-computes from the vectors are read from nearby memory, without a second
   * copy of the vectors (Fashion-MNIST, 60,000 x 784, k = 1000: the join 35 s instead of 43 s on a
   * 2-core machine; at k = 10, with few pairs re-computed, no measurable change), and puts every
   * row back before it returns, also when it fails. Only for an array that nothing else reads or
   * writes meanwhile: the command line reads its input this way. Copies made from the result
   * ({@link #rows}) are not reorderable.
   *
   * @return the same vectors, reorderable
   */
  public Vectors reorderable() {
    return reorderable ? this : new Vectors(data, size, dimension, true);
  }

  /** @return whether an engine may reorder the rows in place while it runs ({@link #reorderable()}) */
  public boolean isReorderable() {
    return reorderable;
  }

  /**
   * A copy of some of these vectors: row {@code i} of the copy is row {@code which[from + i]} of
   * this set (a sample, a group, the rows to search again).
   *
   * @param which row indices of this set
   * @param from where the listed rows start in {@code which}
   * @param count how many, at least 1
   * @return the copied vectors, {@code count x dimension()}
   */
  public Vectors rows(int[] which, int from, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("a copy needs at least one row, got " + count);
    }
    float[] copy = new float[count * dimension];
    for (int r = 0; r < count; r++) {
      System.arraycopy(data, which[from + r] * dimension, copy, r * dimension, dimension);
    }
    return new Vectors(copy, count, dimension); // the values were checked when this set was made
  }

  /**
   * A copy of consecutive rows.
   *
   * @param from the first row
   * @param count how many, at least 1, with {@code from + count <= size()}
   * @return rows {@code from .. from + count - 1}
   */
  @Override
  public Vectors rows(int from, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("a copy needs at least one row, got " + count);
    }
    Objects.checkFromIndexSize(from, count, size);
    float[] copy = Arrays.copyOfRange(data, from * dimension, (from + count) * dimension);
    return new Vectors(copy, count, dimension); // the values were checked when this set was made
  }

  /**
   * Throws if {@code size x dimension} values do not fit in one Java array.
   *
   * @param size number of vectors
   * @param dimension values per vector
   * @throws InvalidInputException if the product exceeds the largest array length
   */
  public static void checkCapacity(long size, long dimension) {
    long limit = Integer.MAX_VALUE - 8;
    if (size < 0 || dimension < 1 || size > limit / dimension) {
      throw new InvalidInputException(
          size + " x " + dimension + " values exceed the " + (Integer.MAX_VALUE - 8)
              + " that one float array can hold");
    }
  }

  /** @return the number of vectors (rows) */
  public int size() {
    return size;
  }

  /** @return the number of values per vector (columns) */
  public int dimension() {
    return dimension;
  }

  /**
   * The backing row-major array: row {@code i} occupies {@code [i * dimension(), (i + 1) *
   * dimension())}. Engines read it directly; callers must not modify it.
   *
   * @return the backing array (not a copy)
   */
  public float[] data() {
    return data;
  }

  /**
   * @param row row index
   * @param column column index
   * @return one value
   */
  public float get(int row, int column) {
    Objects.checkIndex(row, size);
    Objects.checkIndex(column, dimension);
    return data[row * dimension + column];
  }

  /**
   * @param row row index
   * @return a copy of one vector
   */
  public float[] row(int row) {
    Objects.checkIndex(row, size);
    float[] out = new float[dimension];
    System.arraycopy(data, row * dimension, out, 0, dimension);
    return out;
  }

  /**
   * {@code sum(v^2)} over {@code length} values from {@code offset}, in double precision, in order.
   *
   * @param values any float array (vectors, projections)
   * @param offset the first value
   * @param length how many values
   * @return the squared norm
   */
  public static double squaredNorm(float[] values, int offset, int length) {
    double s = 0;
    for (int j = 0; j < length; j++) {
      double x = values[offset + j];
      s += x * x;
    }
    return s;
  }

  /**
   * {@code 1 / |x|} of every vector, rounded to float32: the factors that turn each vector into its
   * unit vector (cosine).
   *
   * @return one factor per row
   */
  public float[] inverseNorms() {
    float[] inv = new float[size];
    for (int i = 0; i < size; i++) {
      inv[i] = (float) (1.0 / Math.sqrt(squaredNorm(data, i * dimension, dimension)));
    }
    return inv;
  }

  @Override
  public String toString() {
    return "Vectors[" + size + " x " + dimension + "]";
  }
}
