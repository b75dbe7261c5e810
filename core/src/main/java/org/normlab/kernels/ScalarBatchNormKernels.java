package org.normlab.kernels;

/** The plain Java reference implementation of {@link BatchNormKernels}. */
public final class ScalarBatchNormKernels implements BatchNormKernels {
  static final ScalarBatchNormKernels INSTANCE = new ScalarBatchNormKernels();

  ScalarBatchNormKernels() {}

  // ---- channels-first, one channel -----------------------------------------------------

  @Override
  public void channelMeanVar(double[] mean, double[] var, float[] x, int off, int n, int c, int s,
      int ch) {
    double shift = x[off + ch * s];
    double s1 = 0;
    double s2 = 0;
    for (int i = 0; i < n; i++) {
      int base = off + (i * c + ch) * s;
      for (int p = 0; p < s; p++) {
        double d = x[base + p] - shift;
        s1 += d;
        s2 += d * d;
      }
    }
    double count = (double) n * s;
    BatchNormKernels.meanVarFromShiftedSums(mean, var, ch, shift, s1, s2, count);
  }

  @Override
  public void channelAffine(float[] y, float[] x, int off, int n, int c, int s, int ch,
      float m, float a, float b, boolean relu) {
    for (int i = 0; i < n; i++) {
      int base = off + (i * c + ch) * s;
      affineRow(y, x, base, s, m, a, b, relu);
    }
  }

  /** y[base + p] = (x[base + p] - m)*a + b over s values, clamped at 0 when relu. */
  static void affineRow(float[] y, float[] x, int base, int s, float m, float a, float b,
      boolean relu) {
    for (int p = base; p < base + s; p++) {
      float v = Math.fma(x[p] - m, a, b);
      y[p] = relu ? Math.max(v, 0f) : v;
    }
  }

  @Override
  public void channelGradSums(double[] sumDy, double[] sumDyXmu, float[] dy, float[] x,
      float[] reluOut, int off, int n, int c, int s, int ch, double mean) {
    double g1 = 0;
    double g2 = 0;
    for (int i = 0; i < n; i++) {
      int base = off + (i * c + ch) * s;
      for (int p = base; p < base + s; p++) {
        double g = reluOut == null || reluOut[p] > 0f ? dy[p] : 0.0;
        g1 += g;
        g2 += g * (x[p] - mean);
      }
    }
    sumDy[ch] = g1;
    sumDyXmu[ch] = g2;
  }

  @Override
  public void channelGradInput(float[] dx, float[] dy, float[] x, float[] reluOut,
      int off, int n, int c, int s, int ch, float m, float k1, float k2, float k3) {
    for (int i = 0; i < n; i++) {
      int base = off + (i * c + ch) * s;
      gradInputRow(dx, dy, x, reluOut, base, s, m, k1, k2, k3);
    }
  }

  /** dx = k1*g + k2*(x - m) + k3 over s values starting at base. */
  static void gradInputRow(float[] dx, float[] dy, float[] x, float[] reluOut, int base, int s,
      float m, float k1, float k2, float k3) {
    for (int p = base; p < base + s; p++) {
      float g = reluOut == null || reluOut[p] > 0f ? dy[p] : 0f;
      dx[p] = Math.fma(k1, g, Math.fma(k2, x[p] - m, k3));
    }
  }

  // ---- channels-last, a range of positions --------------------------------------------

  @Override
  public void shiftedSums(double[] sum1, double[] sum2, float[] x, int off, int p0, int p1, int c,
      double[] shift) {
    for (int pos = p0; pos < p1; pos++) {
      shiftedSumsChannels(sum1, sum2, x, off + pos * c, 0, c, shift);
    }
  }

  /** One position's channels [ch0, c) of {@link #shiftedSums}. */
  static void shiftedSumsChannels(double[] sum1, double[] sum2, float[] x, int base, int ch0, int c,
      double[] shift) {
    for (int ch = ch0; ch < c; ch++) {
      double d = x[base + ch] - shift[ch];
      sum1[ch] += d;
      sum2[ch] += d * d;
    }
  }

  @Override
  public void affine(float[] y, float[] x, int off, int p0, int p1, int c,
      float[] m, float[] a, float[] b, boolean relu) {
    for (int pos = p0; pos < p1; pos++) {
      affineChannels(y, x, off + pos * c, 0, c, m, a, b, relu);
    }
  }

  /** One position's channels [ch0, c): y = (x - m[ch])*a[ch] + b[ch], clamped when relu. */
  static void affineChannels(float[] y, float[] x, int base, int ch0, int c,
      float[] m, float[] a, float[] b, boolean relu) {
    for (int ch = ch0; ch < c; ch++) {
      float v = Math.fma(x[base + ch] - m[ch], a[ch], b[ch]);
      y[base + ch] = relu ? Math.max(v, 0f) : v;
    }
  }

  @Override
  public void gradSums(double[] sumDy, double[] sumDyXmu, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, double[] mean) {
    for (int pos = p0; pos < p1; pos++) {
      gradSumsChannels(sumDy, sumDyXmu, dy, x, reluOut, off + pos * c, 0, c, mean);
    }
  }

  /** One position's channels [ch0, c) of {@link #gradSums}. */
  static void gradSumsChannels(double[] sumDy, double[] sumDyXmu, float[] dy, float[] x,
      float[] reluOut, int base, int ch0, int c, double[] mean) {
    for (int ch = ch0; ch < c; ch++) {
      int i = base + ch;
      double g = reluOut == null || reluOut[i] > 0f ? dy[i] : 0.0;
      sumDy[ch] += g;
      sumDyXmu[ch] += g * (x[i] - mean[ch]);
    }
  }

  @Override
  public void gradInput(float[] dx, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, float[] m, float[] k1, float[] k2, float[] k3) {
    for (int pos = p0; pos < p1; pos++) {
      gradInputChannels(dx, dy, x, reluOut, off + pos * c, 0, c, m, k1, k2, k3);
    }
  }

  /** One position's channels [ch0, c) of {@link #gradInput}. */
  static void gradInputChannels(float[] dx, float[] dy, float[] x, float[] reluOut, int base,
      int ch0, int c, float[] m, float[] k1, float[] k2, float[] k3) {
    for (int ch = ch0; ch < c; ch++) {
      int i = base + ch;
      float g = reluOut == null || reluOut[i] > 0f ? dy[i] : 0f;
      dx[i] = Math.fma(k1[ch], g, Math.fma(k2[ch], x[i] - m[ch], k3[ch]));
    }
  }
}
