package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knng.graph.EdgeIndex;
import org.knng.graph.EdgeWeights;
import org.knng.graph.Flow;
import org.knng.graph.GraphMode;
import org.knng.graph.KnnResult;
import org.knng.graph.RowBlocks;
import org.knng.graph.SparseGraph;
import org.knng.metric.Metric;

/**
 * A graph written as blocks of rows is the graph written whole, byte for byte, in every format
 * and as edge_index; past the int32 limit the .npz index arrays are int64 (the limit is lowered
 * here; the real one is crossed in {@link #pastTwoToTheThirtyOneEdgesTheArraysAreInt64}); and a
 * result spilled to disk a block at a time reads back as it was appended.
 */
class RowBlocksWriterTest {
  @TempDir Path dir;

  /** A random k-NN result with padding rows, ties and self entries. */
  private static KnnResult result(int rows, int k, boolean self, long seed) {
    Random random = new Random(seed);
    int[] ids = new int[rows * k];
    float[] dist = new float[rows * k];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < k; j++) {
        int p = r * k + j;
        boolean pad = r % 7 == 3 && j >= k - 2;
        ids[p] = pad ? -1 : self && j == 0 ? r : (r + 1 + j * 3) % rows;
        dist[p] = pad ? Float.POSITIVE_INFINITY : self && j == 0 ? 0f : j + random.nextInt(3) / 2f;
      }
    }
    return new KnnResult(rows, rows, k, ids, dist, Metric.EUCLIDEAN, self);
  }

  /** Rows {@code [from, from + n)} of a result as a result of their own. */
  private static KnnResult rows(KnnResult all, int from, int n) {
    int k = all.k();
    return new KnnResult(n, all.columns(), k, Arrays.copyOfRange(all.ids(), from * k, (from + n) * k),
        Arrays.copyOfRange(all.distances(), from * k, (from + n) * k), all.metric(), all.includesSelf());
  }

  /** The graph cut into blocks of {@code blockRows}, each weighed on its own. */
  private static RowBlocks blocks(KnnResult all, EdgeWeights weights, int blockRows) {
    return new RowBlocks() {
      @Override
      public long rows() {
        return all.rows();
      }

      @Override
      public long columns() {
        return all.columns();
      }

      @Override
      public void forEach(Consumer consumer) throws IOException {
        for (int from = 0; from < all.rows(); from += blockRows) {
          consumer.accept(from, weights.apply(RowBlocksWriterTest.rows(all, from, Math.min(blockRows, all.rows() - from))));
        }
      }
    };
  }

  @Test
  void blocksWriteTheBytesOfTheWholeGraph() throws IOException {
    for (boolean self : new boolean[] {false, true}) {
      KnnResult all = result(101, 5, self, 1);
      for (GraphMode mode : new GraphMode[] {GraphMode.DISTANCE, GraphMode.UMAP}) {
        EdgeWeights weights = EdgeWeights.of(mode);
        SparseGraph whole = weights.apply(all);
        for (String ext : new String[] {".npz", ".mtx", ".csv"}) {
          for (boolean compressed : new boolean[] {true, false}) {
            Path a = dir.resolve("whole" + ext);
            Path b = dir.resolve("blocks" + ext);
            GraphWriter.write(whole, a, compressed);
            GraphWriter.write(blocks(all, weights, 13), b, compressed);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b),
                ext + " " + mode + " self " + self + " compressed " + compressed);
          }
        }
        for (Flow flow : Flow.values()) {
          Path e = dir.resolve("ei.npy");
          GraphWriter.writeEdgeIndex(blocks(all, weights, 13), flow, e);
          ParsedNpy parsed = new ParsedNpy(Files.readAllBytes(e));
          assertEquals("(2, " + whole.edgeCount() + ")", parsed.shape);
          assertArrayEquals(EdgeIndex.of(whole, flow), parsed.int64(), flow.toString());
        }
      }
    }
  }

  @Test
  void pastTheInt32LimitIndicesAndIndptrAreInt64AndReadBackTheSame() throws IOException {
    KnnResult all = result(60, 4, false, 2);
    SparseGraph whole = EdgeWeights.of(GraphMode.DISTANCE).apply(all);
    Path narrow = dir.resolve("narrow.npz");
    Path wide = dir.resolve("wide.npz");
    GraphWriter.write(whole, narrow);
    System.setProperty("knng.npz.int32Limit", "100"); // 232 edges: past it
    try {
      GraphWriter.write(blocks(all, EdgeWeights.of(GraphMode.DISTANCE), 7), wide, true);
    } finally {
      System.clearProperty("knng.npz.int32Limit");
    }
    Map<String, ParsedNpy> entries = GraphWriterTest.readNpz(wide);
    assertEquals("<i8", entries.get("indices.npy").descr);
    assertEquals("<i8", entries.get("indptr.npy").descr);
    long[] indptr = entries.get("indptr.npy").int64();
    long[] indices = entries.get("indices.npy").int64();
    assertArrayEquals(Arrays.stream(whole.indptr()).asLongStream().toArray(), indptr);
    assertArrayEquals(Arrays.stream(whole.indices()).asLongStream().toArray(), indices);
    SparseGraph back = GraphReader.read(wide);
    assertArrayEquals(whole.indptr(), back.indptr());
    assertArrayEquals(whole.indices(), back.indices());
    assertArrayEquals(whole.weights(), back.weights());
    assertEquals("<i4", GraphWriterTest.readNpz(narrow).get("indices.npy").descr);
  }

  /** Counts bytes and keeps the first 128 and the last 8. */
  private static final class Ends extends OutputStream {
    long count;
    final byte[] head = new byte[128];
    final byte[] tail = new byte[8];

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = 0; i < len && count + i < head.length; i++) {
        head[(int) (count + i)] = b[off + i];
      }
      int keep = Math.min(len, 8);
      System.arraycopy(tail, keep, tail, 0, 8 - keep);
      System.arraycopy(b, off + len - keep, tail, 8 - keep, keep);
      count += len;
    }

    String header() {
      return new String(head, 10, 118, StandardCharsets.ISO_8859_1);
    }

    long lastLong() {
      return ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
  }

  /**
   * 2,214,592,512 edges (33 blocks of 2^26, one block reused so that the test needs 0.5 GB, not
   * 17): the .npz arrays' headers, sizes and last offsets, streamed to a counter. Nothing here is
   * an int: an overflow would show as a negative or wrapped shape, size or offset.
   */
  @Test
  void pastTwoToTheThirtyOneEdgesTheArraysAreInt64() throws IOException {
    int rowsPerBlock = 1 << 22;
    int k = 16;
    int blocks = 33;
    int[] indptr = new int[rowsPerBlock + 1];
    for (int r = 0; r <= rowsPerBlock; r++) {
      indptr[r] = r * k;
    }
    int[] indices = new int[rowsPerBlock * k];
    for (int p = 0; p < indices.length; p++) {
      indices[p] = (p % k) * 1000 + (p / k) % 1000; // increasing along each row
    }
    SparseGraph block = new SparseGraph(rowsPerBlock, Integer.MAX_VALUE - 8, indptr, indices,
        new float[rowsPerBlock * k]);
    long rows = (long) rowsPerBlock * blocks;
    RowBlocks g = new RowBlocks() {
      @Override
      public long rows() {
        return rows;
      }

      @Override
      public long columns() {
        return Integer.MAX_VALUE - 8;
      }

      @Override
      public void forEach(Consumer consumer) throws IOException {
        for (int b = 0; b < blocks; b++) {
          consumer.accept((long) b * rowsPerBlock, block);
        }
      }
    };
    long edges = RowBlocks.edgeCount(g);
    assertEquals(rows * k, edges);
    assertTrue(edges > Integer.MAX_VALUE);
    assertTrue(GraphWriter.wideIndices(edges, g.columns()));

    Ends out = new Ends();
    GraphWriter.indptr(g, true).writeTo(out);
    assertTrue(out.header().startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (" + (rows + 1) + ",), }"),
        out.header());
    assertEquals(128 + 8 * (rows + 1), out.count);
    assertEquals(edges, out.lastLong());

    out = new Ends();
    GraphWriter.indices(g, edges, true).writeTo(out);
    assertTrue(out.header().startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (" + edges + ",), }"),
        out.header());
    assertEquals(128 + 8 * edges, out.count);
    assertEquals(indices[indices.length - 1], out.lastLong());

    out = new Ends();
    GraphWriter.data(g, edges).writeTo(out);
    assertEquals(128 + 4 * edges, out.count);
  }

  @Test
  void aSpilledResultReadsBackAsItWasAppendedAndLeavesNothing() throws IOException {
    KnnResult all = result(203, 6, true, 3);
    Path out = dir.resolve("g.npz");
    try (ResultSpill spill = ResultSpill.create(out, all.columns(), 6, Metric.EUCLIDEAN, true)) {
      for (int from = 0; from < 203; from += 50) {
        spill.append(rows(all, from, Math.min(50, 203 - from)));
      }
      assertEquals(203, spill.rows());
      List<Integer> firsts = new ArrayList<>();
      List<int[]> ids = new ArrayList<>();
      spill.forEach(17, (first, block) -> {
        firsts.add((int) first);
        ids.add(block.ids());
        assertTrue(block.includesSelf());
      });
      assertEquals(0, firsts.get(0));
      assertEquals(17, firsts.get(1));
      assertArrayEquals(all.ids(), ids.stream().flatMapToInt(Arrays::stream).toArray());
      spill.writeIds(dir.resolve("ids.npy"));
      spill.writeDistances(dir.resolve("d.npy"));
      NpyWriter.writeInt32(dir.resolve("ids-whole.npy"), 203, 6, all.ids());
      NpyWriter.writeFloat32(dir.resolve("d-whole.npy"), 203, 6, all.distances());
      assertArrayEquals(Files.readAllBytes(dir.resolve("ids-whole.npy")), Files.readAllBytes(dir.resolve("ids.npy")));
      assertArrayEquals(Files.readAllBytes(dir.resolve("d-whole.npy")), Files.readAllBytes(dir.resolve("d.npy")));
      GraphWriter.write(spill.graph(EdgeWeights.of(GraphMode.UMAP), 29), out, true);
      GraphWriter.write(EdgeWeights.of(GraphMode.UMAP).apply(all), dir.resolve("whole.npz"), true);
      assertArrayEquals(Files.readAllBytes(dir.resolve("whole.npz")), Files.readAllBytes(out));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().contains(".tmp-")), "scratch files deleted");
    }
  }
}
