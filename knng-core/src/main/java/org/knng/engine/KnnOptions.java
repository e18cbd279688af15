package org.knng.engine;

import java.util.Objects;
import org.knng.InvalidInputException;
import org.knng.ProgressListener;
import org.knng.metric.Metric;

/**
 * The options every engine takes: the metric, k, whether a point counts as its own neighbour, the
 * number of worker threads and who hears of progress. Immutable: each {@code with...} returns a
 * copy.
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

  private KnnOptions(Metric metric, int k, boolean includeSelf, int threads, ProgressListener progress) {
    this.metric = metric;
    this.k = k;
    this.includeSelf = includeSelf;
    this.threads = threads;
    this.progress = progress;
  }

  /** @return euclidean, k = 10, self excluded, all available processors, no progress listener */
  public static KnnOptions defaults() {
    return new KnnOptions(Metric.EUCLIDEAN, 10, false, Runtime.getRuntime().availableProcessors(),
        ProgressListener.NONE);
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

  /**
   * @param metric the distance
   * @return a copy with this metric
   */
  public KnnOptions withMetric(Metric metric) {
    return new KnnOptions(Objects.requireNonNull(metric, "metric"), k, includeSelf, threads, progress);
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
    return new KnnOptions(metric, k, includeSelf, threads, progress);
  }

  /**
   * @param includeSelf whether a point counts as one of its own k neighbours (graphs of one set)
   * @return a copy with this setting
   */
  public KnnOptions withIncludeSelf(boolean includeSelf) {
    return new KnnOptions(metric, k, includeSelf, threads, progress);
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
    return new KnnOptions(metric, k, includeSelf, threads, progress);
  }

  /**
   * @param progress told how much of the work is done, and of the engine's choices
   * @return a copy with this listener
   */
  public KnnOptions withProgress(ProgressListener progress) {
    return new KnnOptions(metric, k, includeSelf, threads, Objects.requireNonNull(progress, "progress"));
  }

  @Override
  public String toString() {
    return metric.id() + " k=" + k + (includeSelf ? " include-self" : "") + " threads=" + threads;
  }
}
