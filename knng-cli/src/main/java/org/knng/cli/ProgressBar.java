package org.knng.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.knng.ProgressListener;

/**
 * A one-line progress display on stderr for work that takes more than about a second: silent
 * before that, so quick runs print nothing. On a terminal it redraws one line; otherwise (logs,
 * pipes) it prints a plain line every few seconds. With {@code --debug} it also prints the
 * engine's notes (kernels, tile shape, screen) as {@code debug:} lines.
 *
 * <p>The time left is projected from the pace since the count started (its first update, or the
 * first after the count went back or changed its total, as when a new phase begins), not since the
 * run began: work before the count (reading, a sample, a fit) would otherwise make the first
 * estimates many times too long. It is shown once the count has moved for half a second.
 */
final class ProgressBar implements ProgressListener, AutoCloseable {
  private static final long QUIET_NANOS = 1_000_000_000L;
  private static final long TTY_INTERVAL_NANOS = 200_000_000L;
  private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;
  private static final long PACE_NANOS = 500_000_000L;

  private final PrintWriter err;
  private final String task;
  private final boolean silent;
  private final boolean debug;
  private final boolean terminal;
  private final LongSupplier clock;
  private final long start;
  private long lastPrint;
  private boolean printed;
  // Where the current count started: its total, the count and the time then.
  private long countTotal = -1;
  private long countFrom;
  private long countSince;

  ProgressBar(PrintWriter err, String task, boolean silent, boolean debug) {
    this(err, task, silent, debug, System.console() != null, System::nanoTime);
  }

  /** With a given clock ({@link System#nanoTime} units) and kind of output, for tests. */
  ProgressBar(PrintWriter err, String task, boolean silent, boolean debug, boolean terminal,
      LongSupplier clock) {
    this.err = err;
    this.task = task;
    this.silent = silent;
    this.debug = debug;
    this.terminal = terminal;
    this.clock = clock;
    this.start = clock.getAsLong();
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
    long now = clock.getAsLong();
    if (total != countTotal || done < countFrom) {
      countTotal = total;
      countFrom = done;
      countSince = now;
    }
    long elapsed = now - start;
    if (elapsed < QUIET_NANOS || (done < total && now - lastPrint < (terminal ? TTY_INTERVAL_NANOS : LOG_INTERVAL_NANOS))) {
      return;
    }
    lastPrint = now;
    printed = true;
    double fraction = total == 0 ? 1 : (double) done / total;
    double seconds = elapsed / 1e9;
    String left = "";
    if (done < total && done > countFrom && now - countSince >= PACE_NANOS) {
      double secondsPerUnit = (now - countSince) / 1e9 / (done - countFrom);
      left = String.format(Locale.ROOT, ", ~%.0fs left", secondsPerUnit * (total - done));
    }
    int width = 30;
    int filled = (int) Math.round(fraction * width);
    String line = String.format(Locale.ROOT, "%s [%s%s] %5.1f%% (%d/%d), %.1fs%s",
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
