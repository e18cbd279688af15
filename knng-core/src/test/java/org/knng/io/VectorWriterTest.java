package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.vectors.VectorSource;
import org.knng.vectors.Vectors;

/**
 * {@link VectorWriter} reads its source a block of rows at a time (so that a mapped file larger
 * than the heap converts), writes what the readers read back, and writes nothing when a block
 * cannot be read.
 */
class VectorWriterTest {
  @TempDir Path dir;

  /** Rows of wide vectors, recording each block asked for; the block at {@code failAt} is refused. */
  private static final class Recorded implements VectorSource {
    final Vectors rows;
    final int failAt;
    final List<int[]> asked = new ArrayList<>();

    Recorded(Vectors rows, int failAt) {
      this.rows = rows;
      this.failAt = failAt;
    }

    @Override
    public int size() {
      return rows.size();
    }

    @Override
    public int dimension() {
      return rows.dimension();
    }

    @Override
    public Vectors rows(int from, int count) throws IOException {
      asked.add(new int[] {from, count});
      if (from <= failAt && failAt < from + count) {
        throw new InputFormatException("source: row " + failAt + ", column 0: value is NaN");
      }
      return rows.rows(from, count);
    }
  }

  private static Vectors wide(int n, int d) {
    Random random = new Random(5);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return Vectors.wrap(x, d);
  }

  @Test
  void aSourceIsWrittenABlockAtATime() throws IOException {
    // 700,000 values a row: two rows per block of at most 2^21 values.
    Vectors rows = wide(5, 700_000);
    for (String name : new String[] {"w.npy", "w.fvecs"}) {
      Recorded source = new Recorded(rows, -1);
      Path out = dir.resolve(name);
      VectorWriter.write(source, out);
      assertEquals(3, source.asked.size(), name);
      for (int[] block : source.asked) {
        assertTrue(block[1] <= 2, name + ": a block of " + block[1] + " rows");
      }
      assertArrayEquals(rows.data(), VectorReader.read(out).data(), name);
    }
    // The .fvecs records, byte by byte: the dimension word, then the row's values.
    ByteBuffer fvecs = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("w.fvecs"))).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(5L * (4 + 4 * 700_000), fvecs.capacity());
    assertEquals(700_000, fvecs.getInt(3 * (4 + 4 * 700_000)));
    assertEquals(rows.data()[3 * 700_000 + 1], fvecs.getFloat(3 * (4 + 4 * 700_000) + 8));
  }

  @Test
  void aBlockThatCannotBeReadLeavesTheOldFile() throws IOException {
    Vectors rows = wide(5, 700_000);
    for (String name : new String[] {"w.npy", "w.fvecs", "w.csv"}) {
      Path out = dir.resolve(name);
      Files.writeString(out, "old");
      Recorded source = new Recorded(rows, 3);
      InputFormatException e = assertThrows(InputFormatException.class, () -> VectorWriter.write(source, out));
      assertEquals("source: row 3, column 0: value is NaN", e.getMessage());
      assertEquals("old", Files.readString(out), name);
    }
    try (var files = Files.list(dir)) {
      assertEquals(3, files.count(), "no temporary file left");
    }
  }
}
