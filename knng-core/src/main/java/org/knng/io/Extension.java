package org.knng.io;

import java.nio.file.Path;
import java.util.Locale;

/** The extension of a file name, which is how readers and writers pick a format. */
final class Extension {
  private Extension() {}

  /**
   * @param file a path
   * @return the extension of its last name element as written, with the dot ({@code ".Fvecs"}),
   *     or {@code ""} if it has none
   */
  static String of(Path file) {
    Path name = file.getFileName();
    String s = name == null ? "" : name.toString();
    int dot = s.lastIndexOf('.');
    return dot < 0 ? "" : s.substring(dot);
  }

  /**
   * @param file a path
   * @return {@link #of} in lower case, for matching
   */
  static String key(Path file) {
    return of(file).toLowerCase(Locale.ROOT);
  }

  /**
   * @param extension as returned by {@link #of}
   * @return the extension quoted for a message, or a note that there is none
   */
  static String describe(String extension) {
    return extension.isEmpty() ? "(no extension)" : "'" + extension + "'";
  }
}
