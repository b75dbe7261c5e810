package org.normlab.kernels;

/** The plain Java reference implementation of {@link NormFamilyKernels}. */
public final class ScalarNormFamilyKernels implements NormFamilyKernels {
  static final ScalarNormFamilyKernels INSTANCE = new ScalarNormFamilyKernels();

  ScalarNormFamilyKernels() {}

  @Override
  public void meanAndVariance(double[] out, float[] x, int off, int len) {
    double sum = rowSum(x, off, len);
    out[0] = sum / len;
    out[1] = variance(x, off, len, sum);
  }

  @Override
  public double rowSum(float[] x, int off, int len) {
    double sum = 0;
    for (int i = off; i < off + len; i++) {
      sum += x[i];
    }
    return sum;
  }

  @Override
  public double variance(float[] x, int off, int len, double sum) {
    double mean = sum / len;
    double sq = 0;
    for (int i = off; i < off + len; i++) {
      double d = x[i] - mean;
      sq += d * d;
    }
    return sq / len;
  }

  @Override
  public void normalizeAffineAndShiftedSums(float[] y, float[] x, int off, int len, float mean,
      float rstd, float[] w, float[] b, int next, float k, double[] out) {
    normalizeAffine(y, x, off, len, mean, rstd, w, b);
    shiftedSums(out, x, next, len, k);
  }

  @Override
  public void shiftedSums(double[] out, float[] x, int off, int len, float k) {
    out[0] = 0;
    out[1] = 0;
    addShiftedSums(out, x, off, 0, len, k);
  }

  /**
   * out[0] += sum(x[off + i] - k), out[1] += sum((x[off + i] - k)^2) over i in [from, len), in
   * double.
   */
  static void addShiftedSums(double[] out, float[] x, int off, int from, int len, float k) {
    for (int i = from; i < len; i++) {
      double d = x[off + i] - (double) k;
      out[0] += d;
      out[1] += d * d;
    }
  }

  @Override
  public void scaleShiftAndShiftedSums(float[] y, float[] x, int off, int len, float scale,
      float shift, int next, float k, double[] out) {
    for (int i = off; i < off + len; i++) {
      y[i] = Math.fma(x[i], scale, shift);
    }
    shiftedSums(out, x, next, len, k);
  }

  @Override
  public void normalizeAffine(float[] y, float[] x, int off, int len, float mean, float rstd,
      float[] w, float[] b) {
    for (int i = 0; i < len; i++) {
      float xhat = (x[off + i] - mean) * rstd;
      y[off + i] = b == null ? xhat * w[i] : Math.fma(xhat, w[i], b[i]);
    }
  }

  @Override
  public void layerNormBackwardSums(double[] sums, float[] dw, float[] db, float[] dy, float[] x,
      int off, int len, int rows, float[] w, float[] mean, float[] rstd, int first) {
    for (int q = 0; q < rows; q++) {
      sums[2 * q] = 0;
      sums[2 * q + 1] = 0;
      addBackwardSums(sums, 2 * q, dw, db, dy, x, off + q * len, 0, len, w, mean[first + q],
          rstd[first + q]);
    }
  }

  /**
   * Adds the layerNormBackwardSums terms of elements [from, len) of the row at {@code off} into
   * sums[at], sums[at + 1], dw and db, in order (also the vector kernel's tail): dw's term is
   * fma(dy * rstd, x - mean, dw), as in the vector kernel.
   */
  static void addBackwardSums(double[] sums, int at, float[] dw, float[] db, float[] dy,
      float[] x, int off, int from, int len, float[] w, float mean, float rstd) {
    for (int i = from; i < len; i++) {
      float g = dy[off + i];
      float d = x[off + i] - mean;
      float dxhat = g * w[i];
      sums[at] += dxhat;
      sums[at + 1] += (double) dxhat * d;
      dw[i] = Math.fma(g * rstd, d, dw[i]);
      db[i] += g;
    }
  }

  @Override
  public void layerNormBackwardDx(float[] dx, float[] dy, float[] x, int off, int len, float[] w,
      float mean, float rstd, double sum, double dot) {
    backwardDx(dx, dy, x, off, 0, len, w, mean, rstd, (float) (sum / len),
        (float) (dot * rstd / len));
  }

  /**
   * dx over elements [from, len) of the row at {@code off}, with m1 = mean(dxhat) and
   * m2 = mean(dxhat * xhat) over the row (also the vector kernel's tail).
   */
  static void backwardDx(float[] dx, float[] dy, float[] x, int off, int from, int len,
      float[] w, float mean, float rstd, float m1, float m2) {
    for (int i = from; i < len; i++) {
      float xhat = (x[off + i] - mean) * rstd;
      // term 1: dxhat; term 2: - mean(dxhat); term 3: - xhat * mean(dxhat * xhat)
      dx[off + i] = rstd * (dy[off + i] * w[i] - m1 - xhat * m2);
    }
  }

  @Override
  public void rmsNormBackward(float[] dx, float[] dg, float[] dy, float[] x, int off, int len,
      float[] g, float rstd) {
    double dot = 0;
    for (int i = 0; i < len; i++) {
      dot += (double) dy[off + i] * g[i] * x[off + i];
    }
    float c = (float) (dot / len) * rstd * rstd * rstd;
    for (int i = 0; i < len; i++) {
      float xi = x[off + i];
      float gi = dy[off + i];
      dg[i] = Math.fma(gi, xi * rstd, dg[i]);
      dx[off + i] = rstd * g[i] * gi - xi * c;
    }
  }

  @Override
  public void combine(float[] dx, float[] dy, float[] x, int off, int len, float a, float b,
      float k) {
    for (int i = off; i < off + len; i++) {
      dx[i] = a * dy[i] + b * x[i] + k;
    }
  }

  @Override
  public void columnSums(double[] sum, float[] x, int off, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      for (int c = 0; c < cols; c++) {
        sum[c] += x[base + c];
      }
    }
  }

  @Override
  public void columnSquaredDeviations(double[] sq, float[] x, int off, int rows, int cols,
      double[] mean) {
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      for (int c = 0; c < cols; c++) {
        double d = x[base + c] - mean[c];
        sq[c] += d * d;
      }
    }
  }

  @Override
  public void columnDotSum(double[] dot, double[] sum, float[] dy, float[] x, int off, int rows,
      int cols) {
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      for (int c = 0; c < cols; c++) {
        dot[c] += (double) dy[base + c] * x[base + c];
        sum[c] += dy[base + c];
      }
    }
  }

  @Override
  public void affineColumns(float[] y, float[] x, int off, int rows, int cols, float[] scale,
      float[] shift) {
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      for (int c = 0; c < cols; c++) {
        y[base + c] = Math.fma(x[base + c], scale[c], shift[c]);
      }
    }
  }

  @Override
  public void combineColumns(float[] dx, float[] dy, float[] x, int off, int rows, int cols,
      float[] a, float[] b, float[] k) {
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      for (int c = 0; c < cols; c++) {
        dx[base + c] = a[c] * dy[base + c] + b[c] * x[base + c] + k[c];
      }
    }
  }
}
