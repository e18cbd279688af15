package org.knng.io;

import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * Turns low-level I/O failures into the short reason shown in {@code FILE: cannot read (...)} and
 * {@code FILE: cannot write (...)}.
 */
final class FileErrors {
  private FileErrors() {}

  /**
   * @param e a failure
   * @return its reason without the path the JDK may have put in front of it
   */
  static String reason(IOException e) {
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      return ((FileSystemException) e).getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
