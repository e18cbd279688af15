package org.knng.graph;

import java.io.IOException;
import java.util.Objects;

/**
 * A graph as consecutive blocks of rows, each a {@link SparseGraph} whose row 0 is the block's
 * first row (its columns index the whole graph's columns), that can be read as many times as a
 * writer needs. It is what the graph writers read, so that a graph of any number of edges (past
 * the 2<sup>31</sup> one CSR array holds) is written with memory for one block; a graph in memory
 * is one block ({@link #of}).
 */
public interface RowBlocks {
  /** @return the graph's rows, the sum of the blocks' */
  long rows();

  /** @return the graph's columns */
  long columns();

  /**
   * Hands over every block in row order (again on each call).
   *
   * @param consumer receives each block with the graph row of its row 0
   * @throws IOException if a block cannot be read (a graph spilled to disk)
   */
  void forEach(Consumer consumer) throws IOException;

  /** Receives the blocks of a {@link RowBlocks}. */
  @FunctionalInterface
  interface Consumer {
    /**
     * @param firstRow the graph row of the block's row 0
     * @param block the block
     * @throws IOException if handling it fails (a writer's I/O)
     */
    void accept(long firstRow, SparseGraph block) throws IOException;
  }

  /**
   * @param graph a graph in memory
   * @return it as one block
   */
  static RowBlocks of(SparseGraph graph) {
    Objects.requireNonNull(graph, "graph");
    return new RowBlocks() {
      @Override
      public long rows() {
        return graph.rows();
      }

      @Override
      public long columns() {
        return graph.columns();
      }

      @Override
      public void forEach(Consumer consumer) throws IOException {
        consumer.accept(0, graph);
      }
    };
  }

  /**
   * The number of edges of all blocks (one pass).
   *
   * @param blocks the graph
   * @return its edges, as a long: possibly more than one array holds
   * @throws IOException if a block cannot be read
   */
  static long edgeCount(RowBlocks blocks) throws IOException {
    long[] count = {0};
    blocks.forEach((first, block) -> count[0] += block.edgeCount());
    return count[0];
  }
}
