package org.knng.tile;

/**
 * One side of a tile join as the kernels read it: row-major vectors (the points themselves, or
 * their projections), the per-row term that turns a raw kernel value into a screening value, the
 * per-row factor applied while packing, and which point each row is.
 */
public final class Side {
  private final float[] data;
  private final int dimension;
  private final int size;
  private final float[] add;
  private final float[] packScale;
  private final int[] ids;

  /**
   * @param data {@code size x dimension} values, row-major
   * @param dimension values per row
   * @param size rows
   * @param add per-row screening term, {@code size + VectorOps.SCREEN_PADDING} long, NaN in the
   *     padding (a NaN term never passes the screen)
   * @param packScale per-row factor applied while packing (cosine: {@code 1 / |x|}), or null
   * @param ids the point of each row, or null when row {@code r} is point {@code r}
   */
  public Side(float[] data, int dimension, int size, float[] add, float[] packScale, int[] ids) {
    this.data = data;
    this.dimension = dimension;
    this.size = size;
    this.add = add;
    this.packScale = packScale;
    this.ids = ids;
  }

  /** @return the values the kernels read, row-major */
  public float[] data() {
    return data;
  }

  /** @return values per row */
  public int dimension() {
    return dimension;
  }

  /** @return rows */
  public int size() {
    return size;
  }

  /** @return the per-row screening term (padded) */
  public float[] add() {
    return add;
  }

  /** @return the per-row packing factor, or null */
  public float[] packScale() {
    return packScale;
  }

  /**
   * @param row a row of this side
   * @return the point it is
   */
  public int id(int row) {
    return ids == null ? row : ids[row];
  }

  /** @return the point of each row, or null when rows are points */
  public int[] ids() {
    return ids;
  }
}
