package org.knng.io;

import java.io.IOException;

/**
 * A file exists and can be read, but its content is not what its format promises: a bad header,
 * an unsupported dtype or shape, ragged or truncated rows, a cell that is not a number, a value
 * that is not finite, or more values than one array can hold.
 *
 * <p>The message is one line that starts with the file path as it was given and names the row,
 * line, column, dtype or shape at fault, so a command-line tool can print it as it is.
 */
public class InputFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message one line, starting with the file path
   */
  public InputFormatException(String message) {
    super(message);
  }

  /**
   * @param message one line, starting with the file path
   * @param cause the lower-level error this one explains
   */
  public InputFormatException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A name read from a file or typed by a user (an array of an archive, a dataset of an HDF5 file)
   * as messages show it: control characters (a zip entry's name may hold any, a newline or NUL
   * included) written as a backslash, {@code u} and four hex digits, so that the message stays one
   * line.
   *
   * @param name the name
   * @return the name as a message shows it
   */
  public static String shown(String name) {
    StringBuilder s = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        s.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }
}
