package org.knng.tile;

import java.util.Arrays;
import org.knng.select.CandidateSink;
import org.knng.simd.VectorOps;

/**
 * One worker's tile loop: joins a block of rows with a block of columns of a {@link Screen}, and
 * offers every pair that passes to a {@link CandidateSink}. A block is either a range of
 * consecutive rows or any list of row ids (an rp-tree leaf, a candidate set, a partition); both
 * are packed and screened by the same loop.
 *
 * <p>Per pair of blocks: pack both ({@link PackedBlock}), compute {@value #GROUP} tiles of raw values
 * at a time ({@link VectorOps#stripTiles}, all still in L1), screen each tile against every row's
 * (and, both ways, every column's) current threshold ({@link VectorOps#screen}), and ask the screen
 * for the exact values of the few hits, a tile's at once ({@link Screen#values}), before offering
 * them. Thresholds are indexed by the sides' rows and must be kept current by the sink (as {@code
 * NeighborReservoirs} does): the screen reads them live, so it tightens as the lists fill. A block of a list is screened with
 * copies of its rows' terms and thresholds, refreshed before each tile.
 *
 * <p>Not thread-safe: one instance per worker, reused for every pair of blocks.
 */
public final class BlockJoin {
  /** Strips per {@link VectorOps#stripTiles} call: 16 tiles of 6 x 64 floats (24 KB) stay in L1. */
  private static final int GROUP = 16;

  /** Which pairs of a row block and a column block are computed, and whose lists they go to. */
  public enum Pairs {
    /** Every row with every column, offered to the row's list (queries against a base). */
    ONE_WAY,
    /** Every row with every column, offered to both lists (two blocks of a self-join). */
    BOTH_WAYS,
    /**
     * A block with itself: each pair once (column after row in the block), offered to both lists.
     * The near-diagonal tiles come first: where the screen's order puts near points next to each
     * other, they tighten the thresholds that screen the rest.
     */
    WITHIN
  }

  private final VectorOps ops;
  private final Screen screen;
  private final Side rows;
  private final Side columns;
  private final float[] thresholds;
  private final CandidateSink sink;
  private final float scale;         // the screen's, read once: they do not change during a join
  private final VectorOps.Kernel kernel;
  private final int width;
  private final int capacity;
  private final PackedBlock strips;  // the row block, in strips of TILE_ROWS
  private final PackedBlock packed;  // the column block, in panels of W
  private final float[] tiles;       // GROUP tiles, screened while still in L1
  private final int[] hits;
  private final Hits valued;         // the hits of one tile, valued together
  private final float[] listRowAdd;  // a list block's copies of its terms and thresholds
  private final float[] listRowThresholds;
  private final float[] listColumnAdd;
  private final float[] listColumnThresholds;

  // The current pair of blocks: position p of a block is row ids[from + p], or from + p without ids.
  private int[] rowIds;
  private int rowFrom;
  private int rowCount;
  private int[] columnIds;
  private int columnFrom;
  private int columnCount;
  // What the screen kernel reads for position 0 of each block, and where.
  private float[] rowAdd;
  private float[] rowThresholds;
  private int rowBase;
  private float[] columnAdd;
  private float[] columnThresholds;
  private int columnBase;

  /**
   * @param ops the kernels
   * @param screen the join's sides and how their values are screened; blocks have at most {@link
   *     Screen#block()} rows
   * @param thresholds each row's admission threshold, indexed by the sides' rows and padded by
   *     {@link VectorOps#SCREEN_PADDING} (in a self-join rows and columns share it)
   * @param sink where pairs that pass go
   */
  public BlockJoin(VectorOps ops, Screen screen, float[] thresholds, CandidateSink sink) {
    this.ops = ops;
    this.screen = screen;
    this.rows = screen.rows();
    this.columns = screen.columns();
    this.thresholds = thresholds;
    this.sink = sink;
    this.scale = screen.scale();
    this.kernel = screen.kernel();
    this.width = ops.tileWidth();
    this.capacity = screen.block();
    int d = rows.dimension();
    this.strips = new PackedBlock(VectorOps.TILE_ROWS, d, capacity);
    this.packed = new PackedBlock(width, d, capacity);
    this.tiles = new float[GROUP * VectorOps.TILE_ROWS * width];
    this.hits = new int[VectorOps.TILE_ROWS * width];
    this.valued = new Hits(VectorOps.TILE_ROWS * width);
    int padded = capacity + VectorOps.SCREEN_PADDING;
    this.listRowAdd = new float[padded];
    this.listRowThresholds = new float[padded];
    this.listColumnAdd = new float[padded];
    this.listColumnThresholds = new float[padded];
  }

  /**
   * Joins rows {@code [i0, i1)} with columns {@code [j0, j1)} (with {@link Pairs#WITHIN}, the same
   * range on both sides).
   *
   * @param i0 first row
   * @param i1 end of the rows, at most {@link Screen#block()} after {@code i0}
   * @param j0 first column
   * @param j1 end of the columns, at most {@link Screen#block()} after {@code j0}
   * @param pairs which pairs, offered to whom
   */
  public void join(int i0, int i1, int j0, int j1, Pairs pairs) {
    assert pairs != Pairs.WITHIN || (i0 == j0 && i1 == j1) : "WITHIN joins a block with itself";
    setBlocks(null, i0, i1 - i0, null, j0, j1 - j0);
    rowAdd = rows.add();
    rowThresholds = thresholds;
    rowBase = i0;
    columnAdd = columns.add();
    columnThresholds = thresholds;
    columnBase = j0;
    run(pairs);
  }

  /**
   * Joins the rows {@code rowList[0, rowCount)} with the columns {@code columnList[0,
   * columnCount)} (with {@link Pairs#WITHIN}, the same list on both sides: every pair of it once).
   *
   * @param rowList rows of {@link Screen#rows()}, at most {@link Screen#block()}
   * @param rowCount how many of them
   * @param columnList rows of {@link Screen#columns()}, at most {@link Screen#block()}
   * @param columnCount how many of them
   * @param pairs which pairs, offered to whom
   */
  public void join(int[] rowList, int rowCount, int[] columnList, int columnCount, Pairs pairs) {
    join(rowList, 0, rowCount, columnList, 0, columnCount, pairs);
  }

  /**
   * Joins the rows {@code rowList[rowFrom, rowFrom + rowCount)} with the columns {@code
   * columnList[columnFrom, columnFrom + columnCount)} (with {@link Pairs#WITHIN}, the same run of
   * the same list on both sides: every pair of it once). The ids of a list must be distinct.
   *
   * @param rowList rows of {@link Screen#rows()}
   * @param rowFrom where the block's rows start in {@code rowList}
   * @param rowCount how many rows, at most {@link Screen#block()}
   * @param columnList rows of {@link Screen#columns()}
   * @param columnFrom where the block's columns start in {@code columnList}
   * @param columnCount how many columns, at most {@link Screen#block()}
   * @param pairs which pairs, offered to whom
   */
  public void join(int[] rowList, int rowFrom, int rowCount, int[] columnList, int columnFrom,
      int columnCount, Pairs pairs) {
    if (rowCount > capacity || columnCount > capacity) {
      throw new IllegalArgumentException("blocks of " + rowCount + " and " + columnCount
          + " rows exceed this join's block of " + capacity);
    }
    assert pairs != Pairs.WITHIN
        || (rowList == columnList && rowFrom == columnFrom && rowCount == columnCount)
        : "WITHIN joins a list with itself";
    setBlocks(rowList, rowFrom, rowCount, columnList, columnFrom, columnCount);
    gather(rows.add(), rowList, rowFrom, rowCount, listRowAdd);
    gather(columns.add(), columnList, columnFrom, columnCount, listColumnAdd);
    Arrays.fill(listColumnAdd, columnCount, columnCount + width, Float.NaN); // padding
    rowAdd = listRowAdd;
    rowThresholds = listRowThresholds;
    rowBase = 0;
    columnAdd = listColumnAdd;
    columnThresholds = listColumnThresholds;
    columnBase = 0;
    run(pairs);
  }

  /**
   * Joins rows {@code [i0, i1)} with the listed columns {@code columnList[columnFrom, columnFrom +
   * columnCount)}, offered to the rows' lists only ({@link Pairs#ONE_WAY}): a sample of a join's
   * columns, searched on the join's own screen.
   *
   * @param i0 first row
   * @param i1 end of the rows, at most {@link Screen#block()} after {@code i0}
   * @param columnList rows of {@link Screen#columns()}
   * @param columnFrom where the block's columns start in {@code columnList}
   * @param columnCount how many columns, at most {@link Screen#block()}
   */
  public void join(int i0, int i1, int[] columnList, int columnFrom, int columnCount) {
    if (i1 - i0 > capacity || columnCount > capacity) {
      throw new IllegalArgumentException("blocks of " + (i1 - i0) + " and " + columnCount
          + " rows exceed this join's block of " + capacity);
    }
    setBlocks(null, i0, i1 - i0, columnList, columnFrom, columnCount);
    gather(columns.add(), columnList, columnFrom, columnCount, listColumnAdd);
    Arrays.fill(listColumnAdd, columnCount, columnCount + width, Float.NaN); // padding
    rowAdd = rows.add();
    rowThresholds = thresholds;
    rowBase = i0;
    columnAdd = listColumnAdd;
    columnThresholds = null;
    columnBase = 0;
    run(Pairs.ONE_WAY);
  }

  private void setBlocks(int[] rowList, int rFrom, int rCount, int[] colList, int cFrom, int cCount) {
    rowIds = rowList;
    rowFrom = rFrom;
    rowCount = rCount;
    columnIds = colList;
    columnFrom = cFrom;
    columnCount = cCount;
  }

  private static void gather(float[] from, int[] ids, int start, int count, float[] to) {
    for (int p = 0; p < count; p++) {
      to[p] = from[ids[start + p]];
    }
  }

  private int row(int position) {
    return rowIds == null ? rowFrom + position : rowIds[rowFrom + position];
  }

  private int column(int position) {
    return columnIds == null ? columnFrom + position : columnIds[columnFrom + position];
  }

  private void run(Pairs pairs) {
    strips.pack(rows.data(), rowIds, rowFrom, rowCount, rows.packScale());
    packed.pack(columns.data(), columnIds, columnFrom, columnCount, columns.packScale());
    if (pairs != Pairs.WITHIN) {
      for (int p = 0; p < packed.panelCount(); p++) {
        panelTiles(p, 0, strips.panelCount(), pairs);
      }
      return;
    }
    // A block with itself: first the strips that overlap each panel's own rows (near neighbours
    // where the screen's order puts them together), so that the thresholds screening the rest are
    // tight; then the strips above them. Strips from position c0 + W - 1 on only meet columns at or
    // before their own position: those pairs are seen from the other side.
    for (int pass = 0; pass < 2; pass++) {
      for (int p = 0; p < packed.panelCount(); p++) {
        int c0 = p * width;
        int near = c0 / VectorOps.TILE_ROWS; // the strip holding position c0
        int end = Math.min(strips.panelCount(), (c0 + width - 2) / VectorOps.TILE_ROWS + 1);
        panelTiles(p, pass == 0 ? near : 0, pass == 0 ? end : near, pairs);
      }
    }
  }

  /** Computes and screens the tiles of strips {@code [from, to)} against panel {@code p}. */
  private void panelTiles(int p, int from, int to, Pairs pairs) {
    float[] colThresholds = pairs == Pairs.ONE_WAY ? null : columnThresholds;
    int tileSize = VectorOps.TILE_ROWS * width;
    int c0 = p * width;
    int d = rows.dimension();
    for (int g = from; g < to; g += GROUP) {
      int group = Math.min(GROUP, to - g);
      ops.stripTiles(kernel, strips.panels(), strips.offset(g), group, d,
          packed.panels(), packed.offset(p), tiles);
      for (int s = 0; s < group; s++) {
        int r0 = (g + s) * VectorOps.TILE_ROWS;
        int count = Math.min(VectorOps.TILE_ROWS, rowCount - r0);
        int tile = s * tileSize;
        if (rowIds != null) {
          refreshThresholds(r0, count, c0);
        }
        int found = ops.screen(tiles, tile, count, scale, rowAdd, rowBase + r0,
            columnAdd, columnBase + c0, rowThresholds, colThresholds, hits);
        screened(tile, found, r0, c0, pairs);
      }
    }
  }

  /** A list block's thresholds for one tile, copied from the live ones. */
  private void refreshThresholds(int r0, int count, int c0) {
    for (int r = r0; r < r0 + count; r++) {
      listRowThresholds[r] = thresholds[row(r)];
    }
    for (int c = c0, end = Math.min(columnCount, c0 + width); c < end; c++) {
      listColumnThresholds[c] = thresholds[column(c)];
    }
  }

  /**
   * Offers the hits of one screened tile, at their exact values (valued together by the screen), to
   * the rows' (and columns') lists.
   */
  private void screened(int tile, int found, int r0, int c0, Pairs pairs) {
    boolean both = pairs != Pairs.ONE_WAY;
    valued.clear();
    for (int h = 0; h < found; h++) {
      int pos = hits[h];
      int r = r0 + pos / width;
      int c = c0 + pos % width;
      if (c >= columnCount || (pairs == Pairs.WITHIN && c <= r)) {
        continue; // past the block's last column (a range that ends inside a panel), or seen
      }
      int i = row(r);
      int j = column(c);
      valued.add(i, j, tiles[tile + pos], both ? Math.max(thresholds[i], thresholds[j]) : thresholds[i]);
    }
    if (valued.size() == 0) {
      return;
    }
    screen.values(valued);
    // Offered in the tile's order, against the thresholds as they are now (a limit taken when
    // the pair was added may be looser: that only lets a pair be computed that is then refused).
    for (int h = 0, n = valued.size(); h < n; h++) {
      int i = valued.rows[h];
      int j = valued.columns[h];
      float dist = valued.values[h];
      if (dist <= thresholds[i]) {
        sink.offer(i, dist, columns.id(j));
      }
      if (both && dist <= thresholds[j]) {
        sink.offer(j, dist, rows.id(i));
      }
    }
  }
}
