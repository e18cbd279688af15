package org.knng.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.knng.ProgressListener;

/**
 * A one-line progress display on stderr for work that takes more than about a second: silent
 * before that, so quick runs print nothing. On a terminal it redraws one line; otherwise (logs,
 * pipes) it prints a plain line every few seconds. With {@code --debug} it also prints the
 * engine's notes (kernels, tile shape, screen) as {@code debug:} lines.
 */
final class ProgressBar implements ProgressListener, AutoCloseable {
  private static final long QUIET_NANOS = 1_000_000_000L;
  private static final long TTY_INTERVAL_NANOS = 200_000_000L;
  private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

  private final PrintWriter err;
  private final String task;
  private final boolean silent;
  private final boolean debug;
  private final boolean terminal = System.console() != null;
  private final long start = System.nanoTime();
  private long lastPrint;
  private boolean printed;

  ProgressBar(PrintWriter err, String task, boolean silent, boolean debug) {
    this.err = err;
    this.task = task;
    this.silent = silent;
    this.debug = debug;
  }

  @Override
  public synchronized void note(String message) {
    if (!debug) {
      return;
    }
    if (printed && terminal) {
      err.println();
      printed = false;
    }
    err.println("debug: " + message);
    err.flush();
  }

  @Override
  public synchronized void update(long done, long total) {
    if (silent) {
      return;
    }
    long now = System.nanoTime();
    long elapsed = now - start;
    if (elapsed < QUIET_NANOS || (done < total && now - lastPrint < (terminal ? TTY_INTERVAL_NANOS : LOG_INTERVAL_NANOS))) {
      return;
    }
    lastPrint = now;
    printed = true;
    double fraction = total == 0 ? 1 : (double) done / total;
    double seconds = elapsed / 1e9;
    double left = fraction > 0 ? seconds * (1 - fraction) / fraction : Double.NaN;
    int width = 30;
    int filled = (int) Math.round(fraction * width);
    String line = String.format(Locale.ROOT, "%s [%s%s] %5.1f%% (%d/%d), %.1fs, ~%.0fs left",
        task, "#".repeat(filled), ".".repeat(width - filled), 100 * fraction, done, total, seconds, left);
    if (terminal) {
      err.print("\r" + line);
    } else {
      err.println(line);
    }
    err.flush();
  }

  @Override
  public synchronized void close() {
    if (printed && terminal) {
      err.println();
      err.flush();
    }
  }
}
