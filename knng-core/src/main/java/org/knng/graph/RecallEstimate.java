package org.knng.graph;

import java.util.Locale;
import java.util.Objects;

/**
 * How many of a k-NN graph's entries are true neighbours: recall@k measured on some rows (a
 * sample, or all of them) against their exact neighbours, with a 95% interval and counts of the
 * defects found on the way. Immutable.
 *
 * <p>{@link #recall()} is the mean over the measured rows of each row's recall@k (the share of its
 * k true neighbours the graph lists, ties at the k-th distance counted as true). {@link #low()}
 * and {@link #high()} bound the recall of the whole graph with 95% confidence when the rows were
 * drawn at random; {@code org.knng.eval.RecallSample} says how they are computed. A
 * {@link KnnResult} can carry one ({@link KnnResult#recall()}).
 */
public final class RecallEstimate {
  private final double recall;
  private final double low;
  private final double high;
  private final int rows;
  private final int k;
  private final int rowsWithSelfLoops;
  private final int rowsWithDuplicates;
  private final int rowsWithMissing;

  /**
   * @param recall mean per-row recall@k, in [0, 1]
   * @param low lower end of the 95% interval, {@code 0 <= low <= recall}
   * @param high upper end of the 95% interval, {@code recall <= high <= 1}
   * @param rows rows measured, at least 1
   * @param k neighbours per row measured, at least 1
   * @param rowsWithSelfLoops measured rows that list themselves (when the point is not its own
   *     neighbour)
   * @param rowsWithDuplicates measured rows that list an id more than once
   * @param rowsWithMissing measured rows with fewer than k entries (id -1 padding)
   * @throws IllegalArgumentException if a value is out of its range
   */
  public RecallEstimate(double recall, double low, double high, int rows, int k, int rowsWithSelfLoops,
      int rowsWithDuplicates, int rowsWithMissing) {
    if (!(0 <= low && low <= recall && recall <= high && high <= 1)) {
      throw new IllegalArgumentException("need 0 <= low <= recall <= high <= 1, got recall " + recall
          + " in [" + low + ", " + high + "]");
    }
    if (rows < 1 || k < 1) {
      throw new IllegalArgumentException("rows and k must be at least 1, got rows=" + rows + ", k=" + k);
    }
    for (int count : new int[] {rowsWithSelfLoops, rowsWithDuplicates, rowsWithMissing}) {
      if (count < 0 || count > rows) {
        throw new IllegalArgumentException("a row count of " + count + " is not within the " + rows
            + " rows measured");
      }
    }
    this.recall = recall;
    this.low = low;
    this.high = high;
    this.rows = rows;
    this.k = k;
    this.rowsWithSelfLoops = rowsWithSelfLoops;
    this.rowsWithDuplicates = rowsWithDuplicates;
    this.rowsWithMissing = rowsWithMissing;
  }

  /** @return the mean per-row recall@k of the measured rows, in [0, 1] */
  public double recall() {
    return recall;
  }

  /** @return the lower end of the 95% interval of the graph's recall */
  public double low() {
    return low;
  }

  /** @return the upper end of the 95% interval of the graph's recall */
  public double high() {
    return high;
  }

  /** @return the number of rows measured */
  public int rows() {
    return rows;
  }

  /** @return the k of recall@k */
  public int k() {
    return k;
  }

  /** @return measured rows that list the row itself although it is not its own neighbour */
  public int rowsWithSelfLoops() {
    return rowsWithSelfLoops;
  }

  /** @return measured rows that list some id more than once (counted once as a neighbour) */
  public int rowsWithDuplicates() {
    return rowsWithDuplicates;
  }

  /** @return measured rows with fewer than k valid entries (padded with id -1) */
  public int rowsWithMissing() {
    return rowsWithMissing;
  }

  /**
   * One line for people, e.g. {@code recall@10 0.9931 (95% interval 0.9915-0.9946, 1000 rows)}.
   * Values have four decimals, cut towards the safe side: the recall and the lower bound are
   * rounded down and the upper bound up, so a graph that misses a few entries in 100,000 never
   * shows as 1.0000.
   *
   * @return the line, without a line break
   */
  public String describe() {
    return describe(rows + " rows");
  }

  /**
   * {@link #describe()} with the measured rows put in other words, e.g. {@code 3842 sampled rows}
   * or {@code all 150 rows}.
   *
   * @param rowsText what goes after the interval
   * @return the line, without a line break
   */
  public String describe(String rowsText) {
    return String.format(Locale.ROOT, "recall@%d %s (95%% interval %s-%s, %s)", k, down(recall),
        down(low), up(high), rowsText);
  }

  private static String down(double v) {
    return String.format(Locale.ROOT, "%.4f", Math.floor(v * 1e4 + 1e-9) / 1e4);
  }

  private static String up(double v) {
    return String.format(Locale.ROOT, "%.4f", Math.ceil(v * 1e4 - 1e-9) / 1e4);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RecallEstimate)) {
      return false;
    }
    RecallEstimate e = (RecallEstimate) o;
    return Double.compare(recall, e.recall) == 0 && Double.compare(low, e.low) == 0
        && Double.compare(high, e.high) == 0 && rows == e.rows && k == e.k
        && rowsWithSelfLoops == e.rowsWithSelfLoops && rowsWithDuplicates == e.rowsWithDuplicates
        && rowsWithMissing == e.rowsWithMissing;
  }

  @Override
  public int hashCode() {
    return Objects.hash(recall, low, high, rows, k, rowsWithSelfLoops, rowsWithDuplicates, rowsWithMissing);
  }

  /** @return {@link #describe()} and the defect counts */
  @Override
  public String toString() {
    return describe() + " [self-loops " + rowsWithSelfLoops + ", duplicates " + rowsWithDuplicates
        + ", missing " + rowsWithMissing + "]";
  }
}
