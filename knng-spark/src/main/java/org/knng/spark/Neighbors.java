package org.knng.spark;

import java.io.Serializable;

/**
 * One point's finished row: {@code k} neighbour ids sorted by (distance, id), the point itself
 * first under include-self, padded with id {@code -1} (distance +infinity)
 * past {@link #count()} where fewer than k exist (ids may be negative: the count says which are real).
 */
public final class Neighbors implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] ids;
  private final float[] distances;
  private final int count;

  Neighbors(long[] ids, float[] distances, int count) {
    this.ids = ids;
    this.distances = distances;
    this.count = count;
  }

  /** @return the neighbour ids (a copy) */
  public long[] ids() {
    return ids.clone();
  }

  /** @return their distances in the metric's units (a copy) */
  public float[] distances() {
    return distances.clone();
  }

  /** @return how many real neighbours: the first {@code count()} slots (the rest is padding) */
  public int count() {
    return count;
  }

  long id(int slot) {
    return ids[slot];
  }

  float distance(int slot) {
    return distances[slot];
  }

  int k() {
    return ids.length;
  }
}
