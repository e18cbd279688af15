package org.knng;

/**
 * Receives progress of long-running work. Engines call it from their worker threads, one call at a
 * time (calls are serialized), with a monotonically growing {@code done}; and they tell it of the
 * choices they make (which kernels, which screen), which the command line prints with {@code
 * --debug}.
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

  /**
   * A choice the engine made, in one line (e.g. {@code "exact engine: kernels panama-512/6x4 ..."}).
   * Ignored by default.
   *
   * @param message the line
   */
  default void note(String message) {}

  /**
   * Notes how long a phase of an engine's work took, as {@code "<engine>: <phase> <seconds> s"}
   * ({@link #note}). Nothing is formatted for {@link #NONE}: each of a thousand groups runs an
   * engine of its own without a listener, and formatting two notes per group cost 34 ms before the
   * JIT had compiled the formatter.
   *
   * @param engine the engine, e.g. {@code "exact engine"}
   * @param phase the phase, e.g. {@code "join"}
   * @param start when it started, a {@link System#nanoTime()}
   */
  default void phase(String engine, String phase, long start) {
    if (this == NONE) {
      return;
    }
    note(String.format(java.util.Locale.ROOT, "%s: %s %.2f s", engine, phase,
        (System.nanoTime() - start) / 1e9));
  }

  /**
   * A listener that hands every note to {@code notes} and ignores the updates (for {@code --debug}
   * output, or to collect an engine's choices).
   *
   * @param notes receives each note
   * @return the listener
   */
  static ProgressListener notes(java.util.function.Consumer<String> notes) {
    java.util.Objects.requireNonNull(notes, "notes");
    return new ProgressListener() {
      @Override
      public void update(long done, long total) {}

      @Override
      public void note(String message) {
        notes.accept(message);
      }
    };
  }
}
