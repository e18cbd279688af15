package org.knng.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.knng.graph.EdgeWeights;
import org.knng.graph.KnnResult;
import org.knng.graph.RowBlocks;
import org.knng.metric.Metric;

/**
 * A k-NN result larger than one array holds ({@code rows x k} past 2<sup>31</sup>), kept on disk
 * as it is computed a block of rows at a time: the ids and the distances go to two scratch files
 * next to the output (deleted on {@link #close}, or by the shutdown hook if the JVM is stopped),
 * and are read back a block at a time to be weighed and written ({@link #graph}, {@link
 * #writeIds}, {@link #writeDistances}). Memory: one block.
 */
public final class ResultSpill implements AutoCloseable {
  private final int columns;
  private final int k;
  private final Metric metric;
  private final boolean includesSelf;
  private final Path idsFile;
  private final Path distancesFile;
  private final OutputStream ids;
  private final OutputStream distances;
  private long rows;
  private boolean finished;

  private ResultSpill(Path near, int columns, int k, Metric metric, boolean includesSelf) throws IOException {
    this.columns = columns;
    this.k = k;
    this.metric = metric;
    this.includesSelf = includesSelf;
    Path a = AtomicOutput.scratch(near);
    Path b;
    try {
      b = AtomicOutput.scratch(near);
    } catch (IOException e) {
      AtomicOutput.discard(a);
      throw e;
    }
    this.idsFile = a;
    this.distancesFile = b;
    this.ids = new BufferedOutputStream(Files.newOutputStream(a), 1 << 20);
    this.distances = new BufferedOutputStream(Files.newOutputStream(b), 1 << 20);
  }

  /**
   * @param near a file in the directory for the scratch files (the output)
   * @param columns the columns the ids index
   * @param k neighbours per row
   * @param metric the distances' metric
   * @param includesSelf whether rank 0 of each row is the row itself
   * @return an empty spill
   * @throws IOException if the scratch files cannot be created
   */
  public static ResultSpill create(Path near, int columns, int k, Metric metric, boolean includesSelf)
      throws IOException {
    return new ResultSpill(Objects.requireNonNull(near, "near"), columns, k, metric, includesSelf);
  }

  /**
   * Appends the next rows.
   *
   * @param block rows following those appended so far, with this spill's k and columns
   * @throws IOException if the scratch files cannot be written
   */
  public void append(KnnResult block) throws IOException {
    if (finished) {
      throw new IllegalStateException("the spill is being read");
    }
    if (block.k() != k || block.columns() != columns) {
      throw new IllegalArgumentException("a block of k=" + block.k() + " and " + block.columns()
          + " columns does not continue a result of k=" + k + " and " + columns);
    }
    int n = block.rows() * k;
    LittleEndianOutput a = new LittleEndianOutput(ids);
    a.ints(block.ids(), 0, n);
    a.flush();
    LittleEndianOutput b = new LittleEndianOutput(distances);
    b.floats(block.distances(), 0, n);
    b.flush();
    rows += block.rows();
  }

  /** @return the rows appended */
  public long rows() {
    return rows;
  }

  /** @return neighbours per row */
  public int k() {
    return k;
  }

  private void finish() throws IOException {
    if (!finished) {
      ids.close();
      distances.close();
      finished = true;
    }
  }

  /** Receives the result's blocks. */
  @FunctionalInterface
  public interface BlockConsumer {
    /**
     * @param firstRow the result row of the block's row 0
     * @param block the block
     * @throws IOException if handling it fails
     */
    void accept(long firstRow, KnnResult block) throws IOException;
  }

  /**
   * Reads the result back in blocks of rows.
   *
   * @param blockRows rows per block (the last may have fewer)
   * @param consumer receives each block
   * @throws IOException if the scratch files cannot be read
   */
  public void forEach(int blockRows, BlockConsumer consumer) throws IOException {
    finish();
    int perBlock = (int) Math.max(1, Math.min(blockRows, (Integer.MAX_VALUE - 8) / k));
    try (FileChannel a = FileChannel.open(idsFile, StandardOpenOption.READ);
        FileChannel b = FileChannel.open(distancesFile, StandardOpenOption.READ)) {
      for (long first = 0; first < rows; first += perBlock) {
        int n = (int) Math.min(perBlock, rows - first);
        int[] blockIds = new int[n * k];
        float[] blockDistances = new float[n * k];
        ByteBuffer buffer = read(a, first * k * Integer.BYTES, n * k * Integer.BYTES);
        buffer.asIntBuffer().get(blockIds);
        buffer = read(b, first * k * Float.BYTES, n * k * Float.BYTES);
        buffer.asFloatBuffer().get(blockDistances);
        consumer.accept(first, new KnnResult(n, columns, k, blockIds, blockDistances, metric, includesSelf));
      }
    }
  }

  private static ByteBuffer read(FileChannel channel, long position, int bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    channel.position(position);
    VectorFormat.readFully(channel, buffer);
    return buffer.order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The weighted graph of the result, block by block (each block weighed on its own: the row
   * weightings, not self-tuning, whose scales need other rows).
   *
   * @param weights the weighting
   * @param blockRows rows per block
   * @return the graph as blocks, read from disk on each pass
   */
  public RowBlocks graph(EdgeWeights weights, int blockRows) {
    return new RowBlocks() {
      @Override
      public long rows() {
        return rows;
      }

      @Override
      public long columns() {
        return columns;
      }

      @Override
      public void forEach(Consumer consumer) throws IOException {
        ResultSpill.this.forEach(blockRows, (first, block) -> consumer.accept(first, weights.apply(block)));
      }
    };
  }

  /**
   * Writes the {@code rows x k} int32 neighbour ids as a {@code .npy} file.
   *
   * @param out the file
   * @throws IOException if it cannot be written
   */
  public void writeIds(Path out) throws IOException {
    write(out, "<i4", idsFile);
  }

  /**
   * Writes the {@code rows x k} float32 distances as a {@code .npy} file.
   *
   * @param out the file
   * @throws IOException if it cannot be written
   */
  public void writeDistances(Path out) throws IOException {
    write(out, "<f4", distancesFile);
  }

  private void write(Path out, String descr, Path data) throws IOException {
    finish();
    AtomicOutput.write(out, stream -> {
      stream.write(NpyHeader.encode(descr, rows, k));
      Files.copy(data, stream);
    });
  }

  /** Deletes the scratch files. */
  @Override
  public void close() {
    try {
      finish();
    } catch (IOException ignored) {
      // Deleting is what matters now.
    }
    AtomicOutput.discard(idsFile);
    AtomicOutput.discard(distancesFile);
  }
}
