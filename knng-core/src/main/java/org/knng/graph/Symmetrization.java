package org.knng.graph;

import org.knng.InvalidInputException;
import org.knng.Named;
import java.util.Arrays;

/**
 * Ways to make a weighted directed graph A undirected, combining each entry {@code a = A[i][j]}
 * with its transpose {@code t = A[j][i]}.
 *
 * <p>What is an edge is decided by the CSR structure, not by the weight: an entry of weight 0
 * (duplicate points in distance mode) is an edge, and stays an explicit entry of the result. Where
 * a formula needs the value of an entry that is absent, it is 0; the result has entries exactly on
 * the structure the mode names ({@code A ∪ Aᵀ} or {@code A ∩ Aᵀ}). The diagonal combines with
 * itself ({@code a = t}). Values are combined in double precision and stored as float32; each row
 * of the result is sorted by column. Memory is that of A, its transpose and the result: {@code
 * O(nnz)}, never {@code N x N}.
 */
public enum Symmetrization implements Named {
  /** A unchanged. */
  NONE("none", false),
  /**
   * {@code max(a, t)} on {@code A ∪ Aᵀ}; an edge present one way only keeps its weight (the max
   * of the values present, so a distance-mode graph keeps real distances).
   */
  UNION("union", false),
  /** {@code (A + Aᵀ) / 2} on {@code A ∪ Aᵀ}, as scikit-learn's spectral clustering does. */
  AVERAGE("average", false),
  /** {@code min(a, t)} on {@code A ∩ Aᵀ}: mutual k-NN; one-way edges are dropped. */
  MUTUAL("mutual", true),
  /** {@code A + Aᵀ − A∘Aᵀ} on {@code A ∪ Aᵀ}: UMAP's fuzzy set union (probabilistic t-conorm). */
  FUZZY_UNION("fuzzy-union", false),
  /** {@code A∘Aᵀ} (element-wise product) on {@code A ∩ Aᵀ}: the fuzzy set intersection. */
  FUZZY_INTERSECTION("fuzzy-intersection", true);

  private final String id;
  private final boolean intersection;

  Symmetrization(String id, boolean intersection) {
    this.id = id;
    this.intersection = intersection;
  }

  /** @return the name used on the command line */
  @Override
  public String id() {
    return id;
  }

  /**
   * @param name a name, case-insensitive
   * @return the symmetrization
   * @throws InvalidInputException naming the valid choices if there is no such one
   */
  public static Symmetrization parse(String name) {
    return Named.parse(values(), name, "symmetrization");
  }

  /**
   * Combines a square graph with its transpose.
   *
   * @param a a square graph
   * @return the symmetric graph ({@code a} itself for {@link #NONE})
   * @throws InvalidInputException if {@code a} is not square
   */
  public SparseGraph apply(SparseGraph a) {
    if (this == NONE) {
      return a;
    }
    if (a.rows() != a.columns()) {
      throw new InvalidInputException("symmetrization needs a square graph, got " + a.rows() + " x " + a.columns());
    }
    SparseGraph t = transpose(a);
    int n = a.rows();
    int[] ap = a.indptr();
    int[] ai = a.indices();
    float[] aw = a.weights();
    int[] tp = t.indptr();
    int[] ti = t.indices();
    float[] tw = t.weights();
    // First pass counts each merged row, second fills it: no growing buffers.
    int[] indptr = new int[n + 1];
    for (int r = 0; r < n; r++) {
      int count = 0;
      int p = ap[r];
      int q = tp[r];
      while (p < ap[r + 1] || q < tp[r + 1]) {
        int ca = p < ap[r + 1] ? ai[p] : Integer.MAX_VALUE;
        int ct = q < tp[r + 1] ? ti[q] : Integer.MAX_VALUE;
        if (ca == ct) {
          count++;
          p++;
          q++;
        } else {
          count += intersection ? 0 : 1;
          if (ca < ct) {
            p++;
          } else {
            q++;
          }
        }
      }
      indptr[r + 1] = Math.addExact(indptr[r], count);
    }
    int[] indices = new int[indptr[n]];
    float[] weights = new float[indptr[n]];
    int out = 0;
    for (int r = 0; r < n; r++) {
      int p = ap[r];
      int q = tp[r];
      while (p < ap[r + 1] || q < tp[r + 1]) {
        int ca = p < ap[r + 1] ? ai[p] : Integer.MAX_VALUE;
        int ct = q < tp[r + 1] ? ti[q] : Integer.MAX_VALUE;
        if (ca == ct) {
          indices[out] = ca;
          weights[out++] = (float) both(aw[p++], tw[q++]);
        } else if (ca < ct) {
          if (!intersection) {
            indices[out] = ca;
            weights[out++] = (float) oneWay(aw[p]);
          }
          p++;
        } else {
          if (!intersection) {
            indices[out] = ct;
            weights[out++] = (float) oneWay(tw[q]);
          }
          q++;
        }
      }
    }
    return new SparseGraph(n, n, indptr, indices, weights);
  }

  /**
   * The value of an entry where both {@code A[i][j] = a} and {@code A[j][i] = t} are stored (for
   * code that combines edges elsewhere, e.g. on a cluster; {@link #apply} uses the same).
   *
   * @param a the entry
   * @param t its transpose
   * @return the combined value, in double precision
   */
  public double both(double a, double t) {
    switch (this) {
      case UNION:
        return Math.max(a, t);
      case AVERAGE:
        return 0.5 * (a + t);
      case MUTUAL:
        return Math.min(a, t);
      case FUZZY_UNION:
        return a + t - a * t;
      case FUZZY_INTERSECTION:
        return a * t;
      default:
        throw new AssertionError(this);
    }
  }

  /** @return whether an entry stored one way only is kept (the union modes) */
  public boolean keepsOneWay() {
    return !intersection && this != NONE;
  }

  /**
   * The value of an entry where only one of the two is stored, with weight {@code w}.
   *
   * @param w the weight stored
   * @return the combined value (union modes only: see {@link #keepsOneWay})
   */
  public double oneWay(double w) {
    switch (this) {
      case UNION:
      case FUZZY_UNION:
        return w;
      case AVERAGE:
        return 0.5 * w;
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * The transpose by counting sort on the column: rows of the transpose come out sorted because
   * the rows of {@code a} are visited in order.
   *
   * @param a any graph
   * @return {@code aᵀ}, {@code columns x rows}
   */
  static SparseGraph transpose(SparseGraph a) {
    int rows = a.rows();
    int cols = a.columns();
    int[] ap = a.indptr();
    int[] ai = a.indices();
    float[] aw = a.weights();
    int[] indptr = new int[cols + 1];
    for (int c : ai) {
      indptr[c + 1]++;
    }
    for (int c = 0; c < cols; c++) {
      indptr[c + 1] += indptr[c];
    }
    int[] next = Arrays.copyOf(indptr, cols);
    int[] indices = new int[ai.length];
    float[] weights = new float[ai.length];
    for (int r = 0; r < rows; r++) {
      for (int p = ap[r]; p < ap[r + 1]; p++) {
        int slot = next[ai[p]]++;
        indices[slot] = r;
        weights[slot] = aw[p];
      }
    }
    return new SparseGraph(cols, rows, indptr, indices, weights);
  }
}
