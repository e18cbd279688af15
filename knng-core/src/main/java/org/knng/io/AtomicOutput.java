package org.knng.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file all at once or not at all: the content goes to a hidden temporary file next to
 * the target ({@code .NAME.tmp-XXXXXXXX}, same directory so the rename stays on one file system),
 * is flushed to disk, and is then renamed over the target atomically. If anything fails the
 * temporary file is deleted and the target, new or existing, is untouched. Every knng writer goes
 * through here.
 */
public final class AtomicOutput {
  /** Buffer size of the stream handed to the content writer: outputs run to millions of lines. */
  static final int BUFFER_BYTES = 1 << 20;

  private AtomicOutput() {}

  /** Produces a file's content. */
  @FunctionalInterface
  public interface Content {
    /**
     * @param out a buffered stream to the temporary file; closing it (or a stream wrapped around
     *     it) only flushes it
     * @throws IOException if writing fails
     */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} atomically.
   *
   * @param target the file to create or replace
   * @param content writes the bytes
   * @throws NoSuchFileException if the target's directory does not exist ({@code FILE: output
   *     directory DIR does not exist}), checked before anything is written
   * @throws FileSystemException if the target is a directory ({@code FILE: is a directory})
   * @throws IOException {@code FILE: cannot write (...)} if writing or renaming fails
   */
  public static void write(Path target, Content content) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    String shownDirectory = target.getParent() != null ? target.getParent().toString() : directory.toString();
    if (!Files.exists(directory)) {
      throw new NoSuchFileException(target.toString(), null, "output directory " + shownDirectory + " does not exist");
    }
    if (!Files.isDirectory(directory)) {
      throw new FileSystemException(target.toString(), null, "output directory " + shownDirectory + " is not a directory");
    }
    if (Files.isDirectory(target)) {
      throw new FileSystemException(target.toString(), null, "is a directory");
    }
    Path temporary = null;
    boolean moved = false;
    try {
      temporary = createTemporary(directory, target.getFileName().toString());
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES) {
          @Override
          public void close() throws IOException {
            flush(); // the channel stays open until it has been forced to disk, below
          }
        };
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(target.toString(), null, "cannot write (permission denied)");
    } catch (IOException e) {
      throw new IOException(target + ": cannot write (" + FileErrors.reason(e) + ")", e);
    } finally {
      if (temporary != null && !moved) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // The original failure is the one to report.
        }
      }
    }
  }

  /** Creates an empty, new, hidden file next to the target (default permissions, unlike createTempFile). */
  private static Path createTemporary(Path directory, String name) throws IOException {
    while (true) {
      Path candidate = directory.resolve(
          "." + name + ".tmp-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() | 0x10000000));
      try {
        return Files.createFile(candidate);
      } catch (FileAlreadyExistsException e) {
        // Another writer's temporary file: pick another name.
      }
    }
  }
}
