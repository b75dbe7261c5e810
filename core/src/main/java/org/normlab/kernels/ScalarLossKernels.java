package org.normlab.kernels;

/** The plain Java reference implementation of {@link LossKernels}. */
public final class ScalarLossKernels implements LossKernels {
  static final ScalarLossKernels INSTANCE = new ScalarLossKernels();

  ScalarLossKernels() {}

  @Override
  public double logSumExpRow(float[] p, int pOff, float[] x, int xOff, int len, float scale) {
    float m = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < len; j++) {
      m = Math.max(m, x[xOff + j]);
    }
    double s = 0;
    for (int j = 0; j < len; j++) {
      float e = (float) Math.exp(x[xOff + j] - m);
      s += e;
      if (p != null) {
        p[pOff + j] = e;
      }
    }
    if (p != null) {
      float factor = (float) (scale / s);
      for (int j = 0; j < len; j++) {
        p[pOff + j] *= factor;
      }
    }
    return m + Math.log(s);
  }

  @Override
  public double squaredError(float[] loss, float[] grad, float[] pred, float[] target, int off, int len,
      float gradScale) {
    double s = 0;
    float twoScale = 2 * gradScale;
    for (int i = off; i < off + len; i++) {
      float d = pred[i] - target[i];
      s += (double) d * d;
      if (loss != null) {
        loss[i] = d * d;
      }
      if (grad != null) {
        grad[i] = twoScale * d;
      }
    }
    return s;
  }
}
