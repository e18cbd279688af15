package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.knng.io.ErrorMessages.assertMessage;
import static org.knng.io.GraphWriterTest.names;
import static org.knng.io.NpyWriterTest.assertEmpty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** All-or-nothing writes: failures leave neither a partial target nor a temporary file. */
class AtomicOutputTest {
  @TempDir Path dir;

  @Test
  void writesAndLeavesOnlyTheTarget() throws IOException {
    Path file = dir.resolve("out.bin");
    AtomicOutput.write(file, out -> out.write(new byte[] {1, 2, 3}));
    assertEquals(List.of("out.bin"), names(dir));
    assertEquals(3, Files.size(file));
  }

  @Test
  void failureMidwayLeavesNothing() throws IOException {
    Path file = dir.resolve("out.bin");
    IOException e = assertThrows(IOException.class, () -> AtomicOutput.write(file, out -> {
      out.write(new byte[3 * AtomicOutput.BUFFER_BYTES]); // past the buffer: bytes reach the disk
      throw new IOException("disk on fire");
    }));
    assertMessage(e, file, "cannot write (disk on fire)");
    assertEmpty(dir);
  }

  @Test
  void failureKeepsThePreviousFile() throws IOException {
    Path file = Files.writeString(dir.resolve("out.csv"), "previous\n");
    RuntimeException bug = new IllegalStateException("bug in a writer");
    RuntimeException e = assertThrows(RuntimeException.class, () -> AtomicOutput.write(file, out -> {
      out.write("partial".getBytes());
      throw bug;
    }));
    assertSame(bug, e);
    assertEquals("previous\n", Files.readString(file));
    assertEquals(List.of("out.csv"), names(dir));
  }

  @Test
  void aBatchMovesEverythingIntoPlaceOnlyOnCommit() throws IOException {
    Path a = Files.writeString(dir.resolve("a.txt"), "old a\n");
    Path b = dir.resolve("b.txt");
    try (AtomicOutput.Batch batch = AtomicOutput.batch()) {
      AtomicOutput.write(a, out -> out.write("new a\n".getBytes()));
      AtomicOutput.write(b, out -> out.write("new b\n".getBytes()));
      // Written, not yet in place: the old a, no b, two temporary files.
      assertEquals("old a\n", Files.readString(a));
      assertEquals(3, names(dir).size(), names(dir).toString());
      batch.commit();
    }
    assertEquals(List.of("a.txt", "b.txt"), names(dir));
    assertEquals("new a\n", Files.readString(a));
    assertEquals("new b\n", Files.readString(b));
  }

  @Test
  void aBatchClosedWithoutCommitLeavesEveryTargetAsItWas() throws IOException {
    Path a = Files.writeString(dir.resolve("a.txt"), "old a\n");
    Path b = dir.resolve("b.txt");
    Path c = dir.resolve("c.txt");
    IOException e = assertThrows(IOException.class, () -> {
      try (AtomicOutput.Batch batch = AtomicOutput.batch()) {
        AtomicOutput.write(a, out -> out.write("new a\n".getBytes()));
        AtomicOutput.write(b, out -> out.write("new b\n".getBytes()));
        AtomicOutput.write(c, out -> {
          throw new IOException("disk full");
        });
        batch.commit();
      }
    });
    assertMessage(e, c, "cannot write (disk full)");
    assertEquals(List.of("a.txt"), names(dir));
    assertEquals("old a\n", Files.readString(a));
    // The thread's batch is over: the next write is immediate again; batches do not nest.
    AtomicOutput.write(b, out -> out.write('x'));
    assertEquals(List.of("a.txt", "b.txt"), names(dir));
    try (AtomicOutput.Batch outer = AtomicOutput.batch()) {
      assertThrows(IllegalStateException.class, AtomicOutput::batch);
    }
  }

  /** A stop before the commit (the shutdown hook): nothing is moved, nothing is left. */
  @Test
  void aStopBeforeTheCommitLeavesEveryTargetAsItWas() throws IOException {
    Path a = dir.resolve("a.bin");
    Files.write(a, new byte[] {9});
    try (AtomicOutput.Batch batch = AtomicOutput.batch()) {
      AtomicOutput.write(a, out -> out.write(new byte[] {1, 2}));
      AtomicOutput.write(dir.resolve("b.bin"), out -> out.write(new byte[] {3}));
      AtomicOutput.deletePending();
      assertThrows(IOException.class, batch::commit);
      assertThrows(IOException.class, () -> AtomicOutput.write(dir.resolve("c.bin"), out -> out.write(1)));
    } finally {
      AtomicOutput.resumeAfterStop();
    }
    assertEquals(List.of("a.bin"), names(dir));
    assertEquals(1, Files.size(a));
  }

  /**
   * A stop that comes while a batch is moved into place waits for it, or comes first: every time,
   * all of the batch's targets are new or all are old, and no temporary file is left.
   */
  @Test
  void aStopDuringTheCommitLeavesAllOrNone() throws Exception {
    java.util.concurrent.ExecutorService stopper = java.util.concurrent.Executors.newSingleThreadExecutor();
    int all = 0;
    int none = 0;
    try {
      for (int round = 0; round < 300; round++) {
        Path[] targets = new Path[4];
        for (int t = 0; t < targets.length; t++) {
          targets[t] = dir.resolve(round + "-" + t + ".bin");
          Files.write(targets[t], new byte[] {0});
        }
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.Future<?> stop;
        try (AtomicOutput.Batch batch = AtomicOutput.batch()) {
          for (Path target : targets) {
            AtomicOutput.write(target, out -> out.write(new byte[] {1, 1}));
          }
          int spins = (round * 7) % 200; // the stop at a different moment each round
          stop = stopper.submit(() -> {
            start.await();
            for (int spin = spins; spin > 0; spin--) {
              Thread.onSpinWait();
            }
            AtomicOutput.deletePending();
            return null;
          });
          start.await();
          try {
            batch.commit();
          } catch (IOException stopped) {
            // the stop came first
          }
        }
        stop.get();
        AtomicOutput.resumeAfterStop();
        long fresh = 0;
        for (Path target : targets) {
          fresh += Files.size(target) == 2 ? 1 : 0;
        }
        assertTrue(fresh == 0 || fresh == targets.length, "round " + round + ": " + fresh + " of 4 moved");
        all += fresh == targets.length ? 1 : 0;
        none += fresh == 0 ? 1 : 0;
      }
    } finally {
      stopper.shutdownNow();
      AtomicOutput.resumeAfterStop();
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith(".")).count(),
          "temporary files left");
    }
    assertTrue(all + none == 300, all + " all, " + none + " none");
  }

  @Test
  void closingTheStreamOnlyFlushesIt() throws IOException {
    Path file = dir.resolve("closed.txt");
    AtomicOutput.write(file, out -> {
      out.write('a');
      out.close();
      out.write('b'); // still open: the file is forced and closed by AtomicOutput
    });
    assertEquals("ab", Files.readString(file));
  }

  @Test
  void outputDirectoryThatIsAFileIsNamed() throws IOException {
    Path notDir = Files.writeString(dir.resolve("plain"), "x");
    Path file = notDir.resolve("out.npz");
    IOException e = assertThrows(IOException.class, () -> AtomicOutput.write(file, out -> out.write(1)));
    assertEquals(file + ": output directory " + notDir + " is not a directory", e.getMessage());
    assertEquals(List.of("plain"), names(dir));
  }

  @Test
  void relativeTargetInTheWorkingDirectoryHasADirectory() {
    // A bare file name has no parent: the check must use the working directory, not fail on null.
    Path bare = Path.of("knng-atomic-output-test-" + ProcessHandle.current().pid() + ".tmp");
    try {
      AtomicOutput.write(bare, out -> out.write('x'));
      assertEquals(1, bare.toFile().length());
    } catch (IOException e) {
      throw new AssertionError(e);
    } finally {
      bare.toFile().delete();
    }
  }
}
