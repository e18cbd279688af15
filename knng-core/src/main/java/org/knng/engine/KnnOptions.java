package org.knng.engine;

import java.util.Objects;
import org.knng.InvalidInputException;
import org.knng.ProgressListener;
import org.knng.metric.Metric;

/**
 * The options every engine takes: the metric, k, whether a point counts as its own neighbour, the
 * number of worker threads, who hears of progress, and for the approximate engines the seed and
 * the recall to reach. Immutable: each {@code with...} returns a copy.
 *
 * <pre>{@code
 * KnnOptions options = KnnOptions.defaults().withMetric(Metric.COSINE).withK(15).withThreads(2);
 * }</pre>
 */
public final class KnnOptions {
  private final Metric metric;
  private final int k;
  private final boolean includeSelf;
  private final int threads;
  private final ProgressListener progress;
  private final long seed;
  private final double targetRecall;

  private KnnOptions(Metric metric, int k, boolean includeSelf, int threads, ProgressListener progress,
      long seed, double targetRecall) {
    this.metric = metric;
    this.k = k;
    this.includeSelf = includeSelf;
    this.threads = threads;
    this.progress = progress;
    this.seed = seed;
    this.targetRecall = targetRecall;
  }

  /**
   * @return euclidean, k = 10, self excluded, all available processors, no progress listener, seed
   *     0, no target recall
   */
  public static KnnOptions defaults() {
    return new KnnOptions(Metric.EUCLIDEAN, 10, false, Runtime.getRuntime().availableProcessors(),
        ProgressListener.NONE, 0, Double.NaN);
  }

  /** @return the metric */
  public Metric metric() {
    return metric;
  }

  /** @return neighbours per row */
  public int k() {
    return k;
  }

  /** @return whether a point counts as one of its own k neighbours (scikit-learn's include_self) */
  public boolean includeSelf() {
    return includeSelf;
  }

  /** @return worker threads */
  public int threads() {
    return threads;
  }

  /** @return the progress listener */
  public ProgressListener progress() {
    return progress;
  }

  /** @return the seed of the approximate engines' random choices (the exact engine has none) */
  public long seed() {
    return seed;
  }

  /**
   * @return the recall@k an approximate engine must reach (the lower end of its estimate's 95%
   *     interval), in {@code (0, 1]}; NaN when none is asked for (the engine's default effort)
   */
  public double targetRecall() {
    return targetRecall;
  }

  /**
   * @param metric the distance
   * @return a copy with this metric
   */
  public KnnOptions withMetric(Metric metric) {
    return new KnnOptions(Objects.requireNonNull(metric, "metric"), k, includeSelf, threads, progress,
        seed, targetRecall);
  }

  /**
   * @param k neighbours per point, at least 1
   * @return a copy with this k
   * @throws InvalidInputException if {@code k < 1}
   */
  public KnnOptions withK(int k) {
    if (k < 1) {
      throw new InvalidInputException("k must be at least 1, got " + k);
    }
    return new KnnOptions(metric, k, includeSelf, threads, progress, seed, targetRecall);
  }

  /**
   * @param includeSelf whether a point counts as one of its own k neighbours (graphs of one set)
   * @return a copy with this setting
   */
  public KnnOptions withIncludeSelf(boolean includeSelf) {
    return new KnnOptions(metric, k, includeSelf, threads, progress, seed, targetRecall);
  }

  /**
   * @param threads worker threads, at least 1; the output does not depend on it
   * @return a copy with this thread count
   * @throws InvalidInputException if {@code threads < 1}
   */
  public KnnOptions withThreads(int threads) {
    if (threads < 1) {
      throw new InvalidInputException("threads must be at least 1, got " + threads);
    }
    return new KnnOptions(metric, k, includeSelf, threads, progress, seed, targetRecall);
  }

  /**
   * @param progress told how much of the work is done, and of the engine's choices
   * @return a copy with this listener
   */
  public KnnOptions withProgress(ProgressListener progress) {
    return new KnnOptions(metric, k, includeSelf, threads, Objects.requireNonNull(progress, "progress"),
        seed, targetRecall);
  }

  /**
   * @param seed the seed of the approximate engines: the same seed gives the same graph, whatever
   *     the thread count
   * @return a copy with this seed
   */
  public KnnOptions withSeed(long seed) {
    return new KnnOptions(metric, k, includeSelf, threads, progress, seed, targetRecall);
  }

  /**
   * @param targetRecall the recall@k to reach, in {@code (0, 1]} (1 means exact), or NaN for the
   *     engine's default effort
   * @return a copy with this target
   * @throws InvalidInputException if the target is not NaN and outside {@code (0, 1]}
   */
  public KnnOptions withTargetRecall(double targetRecall) {
    if (!Double.isNaN(targetRecall) && !(targetRecall > 0 && targetRecall <= 1)) {
      throw new InvalidInputException("target recall must be in (0, 1], got " + targetRecall);
    }
    return new KnnOptions(metric, k, includeSelf, threads, progress, seed, targetRecall);
  }

  @Override
  public String toString() {
    return metric.id() + " k=" + k + (includeSelf ? " include-self" : "") + " threads=" + threads
        + " seed=" + seed + (Double.isNaN(targetRecall) ? "" : " target-recall=" + targetRecall);
  }
}
