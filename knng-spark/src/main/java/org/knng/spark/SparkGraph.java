package org.knng.spark;

import java.util.Optional;
import org.apache.spark.api.java.JavaPairRDD;
import org.knng.graph.RecallEstimate;

/**
 * A graph the job has planned: its rows (computed when an action needs them) and what was learnt
 * while checking the input (points, dimension) and chosen for the join (blocks).
 */
public final class SparkGraph {
  private final JavaPairRDD<Long, Neighbors> rows;
  private final long points;
  private final int dimension;
  private final int blocks;
  private final String algorithm;
  private final RecallEstimate recall;

  SparkGraph(JavaPairRDD<Long, Neighbors> rows, long points, int dimension, int blocks) {
    this(rows, points, dimension, blocks, "exact", null);
  }

  SparkGraph(JavaPairRDD<Long, Neighbors> rows, long points, int dimension, int blocks,
      String algorithm, RecallEstimate recall) {
    this.rows = rows;
    this.points = points;
    this.dimension = dimension;
    this.blocks = blocks;
    this.algorithm = algorithm;
    this.recall = recall;
  }

  /** @return the job that built it: {@code exact} or {@code nndescent} (the approximate job) */
  public String algorithm() {
    return algorithm;
  }

  /**
   * @return the approximate job's recall@k estimate (on a sample, against an exact search of it);
   *     empty for the exact job, whose recall is 1
   */
  public Optional<RecallEstimate> recall() {
    return Optional.ofNullable(recall);
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

  /**
   * @return how many blocks the points were dealt into ({@code blocks (blocks + 1) / 2} tasks), or
   *     for the approximate job how many cells
   */
  public int blocks() {
    return blocks;
  }
}
