package org.knng.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Tells errors caused by the user's input (bad files, values, options: exit 2, one line) from bugs,
 * and turns them into that one line.
 */
final class UserErrors {
  private UserErrors() {}

  /**
   * @param e a failure
   * @return whether it comes from the input or the options rather than from a bug
   */
  static boolean isUserError(Throwable e) {
    return e instanceof IllegalArgumentException
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
      return ((NoSuchFileException) e).getFile() + ": no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return ((AccessDeniedException) e).getFile() + ": permission denied";
    }
    String m = e.getMessage();
    return Main.oneLine(m == null ? e.toString() : m);
  }
}
