package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

/** Checks the shape every knng I/O error message has: one line, starting with the file. */
final class ErrorMessages {
  private ErrorMessages() {}

  /**
   * @param e the exception
   * @param file the path the reader or writer was given
   * @param parts texts the message must contain (row, line, column, dtype, shape...)
   */
  static void assertMessage(Throwable e, Path file, String... parts) {
    String m = e.getMessage();
    assertTrue(m.startsWith(file + ": "), () -> "message should start with the file: " + m);
    assertFalse(m.contains("\n") || m.contains("\r"), () -> "message should be one line: " + m);
    for (String part : parts) {
      assertTrue(m.contains(part), () -> "message should contain '" + part + "': " + m);
    }
  }
}
