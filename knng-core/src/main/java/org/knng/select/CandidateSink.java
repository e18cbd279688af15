package org.knng.select;

/**
 * Where a distance loop puts a candidate that passed its screen: a row's neighbour heap for k-NN
 * graphs ({@link NeighborReservoirs}), a worker's {@link EdgeBuffer} for radius graphs, or anything else
 * an engine needs (a single best, a counter). The loop does not know which: as FAISS's result
 * handlers, one distance loop serves every kind of result. Called by one thread at a time per row.
 */
@FunctionalInterface
public interface CandidateSink {
  /**
   * @param row the point whose neighbour this may be
   * @param distance the ranking value (smaller is nearer; see {@code org.knng.tile.Screen})
   * @param id the candidate
   */
  void offer(int row, float distance, int id);
}
