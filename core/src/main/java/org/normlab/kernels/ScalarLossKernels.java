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

  // The elementwise losses below compute in float with ExpMath.expFullRange and LogMath.log, in the
  // order of operations of VectorLossKernels: both give the same bits for every element.

  @Override
  public double bceWithLogits(float[] loss, float[] grad, float[] x, float[] y, float[] w, float[] pw, int off,
      int len, float gradScale) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      float xi = x[i];
      float yi = y[i];
      float e = ExpMath.expFullRange(-Math.abs(xi));
      float softplusNeg = LogMath.log(1f + e) + Math.max(-xi, 0f);
      float lw = pw == null ? 1f : Math.fma(pw[i] - 1f, yi, 1f);
      float wi = w == null ? 1f : w[i];
      float oneMinusY = 1f - yi;
      float l = (oneMinusY * xi + lw * softplusNeg) * wi;
      s += l;
      if (loss != null) {
        loss[i] = l;
      }
      if (grad != null) {
        float r = 1f / (1f + e);
        float sigmoid = xi >= 0 ? r : r * e;
        grad[i] = (lw * sigmoid - lw + oneMinusY) * wi * gradScale;
      }
    }
    return s;
  }

  @Override
  public double binaryCrossEntropy(float[] loss, float[] grad, float[] p, float[] y, float[] w, int off, int len,
      float gradScale) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      float pi = p[i];
      float yi = y[i];
      float wi = w == null ? 1f : w[i];
      float oneMinusP = 1f - pi;
      float logP = Math.max(LogMath.log(pi), -100f);
      float log1mP = Math.max(LogMath.log(oneMinusP), -100f);
      float l = -((yi * logP + (1f - yi) * log1mP) * wi);
      s += l;
      if (loss != null) {
        loss[i] = l;
      }
      if (grad != null) {
        grad[i] = (pi - yi) * wi * gradScale / Math.max(pi * oneMinusP, 1e-12f);
      }
    }
    return s;
  }

  @Override
  public double klDiv(float[] loss, float[] grad, float[] x, float[] t, boolean logTarget, int off, int len,
      float gradScale) {
    double s = 0;
    float minusScale = -gradScale;
    for (int i = off; i < off + len; i++) {
      float ti = t[i];
      float p;
      float l;
      if (logTarget) {
        p = ExpMath.expFullRange(ti);
        l = p * (ti - x[i]);
      } else {
        p = ti;
        l = ti == 0 ? 0f : p * (LogMath.log(ti) - x[i]);
      }
      s += l;
      if (loss != null) {
        loss[i] = l;
      }
      if (grad != null) {
        grad[i] = p * minusScale;
      }
    }
    return s;
  }
}
