package org.knng.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.knng.InvalidInputException;

/**
 * Tells errors caused by the user's input (bad files, values, options: exit 2, one line) from bugs
 * (exit 1, a line that says so), and turns each into its line. The library marks bad input with
 * {@link InvalidInputException}; files that cannot be read or parsed are {@link IOException}s.
 * Anything else, an {@link IllegalArgumentException} from an internal check included, is a bug.
 */
final class UserErrors {
  private UserErrors() {}

  /**
   * @param e a failure
   * @return whether it comes from the input or the options rather than from a bug
   */
  static boolean isUserError(Throwable e) {
    return e instanceof InvalidInputException
        || e instanceof IOException
        || e instanceof UncheckedIOException;
  }

  /**
   * @param e a user error
   * @return a one-line message for it
   */
  static String message(Throwable e) {
    if (e instanceof UncheckedIOException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof NoSuchFileException) {
      String reason = ((NoSuchFileException) e).getReason();
      return ((NoSuchFileException) e).getFile() + ": " + (reason != null && reason.contains("symbolic link")
          ? reason : "no such file or directory");
    }
    if (e instanceof AccessDeniedException) {
      return ((AccessDeniedException) e).getFile() + ": permission denied";
    }
    String m = e.getMessage();
    return Main.oneLine(m == null ? e.toString() : m);
  }

  /**
   * @param e a failure that is not the user's
   * @return one line that names it as a bug and says how to report it
   */
  static String bug(Throwable e) {
    return "internal error (a bug in knng, not in your input): " + Main.oneLine(e.toString())
        + "; please report it with the command you ran and the output of the same command with"
        + " --debug";
  }
}
