package org.knng.spark;

import org.apache.spark.api.java.JavaPairRDD;

/**
 * A graph the job has planned: its rows (computed when an action needs them) and what was learnt
 * while checking the input (points, dimension) and chosen for the join (blocks).
 */
public final class SparkGraph {
  private final JavaPairRDD<Long, Neighbors> rows;
  private final long points;
  private final int dimension;
  private final int blocks;

  SparkGraph(JavaPairRDD<Long, Neighbors> rows, long points, int dimension, int blocks) {
    this.rows = rows;
    this.points = points;
    this.dimension = dimension;
    this.blocks = blocks;
  }

  /** @return (id, neighbours) pairs, one per point */
  public JavaPairRDD<Long, Neighbors> rows() {
    return rows;
  }

  /** @return how many points */
  public long points() {
    return points;
  }

  /** @return their dimension */
  public int dimension() {
    return dimension;
  }

  /** @return how many blocks the points were dealt into ({@code blocks (blocks + 1) / 2} tasks) */
  public int blocks() {
    return blocks;
  }
}
