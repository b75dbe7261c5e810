package org.normlab.kernels;

/** The plain Java reference implementation of {@link KernelSupport}. */
public final class ScalarKernels implements KernelSupport {
  static final ScalarKernels INSTANCE = new ScalarKernels();

  ScalarKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public double sum(float[] x, int off, int len) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      s += x[i];
    }
    return s;
  }

  @Override
  public double sumOfSquares(float[] x, int off, int len) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      s += (double) x[i] * x[i];
    }
    return s;
  }

  @Override
  public double sumOfSquaredDeviations(float[] x, int off, int len, double mean) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      double d = x[i] - mean;
      s += d * d;
    }
    return s;
  }

  @Override
  public double dot(float[] a, int aOff, float[] b, int bOff, int len) {
    double s = 0;
    for (int i = 0; i < len; i++) {
      s += (double) a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  @Override
  public void scaleShift(float[] x, int xOff, float[] y, int yOff, int len, float scale, float shift) {
    for (int i = 0; i < len; i++) {
      y[yOff + i] = Math.fma(x[xOff + i], scale, shift);
    }
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
    for (int i = 0; i < len; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  @Override
  public void scale(float[] x, int off, int len, float alpha) {
    for (int i = off; i < off + len; i++) {
      x[i] *= alpha;
    }
  }

  @Override
  public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int len) {
    for (int i = 0; i < len; i++) {
      out[oOff + i] = a[aOff + i] + b[bOff + i];
    }
  }

  @Override
  public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int len) {
    for (int i = 0; i < len; i++) {
      out[oOff + i] = a[aOff + i] * b[bOff + i];
    }
  }

  @Override
  public void relu(float[] x, int xOff, float[] y, int yOff, int len) {
    for (int i = 0; i < len; i++) {
      y[yOff + i] = Math.max(x[xOff + i], 0f);
    }
  }

  // ---- Area kernels (see KernelSupport): one accessor per area, under its marker ----------

  // [gemm]
  @Override
  public GemmKernels gemm() {
    return ScalarGemmKernels.INSTANCE;
  }

  // [batch norm]
  @Override
  public BatchNormKernels batchNorm() {
    return ScalarBatchNormKernels.INSTANCE;
  }

  // [norm family]
  @Override
  public NormFamilyKernels normFamily() {
    return ScalarNormFamilyKernels.INSTANCE;
  }

  // [losses]
  @Override
  public LossKernels losses() {
    return ScalarLossKernels.INSTANCE;
  }

  // [engine]
  @Override
  public EngineKernels engine() {
    return ScalarEngineKernels.INSTANCE;
  }
}
