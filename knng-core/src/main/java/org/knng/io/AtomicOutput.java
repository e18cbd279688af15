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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file all at once or not at all: the content goes to a hidden temporary file next to
 * the target ({@code .NAME.tmp-XXXXXXXX}, same directory so the rename stays on one file system),
 * is flushed to disk, and is then renamed over the target atomically. If anything fails the
 * temporary file is deleted and the target, new or existing, is untouched. Every knng writer goes
 * through here.
 *
 * <p>Several files, all or none: inside {@link #batch()} every write on the thread only writes its
 * temporary file, and {@link Batch#commit()} moves them all into place at the end; closing the
 * batch without committing (an error in between) deletes them, so a run that fails after its
 * first output leaves none. If the JVM is stopped first (SIGINT, SIGTERM: Ctrl-C or a kill), a
 * shutdown hook deletes every temporary file not yet moved into place.
 *
 * <p>The hook and the writers take turns on one lock: a temporary file is created, and a batch is
 * moved into place (all of its files), while the hook waits; once the hook has run, nothing more is
 * created or moved ({@link #stopping()}). A stop therefore leaves all of a batch's outputs or none
 * of them, and no temporary file.
 */
public final class AtomicOutput {
  /** Buffer size of the stream handed to the content writer: outputs run to millions of lines. */
  static final int BUFFER_BYTES = 1 << 20;

  /** Temporary files written and not yet moved into place (or deleted). */
  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();
  /** The batch open on each thread, if any. */
  private static final ThreadLocal<Batch> BATCH = new ThreadLocal<>();
  /** Held to create a temporary file, to move outputs into place, and by the shutdown hook. */
  private static final Object TURN = new Object();
  /** Set by the shutdown hook (under {@link #TURN}): nothing is created or moved after it. */
  private static volatile boolean stopping;

  static {
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(AtomicOutput::deletePending, "knng-output-cleanup"));
    } catch (IllegalStateException shuttingDown) {
      stopping = true; // first used while the JVM stops: nothing is to be written any more
    }
  }

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
   * Several outputs written all or none: the files written on this thread until {@link
   * Batch#commit()} are moved into place together; {@link Batch#close()} without a commit deletes
   * them. Use with try-with-resources.
   */
  public static final class Batch implements AutoCloseable {
    private final List<Path[]> written = new ArrayList<>();

    private Batch() {}

    /**
     * Moves every file written in this batch into place, in the order written.
     *
     * @throws IOException {@code FILE: cannot write (...)} if a rename fails (the files not yet
     *     moved are deleted)
     */
    public void commit() throws IOException {
      synchronized (TURN) { // a stop waits until all are in place, or comes first and none is
        while (!written.isEmpty()) {
          Path[] pair = written.remove(0);
          moveIntoPlace(pair[0], pair[1]);
        }
      }
    }

    /** Ends the batch; files written and not committed are deleted, their targets untouched. */
    @Override
    public void close() {
      BATCH.remove();
      for (Path[] pair : written) {
        deleteQuietly(pair[0]);
      }
      written.clear();
    }
  }

  /**
   * Starts a batch on the calling thread.
   *
   * @return the batch, to commit and close
   * @throws IllegalStateException if one is already open on this thread
   */
  public static Batch batch() {
    if (BATCH.get() != null) {
      throw new IllegalStateException("an output batch is already open on this thread");
    }
    Batch batch = new Batch();
    BATCH.set(batch);
    return batch;
  }

  /**
   * Writes {@code target} atomically (or, inside a {@link #batch()}, writes its temporary file
   * for the batch's commit).
   *
   * @param target the file to create or replace
   * @param content writes the bytes
   * @throws NoSuchFileException if the target's directory does not exist ({@code FILE: output
   *     directory DIR does not exist}), checked before anything is written
   * @throws FileSystemException if the target is a directory ({@code FILE: is a directory})
   * @throws IOException {@code FILE: cannot write (...)} if writing or renaming fails
   */
  public static void write(Path target, Content content) throws IOException {
    Path temporary = writeTemporary(target, content);
    Batch batch = BATCH.get();
    if (batch != null) {
      batch.written.add(new Path[] {temporary, target});
    } else {
      moveIntoPlace(temporary, target);
    }
  }

  /** The content in a new temporary file next to the target, forced to disk. */
  private static Path writeTemporary(Path target, Content content) throws IOException {
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
    boolean written = false;
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
      written = true;
      return temporary;
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(target.toString(), null, "cannot write (permission denied)");
    } catch (InputFormatException e) {
      throw e; // the content's input is bad (a block read while writing): its own message
    } catch (IOException e) {
      throw new IOException(target + ": cannot write (" + FileErrors.reason(e) + ")", e);
    } finally {
      if (temporary != null && !written) {
        deleteQuietly(temporary);
      }
    }
  }

  /**
   * A new empty scratch file next to {@code near} (hidden, named like a temporary output), deleted
   * by {@link #discard} or, if the JVM is stopped first, by the shutdown hook.
   *
   * @param near a file in the directory to use
   * @return the scratch file
   * @throws IOException {@code FILE: cannot write (...)} if it cannot be created
   */
  static Path scratch(Path near) throws IOException {
    Path directory = near.toAbsolutePath().getParent();
    try {
      return createTemporary(directory, near.getFileName() + ".spill");
    } catch (IOException e) {
      throw new IOException(near + ": cannot write (" + FileErrors.reason(e) + ")", e);
    }
  }

  /**
   * Deletes a scratch file.
   *
   * @param file a file of {@link #scratch}
   */
  static void discard(Path file) {
    deleteQuietly(file);
  }

  /** Renames the temporary file over the target (atomically where the file system can). */
  private static void moveIntoPlace(Path temporary, Path target) throws IOException {
    synchronized (TURN) {
      if (stopping) {
        deleteQuietly(temporary);
        throw new IOException(target + ": not written (knng is stopping)");
      }
      rename(temporary, target);
    }
  }

  private static void rename(Path temporary, Path target) throws IOException {
    try {
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
      PENDING.remove(temporary);
    } catch (AccessDeniedException e) {
      deleteQuietly(temporary);
      throw new AccessDeniedException(target.toString(), null, "cannot write (permission denied)");
    } catch (IOException e) {
      deleteQuietly(temporary);
      throw new IOException(target + ": cannot write (" + FileErrors.reason(e) + ")", e);
    }
  }

  private static void deleteQuietly(Path temporary) {
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException ignored) {
      // The original failure (or the exit) is what matters; nothing else to do.
    }
    PENDING.remove(temporary);
  }

  /**
   * The shutdown hook: every temporary file not moved into place is deleted, and nothing is
   * created or moved after it (a batch being moved into place is finished first).
   */
  static void deletePending() {
    synchronized (TURN) {
      stopping = true;
      for (Path temporary : PENDING.toArray(new Path[0])) {
        deleteQuietly(temporary);
      }
    }
  }

  /**
   * Whether the JVM is stopping (its shutdown hook has run): a write that fails now fails because
   * of the stop, and its error is not worth reporting.
   *
   * @return whether outputs are no longer created or moved into place
   */
  public static boolean stopping() {
    return stopping;
  }

  /** For tests of the stop in the same JVM: writes are allowed again. */
  static void resumeAfterStop() {
    synchronized (TURN) {
      stopping = false;
    }
  }

  /** Creates an empty, new, hidden file next to the target (default permissions, unlike createTempFile). */
  private static Path createTemporary(Path directory, String name) throws IOException {
    while (true) {
      Path candidate = directory.resolve(
          "." + name + ".tmp-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() | 0x10000000));
      try {
        synchronized (TURN) { // registered before it exists, and never after the hook's sweep
          if (stopping) {
            throw new IOException("knng is stopping");
          }
          PENDING.add(candidate);
          return Files.createFile(candidate);
        }
      } catch (FileAlreadyExistsException e) {
        PENDING.remove(candidate); // another writer's file: left alone
      } catch (IOException e) {
        PENDING.remove(candidate);
        throw e;
        // Another writer's temporary file: pick another name.
      }
    }
  }
}
