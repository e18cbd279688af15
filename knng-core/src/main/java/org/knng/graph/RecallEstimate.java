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
  /** The normal quantile of a two-sided 95% interval. */
  public static final double Z = 1.959963984540054;

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

  /**
   * Sums the per-row hits of measured rows into an estimate, exactly (integers), so that the
   * estimate does not depend on the order rows are added in or on the thread count. The interval
   * is the wider of the normal and the Wilson interval, as {@code org.knng.eval.RecallSample}
   * describes; the core's samples and the Spark job's both use it.
   *
   * <pre>{@code
   * RecallEstimate.Tally t = new RecallEstimate.Tally(10);
   * t.add(10, false, false, false);      // a row with all 10 true neighbours
   * t.add(9, false, false, false);       // a row with 9
   * RecallEstimate e = t.estimate();     // recall 0.95 over 2 rows
   * }</pre>
   */
  public static final class Tally {
    private final int k;
    private int n;
    private long hits;
    private long hitsSquared;
    private int selfLoops;
    private int duplicates;
    private int missing;

    /** @param k neighbours per measured row, at least 1 */
    public Tally(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("k must be at least 1, got " + k);
      }
      this.k = k;
    }

    /**
     * Adds one measured row.
     *
     * @param rowHits how many of its entries are true neighbours, {@code 0 <= rowHits <= k}
     * @param selfLoop whether it lists itself (without include-self)
     * @param duplicate whether it lists an id twice
     * @param missing whether it has fewer than k entries
     * @return this tally
     */
    public Tally add(int rowHits, boolean selfLoop, boolean duplicate, boolean missing) {
      if (rowHits < 0 || rowHits > k) {
        throw new IllegalArgumentException("a row has 0 to " + k + " hits, got " + rowHits);
      }
      n++;
      hits += rowHits;
      hitsSquared += (long) rowHits * rowHits;
      selfLoops += selfLoop ? 1 : 0;
      duplicates += duplicate ? 1 : 0;
      this.missing += missing ? 1 : 0;
      return this;
    }

    /** @return the sample standard deviation of the per-row recalls (0 for one row) */
    public double standardDeviation() {
      if (n < 2) {
        return 0;
      }
      double squares = hitsSquared - (double) hits * hits / n;
      return Math.sqrt(Math.max(0, squares) / (n - 1)) / k;
    }

    /**
     * @return the estimate of the rows added so far
     * @throws IllegalStateException if no row was added
     */
    public RecallEstimate estimate() {
      if (n == 0) {
        throw new IllegalStateException("no row was measured");
      }
      long entries = (long) n * k;
      double recall = (double) hits / entries;
      double normalLow = 0;
      double normalHigh = 1;
      if (n >= 2) {
        double half = Z * standardDeviation() / Math.sqrt(n);
        normalLow = Math.max(0, recall - half);
        normalHigh = Math.min(1, recall + half);
      }
      double z2 = Z * Z / entries;
      double centre = (recall + z2 / 2) / (1 + z2);
      double spread = Z * Math.sqrt(recall * (1 - recall) / entries + z2 / (4.0 * entries)) / (1 + z2);
      double wilsonLow = Math.max(0, centre - spread);
      double wilsonHigh = Math.min(1, centre + spread);
      boolean normal = normalHigh - normalLow >= wilsonHigh - wilsonLow;
      double low = Math.min(recall, normal ? normalLow : wilsonLow);
      double high = Math.max(recall, normal ? normalHigh : wilsonHigh);
      return new RecallEstimate(recall, low, high, n, k, selfLoops, duplicates, missing);
    }
  }
}
