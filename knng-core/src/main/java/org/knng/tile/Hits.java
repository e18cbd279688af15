package org.knng.tile;

/**
 * The pairs of one screened tile that passed, waiting for their values: the tile loop ({@link
 * BlockJoin}) fills it, a {@link Screen} values all of them at once ({@link Screen#values}), and the
 * loop offers them in the order they were added. Valuing a tile's pairs together lets the kernels
 * re-compute several at a time ({@link org.knng.simd.VectorOps#squaredDistances}) instead of one
 * pair's chain of additions after another. Also the screens' scratch, so that they stay free of
 * per-thread state: one per worker, never shared.
 */
public final class Hits {
  /** Rows of {@link Screen#rows()}, one per pair. */
  public final int[] rows;
  /** Rows of {@link Screen#columns()}, one per pair. */
  public final int[] columns;
  /** Each pair's screening value (the tile's lower bound). */
  public final float[] screened;
  /** The largest threshold of the lists each pair may enter, when it was added. */
  public final float[] limits;
  /** Set by {@link Screen#values}: the value to offer. */
  public final float[] values;
  /** Scratch for a screen: offsets into the vectors it reads. */
  public final int[] aOffsets;
  /** Scratch for a screen: offsets into the vectors it reads. */
  public final int[] bOffsets;
  /** Scratch for a screen: values of a sub-batch. */
  public final float[] scratch;
  /** Scratch for a screen: factors of the pairs' first vectors. */
  public final float[] aScales;
  /** Scratch for a screen: factors of the pairs' second vectors. */
  public final float[] bScales;
  private int size;

  /** @param capacity the most pairs at once (a tile's) */
  public Hits(int capacity) {
    rows = new int[capacity];
    columns = new int[capacity];
    screened = new float[capacity];
    limits = new float[capacity];
    values = new float[capacity];
    aOffsets = new int[capacity];
    bOffsets = new int[capacity];
    scratch = new float[capacity];
    aScales = new float[capacity];
    bScales = new float[capacity];
  }

  /** @return the pairs added since the last {@link #clear} */
  public int size() {
    return size;
  }

  /** Forgets the pairs. */
  public void clear() {
    size = 0;
  }

  /**
   * Keeps the first {@code count} pairs only: a screen that drops pairs moves those it keeps to the
   * front ({@link #move}) in their order, then truncates.
   *
   * @param count pairs kept
   */
  public void truncate(int count) {
    size = count;
  }

  /**
   * Moves pair {@code from} to place {@code to} (at most {@code from}), values not included.
   *
   * @param from the pair's place
   * @param to its new place
   */
  public void move(int from, int to) {
    rows[to] = rows[from];
    columns[to] = columns[from];
    screened[to] = screened[from];
    limits[to] = limits[from];
  }

  /**
   * Adds a pair.
   *
   * @param row a row of the screen's rows
   * @param column a row of the screen's columns
   * @param value its screening value
   * @param limit the largest threshold of the lists it may enter
   */
  public void add(int row, int column, float value, float limit) {
    rows[size] = row;
    columns[size] = column;
    screened[size] = value;
    limits[size] = limit;
    size++;
  }
}
