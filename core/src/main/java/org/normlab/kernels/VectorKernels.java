package org.normlab.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link KernelSupport} on the Vector API. Package-private and only ever loaded by
 * {@link Kernels} after it checked that {@code jdk.incubator.vector} is present. Each loop's
 * scalar math is the same as {@link ScalarKernels}'; tails run the scalar code.
 *
 * <p>Double accumulation: each float vector is widened to two double vectors (F2D, parts 0 and 1)
 * before adding, so sums are exact to double rounding like the scalar path (the order of additions
 * differs, so results agree to double rounding, not bitwise).
 */
final class VectorKernels implements KernelSupport {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /** Doubles in a vector of the same bit size: half as many lanes, so one float vector widens to two. */
  static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
  private static final ScalarKernels TAIL = ScalarKernels.INSTANCE;

  @Override
  public String name() {
    return "vector(" + F.vectorBitSize() + " bit)";
  }

  private static DoubleVector lo(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
  }

  private static DoubleVector hi(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
  }

  @Override
  public double sum(float[] x, int off, int len) {
    // s += x[i]
    DoubleVector acc0 = DoubleVector.zero(D);
    DoubleVector acc1 = DoubleVector.zero(D);
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, off + i);
      acc0 = acc0.add(lo(v));
      acc1 = acc1.add(hi(v));
    }
    return Lanes.sum(acc0.add(acc1)) + TAIL.sum(x, off + i, len - i);
  }

  @Override
  public double sumOfSquares(float[] x, int off, int len) {
    // s += x[i] * x[i] (in double)
    // Two full-width loads per step, each widened in two parts (F2D parts 0 and 1), into four
    // accumulators, so that four fused multiply-adds are in flight (latency 4 cycles). Full-width
    // loads stream from memory faster than half-width ones (128 MiB, 1 thread: 10.3 ms with one
    // full load and two accumulators, 12.2 ms with four half-width loads). Lane j of accumulator
    // a sums a fixed set of elements; the accumulators are added in a fixed tree and their lanes
    // in order, so the result never depends on the JIT or the thread count.
    int fl = F.length();
    DoubleVector acc0 = DoubleVector.zero(D);
    DoubleVector acc1 = acc0;
    DoubleVector acc2 = acc0;
    DoubleVector acc3 = acc0;
    int i = 0;
    for (; i <= len - 2 * fl; i += 2 * fl) {
      FloatVector v = FloatVector.fromArray(F, x, off + i);
      FloatVector w = FloatVector.fromArray(F, x, off + i + fl);
      DoubleVector v0 = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector v1 = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
      DoubleVector w0 = (DoubleVector) w.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector w1 = (DoubleVector) w.convertShape(VectorOperators.F2D, D, 1);
      acc0 = v0.fma(v0, acc0);
      acc1 = v1.fma(v1, acc1);
      acc2 = w0.fma(w0, acc2);
      acc3 = w1.fma(w1, acc3);
    }
    return Lanes.sum(acc0.add(acc1).add(acc2.add(acc3))) + TAIL.sumOfSquares(x, off + i, len - i);
  }

  @Override
  public double sumOfSquaredDeviations(float[] x, int off, int len, double mean) {
    // d = x[i] - mean; s += d * d (in double)
    DoubleVector m = DoubleVector.broadcast(D, mean);
    DoubleVector acc0 = DoubleVector.zero(D);
    DoubleVector acc1 = DoubleVector.zero(D);
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, off + i);
      DoubleVector a = lo(v).sub(m);
      DoubleVector b = hi(v).sub(m);
      acc0 = a.fma(a, acc0);
      acc1 = b.fma(b, acc1);
    }
    return Lanes.sum(acc0.add(acc1))
        + TAIL.sumOfSquaredDeviations(x, off + i, len - i, mean);
  }

  @Override
  public double dot(float[] a, int aOff, float[] b, int bOff, int len) {
    // s += a[i] * b[i] (in double)
    DoubleVector acc0 = DoubleVector.zero(D);
    DoubleVector acc1 = DoubleVector.zero(D);
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector va = FloatVector.fromArray(F, a, aOff + i);
      FloatVector vb = FloatVector.fromArray(F, b, bOff + i);
      acc0 = lo(va).fma(lo(vb), acc0);
      acc1 = hi(va).fma(hi(vb), acc1);
    }
    return Lanes.sum(acc0.add(acc1))
        + TAIL.dot(a, aOff + i, b, bOff + i, len - i);
  }

  @Override
  public void scaleShift(float[] x, int xOff, float[] y, int yOff, int len, float scale, float shift) {
    // y[i] = fma(x[i], scale, shift)
    FloatVector vs = FloatVector.broadcast(F, scale);
    FloatVector vb = FloatVector.broadcast(F, shift);
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector.fromArray(F, x, xOff + i).fma(vs, vb).intoArray(y, yOff + i);
    }
    TAIL.scaleShift(x, xOff + i, y, yOff + i, len - i, scale, shift);
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
    // y[i] = fma(alpha, x[i], y[i])
    FloatVector va = FloatVector.broadcast(F, alpha);
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector.fromArray(F, x, xOff + i).fma(va, FloatVector.fromArray(F, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    TAIL.axpy(alpha, x, xOff + i, y, yOff + i, len - i);
  }

  @Override
  public void scale(float[] x, int off, int len, float alpha) {
    // x[i] *= alpha
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector.fromArray(F, x, off + i).mul(alpha).intoArray(x, off + i);
    }
    TAIL.scale(x, off + i, len - i, alpha);
  }

  @Override
  public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int len) {
    // out[i] = a[i] + b[i]
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i))
          .intoArray(out, oOff + i);
    }
    TAIL.add(a, aOff + i, b, bOff + i, out, oOff + i, len - i);
  }

  @Override
  public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int len) {
    // out[i] = a[i] * b[i]
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i))
          .intoArray(out, oOff + i);
    }
    TAIL.mul(a, aOff + i, b, bOff + i, out, oOff + i, len - i);
  }

  @Override
  public void relu(float[] x, int xOff, float[] y, int yOff, int len) {
    // y[i] = max(x[i], 0)
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector.fromArray(F, x, xOff + i).max(0f).intoArray(y, yOff + i);
    }
    TAIL.relu(x, xOff + i, y, yOff + i, len - i);
  }

  // ---- Area kernels (see KernelSupport): one accessor per area, under its marker ----------

  // [gemm]
  @Override
  public GemmKernels gemm() {
    return VectorGemmKernels.INSTANCE;
  }

  // [batch norm]
  private static final BatchNormKernels BATCH_NORM = new VectorBatchNormKernels();

  @Override
  public BatchNormKernels batchNorm() {
    return BATCH_NORM;
  }

  // [norm family]
  private final NormFamilyKernels normFamily = new VectorNormFamilyKernels();

  @Override
  public NormFamilyKernels normFamily() {
    return normFamily;
  }

  // [losses]
  private static final LossKernels LOSSES = new VectorLossKernels();

  @Override
  public LossKernels losses() {
    return LOSSES;
  }

  // [engine]
  private static final VectorEngineKernels ENGINE = new VectorEngineKernels();

  @Override
  public EngineKernels engine() {
    return ENGINE;
  }
}
