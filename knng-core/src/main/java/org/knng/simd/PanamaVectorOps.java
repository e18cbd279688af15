package org.knng.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorOps} on the incubator Vector API, using the widest float species the CPU offers.
 * This is the only class family that imports {@code jdk.incubator.vector}; it is loaded
 * reflectively by {@link VectorOpsProvider} only when that module is in the boot layer.
 */
final class PanamaVectorOps implements VectorOps {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  PanamaVectorOps() {}

  @Override
  public float dot(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
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
    float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < dimension; i++) {
      sum = Math.fma(a[aOffset + i], b[bOffset + i], sum);
    }
    return sum;
  }

  @Override
  public float squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
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
    float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < dimension; i++) {
      float d = a[aOffset + i] - b[bOffset + i];
      sum = Math.fma(d, d, sum);
    }
    return sum;
  }

  @Override
  public float manhattan(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
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
    float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < dimension; i++) {
      sum += Math.abs(a[aOffset + i] - b[bOffset + i]);
    }
    return sum;
  }

  @Override
  public String name() {
    return "panama-" + SPECIES.vectorBitSize();
  }
}
