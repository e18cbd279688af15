package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  /** The comment the tests' archives give each entry (scipy writes none; readers ignore them). */
  static final String ENTRY_COMMENT = "an entry of a test archive";

  /**
   * Breaks a text of a zip archive's headers (an entry's name or comment): its second character
   * becomes a lone UTF-8 lead byte (0xC3 followed by an ASCII byte is no UTF-8), wherever the
   * text occurs.
   *
   * @param archive a zip file, changed in place
   * @param text the text (ASCII, at least two characters)
   * @return the archive
   */
  static Path breakText(Path archive, String text) throws IOException {
    byte[] bytes = Files.readAllBytes(archive);
    byte[] pattern = text.getBytes(StandardCharsets.US_ASCII);
    int found = 0;
    for (int i = 0; i + pattern.length <= bytes.length; i++) {
      if (java.util.Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
        bytes[i + 1] = (byte) 0xC3;
        found++;
      }
    }
    assertTrue(found > 0, "the archive holds the text");
    return Files.write(archive, bytes);
  }
}
