package org.normlab.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LossKernels} on the Vector API, with the lanewise EXP and LOG operators (vectorized
 * math library calls on x86). Package-private: loaded only through {@link VectorKernels}. The
 * scalar math of each loop is the comment above it; row tails use masked vectors so that short
 * rows (10 classes) stay vectorized too.
 */
final class VectorLossKernels implements LossKernels {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final VectorSpecies<Double> D = VectorKernels.D;
  private static final ScalarLossKernels TAIL = ScalarLossKernels.INSTANCE;

  @Override
  public double logSumExpRow(float[] p, int pOff, float[] x, int xOff, int len, float scale) {
    int step = F.length();
    int bound = F.loopBound(len);
    // m = max_j x[j]
    FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    int j = 0;
    for (; j < bound; j += step) {
      vmax = vmax.max(FloatVector.fromArray(F, x, xOff + j));
    }
    VectorMask<Float> tail = F.indexInRange(j, len);
    if (j < len) {
      vmax = vmax.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, xOff + j, tail), tail);
    }
    float m = vmax.reduceLanes(VectorOperators.MAX);
    // e = exp(x[j] - m); s += e; p[j] = e
    FloatVector vs = FloatVector.zero(F);
    for (j = 0; j < bound; j += step) {
      FloatVector e = FloatVector.fromArray(F, x, xOff + j).sub(m).lanewise(VectorOperators.EXP);
      vs = vs.add(e);
      if (p != null) {
        e.intoArray(p, pOff + j);
      }
    }
    if (j < len) {
      FloatVector e = FloatVector.fromArray(F, x, xOff + j, tail).sub(m).lanewise(VectorOperators.EXP);
      vs = vs.add(e, tail);
      if (p != null) {
        e.intoArray(p, pOff + j, tail);
      }
    }
    double s = vs.reduceLanes(VectorOperators.ADD);
    if (p != null) {
      // p[j] *= scale / s
      float factor = (float) (scale / s);
      for (j = 0; j < bound; j += step) {
        FloatVector.fromArray(F, p, pOff + j).mul(factor).intoArray(p, pOff + j);
      }
      if (j < len) {
        FloatVector.fromArray(F, p, pOff + j, tail).mul(factor).intoArray(p, pOff + j, tail);
      }
    }
    return m + Math.log(s);
  }

  @Override
  public double squaredError(float[] loss, float[] grad, float[] pred, float[] target, int off, int len,
      float gradScale) {
    // d = pred[i] - target[i]; s += d*d (double); loss[i] = d*d; grad[i] = 2*gradScale*d
    DoubleVector acc0 = DoubleVector.zero(D);
    DoubleVector acc1 = DoubleVector.zero(D);
    float twoScale = 2 * gradScale;
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector d = FloatVector.fromArray(F, pred, off + i).sub(FloatVector.fromArray(F, target, off + i));
      DoubleVector lo = (DoubleVector) d.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector hi = (DoubleVector) d.convertShape(VectorOperators.F2D, D, 1);
      acc0 = lo.fma(lo, acc0);
      acc1 = hi.fma(hi, acc1);
      if (loss != null) {
        d.mul(d).intoArray(loss, off + i);
      }
      if (grad != null) {
        d.mul(twoScale).intoArray(grad, off + i);
      }
    }
    return acc0.add(acc1).reduceLanes(VectorOperators.ADD)
        + TAIL.squaredError(loss, grad, pred, target, off + i, len - i, gradScale);
  }
}
