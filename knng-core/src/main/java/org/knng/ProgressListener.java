package org.knng;

/**
 * Receives progress of long-running work. Engines call it from their worker threads, one call at a
 * time (calls are serialized), with a monotonically growing {@code done}.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores every update. */
  ProgressListener NONE = (done, total) -> { };

  /**
   * @param done units finished so far (blocks of work, for the engines)
   * @param total units in all
   */
  void update(long done, long total);
}
