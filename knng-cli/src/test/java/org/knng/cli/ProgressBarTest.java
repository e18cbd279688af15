package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line's time left, on a clock the test moves (as on a terminal: a line per redraw). */
class ProgressBarTest {
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(1000 * SECOND);
  private final StringWriter out = new StringWriter();
  private final ProgressBar bar = new ProgressBar(new PrintWriter(out), "job", false, false, true,
      now::get);

  private String[] lines() {
    return out.toString().substring(1).split("\r");
  }

  private String last() {
    String[] lines = lines();
    return lines[lines.length - 1];
  }

  @Test
  void timeLeftFollowsThePaceOfTheCountNotTheTimeBeforeIt() {
    // Ten seconds of work before the count starts (a sample, a fit), then 1 unit of 100 per second.
    now.addAndGet(10 * SECOND);
    bar.update(0, 100);
    now.addAndGet(20 * SECOND);
    bar.update(20, 100);
    // Measured from the run's start the pace would be 30 s per 20 units: 120 s left. It is 80.
    assertTrue(last().endsWith(", 30.0s, ~80s left"), last());
  }

  @Test
  void noTimeLeftUntilTheCountHasMovedForHalfASecondAndNoneAtTheEnd() {
    now.addAndGet(2 * SECOND);
    bar.update(1, 1000); // the first update: the count starts here
    now.addAndGet(SECOND / 4);
    bar.update(500, 1000);
    assertFalse(last().contains("left"), last());
    now.addAndGet(SECOND / 2);
    bar.update(750, 1000);
    // 749 units in 0.75 s since the count started: 250 more take about 0.25 s.
    assertTrue(last().endsWith("~0s left"), last());
    bar.update(1000, 1000);
    assertTrue(last().startsWith("job [##############################] 100.0% (1000/1000)"), last());
    assertFalse(last().contains("left"), last());
  }

  @Test
  void aNewCountStartsItsOwnPace() {
    now.addAndGet(2 * SECOND);
    bar.update(0, 10);
    now.addAndGet(SECOND);
    bar.update(10, 10); // the first phase, slow: 1 unit per 0.1 s
    bar.update(0, 1000); // a second phase, a new total
    now.addAndGet(SECOND);
    bar.update(500, 1000); // 500 units per second
    assertTrue(last().endsWith("~1s left"), last());
    assertEquals(3, lines().length, out.toString());
  }

  @Test
  void quietForTheFirstSecond() {
    bar.update(0, 10);
    now.addAndGet(SECOND / 2);
    bar.update(5, 10);
    assertEquals("", out.toString());
  }
}
