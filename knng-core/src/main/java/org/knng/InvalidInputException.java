package org.knng;

/**
 * The caller's input cannot be used: a value out of range (k, a radius, a threads count), vectors
 * the metric cannot rank (a zero vector under cosine, a value whose square overflows float32),
 * shapes that do not match, an unknown name. The message is one line that names the value, row,
 * column or option at fault, fit to be shown to a user as it is; the command line prints it after
 * {@code error:} and exits with code 2.
 *
 * <p>Everything else an engine throws is a bug (or the machine: out of memory). Files that cannot
 * be read or parsed are {@link java.io.IOException}s ({@code org.knng.io.InputFormatException}).
 * This extends {@link IllegalArgumentException}, so code that catches that still works.
 */
public class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message one line naming what is wrong and where
   */
  public InvalidInputException(String message) {
    super(message);
  }
}
