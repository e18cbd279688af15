package org.knng.io;

import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * Turns low-level I/O failures into the short reason shown in {@code FILE: cannot read (...)} and
 * {@code FILE: cannot write (...)}, and checks an input file before it is opened.
 */
public final class FileErrors {
  private FileErrors() {}

  /**
   * The checks every reader makes before it opens an input: the file exists (a symbolic link
   * that leads nowhere is named as such), is not a directory, and is a regular file: a pipe or a
   * device would block the open or read as empty.
   *
   * @param file the file
   * @throws NoSuchFileException if it does not exist
   * @throws FileSystemException if it is a directory, a pipe, a socket or a device
   */
  public static void checkInput(Path file) throws IOException {
    if (!Files.exists(file)) {
      boolean link = Files.isSymbolicLink(file);
      throw new NoSuchFileException(file.toString(), null, link
          ? "a symbolic link that leads to no file (a missing target, or a loop of links)" : "no such file");
    }
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "is a directory");
    }
    if (!Files.isRegularFile(file)) {
      throw new FileSystemException(file.toString(), null,
          "not a regular file (a pipe, socket or device): give a file");
    }
  }

  /**
   * Opens a file for reading, with the messages every reader gives: no such file, a directory,
   * permission denied, or another failure with its reason.
   *
   * @param file the file
   * @return the open channel (the caller closes it)
   * @throws IOException naming the file and what is wrong
   */
  static FileChannel openForReading(Path file) throws IOException {
    checkInput(file);
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(file.toString(), null, "cannot read (permission denied)");
    } catch (IOException e) {
      throw new IOException(file + ": cannot read (" + reason(e) + ")", e);
    }
  }

  /**
   * Opens a {@code .npz} (zip) archive, with the messages of {@link #openForReading} and {@code
   * FILE: not a .npz file (not a zip archive: ...)}.
   *
   * @param file the file
   * @return the open archive (the caller closes it)
   * @throws IOException naming the file and what is wrong
   */
  static java.util.zip.ZipFile openZip(Path file) throws IOException {
    checkInput(file);
    try {
      return new java.util.zip.ZipFile(file.toFile());
    } catch (java.util.zip.ZipException e) {
      throw new InputFormatException(file + ": not a .npz file (not a zip archive: " + reason(e) + ")");
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(file.toString(), null, "cannot read (permission denied)");
    } catch (IOException e) {
      if (!Files.isReadable(file)) {
        throw new AccessDeniedException(file.toString(), null, "cannot read (permission denied)");
      }
      throw new IOException(file + ": cannot read (" + reason(e) + ")", e);
    }
  }

  /**
   * The archive's entry {@code name}, or null. An entry's name and comment are decoded as UTF-8
   * when it is looked up (names are checked when the archive is opened, comments are not); text
   * that is not UTF-8 is the file's fault, reported as such (the JDK throws an unchecked {@link
   * IllegalArgumentException} for it).
   *
   * @param zip an open archive
   * @param file its path, for the message
   * @param name the entry's name
   * @return the entry, or null if the archive has none of that name
   * @throws InputFormatException if an entry's name or comment is not valid UTF-8
   */
  static java.util.zip.ZipEntry zipEntry(java.util.zip.ZipFile zip, Path file, String name)
      throws InputFormatException {
    try {
      return zip.getEntry(name);
    } catch (IllegalArgumentException e) {
      throw badEntryText(file);
    }
  }

  /**
   * Every entry of the archive, with text that is not UTF-8 reported as {@link #zipEntry} does.
   *
   * @param zip an open archive
   * @param file its path, for the message
   * @return the entries, in the archive's order
   * @throws InputFormatException if an entry's name or comment is not valid UTF-8
   */
  static java.util.List<? extends java.util.zip.ZipEntry> zipEntries(java.util.zip.ZipFile zip, Path file)
      throws InputFormatException {
    try {
      return java.util.Collections.list(zip.entries());
    } catch (IllegalArgumentException e) {
      throw badEntryText(file);
    }
  }

  private static InputFormatException badEntryText(Path file) {
    return new InputFormatException(file + ": not a .npz file (an entry's name or comment is not valid UTF-8)");
  }

  /**
   * @param e a failure
   * @return its reason without the path the JDK may have put in front of it
   */
  static String reason(IOException e) {
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      return ((FileSystemException) e).getReason();
    }
    if (e instanceof NoSuchFileException) { // its message is only the path
      return "no such file or directory";
    }
    if (e.getMessage() != null) {
      return e.getMessage();
    }
    // No message: say what the failure means rather than naming a Java class.
    return e instanceof java.io.EOFException ? "the file ends early: truncated?" : "an I/O error";
  }
}
