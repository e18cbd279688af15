package org.knng.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.knng.metric.Metric;

/**
 * {@link VectorOps} on the incubator Vector API, using the widest float species the CPU offers.
 * This is the only class family that imports {@code jdk.incubator.vector}; it is loaded
 * reflectively by {@link VectorOpsProvider} only when that module is in the boot layer.
 */
final class PanamaVectorOps implements VectorOps {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  /** Bytes as many as a vector has floats, or null where no byte vector is that short (4 lanes). */
  private static final VectorSpecies<Byte> BYTES = LANES >= 8
      ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : null;
  /** Four doubles: the lanes of the double-precision re-scoring. */
  private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
  /**
   * Eight doubles, where the tiles have the shape of 512-bit registers (so that forcing 6x2 tests
   * the narrow re-scoring too).
   */
  private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
  /** Sixteen floats: the chains of the integer sums ({@link #integers}) in one register ... */
  private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
  /** ... or in two of eight. */
  private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
  /**
   * Vectors per tile row. With 512-bit vectors (32 registers) a 6 x 4 block of accumulators leaves
   * room for 4 panel vectors and a broadcast, and needs one broadcast per four FMAs (measured: about
   * 84% of the FMA peak on JDK 25, against 62% for 6 x 2). With narrower vectors (16 registers)
   * 6 x 2 is what fits. {@value VectorOpsProvider#SHAPE_PROPERTY} forces one shape (tests run both
   * on any machine); it is read once, so that the width stays a constant the JIT folds.
   */
  private static final int VECTORS = VectorOpsProvider.tileVectors(SPECIES.vectorBitSize());
  private static final int WIDTH = VECTORS * LANES;
  private static final boolean WIDE_DOUBLES = VECTORS == 4
      && DoubleVector.SPECIES_PREFERRED.length() >= 8;

  PanamaVectorOps() {}

  @Override
  public float dot(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
    if (dimension < LANES) {
      // What the vector code below computes for so few values (its lanes sum to +0, then the tail
      // loop), without vector operations: the same bits, and fast from the first call on, before
      // the JIT compiles the Vector API (tree searches in low dimension make millions of calls).
      float sum = 0;
      for (int i = 0; i < dimension; i++) {
        sum = Math.fma(a[aOffset + i], b[bOffset + i], sum);
      }
      return sum;
    }
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = FloatVector.zero(SPECIES);
    int i = 0;
    int bound2 = dimension - 2 * LANES;
    for (; i <= bound2; i += 2 * LANES) {
      acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
          .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
      acc1 = FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
          .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES), acc1);
    }
    if (i <= dimension - LANES) {
      acc0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
          .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc0);
      i += LANES;
    }
    float sum = sumLanes(acc0.add(acc1));
    for (; i < dimension; i++) {
      sum = Math.fma(a[aOffset + i], b[bOffset + i], sum);
    }
    return sum;
  }

  /** Below one vector of lanes the squared distances are the tail loop alone: a running sum. */
  @Override
  public boolean runningSquares(int dimension) {
    return dimension < LANES;
  }

  @Override
  public float squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
    if (dimension < LANES) {
      // The tail loop alone, as in dot: the same bits.
      float sum = 0;
      for (int i = 0; i < dimension; i++) {
        float d = a[aOffset + i] - b[bOffset + i];
        sum = Math.fma(d, d, sum);
      }
      return sum;
    }
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = FloatVector.zero(SPECIES);
    int i = 0;
    int bound2 = dimension - 2 * LANES;
    for (; i <= bound2; i += 2 * LANES) {
      FloatVector d0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
          .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
      FloatVector d1 = FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
          .sub(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES));
      acc0 = d0.fma(d0, acc0);
      acc1 = d1.fma(d1, acc1);
    }
    if (i <= dimension - LANES) {
      FloatVector d0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
          .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
      acc0 = d0.fma(d0, acc0);
      i += LANES;
    }
    float sum = sumLanes(acc0.add(acc1));
    for (; i < dimension; i++) {
      float d = a[aOffset + i] - b[bOffset + i];
      sum = Math.fma(d, d, sum);
    }
    return sum;
  }

  /**
   * {@link #squaredDistance(float[], int, float[], int, int)}'s loop with each vector of floats read
   * from {@link #LANES} bytes and converted (exactly): the same operations, the same bits.
   */
  @Override
  public float squaredDistance(byte[] a, int aOffset, byte[] b, int bOffset, int dimension) {
    if (dimension < LANES || BYTES == null) {
      float sum = 0;
      if (dimension < LANES) {
        for (int i = 0; i < dimension; i++) {
          float d = (float) a[aOffset + i] - (float) b[bOffset + i];
          sum = Math.fma(d, d, sum);
        }
        return sum;
      }
      float[] x = new float[dimension];
      float[] y = new float[dimension];
      for (int i = 0; i < dimension; i++) {
        x[i] = a[aOffset + i];
        y[i] = b[bOffset + i];
      }
      return squaredDistance(x, 0, y, 0, dimension);
    }
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = FloatVector.zero(SPECIES);
    int i = 0;
    int bound2 = dimension - 2 * LANES;
    for (; i <= bound2; i += 2 * LANES) {
      FloatVector d0 = floats(a, aOffset + i).sub(floats(b, bOffset + i));
      FloatVector d1 = floats(a, aOffset + i + LANES).sub(floats(b, bOffset + i + LANES));
      acc0 = d0.fma(d0, acc0);
      acc1 = d1.fma(d1, acc1);
    }
    if (i <= dimension - LANES) {
      FloatVector d0 = floats(a, aOffset + i).sub(floats(b, bOffset + i));
      acc0 = d0.fma(d0, acc0);
      i += LANES;
    }
    float sum = sumLanes(acc0.add(acc1));
    for (; i < dimension; i++) {
      float d = (float) a[aOffset + i] - (float) b[bOffset + i];
      sum = Math.fma(d, d, sum);
    }
    return sum;
  }

  /** {@link #LANES} bytes from {@code offset}, as floats. */
  private static FloatVector floats(byte[] a, int offset) {
    return (FloatVector) ByteVector.fromArray(BYTES, a, offset).convertShape(VectorOperators.B2F, SPECIES, 0);
  }

  @Override
  public boolean byteDistances() {
    return BYTES != null;
  }

  @Override
  public float squaredDistance(float[] a, int aOffset, float aScale, float[] b, int bOffset, float bScale,
      int dimension) {
    if (dimension < LANES) {
      // The tail loop alone, as in dot: the same bits.
      float sum = 0;
      for (int i = 0; i < dimension; i++) {
        float d = a[aOffset + i] * aScale - b[bOffset + i] * bScale;
        sum = Math.fma(d, d, sum);
      }
      return sum;
    }
    FloatVector acc = FloatVector.zero(SPECIES);
    int i = 0;
    for (; i <= dimension - LANES; i += LANES) {
      FloatVector d = FloatVector.fromArray(SPECIES, a, aOffset + i).mul(aScale)
          .sub(FloatVector.fromArray(SPECIES, b, bOffset + i).mul(bScale));
      acc = d.fma(d, acc);
    }
    float sum = sumLanes(acc);
    for (; i < dimension; i++) {
      float d = a[aOffset + i] * aScale - b[bOffset + i] * bScale;
      sum = Math.fma(d, d, sum);
    }
    return sum;
  }

  /**
   * Four pairs at a time where a vector has sixteen lanes and the dimension is a multiple of
   * sixteen (the projected screen's second stage checks 64 coordinates): each pair's squared
   * differences summed lanewise into a vector, as in {@link #squaredDistance(float[], int, float[],
   * int, int)}, then the four vectors' lanes added together by {@link #merge}s and two rotations
   * instead of each vector's own (four permutes and four additions per pair, and a lane read).
   * Elsewhere one pair after the other.
   */
  @Override
  public void squaredDistancesAnyOrder(float[] a, int[] aOffsets, float[] b, int[] bOffsets,
      int count, int dimension, float[] out) {
    int p = 0;
    if (LANES == 16 && dimension % 16 == 0) {
      for (; p + 4 <= count; p += 4) {
        fourPairs(a, aOffsets, b, bOffsets, p, dimension, out);
      }
    }
    for (; p < count; p++) {
      out[p] = squaredDistance(a, aOffsets[p], b, bOffsets[p], dimension);
    }
  }

  /**
   * Pairs {@code p} to {@code p + 3} into {@code out[p, p + 4)}: one loop over the coordinates for
   * all four (a method per pair, compiled on its own, would not be inlined and would hand its
   * vector back boxed; eight pairs in one method passed the compiler's limit on inlined nodes).
   */
  private static void fourPairs(float[] a, int[] aOffsets, float[] b, int[] bOffsets, int p,
      int dimension, float[] out) {
    FloatVector c0 = FloatVector.zero(SPECIES);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    for (int i = 0; i < dimension; i += 16) {
      c0 = square(a, aOffsets[p] + i, b, bOffsets[p] + i, c0);
      c1 = square(a, aOffsets[p + 1] + i, b, bOffsets[p + 1] + i, c1);
      c2 = square(a, aOffsets[p + 2] + i, b, bOffsets[p + 2] + i, c2);
      c3 = square(a, aOffsets[p + 3] + i, b, bOffsets[p + 3] + i, c3);
    }
    // Lanes i, i ^ 1, i ^ 2 and i ^ 3 hold quarters of one pair's sum (pair i's bit 3 + 2 x bit 2).
    FloatVector quarters = merge(merge(c0, c1, BIT8, FLIP8), merge(c2, c3, BIT8, FLIP8), BIT4, FLIP4);
    FloatVector halves = quarters.add(quarters.rearrange(FLIP2));
    halves.add(halves.rearrange(FLIP1)).rearrange(PAIRED).intoArray(out, p, FIRST4);
  }

  /** {@code acc} plus the squares of the differences of the LANES values at x and y. */
  private static FloatVector square(float[] a, int x, float[] b, int y, FloatVector acc) {
    FloatVector d = FloatVector.fromArray(SPECIES, a, x).sub(FloatVector.fromArray(SPECIES, b, y));
    return d.fma(d, acc);
  }

  /**
   * One level of the tree: lane {@code i} of the result is {@code x[i] + x[i ^ w]} where lane
   * {@code i} lacks bit {@code w} ({@code bit}'s lanes have it; {@code flip} maps i to i ^ w), else
   * {@code y[i] + y[i ^ w]}: after the levels w = 8 and 4 of four pairs' vectors, lane i holds a
   * quarter of the sum of pair {@code bit3(i) + 2 bit2(i)} ({@link #PAIRED}).
   */
  private static FloatVector merge(FloatVector x, FloatVector y, VectorMask<Float> bit,
      VectorShuffle<Float> flip) {
    return x.blend(y, bit).add(y.blend(x, bit).rearrange(flip));
  }

  private static final VectorMask<Float> BIT4 = lanesWith(4);
  private static final VectorMask<Float> BIT8 = lanesWith(8);
  private static final VectorShuffle<Float> FLIP1 = flip(1);
  private static final VectorShuffle<Float> FLIP2 = flip(2);
  private static final VectorShuffle<Float> FLIP4 = flip(4);
  private static final VectorShuffle<Float> FLIP8 = flip(8);
  /** Lane j < 4 from a lane that holds pair j's sum (bit 3 its bit 0, bit 2 its bit 1). */
  private static final VectorShuffle<Float> PAIRED =
      LANES == 16 ? VectorShuffle.fromOp(SPECIES, j -> ((j & 1) << 3) | ((j & 2) << 1)) : null;
  private static final VectorMask<Float> FIRST4 =
      LANES == 16 ? VectorMask.fromLong(SPECIES, 0xFL) : null;

  /** The lanes whose number has bit {@code w} (null unless a vector has sixteen lanes). */
  private static VectorMask<Float> lanesWith(int w) {
    return LANES == 16 ? VectorMask.fromLong(SPECIES, w == 4 ? 0xF0F0L : 0xFF00L) : null;
  }

  /** Lane i to lane i ^ w (null unless a vector has sixteen lanes). */
  private static VectorShuffle<Float> flip(int w) {
    return LANES == 16 ? VectorShuffle.fromOp(SPECIES, i -> i ^ w) : null;
  }

  /**
   * Two pairs at a time, each summed exactly as {@link #squaredDistance(float[], int, float,
   * float[], int, float, int)} sums it (the same bits): its one chain of additions waits on the
   * adder's latency at every vector, and the other pair's chain fills the gaps.
   */
  @Override
  public void squaredDistances(float[] a, int[] aOffsets, float[] aScales, float[] b,
      int[] bOffsets, float[] bScales, int count, int dimension, float[] out) {
    int p = 0;
    if (dimension >= LANES) {
      for (; p + 1 < count; p += 2) {
        scaledPair(a, b, aOffsets[p], aScales[p], bOffsets[p], bScales[p], aOffsets[p + 1],
            aScales[p + 1], bOffsets[p + 1], bScales[p + 1], dimension, out, p);
      }
    }
    for (; p < count; p++) {
      out[p] = squaredDistance(a, aOffsets[p], aScales[p], b, bOffsets[p], bScales[p], dimension);
    }
  }

  /** The scaled squared distances of pairs (x, y) and (u, v) into {@code out[p]}, {@code out[p + 1]}. */
  private static void scaledPair(float[] a, float[] b, int x, float xs, int y, float ys, int u,
      float us, int v, float vs, int dimension, float[] out, int p) {
    FloatVector acc = FloatVector.zero(SPECIES);
    FloatVector other = acc;
    int i = 0;
    for (; i <= dimension - LANES; i += LANES) {
      FloatVector d = FloatVector.fromArray(SPECIES, a, x + i).mul(xs)
          .sub(FloatVector.fromArray(SPECIES, b, y + i).mul(ys));
      FloatVector e = FloatVector.fromArray(SPECIES, a, u + i).mul(us)
          .sub(FloatVector.fromArray(SPECIES, b, v + i).mul(vs));
      acc = d.fma(d, acc);
      other = e.fma(e, other);
    }
    float sum = sumLanes(acc);
    float otherSum = sumLanes(other);
    for (; i < dimension; i++) {
      float d = a[x + i] * xs - b[y + i] * ys;
      sum = Math.fma(d, d, sum);
      float e = a[u + i] * us - b[v + i] * vs;
      otherSum = Math.fma(e, e, otherSum);
    }
    out[p] = sum;
    out[p + 1] = otherSum;
  }

  @Override
  public void squaredEuclidean(double[] a, int[] aOffsets, double[] b, int bOffset, int count,
      int dimension, double[] out) {
    int p = 0;
    if (dimension < 16) {
      // Below one round of the chains the scalar definition is as fast, and fast before the JIT
      // has compiled the Vector API (tree engines in low dimension re-score millions of pairs).
      for (; p < count; p++) {
        out[p] = Metric.squaredEuclidean(a, aOffsets[p], b, bOffset, dimension);
      }
      return;
    }
    for (; p + 1 < count; p += 2) {
      if (WIDE_DOUBLES) {
        squaredEuclidean8(a, aOffsets[p], aOffsets[p + 1], b, bOffset, dimension, out, p);
      } else {
        squaredEuclidean4(a, aOffsets[p], aOffsets[p + 1], b, bOffset, dimension, out, p);
      }
    }
    for (; p < count; p++) {
      out[p] = WIDE_DOUBLES ? squaredEuclidean8(a, aOffsets[p], b, bOffset, dimension)
          : squaredEuclidean4(a, aOffsets[p], b, bOffset, dimension);
    }
  }

  /**
   * {@link Metric#squaredEuclidean} with its sixteen chains in two vectors of eight doubles
   * (chains 0-7 and 8-15); the last partial round is loaded under a mask (a lane past the end is
   * +0, which adds nothing). Lanewise {@code v0 + v1} holds {@code c_j + c_{j+8}}, so lanes {@code
   * l} and {@code l + 4} of it sum to the definition's {@code y_l}.
   */
  private static double squaredEuclidean8(double[] a, int x, double[] b, int y, int dimension) {
    DoubleVector v0 = DoubleVector.zero(D8);
    DoubleVector v1 = v0;
    int i = 0;
    for (; i + 16 <= dimension; i += 16) {
      DoubleVector t0 = DoubleVector.fromArray(D8, a, x + i).sub(DoubleVector.fromArray(D8, b, y + i));
      DoubleVector t1 =
          DoubleVector.fromArray(D8, a, x + i + 8).sub(DoubleVector.fromArray(D8, b, y + i + 8));
      v0 = v0.add(t0.mul(t0));
      v1 = v1.add(t1.mul(t1));
    }
    int rest = dimension - i;
    if (rest > 0) {
      VectorMask<Double> m0 = D8.indexInRange(0, rest);
      DoubleVector t0 = DoubleVector.fromArray(D8, a, x + i, m0)
          .sub(DoubleVector.fromArray(D8, b, y + i, m0));
      v0 = v0.add(t0.mul(t0));
      if (rest > 8) {
        VectorMask<Double> m1 = D8.indexInRange(8, rest);
        DoubleVector t1 = DoubleVector.fromArray(D8, a, x + i + 8, m1)
            .sub(DoubleVector.fromArray(D8, b, y + i + 8, m1));
        v1 = v1.add(t1.mul(t1));
      }
    }
    return sum8(v0.add(v1));
  }

  /**
   * {@link #squaredEuclidean8} of the first vectors at {@code x} and {@code u} against the same
   * second one, side by side: each is loaded once for both, and the two pairs' chains of
   * additions fill each other's waits (the loop is bound by the adders, not by the adds' latency).
   */
  private static void squaredEuclidean8(double[] a, int x, int u, double[] b, int y,
      int dimension, double[] out, int p) {
    DoubleVector v0 = DoubleVector.zero(D8);
    DoubleVector v1 = v0;
    DoubleVector w0 = v0;
    DoubleVector w1 = v0;
    int i = 0;
    for (; i + 16 <= dimension; i += 16) {
      DoubleVector y0 = DoubleVector.fromArray(D8, b, y + i);
      DoubleVector y1 = DoubleVector.fromArray(D8, b, y + i + 8);
      DoubleVector t0 = DoubleVector.fromArray(D8, a, x + i).sub(y0);
      DoubleVector s0 = DoubleVector.fromArray(D8, a, u + i).sub(y0);
      DoubleVector t1 = DoubleVector.fromArray(D8, a, x + i + 8).sub(y1);
      DoubleVector s1 = DoubleVector.fromArray(D8, a, u + i + 8).sub(y1);
      v0 = v0.add(t0.mul(t0));
      w0 = w0.add(s0.mul(s0));
      v1 = v1.add(t1.mul(t1));
      w1 = w1.add(s1.mul(s1));
    }
    int rest = dimension - i;
    if (rest > 0) {
      VectorMask<Double> m0 = D8.indexInRange(0, rest);
      DoubleVector y0 = DoubleVector.fromArray(D8, b, y + i, m0);
      DoubleVector t0 = DoubleVector.fromArray(D8, a, x + i, m0).sub(y0);
      DoubleVector s0 = DoubleVector.fromArray(D8, a, u + i, m0).sub(y0);
      v0 = v0.add(t0.mul(t0));
      w0 = w0.add(s0.mul(s0));
      if (rest > 8) {
        VectorMask<Double> m1 = D8.indexInRange(8, rest);
        DoubleVector y1 = DoubleVector.fromArray(D8, b, y + i + 8, m1);
        DoubleVector t1 = DoubleVector.fromArray(D8, a, x + i + 8, m1).sub(y1);
        DoubleVector s1 = DoubleVector.fromArray(D8, a, u + i + 8, m1).sub(y1);
        v1 = v1.add(t1.mul(t1));
        w1 = w1.add(s1.mul(s1));
      }
    }
    out[p] = sum8(v0.add(v1));
    out[p + 1] = sum8(w0.add(w1));
  }

  /**
   * The same loops as {@link #squaredEuclidean}, with a fused multiply-add for the difference and
   * square. Kept apart on purpose: one family of loops with the kind of sum as a parameter was
   * measured 5-8% slower for cosine re-scoring (Fashion-MNIST and random 50k at k = 1000).
   */
  @Override
  public void dots(double[] a, int[] aOffsets, double[] b, int bOffset, int count, int dimension,
      double[] out) {
    int p = 0;
    if (dimension < 16) {
      for (; p < count; p++) {
        out[p] = Metric.dot(a, aOffsets[p], b, bOffset, dimension);
      }
      return;
    }
    for (; p + 1 < count; p += 2) {
      if (WIDE_DOUBLES) {
        dot8(a, aOffsets[p], aOffsets[p + 1], b, bOffset, dimension, out, p);
      } else {
        dot4(a, aOffsets[p], aOffsets[p + 1], b, bOffset, dimension, out, p);
      }
    }
    for (; p < count; p++) {
      out[p] = WIDE_DOUBLES ? dot8(a, aOffsets[p], b, bOffset, dimension)
          : dot4(a, aOffsets[p], b, bOffset, dimension);
    }
  }

  /**
   * {@link Metric#dot} with its sixteen chains in two vectors of eight doubles, as {@link
   * #squaredEuclidean8} holds them; the products are exact, so a fused multiply-add adds each
   * with one rounding, as the definition's sum does. Lanes past the end add +0, which changes
   * nothing.
   */
  private static double dot8(double[] a, int x, double[] b, int y, int dimension) {
    DoubleVector v0 = DoubleVector.zero(D8);
    DoubleVector v1 = v0;
    int i = 0;
    for (; i + 16 <= dimension; i += 16) {
      v0 = DoubleVector.fromArray(D8, a, x + i).fma(DoubleVector.fromArray(D8, b, y + i), v0);
      v1 = DoubleVector.fromArray(D8, a, x + i + 8)
          .fma(DoubleVector.fromArray(D8, b, y + i + 8), v1);
    }
    int rest = dimension - i;
    if (rest > 0) {
      VectorMask<Double> m0 = D8.indexInRange(0, rest);
      VectorMask<Double> m1 = D8.indexInRange(8, rest);
      v0 = DoubleVector.fromArray(D8, a, x + i, m0).fma(DoubleVector.fromArray(D8, b, y + i, m0), v0);
      v1 = DoubleVector.fromArray(D8, a, x + i + 8, m1)
          .fma(DoubleVector.fromArray(D8, b, y + i + 8, m1), v1);
    }
    return sum8(v0.add(v1));
  }

  /** {@link #dot8} of the first vectors at {@code x} and {@code u} with one second, side by side. */
  private static void dot8(double[] a, int x, int u, double[] b, int y, int dimension,
      double[] out, int p) {
    DoubleVector v0 = DoubleVector.zero(D8);
    DoubleVector v1 = v0;
    DoubleVector w0 = v0;
    DoubleVector w1 = v0;
    int i = 0;
    for (; i + 16 <= dimension; i += 16) {
      DoubleVector y0 = DoubleVector.fromArray(D8, b, y + i);
      DoubleVector y1 = DoubleVector.fromArray(D8, b, y + i + 8);
      v0 = DoubleVector.fromArray(D8, a, x + i).fma(y0, v0);
      w0 = DoubleVector.fromArray(D8, a, u + i).fma(y0, w0);
      v1 = DoubleVector.fromArray(D8, a, x + i + 8).fma(y1, v1);
      w1 = DoubleVector.fromArray(D8, a, u + i + 8).fma(y1, w1);
    }
    int rest = dimension - i;
    if (rest > 0) {
      VectorMask<Double> m0 = D8.indexInRange(0, rest);
      VectorMask<Double> m1 = D8.indexInRange(8, rest);
      DoubleVector y0 = DoubleVector.fromArray(D8, b, y + i, m0);
      DoubleVector y1 = DoubleVector.fromArray(D8, b, y + i + 8, m1);
      v0 = DoubleVector.fromArray(D8, a, x + i, m0).fma(y0, v0);
      w0 = DoubleVector.fromArray(D8, a, u + i, m0).fma(y0, w0);
      v1 = DoubleVector.fromArray(D8, a, x + i + 8, m1).fma(y1, v1);
      w1 = DoubleVector.fromArray(D8, a, u + i + 8, m1).fma(y1, w1);
    }
    out[p] = sum8(v0.add(v1));
    out[p + 1] = sum8(w0.add(w1));
  }

  /**
   * {@link #dot8} on narrower registers: the chains in four vectors of four doubles, as {@link
   * #squaredEuclidean4} holds them.
   */
  private static double dot4(double[] a, int x, double[] b, int y, int dimension) {
    DoubleVector v0 = DoubleVector.zero(D4);
    DoubleVector v1 = v0;
    DoubleVector v2 = v0;
    DoubleVector v3 = v0;
    int i = 0;
    for (; i + 16 <= dimension; i += 16) {
      v0 = DoubleVector.fromArray(D4, a, x + i).fma(DoubleVector.fromArray(D4, b, y + i), v0);
      v1 = DoubleVector.fromArray(D4, a, x + i + 4).fma(DoubleVector.fromArray(D4, b, y + i + 4), v1);
      v2 = DoubleVector.fromArray(D4, a, x + i + 8).fma(DoubleVector.fromArray(D4, b, y + i + 8), v2);
      v3 = DoubleVector.fromArray(D4, a, x + i + 12)
          .fma(DoubleVector.fromArray(D4, b, y + i + 12), v3);
    }
    int rest = dimension - i;
    if (rest > 0) {
      VectorMask<Double> m0 = D4.indexInRange(0, rest);
      VectorMask<Double> m1 = D4.indexInRange(4, rest);
      VectorMask<Double> m2 = D4.indexInRange(8, rest);
      VectorMask<Double> m3 = D4.indexInRange(12, rest);
      v0 = DoubleVector.fromArray(D4, a, x + i, m0).fma(DoubleVector.fromArray(D4, b, y + i, m0), v0);
      v1 = DoubleVector.fromArray(D4, a, x + i + 4, m1)
          .fma(DoubleVector.fromArray(D4, b, y + i + 4, m1), v1);
      v2 = DoubleVector.fromArray(D4, a, x + i + 8, m2)
          .fma(DoubleVector.fromArray(D4, b, y + i + 8, m2), v2);
      v3 = DoubleVector.fromArray(D4, a, x + i + 12, m3)
          .fma(DoubleVector.fromArray(D4, b, y + i + 12, m3), v3);
    }
    return sum4(v0, v1, v2, v3);
  }

  /**
   * {@link #dot4} of the first vectors at {@code x} and {@code u} against the same second one, as
   * {@link #squaredEuclidean4(double[], int, int, double[], int, int, double[], int)} does it.
   */
  private static void dot4(double[] a, int x, int u, double[] b, int y, int dimension,
      double[] out, int p) {
    DoubleVector v0 = DoubleVector.zero(D4);
    DoubleVector v1 = v0;
    DoubleVector v2 = v0;
    DoubleVector v3 = v0;
    DoubleVector w0 = v0;
    DoubleVector w1 = v0;
    DoubleVector w2 = v0;
    DoubleVector w3 = v0;
    int i = 0;
    for (; i + 16 <= dimension; i += 16) {
      DoubleVector y0 = DoubleVector.fromArray(D4, b, y + i);
      DoubleVector y1 = DoubleVector.fromArray(D4, b, y + i + 4);
      DoubleVector y2 = DoubleVector.fromArray(D4, b, y + i + 8);
      DoubleVector y3 = DoubleVector.fromArray(D4, b, y + i + 12);
      v0 = DoubleVector.fromArray(D4, a, x + i).fma(y0, v0);
      v1 = DoubleVector.fromArray(D4, a, x + i + 4).fma(y1, v1);
      v2 = DoubleVector.fromArray(D4, a, x + i + 8).fma(y2, v2);
      v3 = DoubleVector.fromArray(D4, a, x + i + 12).fma(y3, v3);
      w0 = DoubleVector.fromArray(D4, a, u + i).fma(y0, w0);
      w1 = DoubleVector.fromArray(D4, a, u + i + 4).fma(y1, w1);
      w2 = DoubleVector.fromArray(D4, a, u + i + 8).fma(y2, w2);
      w3 = DoubleVector.fromArray(D4, a, u + i + 12).fma(y3, w3);
    }
    int rest = dimension - i;
    // The last, partial round under masks, one helper call per vector of it: the loop above and
    // this tail written out in one method are more than C1 can allocate registers for, and a
    // method C1 skips runs its vector operations unintrinsified until C2 takes it (inner product
    // re-scoring of random 50k x 128, k = 300: 16.8 s instead of 1.9 s).
    if (rest > 0) {
      VectorMask<Double> m = D4.indexInRange(0, rest);
      v0 = product(a, x + i, b, y + i, m, v0);
      w0 = product(a, u + i, b, y + i, m, w0);
    }
    if (rest > 4) {
      VectorMask<Double> m = D4.indexInRange(4, rest);
      v1 = product(a, x + i + 4, b, y + i + 4, m, v1);
      w1 = product(a, u + i + 4, b, y + i + 4, m, w1);
    }
    if (rest > 8) {
      VectorMask<Double> m = D4.indexInRange(8, rest);
      v2 = product(a, x + i + 8, b, y + i + 8, m, v2);
      w2 = product(a, u + i + 8, b, y + i + 8, m, w2);
    }
    if (rest > 12) {
      VectorMask<Double> m = D4.indexInRange(12, rest);
      v3 = product(a, x + i + 12, b, y + i + 12, m, v3);
      w3 = product(a, u + i + 12, b, y + i + 12, m, w3);
    }
    out[p] = sum4(v0, v1, v2, v3);
    out[p + 1] = sum4(w0, w1, w2, w3);
  }

  /**
   * {@link #squaredEuclidean4(double[], int, double[], int, int)} of the first vectors at {@code
   * x} and {@code u} against the same second one, side by side: each of the second vector's values
   * is loaded once for both pairs: six loads per pair and round of sixteen values instead of eight
   * (on AVX2, JDK 25, {@code RescoreBenchmark}: 4,484 -> 3,285 ns per sixteen pairs at D = 784;
   * Fashion-MNIST's whole re-scoring at k = 1000 about 10% faster).
   */
  private static void squaredEuclidean4(double[] a, int x, int u, double[] b, int y,
      int dimension, double[] out, int p) {
    DoubleVector v0 = DoubleVector.zero(D4);
    DoubleVector v1 = v0;
    DoubleVector v2 = v0;
    DoubleVector v3 = v0;
    DoubleVector w0 = v0;
    DoubleVector w1 = v0;
    DoubleVector w2 = v0;
    DoubleVector w3 = v0;
    int i = 0;
    for (; i + 16 <= dimension; i += 16) {
      DoubleVector y0 = DoubleVector.fromArray(D4, b, y + i);
      DoubleVector y1 = DoubleVector.fromArray(D4, b, y + i + 4);
      DoubleVector y2 = DoubleVector.fromArray(D4, b, y + i + 8);
      DoubleVector y3 = DoubleVector.fromArray(D4, b, y + i + 12);
      DoubleVector t0 = DoubleVector.fromArray(D4, a, x + i).sub(y0);
      DoubleVector t1 = DoubleVector.fromArray(D4, a, x + i + 4).sub(y1);
      DoubleVector t2 = DoubleVector.fromArray(D4, a, x + i + 8).sub(y2);
      DoubleVector t3 = DoubleVector.fromArray(D4, a, x + i + 12).sub(y3);
      v0 = v0.add(t0.mul(t0));
      v1 = v1.add(t1.mul(t1));
      v2 = v2.add(t2.mul(t2));
      v3 = v3.add(t3.mul(t3));
      DoubleVector s0 = DoubleVector.fromArray(D4, a, u + i).sub(y0);
      DoubleVector s1 = DoubleVector.fromArray(D4, a, u + i + 4).sub(y1);
      DoubleVector s2 = DoubleVector.fromArray(D4, a, u + i + 8).sub(y2);
      DoubleVector s3 = DoubleVector.fromArray(D4, a, u + i + 12).sub(y3);
      w0 = w0.add(s0.mul(s0));
      w1 = w1.add(s1.mul(s1));
      w2 = w2.add(s2.mul(s2));
      w3 = w3.add(s3.mul(s3));
    }
    int rest = dimension - i;
    // The last, partial round under masks: a lane past the end squares 0 - 0 and adds +0.
    if (rest > 0) {
      VectorMask<Double> m = D4.indexInRange(0, rest);
      v0 = v0.add(square(a, x + i, b, y + i, m));
      w0 = w0.add(square(a, u + i, b, y + i, m));
    }
    if (rest > 4) {
      VectorMask<Double> m = D4.indexInRange(4, rest);
      v1 = v1.add(square(a, x + i + 4, b, y + i + 4, m));
      w1 = w1.add(square(a, u + i + 4, b, y + i + 4, m));
    }
    if (rest > 8) {
      VectorMask<Double> m = D4.indexInRange(8, rest);
      v2 = v2.add(square(a, x + i + 8, b, y + i + 8, m));
      w2 = w2.add(square(a, u + i + 8, b, y + i + 8, m));
    }
    if (rest > 12) {
      VectorMask<Double> m = D4.indexInRange(12, rest);
      v3 = v3.add(square(a, x + i + 12, b, y + i + 12, m));
      w3 = w3.add(square(a, u + i + 12, b, y + i + 12, m));
    }
    out[p] = sum4(v0, v1, v2, v3);
    out[p + 1] = sum4(w0, w1, w2, w3);
  }

  /**
   * {@code acc + a b} lane by lane, fused, under {@code m} (where it is unset {@code acc + 0 * 0},
   * which is {@code acc}: a chain of the definition is never -0).
   */
  private static DoubleVector product(double[] a, int x, double[] b, int y, VectorMask<Double> m,
      DoubleVector acc) {
    return DoubleVector.fromArray(D4, a, x, m).fma(DoubleVector.fromArray(D4, b, y, m), acc);
  }

  /** {@code (a - b)^2} lane by lane, under {@code m} (+0 where it is unset). */
  private static DoubleVector square(double[] a, int x, double[] b, int y, VectorMask<Double> m) {
    DoubleVector t = DoubleVector.fromArray(D4, a, x, m).sub(DoubleVector.fromArray(D4, b, y, m));
    return t.mul(t);
  }

  /**
   * The definition's last steps on four vectors holding chains 0-3, 4-7, 8-11 and 12-15: lanewise
   * {@code (v0 + v2) + (v1 + v3)} is {@code y_l}, then {@code (y_0 + y_2) + (y_1 + y_3)}.
   */
  private static double sum4(DoubleVector v0, DoubleVector v1, DoubleVector v2, DoubleVector v3) {
    DoubleVector c = v0.add(v2).add(v1.add(v3));
    return (c.lane(0) + c.lane(2)) + (c.lane(1) + c.lane(3));
  }

  @Override
  public void integerSquaredEuclidean(float[] a, int[] aOffsets, float[] b, int bOffset,
      int count, int dimension, double[] out) {
    integers(a, aOffsets, b, bOffset, count, dimension, out, true);
  }

  @Override
  public void integerDots(float[] a, int[] aOffsets, float[] b, int bOffset, int count,
      int dimension, double[] out) {
    integers(a, aOffsets, b, bOffset, count, dimension, out, false);
  }

  /**
   * The integer sums, squared differences or products: on 512-bit registers two pairs side by
   * side in one accumulator of sixteen lanes each (the second vector loaded once for both, the
   * two chains of adds filling each other's waits), on narrower ones each pair in two
   * accumulators of eight. Either way sixteen chains, each adding at most
   * {@code ceil(dimension / 16)} terms; lanes past the end are loaded as +0 and add nothing. The
   * accumulators hold integers of at most 2^24, summed exactly in double.
   */
  private static void integers(float[] a, int[] aOffsets, float[] b, int bOffset, int count,
      int dimension, double[] out, boolean squares) {
    int p = 0;
    int whole = dimension & -16;
    if (WIDE_DOUBLES) {
      for (; p + 1 < count; p += 2) {
        FloatVector s = FloatVector.zero(F16);
        FloatVector t = s;
        int x = aOffsets[p];
        int u = aOffsets[p + 1];
        int i = 0;
        for (; i < whole; i += 16) {
          FloatVector y = FloatVector.fromArray(F16, b, bOffset + i);
          s = term16(FloatVector.fromArray(F16, a, x + i), y, s, squares);
          t = term16(FloatVector.fromArray(F16, a, u + i), y, t, squares);
        }
        if (i < dimension) {
          VectorMask<Float> m = F16.indexInRange(i, dimension);
          FloatVector y = FloatVector.fromArray(F16, b, bOffset + i, m);
          s = term16(FloatVector.fromArray(F16, a, x + i, m), y, s, squares);
          t = term16(FloatVector.fromArray(F16, a, u + i, m), y, t, squares);
        }
        out[p] = integerSum(s);
        out[p + 1] = integerSum(t);
      }
      if (p < count) {
        FloatVector s = FloatVector.zero(F16);
        int x = aOffsets[p];
        int i = 0;
        for (; i < whole; i += 16) {
          s = term16(FloatVector.fromArray(F16, a, x + i),
              FloatVector.fromArray(F16, b, bOffset + i), s, squares);
        }
        if (i < dimension) {
          VectorMask<Float> m = F16.indexInRange(i, dimension);
          s = term16(FloatVector.fromArray(F16, a, x + i, m),
              FloatVector.fromArray(F16, b, bOffset + i, m), s, squares);
        }
        out[p] = integerSum(s);
      }
      return;
    }
    for (; p < count; p++) {
      FloatVector s = FloatVector.zero(F8);
      FloatVector t = s;
      int x = aOffsets[p];
      int i = 0;
      for (; i < whole; i += 16) {
        s = term8(FloatVector.fromArray(F8, a, x + i), FloatVector.fromArray(F8, b, bOffset + i),
            s, squares);
        t = term8(FloatVector.fromArray(F8, a, x + i + 8),
            FloatVector.fromArray(F8, b, bOffset + i + 8), t, squares);
      }
      if (i < dimension) {
        VectorMask<Float> m0 = F8.indexInRange(i, dimension);
        s = term8(FloatVector.fromArray(F8, a, x + i, m0),
            FloatVector.fromArray(F8, b, bOffset + i, m0), s, squares);
        if (i + 8 < dimension) {
          VectorMask<Float> m1 = F8.indexInRange(i + 8, dimension);
          t = term8(FloatVector.fromArray(F8, a, x + i + 8, m1),
              FloatVector.fromArray(F8, b, bOffset + i + 8, m1), t, squares);
        }
      }
      out[p] = integerSum8(s) + integerSum8(t);
    }
  }

  /**
   * One round of {@link #integers} on sixteen lanes: {@code acc + (x - y)^2} or {@code acc + x
   * y}. (One method per shape: a call site that met both would no longer inline the vector
   * operations, and every vector would become an object.)
   */
  private static FloatVector term16(FloatVector x, FloatVector y, FloatVector acc,
      boolean squares) {
    if (squares) {
      FloatVector e = x.sub(y);
      return e.fma(e, acc);
    }
    return x.fma(y, acc);
  }

  /** {@link #term16} on eight lanes. */
  private static FloatVector term8(FloatVector x, FloatVector y, FloatVector acc,
      boolean squares) {
    if (squares) {
      FloatVector e = x.sub(y);
      return e.fma(e, acc);
    }
    return x.fma(y, acc);
  }

  /**
   * The sixteen lanes of an accumulator of {@link #integers}, integers of at most 2^24: their
   * exact sum, in double (converting to int and summing there is as exact, but twice as slow on
   * JDK 17).
   */
  private static double integerSum(FloatVector v) {
    DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, D8, 0);
    DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, D8, 1);
    return lo.add(hi).reduceLanes(VectorOperators.ADD);
  }

  /** {@link #integerSum} of an accumulator of eight lanes. */
  private static double integerSum8(FloatVector v) {
    DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, D4, 0);
    DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, D4, 1);
    return lo.add(hi).reduceLanes(VectorOperators.ADD);
  }

  /** The definition's last step on eight lanes holding {@code c_j + c_{j+8}}. */
  private static double sum8(DoubleVector c) {
    double y0 = c.lane(0) + c.lane(4);
    double y1 = c.lane(1) + c.lane(5);
    double y2 = c.lane(2) + c.lane(6);
    double y3 = c.lane(3) + c.lane(7);
    return (y0 + y2) + (y1 + y3);
  }

  /**
   * {@link #squaredEuclidean8} on narrower registers: the chains in four vectors of four doubles
   * (0-3, 4-7, 8-11, 12-15); lanewise {@code (v0 + v2) + (v1 + v3)} is the definition's {@code
   * y_l}.
   */
  private static double squaredEuclidean4(double[] a, int x, double[] b, int y, int dimension) {
    DoubleVector v0 = DoubleVector.zero(D4);
    DoubleVector v1 = v0;
    DoubleVector v2 = v0;
    DoubleVector v3 = v0;
    int i = 0;
    for (; i + 16 <= dimension; i += 16) {
      DoubleVector t0 = DoubleVector.fromArray(D4, a, x + i).sub(DoubleVector.fromArray(D4, b, y + i));
      DoubleVector t1 =
          DoubleVector.fromArray(D4, a, x + i + 4).sub(DoubleVector.fromArray(D4, b, y + i + 4));
      DoubleVector t2 =
          DoubleVector.fromArray(D4, a, x + i + 8).sub(DoubleVector.fromArray(D4, b, y + i + 8));
      DoubleVector t3 =
          DoubleVector.fromArray(D4, a, x + i + 12).sub(DoubleVector.fromArray(D4, b, y + i + 12));
      v0 = v0.add(t0.mul(t0));
      v1 = v1.add(t1.mul(t1));
      v2 = v2.add(t2.mul(t2));
      v3 = v3.add(t3.mul(t3));
    }
    for (int q = 0, rest = dimension - i; q < 4 && rest > 4 * q; q++) {
      VectorMask<Double> m = D4.indexInRange(4 * q, rest);
      DoubleVector t = DoubleVector.fromArray(D4, a, x + i + 4 * q, m)
          .sub(DoubleVector.fromArray(D4, b, y + i + 4 * q, m));
      DoubleVector s = t.mul(t);
      if (q == 0) {
        v0 = v0.add(s);
      } else if (q == 1) {
        v1 = v1.add(s);
      } else if (q == 2) {
        v2 = v2.add(s);
      } else {
        v3 = v3.add(s);
      }
    }
    return sum4(v0, v1, v2, v3);
  }

  @Override
  public float manhattan(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
    if (dimension < LANES) {
      // The tail loop alone, as in dot: the same bits.
      float sum = 0;
      for (int i = 0; i < dimension; i++) {
        sum += Math.abs(a[aOffset + i] - b[bOffset + i]);
      }
      return sum;
    }
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = FloatVector.zero(SPECIES);
    int i = 0;
    int bound2 = dimension - 2 * LANES;
    for (; i <= bound2; i += 2 * LANES) {
      acc0 = acc0.add(FloatVector.fromArray(SPECIES, a, aOffset + i)
          .sub(FloatVector.fromArray(SPECIES, b, bOffset + i)).abs());
      acc1 = acc1.add(FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
          .sub(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES)).abs());
    }
    if (i <= dimension - LANES) {
      acc0 = acc0.add(FloatVector.fromArray(SPECIES, a, aOffset + i)
          .sub(FloatVector.fromArray(SPECIES, b, bOffset + i)).abs());
      i += LANES;
    }
    float sum = sumLanes(acc0.add(acc1));
    for (; i < dimension; i++) {
      sum += Math.abs(a[aOffset + i] - b[bOffset + i]);
    }
    return sum;
  }

  /**
   * Rotations by LANES/2, LANES/4, ..., 1 lanes, for {@link #sumLanes}: built once, as constants
   * the JIT compiles to single permutes.
   */
  private static final VectorShuffle<Float>[] ROTATIONS = rotations();

  @SuppressWarnings("unchecked")
  private static VectorShuffle<Float>[] rotations() {
    int steps = Integer.numberOfTrailingZeros(LANES);
    VectorShuffle<Float>[] r = new VectorShuffle[steps];
    for (int s = 0, w = LANES / 2; s < steps; s++, w /= 2) {
      int by = w;
      r[s] = VectorShuffle.fromOp(SPECIES, i -> (i + by) % LANES);
    }
    return r;
  }

  /**
   * Adds the lanes in a fixed tree of lanewise additions (halves, then quarters, ...). {@code
   * reduceLanes(ADD)} may add in another order once the JIT compiles it than in the interpreter,
   * which would let a result depend on timing; lanewise additions are exact IEEE operations in
   * every tier, so this does not. (Adding lane by lane in order, as before, cost about 16 slow lane
   * extractions per call.)
   */
  private static float sumLanes(FloatVector v) {
    FloatVector s = v;
    for (VectorShuffle<Float> rotation : ROTATIONS) {
      s = s.add(s.rearrange(rotation));
    }
    return s.lane(0);
  }

  @Override
  public int tileWidth() {
    return WIDTH;
  }

  @Override
  public void dotTile(float[] strip, int stripOffset, int length, float[] panel, int panelOffset,
      float[] out, int outOffset, boolean accumulate) {
    if (VECTORS == 4) {
      dotTile6x4(strip, stripOffset, length, panel, panelOffset, out, outOffset, accumulate);
    } else {
      dotTile6x2(strip, stripOffset, length, panel, panelOffset, out, outOffset, accumulate);
    }
  }

  /** Zero, or the partial sums of an earlier chunk. */
  private static FloatVector start(float[] out, int offset, boolean accumulate) {
    return accumulate ? FloatVector.fromArray(SPECIES, out, offset) : FloatVector.zero(SPECIES);
  }

  /**
   * Six rows by four vectors of accumulators. The six row values of a step are adjacent in the
   * packed strip (one cache line feeds several steps), which measured 15-20% faster on JDK 25 than
   * broadcasting from six row-major vectors (D=128 and D=784).
   */
  private static void dotTile6x4(float[] strip, int stripOffset, int length, float[] panel,
      int panelOffset, float[] out, int o, boolean accumulate) {
    FloatVector c00 = start(out, o, accumulate);
    FloatVector c01 = start(out, o + 1 * LANES, accumulate);
    FloatVector c02 = start(out, o + 2 * LANES, accumulate);
    FloatVector c03 = start(out, o + 3 * LANES, accumulate);
    FloatVector c10 = start(out, o + 1 * WIDTH, accumulate);
    FloatVector c11 = start(out, o + 1 * WIDTH + 1 * LANES, accumulate);
    FloatVector c12 = start(out, o + 1 * WIDTH + 2 * LANES, accumulate);
    FloatVector c13 = start(out, o + 1 * WIDTH + 3 * LANES, accumulate);
    FloatVector c20 = start(out, o + 2 * WIDTH, accumulate);
    FloatVector c21 = start(out, o + 2 * WIDTH + 1 * LANES, accumulate);
    FloatVector c22 = start(out, o + 2 * WIDTH + 2 * LANES, accumulate);
    FloatVector c23 = start(out, o + 2 * WIDTH + 3 * LANES, accumulate);
    FloatVector c30 = start(out, o + 3 * WIDTH, accumulate);
    FloatVector c31 = start(out, o + 3 * WIDTH + 1 * LANES, accumulate);
    FloatVector c32 = start(out, o + 3 * WIDTH + 2 * LANES, accumulate);
    FloatVector c33 = start(out, o + 3 * WIDTH + 3 * LANES, accumulate);
    FloatVector c40 = start(out, o + 4 * WIDTH, accumulate);
    FloatVector c41 = start(out, o + 4 * WIDTH + 1 * LANES, accumulate);
    FloatVector c42 = start(out, o + 4 * WIDTH + 2 * LANES, accumulate);
    FloatVector c43 = start(out, o + 4 * WIDTH + 3 * LANES, accumulate);
    FloatVector c50 = start(out, o + 5 * WIDTH, accumulate);
    FloatVector c51 = start(out, o + 5 * WIDTH + 1 * LANES, accumulate);
    FloatVector c52 = start(out, o + 5 * WIDTH + 2 * LANES, accumulate);
    FloatVector c53 = start(out, o + 5 * WIDTH + 3 * LANES, accumulate);
    // Two induction variables stepping by constants (not d * WIDTH): measured faster on JDK 17.
    for (int p = panelOffset, q = stripOffset, end = stripOffset + TILE_ROWS * length; q < end;
        p += WIDTH, q += TILE_ROWS) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, panel, p);
      FloatVector b1 = FloatVector.fromArray(SPECIES, panel, p + LANES);
      FloatVector b2 = FloatVector.fromArray(SPECIES, panel, p + 2 * LANES);
      FloatVector b3 = FloatVector.fromArray(SPECIES, panel, p + 3 * LANES);
      FloatVector x = FloatVector.broadcast(SPECIES, strip[q]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      c02 = x.fma(b2, c02);
      c03 = x.fma(b3, c03);
      x = FloatVector.broadcast(SPECIES, strip[q + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      c12 = x.fma(b2, c12);
      c13 = x.fma(b3, c13);
      x = FloatVector.broadcast(SPECIES, strip[q + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      c22 = x.fma(b2, c22);
      c23 = x.fma(b3, c23);
      x = FloatVector.broadcast(SPECIES, strip[q + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      c32 = x.fma(b2, c32);
      c33 = x.fma(b3, c33);
      x = FloatVector.broadcast(SPECIES, strip[q + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      c42 = x.fma(b2, c42);
      c43 = x.fma(b3, c43);
      x = FloatVector.broadcast(SPECIES, strip[q + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      c52 = x.fma(b2, c52);
      c53 = x.fma(b3, c53);
    }
    c00.intoArray(out, o);
    c01.intoArray(out, o + 1 * LANES);
    c02.intoArray(out, o + 2 * LANES);
    c03.intoArray(out, o + 3 * LANES);
    c10.intoArray(out, o + 1 * WIDTH);
    c11.intoArray(out, o + 1 * WIDTH + 1 * LANES);
    c12.intoArray(out, o + 1 * WIDTH + 2 * LANES);
    c13.intoArray(out, o + 1 * WIDTH + 3 * LANES);
    c20.intoArray(out, o + 2 * WIDTH);
    c21.intoArray(out, o + 2 * WIDTH + 1 * LANES);
    c22.intoArray(out, o + 2 * WIDTH + 2 * LANES);
    c23.intoArray(out, o + 2 * WIDTH + 3 * LANES);
    c30.intoArray(out, o + 3 * WIDTH);
    c31.intoArray(out, o + 3 * WIDTH + 1 * LANES);
    c32.intoArray(out, o + 3 * WIDTH + 2 * LANES);
    c33.intoArray(out, o + 3 * WIDTH + 3 * LANES);
    c40.intoArray(out, o + 4 * WIDTH);
    c41.intoArray(out, o + 4 * WIDTH + 1 * LANES);
    c42.intoArray(out, o + 4 * WIDTH + 2 * LANES);
    c43.intoArray(out, o + 4 * WIDTH + 3 * LANES);
    c50.intoArray(out, o + 5 * WIDTH);
    c51.intoArray(out, o + 5 * WIDTH + 1 * LANES);
    c52.intoArray(out, o + 5 * WIDTH + 2 * LANES);
    c53.intoArray(out, o + 5 * WIDTH + 3 * LANES);
  }

  /** Six rows by two vectors of accumulators. */
  private static void dotTile6x2(float[] strip, int stripOffset, int length, float[] panel,
      int panelOffset, float[] out, int o, boolean accumulate) {
    FloatVector c00 = start(out, o, accumulate);
    FloatVector c01 = start(out, o + 1 * LANES, accumulate);
    FloatVector c10 = start(out, o + 1 * WIDTH, accumulate);
    FloatVector c11 = start(out, o + 1 * WIDTH + 1 * LANES, accumulate);
    FloatVector c20 = start(out, o + 2 * WIDTH, accumulate);
    FloatVector c21 = start(out, o + 2 * WIDTH + 1 * LANES, accumulate);
    FloatVector c30 = start(out, o + 3 * WIDTH, accumulate);
    FloatVector c31 = start(out, o + 3 * WIDTH + 1 * LANES, accumulate);
    FloatVector c40 = start(out, o + 4 * WIDTH, accumulate);
    FloatVector c41 = start(out, o + 4 * WIDTH + 1 * LANES, accumulate);
    FloatVector c50 = start(out, o + 5 * WIDTH, accumulate);
    FloatVector c51 = start(out, o + 5 * WIDTH + 1 * LANES, accumulate);
    // Two induction variables stepping by constants (not d * WIDTH): measured faster on JDK 17.
    for (int p = panelOffset, q = stripOffset, end = stripOffset + TILE_ROWS * length; q < end;
        p += WIDTH, q += TILE_ROWS) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, panel, p);
      FloatVector b1 = FloatVector.fromArray(SPECIES, panel, p + LANES);
      FloatVector x = FloatVector.broadcast(SPECIES, strip[q]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(SPECIES, strip[q + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(SPECIES, strip[q + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(SPECIES, strip[q + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(SPECIES, strip[q + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(SPECIES, strip[q + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    c00.intoArray(out, o);
    c01.intoArray(out, o + 1 * LANES);
    c10.intoArray(out, o + 1 * WIDTH);
    c11.intoArray(out, o + 1 * WIDTH + 1 * LANES);
    c20.intoArray(out, o + 2 * WIDTH);
    c21.intoArray(out, o + 2 * WIDTH + 1 * LANES);
    c30.intoArray(out, o + 3 * WIDTH);
    c31.intoArray(out, o + 3 * WIDTH + 1 * LANES);
    c40.intoArray(out, o + 4 * WIDTH);
    c41.intoArray(out, o + 4 * WIDTH + 1 * LANES);
    c50.intoArray(out, o + 5 * WIDTH);
    c51.intoArray(out, o + 5 * WIDTH + 1 * LANES);
  }

  @Override
  public void manhattanTile(float[] strip, int stripOffset, int length, float[] panel,
      int panelOffset, float[] out, int outOffset, boolean accumulate) {
    // Three rows by two vectors at a time: each lane needs a subtraction, an absolute value and an
    // add, so the block is smaller than the dot product's.
    for (int v = 0; v < WIDTH; v += 2 * LANES) {
      for (int r = 0; r < TILE_ROWS; r += 3) {
        manhattan3x2(strip, stripOffset + r, length, panel, panelOffset + v, out,
            outOffset + r * WIDTH + v, accumulate);
      }
    }
  }

  /** Rows {@code 0..2} of the strip from {@code stripOffset} against two vectors of the panel. */
  private static void manhattan3x2(float[] strip, int stripOffset, int length, float[] panel,
      int panelOffset, float[] out, int o, boolean accumulate) {
    FloatVector c00 = start(out, o, accumulate);
    FloatVector c01 = start(out, o + LANES, accumulate);
    FloatVector c10 = start(out, o + WIDTH, accumulate);
    FloatVector c11 = start(out, o + WIDTH + LANES, accumulate);
    FloatVector c20 = start(out, o + 2 * WIDTH, accumulate);
    FloatVector c21 = start(out, o + 2 * WIDTH + LANES, accumulate);
    for (int p = panelOffset, q = stripOffset, end = stripOffset + TILE_ROWS * length; q < end;
        p += WIDTH, q += TILE_ROWS) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, panel, p);
      FloatVector b1 = FloatVector.fromArray(SPECIES, panel, p + LANES);
      FloatVector x = FloatVector.broadcast(SPECIES, strip[q]);
      c00 = c00.add(x.sub(b0).abs());
      c01 = c01.add(x.sub(b1).abs());
      x = FloatVector.broadcast(SPECIES, strip[q + 1]);
      c10 = c10.add(x.sub(b0).abs());
      c11 = c11.add(x.sub(b1).abs());
      x = FloatVector.broadcast(SPECIES, strip[q + 2]);
      c20 = c20.add(x.sub(b0).abs());
      c21 = c21.add(x.sub(b1).abs());
    }
    c00.intoArray(out, o);
    c01.intoArray(out, o + LANES);
    c10.intoArray(out, o + WIDTH);
    c11.intoArray(out, o + WIDTH + LANES);
    c20.intoArray(out, o + 2 * WIDTH);
    c21.intoArray(out, o + 2 * WIDTH + LANES);
  }

  @Override
  public void chebyshevTile(float[] strip, int stripOffset, int length, float[] panel,
      int panelOffset, float[] out, int outOffset, boolean accumulate) {
    for (int v = 0; v < WIDTH; v += 2 * LANES) {
      for (int r = 0; r < TILE_ROWS; r += 3) {
        chebyshev3x2(strip, stripOffset + r, length, panel, panelOffset + v, out,
            outOffset + r * WIDTH + v, accumulate);
      }
    }
  }

  /** {@link #manhattan3x2} with the maximum in place of the sum. */
  private static void chebyshev3x2(float[] strip, int stripOffset, int length, float[] panel,
      int panelOffset, float[] out, int o, boolean accumulate) {
    FloatVector c00 = start(out, o, accumulate);
    FloatVector c01 = start(out, o + LANES, accumulate);
    FloatVector c10 = start(out, o + WIDTH, accumulate);
    FloatVector c11 = start(out, o + WIDTH + LANES, accumulate);
    FloatVector c20 = start(out, o + 2 * WIDTH, accumulate);
    FloatVector c21 = start(out, o + 2 * WIDTH + LANES, accumulate);
    for (int p = panelOffset, q = stripOffset, end = stripOffset + TILE_ROWS * length; q < end;
        p += WIDTH, q += TILE_ROWS) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, panel, p);
      FloatVector b1 = FloatVector.fromArray(SPECIES, panel, p + LANES);
      FloatVector x = FloatVector.broadcast(SPECIES, strip[q]);
      c00 = c00.max(x.sub(b0).abs());
      c01 = c01.max(x.sub(b1).abs());
      x = FloatVector.broadcast(SPECIES, strip[q + 1]);
      c10 = c10.max(x.sub(b0).abs());
      c11 = c11.max(x.sub(b1).abs());
      x = FloatVector.broadcast(SPECIES, strip[q + 2]);
      c20 = c20.max(x.sub(b0).abs());
      c21 = c21.max(x.sub(b1).abs());
    }
    c00.intoArray(out, o);
    c01.intoArray(out, o + LANES);
    c10.intoArray(out, o + WIDTH);
    c11.intoArray(out, o + WIDTH + LANES);
    c20.intoArray(out, o + 2 * WIDTH);
    c21.intoArray(out, o + 2 * WIDTH + LANES);
  }

  @Override
  public int screen(float[] tile, int tileOffset, int rows, float scale, float[] rowAdd, int row0,
      float[] colAdd, int col0, float[] rowThreshold, float[] colThreshold, int[] hits) {
    // Two loops, not one with a test inside: where both kinds of call reach one compiled loop
    // (a search, then a self-join), C2 merges the two masks at a phi and boxes them, and the
    // screen ran 2.4x slower (random 100,000 x 128: join 23 s alone, 29-30 s after a search).
    return colThreshold == null
        ? screenRows(tile, tileOffset, rows, scale, rowAdd, row0, colAdd, col0, rowThreshold, hits)
        : screenBoth(tile, tileOffset, rows, scale, rowAdd, row0, colAdd, col0, rowThreshold,
            colThreshold, hits);
  }

  /** {@link #screen} against the rows' thresholds only. */
  private static int screenRows(float[] tile, int tileOffset, int rows, float scale, float[] rowAdd,
      int row0, float[] colAdd, int col0, float[] rowThreshold, int[] hits) {
    int n = 0;
    for (int r = 0; r < rows; r++) {
      float add = rowAdd[row0 + r];
      float threshold = rowThreshold[row0 + r];
      for (int v = 0; v < WIDTH; v += LANES) {
        int pos = r * WIDTH + v;
        FloatVector t = FloatVector.fromArray(SPECIES, tile, tileOffset + pos)
            .fma(FloatVector.broadcast(SPECIES, scale), FloatVector.fromArray(SPECIES, colAdd, col0 + v).add(add));
        t.intoArray(tile, tileOffset + pos);
        VectorMask<Float> pass = t.compare(VectorOperators.LE, threshold);
        if (pass.anyTrue()) {
          for (long bits = pass.toLong(); bits != 0; bits &= bits - 1) {
            hits[n++] = pos + Long.numberOfTrailingZeros(bits);
          }
        }
      }
    }
    return n;
  }

  /** {@link #screen} against the rows' and the columns' thresholds. */
  private static int screenBoth(float[] tile, int tileOffset, int rows, float scale, float[] rowAdd,
      int row0, float[] colAdd, int col0, float[] rowThreshold, float[] colThreshold, int[] hits) {
    int n = 0;
    for (int r = 0; r < rows; r++) {
      float add = rowAdd[row0 + r];
      float threshold = rowThreshold[row0 + r];
      for (int v = 0; v < WIDTH; v += LANES) {
        int pos = r * WIDTH + v;
        FloatVector t = FloatVector.fromArray(SPECIES, tile, tileOffset + pos)
            .fma(FloatVector.broadcast(SPECIES, scale), FloatVector.fromArray(SPECIES, colAdd, col0 + v).add(add));
        t.intoArray(tile, tileOffset + pos);
        VectorMask<Float> pass = t.compare(VectorOperators.LE, threshold)
            .or(t.compare(VectorOperators.LE, FloatVector.fromArray(SPECIES, colThreshold, col0 + v)));
        if (pass.anyTrue()) {
          for (long bits = pass.toLong(); bits != 0; bits &= bits - 1) {
            hits[n++] = pos + Long.numberOfTrailingZeros(bits);
          }
        }
      }
    }
    return n;
  }

  @Override
  public String name() {
    return "panama-" + SPECIES.vectorBitSize() + "/" + TILE_ROWS + "x" + VECTORS;
  }
}
