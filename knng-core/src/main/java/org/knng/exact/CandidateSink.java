package org.knng.exact;

/**
 * Where {@link TiledSearch} puts a candidate that passed the screen and its re-scoring: a row's
 * neighbour heap for k-NN graphs, or a worker's {@link EdgeBuffer} for radius graphs. Called by
 * one thread at a time per row.
 */
@FunctionalInterface
interface CandidateSink {
  /**
   * @param row the point whose neighbour this may be
   * @param distance the ranking value (see {@link TiledSearch})
   * @param id the candidate
   */
  void offer(int row, float distance, int id);
}
