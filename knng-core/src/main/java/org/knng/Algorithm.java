package org.knng;

import org.knng.engine.KnnEngine;
import org.knng.engine.KnnOptions;
import org.knng.exact.BruteForceEngine;

/**
 * The engines knng has, by the name the command line uses ({@code --algorithm}), each able to make
 * its {@link KnnEngine} from the shared {@link KnnOptions}. The facade, the command line and the
 * Spark module choose engines here and use them only through {@link KnnEngine}.
 */
public enum Algorithm implements Named {
  /** Every pair compared ({@link BruteForceEngine}): exact, and the reference for the others. */
  EXACT("exact") {
    @Override
    public KnnEngine engine(KnnOptions options) {
      return BruteForceEngine.create(options);
    }
  };

  private final String id;

  Algorithm(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * @param options the shared options
   * @return an engine of this algorithm
   */
  public abstract KnnEngine engine(KnnOptions options);

  /**
   * @param name an algorithm name, e.g. {@code exact} (case-insensitive)
   * @return the algorithm
   * @throws InvalidInputException naming the valid choices if there is no such algorithm
   */
  public static Algorithm parse(String name) {
    return Named.parse(values(), name, "algorithm");
  }
}
