package org.knng.exact;

import java.util.BitSet;
import java.util.Locale;
import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
import org.knng.tile.ByteRows;
import org.knng.tile.Differences;
import org.knng.tile.Hits;
import org.knng.tile.Screen;
import org.knng.tile.Side;
import org.knng.tile.TileJoin;
import org.knng.vectors.Vectors;

/**
 * The {@link Projection} screen as the tile loop sees it: the kernels read the first few principal
 * coordinates of each point (rows in the projection's order), a pair that passes is checked on all
 * fitted coordinates, and one that passes that too is re-computed in full from the original
 * vectors, exactly as in the full-width screen ({@code FullWidthScreen}): the candidate lists see
 * the same values, so the result is the same bit for bit.
 */
final class ProjectedScreen implements Screen {
  private final VectorOps ops;
  private final Projection projection;
  private final Projection.Projected rowProjection;
  private final Projection.Projected columnProjection;
  private final Side rows;
  private final Side columns;
  private final int dimension;
  /** The pairs' values from the points, by point id. */
  private final Differences differences;
  /** The rows' {@code 1 / |x|} (cosine), or null. */
  private final float[] rowUnit;
  /** The points (the rows' own, of a self-join). */
  private final Vectors points;
  private final int block;
  private final boolean nearFirst;
  /** Whether the points are in row order ({@link #reorder}) until {@link #putBack}. */
  private boolean moved;
  /**
   * The pairs' values from a copy of the points as bytes in row order ({@link #reorder} of small
   * integers) until {@link #putBack}, else null.
   */
  private Differences inBytes;
  /**
   * Made by the first {@link #reorder}: the pairs' values by row, the side they index, the row of
   * each point, a row of scratch and the rows placed.
   */
  private Differences byRow;
  private Side sideInPlace;
  private int[] inverse;
  private float[] scratch;
  private BitSet placed;

  private ProjectedScreen(Projection projection, Projection.Projected rowProjection,
      Projection.Projected columnProjection, Vectors rowPoints, Vectors columnPoints, int block,
      VectorOps ops) {
    this(projection, rowProjection, columnProjection, null, rowPoints, columnPoints, block, ops);
  }

  /** {@code columnSide}: the columns as a screen made before has them, or null to make them here. */
  private ProjectedScreen(Projection projection, Projection.Projected rowProjection,
      Projection.Projected columnProjection, Side columnSide, Vectors rowPoints,
      Vectors columnPoints, int block, VectorOps ops) {
    this.ops = ops;
    this.projection = projection;
    this.rowProjection = rowProjection;
    this.columnProjection = columnProjection;
    this.dimension = rowPoints.dimension();
    this.block = block;
    this.nearFirst = rowProjection == columnProjection;
    // A self-join's rows are in the projection's order (ids map them back to points).
    this.rows = side(rowProjection, rowPoints.size(), nearFirst);
    this.columns = nearFirst ? rows
        : columnSide != null ? columnSide : side(columnProjection, columnPoints.size(), false);
    boolean cosine = projection.unit();
    this.rowUnit = cosine ? rowPoints.inverseNorms() : null;
    float[] columnUnit = !cosine ? null : nearFirst ? rowUnit : columnPoints.inverseNorms();
    this.differences = new Differences(ops, rowPoints, rowUnit, columnPoints, columnUnit);
    this.points = rowPoints;
  }

  /**
   * Puts the points of this self-join in its row order for a join, if the rows have an order of
   * their own: from then on a pair's value is re-computed from the vectors of its rows, so that the
   * pairs of a block read near points from nearby memory instead of from all over the array. With
   * {@code bytes}, euclidean points of small integers ({@link ByteRows}) are copied as bytes in row
   * order, where the heap has room for the copy twice over: a quarter of the memory to read per
   * pair and the same bits (Fashion-MNIST, k = 10, a warm JVM: the join 3.02 -> 2.32 s); else the
   * points are moved in place if they are reorderable ({@link Vectors#isReorderable}). {@link
   * #putBack} must follow (in a {@code finally}) before anything reads the points by point again.
   *
   * @param bytes whether a copy as bytes may be made
   * @param threads threads of the copy
   * @return whether the points were copied or moved
   */
  boolean reorder(boolean bytes, int threads) {
    if (moved || inBytes != null || !nearFirst || rows.ids() == null) {
      return false;
    }
    if (bytes && rowUnit == null && ops.byteDistances() && hasRoom((long) points.size() * dimension)) {
      byte[] copy = ByteRows.of(points, rows.ids(), threads);
      if (copy != null) {
        inBytes = new Differences(ops, points, null, points, null, copy, copy);
        return true;
      }
    }
    if (!points.isReorderable()) {
      return false;
    }
    int[] order = rows.ids();
    if (inverse == null) {
      // What putting them back needs is held from now on: it cannot fail for want of memory.
      inverse = new int[order.length];
      for (int r = 0; r < order.length; r++) {
        inverse[order[r]] = r;
      }
      scratch = new float[points.dimension()];
      placed = new BitSet(order.length);
      float[] unit = rowUnit == null ? null : rowUnit.clone();
      if (unit != null) {
        Projection.permuteRows(unit, 1, order);
      }
      byRow = new Differences(ops, points, unit, points, unit);
      sideInPlace = new Side(rows.data(), rows.dimension(), rows.size(), rows.add(),
          rows.packScale(), null);
    }
    placed.clear();
    Projection.permuteRows(points.data(), points.dimension(), order, scratch, placed);
    moved = true;
    return true;
  }

  /** Whether the heap has room for twice this many bytes more. */
  private static boolean hasRoom(long bytes) {
    Runtime runtime = Runtime.getRuntime();
    long used = runtime.totalMemory() - runtime.freeMemory();
    return runtime.maxMemory() - used >= 2 * bytes;
  }

  /**
   * Puts the points moved by {@link #reorder} back in their own order (drops the copy as bytes);
   * nothing if they were neither.
   */
  void putBack() {
    inBytes = null;
    if (moved) {
      placed.clear();
      Projection.permuteRows(points.data(), points.dimension(), inverse, scratch, placed);
      moved = false;
    }
  }

  private Side side(Projection.Projected p, int n, boolean reordered) {
    return new Side(p.data, projection.dims(), n, p.add, null, reordered ? p.order : null);
  }

  /**
   * The screen of a self-join: rows ordered by a median-split tree with leaves of one block, so
   * that each block holds near points and is joined with itself first. Null where {@link
   * Projection#fit} finds no few dominant directions.
   */
  static ProjectedScreen selfJoin(Vectors points, Metric metric, Screening screening, VectorOps ops,
      int threads) {
    Projection projection = Projection.fit(points, ops, metric, screening);
    return projection == null ? null : selfJoin(points, projection, ops, threads);
  }

  /** The screen of a self-join on a projection fitted before (on a sample of a larger join). */
  static ProjectedScreen selfJoin(Vectors points, Projection projection, VectorOps ops,
      int threads) {
    return selfJoin(points, projection, projection.coordinates(points, threads), true, ops);
  }

  /**
   * The screen of a self-join of points projected before ({@code coordinates}, theirs in point
   * order); {@code owned}: the coordinates may be reordered in place.
   */
  static ProjectedScreen selfJoin(Vectors points, Projection projection,
      Projection.Coordinates coordinates, boolean owned, VectorOps ops) {
    int block = TileJoin.blockSize(ops, points.size(), projection.dims());
    Projection.Projected p = projection.project(coordinates, block, null, owned);
    return new ProjectedScreen(projection, p, p, points, points, block, ops);
  }

  /**
   * The screen of queries against a base: both projected onto the base's directions in their own
   * order (no tree: a query block meets every base block anyway), with margins balanced alike.
   * Null where the base has no few dominant directions.
   */
  static ProjectedScreen search(Vectors base, Vectors queries, Metric metric, Screening screening,
      VectorOps ops, int threads) {
    Projection projection = Projection.fit(base, ops, metric, screening);
    return projection == null ? null : search(base, queries, projection, ops, threads);
  }

  /** The screen of a search on a projection fitted before (on a sample of a larger join). */
  static ProjectedScreen search(Vectors base, Vectors queries, Projection projection,
      VectorOps ops, int threads) {
    int block = TileJoin.blockSize(ops, Math.max(queries.size(), base.size()), projection.dims());
    Projection.Projected b = projection.project(base, 0, null, threads);
    Projection.Projected q = projection.project(queries, 0, b, threads);
    return new ProjectedScreen(projection, q, b, queries, base, block, ops);
  }

  /**
   * The screen of queries against the points of this self-join: the queries are projected onto
   * its directions (margins balanced as its rows'), and meet its projected rows in its order, ids
   * mapping them back to points; no fit, and no projection of the points, of its own.
   *
   * @param queries the queries
   * @param points the points this screen was made of
   * @param threads threads for the projection of the queries
   * @return the screen of the search
   */
  ProjectedScreen onto(Vectors queries, Vectors points, int threads) {
    assert nearFirst && points.size() == rows.size() : "the screen of a self-join of the points";
    assert !moved : "the points are in the screen's order: put them back first";
    Projection.Projected q = projection.project(queries, 0, rowProjection, threads);
    return new ProjectedScreen(projection, q, rowProjection, rows, queries, points, block, ops);
  }

  @Override
  public Side rows() {
    return rows;
  }

  @Override
  public Side columns() {
    return columns;
  }

  @Override
  public float scale() {
    return projection.unit() ? -1f : -2f;
  }

  @Override
  public VectorOps.Kernel kernel() {
    return VectorOps.Kernel.DOT;
  }

  @Override
  public int block() {
    return block;
  }

  @Override
  public boolean nearFirst() {
    return nearFirst;
  }

  @Override
  public void values(Hits hits) {
    rowProjection.reject(hits, columnProjection, ops);
    if (inBytes != null) {
      inBytes.values(hits, rows, columns); // from the bytes, in row order
    } else if (moved) {
      byRow.values(hits, sideInPlace, sideInPlace); // from the vectors, moved into row order
    } else {
      differences.values(hits, rows, columns); // from the original vectors, by point id
    }
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "projected, %d of %d directions (a pair that passes is checked"
        + " on %d)", projection.dims(), dimension, projection.allDims());
  }
}
