package org.knng.exact;

import java.util.BitSet;
import java.util.Locale;
import org.knng.metric.Metric;
import org.knng.simd.VectorOps;
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
  private final Differences differences;
  /** The sides {@link #differences} are indexed by: these screen's own, or by row when reordered. */
  private final Side valuedRows;
  private final Side valuedColumns;
  private final int block;
  private final boolean nearFirst;
  /** The points reordered in place into the row order until {@link #putBack}, else null. */
  private Vectors reordered;
  /** For {@link #putBack}: the row of each point, a row of scratch, and the rows placed. */
  private int[] inverse;
  private float[] scratch;
  private BitSet placed;

  private ProjectedScreen(Projection projection, Projection.Projected rowProjection,
      Projection.Projected columnProjection, Vectors rowPoints, Vectors columnPoints, int block,
      VectorOps ops) {
    this(projection, rowProjection, columnProjection, null, rowPoints, columnPoints, block, ops,
        false);
  }

  /**
   * {@code columnSide}: the columns as a screen made before has them, or null to make them here;
   * {@code inPlace}: the points of a self-join are reordered in place into its row order.
   */
  private ProjectedScreen(Projection projection, Projection.Projected rowProjection,
      Projection.Projected columnProjection, Side columnSide, Vectors rowPoints,
      Vectors columnPoints, int block, VectorOps ops, boolean inPlace) {
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
    // Reordered in place, the points are valued by row: the re-computed pairs of a block then
    // read the vectors of near points from nearby memory instead of from all over the array.
    boolean byRow = inPlace && rows.ids() != null;
    boolean cosine = projection.unit();
    float[] rowUnit = cosine ? rowPoints.inverseNorms() : null;
    float[] columnUnit = !cosine ? null : nearFirst ? rowUnit : columnPoints.inverseNorms();
    if (byRow && cosine) {
      rowUnit = inOrder(rowUnit, rows.ids());
      columnUnit = rowUnit;
    }
    this.differences = new Differences(ops, rowPoints, rowUnit, columnPoints, columnUnit);
    this.valuedRows = byRow ? byRow(rows) : rows;
    this.valuedColumns = byRow ? valuedRows : columns;
    if (byRow) {
      // What putting them back needs is held from now on: it cannot fail for want of memory.
      int[] order = rows.ids();
      this.inverse = new int[order.length];
      for (int r = 0; r < order.length; r++) {
        inverse[order[r]] = r;
      }
      this.scratch = new float[rowPoints.dimension()];
      this.placed = new BitSet(order.length);
      this.reordered = rowPoints;
      // Last: a screen that is not made leaves the points alone.
      Projection.permuteRows(rowPoints.data(), rowPoints.dimension(), order, scratch, placed);
    }
  }

  private static float[] inOrder(float[] values, int[] order) {
    float[] out = new float[values.length];
    for (int r = 0; r < order.length; r++) {
      out[r] = values[order[r]];
    }
    return out;
  }

  /** The side as the reordered points are valued: row r is at row r of the vectors. */
  private static Side byRow(Side side) {
    return new Side(side.data(), side.dimension(), side.size(), side.add(), side.packScale(), null);
  }

  /**
   * Puts the points of a self-join screened in place ({@link #selfJoin(Vectors, Metric,
   * Screening, VectorOps, int, boolean)}) back in their own order; nothing otherwise, or once they
   * are back. The screen must not value pairs after this.
   */
  void putBack() {
    if (reordered != null) {
      placed.clear();
      Projection.permuteRows(reordered.data(), reordered.dimension(), inverse, scratch, placed);
      reordered = null;
    }
  }

  private Side side(Projection.Projected p, int n, boolean reordered) {
    return new Side(p.data, projection.dims(), n, p.add, null, reordered ? p.order : null);
  }

  /**
   * The screen of a self-join: rows ordered by a median-split tree with leaves of one block, so
   * that each block holds near points and is joined with itself first. Null where {@link
   * Projection#fit} finds no few dominant directions. With {@code inPlace}, reorderable points
   * ({@link Vectors#isReorderable}) are put in the rows' order until {@link #putBack}, which the
   * caller must then call (in a {@code finally}) before it reads them by point again.
   */
  static ProjectedScreen selfJoin(Vectors points, Metric metric, Screening screening, VectorOps ops,
      int threads, boolean inPlace) {
    Projection projection = Projection.fit(points, ops, metric, screening);
    return projection == null ? null : selfJoin(points, projection,
        projection.coordinates(points, threads), true, ops, inPlace && points.isReorderable());
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
    return selfJoin(points, projection, coordinates, owned, ops, false);
  }

  private static ProjectedScreen selfJoin(Vectors points, Projection projection,
      Projection.Coordinates coordinates, boolean owned, VectorOps ops, boolean inPlace) {
    int block = TileJoin.blockSize(ops, points.size(), projection.dims());
    Projection.Projected p = projection.project(coordinates, block, null, owned);
    return new ProjectedScreen(projection, p, p, null, points, points, block, ops, inPlace);
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
    assert reordered == null : "the points are in the screen's order: put them back first";
    Projection.Projected q = projection.project(queries, 0, rowProjection, threads);
    return new ProjectedScreen(projection, q, rowProjection, rows, queries, points, block, ops,
        false);
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
    differences.values(hits, valuedRows, valuedColumns); // from the original vectors
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "projected, %d of %d directions (a pair that passes is checked"
        + " on %d)", projection.dims(), dimension, projection.allDims());
  }
}
