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
  public void logSumExpRows(float[] p, int pOff, double[] lse, int lseOff, float[] x, int xOff, float[] scale,
      int scaleOff, int rows, int len) {
    for (int r = 0; r < rows; r++) {
      lse[lseOff + r] = logSumExpRow(p, pOff + r * len, x, xOff + r * len, len, scale[scaleOff + r]);
    }
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

  @Override
  public double bceWithLogits(float[] loss, float[] grad, float[] x, float[] y, float[] w, float[] pw, int off,
      int len, float gradScale) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      double xi = x[i];
      double yi = y[i];
      double wi = w == null ? 1 : w[i];
      double lw = pw == null ? 1 : 1 + (pw[i] - 1) * yi;
      double e = Math.exp(-Math.abs(xi));
      double softplusNeg = Math.log1p(e) + Math.max(-xi, 0);
      double l = wi * ((1 - yi) * xi + lw * softplusNeg);
      s += l;
      if (loss != null) {
        loss[i] = (float) l;
      }
      if (grad != null) {
        double sigmoid = xi >= 0 ? 1 / (1 + e) : e / (1 + e);
        grad[i] = (float) (gradScale * wi * (lw * sigmoid - lw + 1 - yi));
      }
    }
    return s;
  }

  @Override
  public double binaryCrossEntropy(float[] loss, float[] grad, float[] p, float[] y, float[] w, int off, int len,
      float gradScale) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      double pi = p[i];
      double yi = y[i];
      double wi = w == null ? 1 : w[i];
      double l = -wi * (yi * Math.max(Math.log(pi), -100) + (1 - yi) * Math.max(Math.log(1 - pi), -100));
      s += l;
      if (loss != null) {
        loss[i] = (float) l;
      }
      if (grad != null) {
        grad[i] = (float) (gradScale * wi * (pi - yi) / Math.max(pi * (1 - pi), 1e-12));
      }
    }
    return s;
  }

  @Override
  public double klDiv(float[] loss, float[] grad, float[] x, float[] t, boolean logTarget, int off, int len,
      float gradScale) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      double ti = t[i];
      double p = logTarget ? Math.exp(ti) : ti;
      double logP = logTarget ? ti : Math.log(ti);
      double l = p == 0 ? 0 : p * (logP - x[i]);
      s += l;
      if (loss != null) {
        loss[i] = (float) l;
      }
      if (grad != null) {
        grad[i] = (float) (-gradScale * p);
      }
    }
    return s;
  }
}
