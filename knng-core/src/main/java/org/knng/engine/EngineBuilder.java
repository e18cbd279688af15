package org.knng.engine;

import java.util.Objects;
import org.knng.InvalidInputException;
import org.knng.ProgressListener;
import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
import org.knng.simd.VectorOpsProvider;

/**
 * What every engine's builder sets: the shared {@link KnnOptions} one by one, and the kernels.
 * Each engine's builder extends it with its own settings and {@code build()}.
 *
 * @param <B> the engine's builder
 */
public abstract class EngineBuilder<B extends EngineBuilder<B>> {
  /** The options so far: defaults until set. */
  protected KnnOptions options = KnnOptions.defaults();
  /** The kernels, or null for {@link VectorOpsProvider#get()}. */
  protected VectorOps ops;

  /** For the engines' builders. */
  protected EngineBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * @param options all shared options at once
   * @return this builder
   */
  public B options(KnnOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    return self();
  }

  /**
   * @param metric the distance (default euclidean)
   * @return this builder
   */
  public B metric(Metric metric) {
    options = options.withMetric(metric);
    return self();
  }

  /**
   * @param k neighbours per point, at least 1 (default 10)
   * @return this builder
   * @throws InvalidInputException if {@code k < 1}
   */
  public B k(int k) {
    options = options.withK(k);
    return self();
  }

  /**
   * @param threads worker threads, at least 1 (default: all available processors); the output
   *     does not depend on it
   * @return this builder
   * @throws InvalidInputException if {@code threads < 1}
   */
  public B threads(int threads) {
    options = options.withThreads(threads);
    return self();
  }

  /**
   * @param includeSelf whether a point counts as one of its own k neighbours (scikit-learn's
   *     {@code include_self}); applies to graphs of one set only (default false)
   * @return this builder
   */
  public B includeSelf(boolean includeSelf) {
    options = options.withIncludeSelf(includeSelf);
    return self();
  }

  /**
   * @param progress told how much work is done, and of the engine's choices (default: nobody)
   * @return this builder
   */
  public B progress(ProgressListener progress) {
    options = options.withProgress(progress);
    return self();
  }

  /**
   * @param seed the seed of an approximate engine's random choices (default 0): the same seed
   *     gives the same graph, whatever the thread count
   * @return this builder
   */
  public B seed(long seed) {
    options = options.withSeed(seed);
    return self();
  }

  /**
   * @param targetRecall the recall@k an approximate engine must reach (the lower end of its
   *     estimate's 95% interval), in {@code (0, 1]}; 1 means exact; NaN (the default) for none
   * @return this builder
   * @throws InvalidInputException if the target is outside {@code (0, 1]}
   */
  public B targetRecall(double targetRecall) {
    options = options.withTargetRecall(targetRecall);
    return self();
  }

  /**
   * Forces a kernel implementation (tests and benchmarks); by default {@link
   * VectorOpsProvider#get()} decides.
   *
   * @param ops the kernels
   * @return this builder
   */
  public B vectorOps(VectorOps ops) {
    this.ops = Objects.requireNonNull(ops, "ops");
    return self();
  }

  /** @return the kernels set, or the provider's */
  protected VectorOps kernels() {
    return ops != null ? ops : VectorOpsProvider.get();
  }
}
