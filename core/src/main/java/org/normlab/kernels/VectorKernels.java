package org.normlab.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
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
  /** Floats in half a vector: as many lanes as {@link #D}, so they widen to doubles one to one. */
  static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class,
      VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 2)));
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

  /**
   * x[i .. i + D.length()) widened to doubles: a half-width float load converted lane for lane
   * (one instruction, where part 1 of a full-width conversion needs a shuffle first).
   */
  private static DoubleVector widen(float[] x, int i) {
    return (DoubleVector) FloatVector.fromArray(HALF, x, i).convertShape(VectorOperators.F2D, D, 0);
  }

  @Override
  public double sumOfSquares(float[] x, int off, int len) {
    // s += x[i] * x[i] (in double)
    // Four accumulators, so that four fused multiply-adds are in flight (latency 4 cycles): the
    // widening, not the add chain, then limits the loop (about 58 GB/s from L2 on Zen 4 against
    // 45 with two full-width loads split by F2D parts; eight accumulators were slower from
    // memory). Lane j of accumulator a sums the elements i with i % (4 * dl) == a * dl + j; the
    // accumulators are added in a fixed tree and their lanes in order, so the result never
    // depends on the JIT.
    int dl = D.length();
    DoubleVector acc0 = DoubleVector.zero(D);
    DoubleVector acc1 = acc0;
    DoubleVector acc2 = acc0;
    DoubleVector acc3 = acc0;
    int i = 0;
    for (; i <= len - 4 * dl; i += 4 * dl) {
      int at = off + i;
      DoubleVector v0 = widen(x, at);
      DoubleVector v1 = widen(x, at + dl);
      DoubleVector v2 = widen(x, at + 2 * dl);
      DoubleVector v3 = widen(x, at + 3 * dl);
      acc0 = v0.fma(v0, acc0);
      acc1 = v1.fma(v1, acc1);
      acc2 = v2.fma(v2, acc2);
      acc3 = v3.fma(v3, acc3);
    }
    for (; i <= len - dl; i += dl) {
      DoubleVector v = widen(x, off + i);
      acc0 = v.fma(v, acc0);
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
