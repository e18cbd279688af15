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
}
