package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.knng.InvalidInputException;
import org.knng.io.InputFormatException;

/**
 * Bad input and bugs are told apart: the library's {@link InvalidInputException} and I/O errors
 * exit with 2 and their own one-line message; anything else, an {@link IllegalArgumentException}
 * from an internal check included, exits with 1 and a line that calls it a bug and says how to
 * report it, with the stack trace only under {@code --debug}.
 */
class ErrorReportTest {
  private static String[] report(Throwable e, boolean debug, int expectedCode) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = Main.report(e, debug, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(expectedCode, code, e.toString());
    return bytes.toString(StandardCharsets.UTF_8).split("\n");
  }

  @Test
  void badInputIsExitTwoWithItsOwnLine() {
    String[] lines = report(new InvalidInputException("k=0 is out of range"), false, 2);
    assertEquals(1, lines.length);
    assertEquals("error: k=0 is out of range", lines[0]);
    lines = report(new InputFormatException("x.npy: bad magic"), false, 2);
    assertEquals("error: x.npy: bad magic", lines[0]);
    lines = report(new UncheckedIOException(new IOException("disk full")), false, 2);
    assertEquals("error: disk full", lines[0]);
  }

  @Test
  void aMessageIsOneLineWhateverItQuotes() {
    String[] lines = report(new InputFormatException("x.npy: header a\r\nb\u0085c\u2028d\u0000e\u001bf\tg"),
        false, 2);
    assertEquals(1, lines.length);
    assertEquals("error: x.npy: header a b c d?e?f\tg", lines[0]);
  }

  @Test
  void aBugIsExitOneAndSaysSo() {
    String[] lines = report(new IllegalArgumentException("blocks of 9 rows exceed 8"), false, 1);
    assertEquals(1, lines.length, String.join("\n", lines));
    assertTrue(lines[0].startsWith("error: internal error (a bug in knng, not in your input): "
        + "java.lang.IllegalArgumentException: blocks of 9 rows exceed 8"), lines[0]);
    assertTrue(lines[0].contains("--debug"), "says how to report it");
    report(new AssertionError("heap order"), false, 1);
    report(new ArrayIndexOutOfBoundsException(5), false, 1);
  }

  @Test
  void debugAddsTheStackTrace() {
    String[] lines = report(new IllegalStateException("boom"), true, 1);
    assertTrue(lines.length > 2, "a stack trace follows");
    assertTrue(lines[1].startsWith("java.lang.IllegalStateException: boom"), lines[1]);
    assertFalse(report(new IllegalStateException("boom"), false, 1).length > 1);
  }
}
