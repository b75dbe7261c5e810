package org.normlab.kernels;

/** The plain Java reference implementation of {@link BatchNormKernels}; sums in double. */
public final class ScalarBatchNormKernels implements BatchNormKernels {
  static final ScalarBatchNormKernels INSTANCE = new ScalarBatchNormKernels();

  ScalarBatchNormKernels() {}

  // ---- channels-first rows -------------------------------------------------------------

  @Override
  public void rowShiftedSums(double[] sum1, double[] sum2, float[] x, int off, int r0, int r1,
      int c, int s, float[] shift) {
    for (int r = r0; r < r1; r++) {
      int ch = r % c;
      shiftedSumsRow(sum1, sum2, ch, x, off + r * s, s, shift[ch]);
    }
  }

  /** sum1[ch] += sum(x - shift), sum2[ch] += sum((x - shift)^2) over len values from base. */
  static void shiftedSumsRow(double[] sum1, double[] sum2, int ch, float[] x, int base, int len,
      double shift) {
    double s1 = 0;
    double s2 = 0;
    for (int p = base; p < base + len; p++) {
      double d = x[p] - shift;
      s1 += d;
      s2 += d * d;
    }
    sum1[ch] += s1;
    sum2[ch] += s2;
  }

  @Override
  public void rowAffine(float[] y, float[] x, int off, int r0, int r1, int c, int s,
      float[] m, float[] a, float[] b, boolean relu) {
    for (int r = r0; r < r1; r++) {
      int ch = r % c;
      affineRow(y, x, off + r * s, s, m[ch], a[ch], b[ch], relu);
    }
  }

  /** y = (x - m)*a + b over len values from base, clamped at 0 when relu. */
  static void affineRow(float[] y, float[] x, int base, int len, float m, float a, float b,
      boolean relu) {
    for (int p = base; p < base + len; p++) {
      float v = Math.fma(x[p] - m, a, b);
      y[p] = relu ? Math.max(v, 0f) : v;
    }
  }

  @Override
  public void rowGradSums(double[] sumDy, double[] sumDyXm, float[] dy, float[] x, float[] reluA,
      float[] reluB, int off, int r0, int r1, int c, int s, float[] m) {
    for (int r = r0; r < r1; r++) {
      int ch = r % c;
      gradSumsRow(sumDy, sumDyXm, ch, dy, x, reluA, reluB, off + r * s, s, m[ch]);
    }
  }

  /**
   * sumDy[ch] += sum(g), sumDyXm[ch] += sum(g*(x - m)) over len values from base, g masked by
   * the ReLU test of channel ch when reluA is not null.
   */
  static void gradSumsRow(double[] sumDy, double[] sumDyXm, int ch, float[] dy, float[] x,
      float[] reluA, float[] reluB, int base, int len, float m) {
    double g1 = 0;
    double g2 = 0;
    for (int p = base; p < base + len; p++) {
      double g = open(x[p], m, reluA, reluB, ch) ? dy[p] : 0.0;
      g1 += g;
      g2 += g * ((double) x[p] - m);
    }
    sumDy[ch] += g1;
    sumDyXm[ch] += g2;
  }

  @Override
  public void rowGradInput(float[] dx, float[] dy, float[] x, float[] reluA, float[] reluB,
      int off, int r0, int r1, int c, int s, float[] m, float[] k1, float[] k2, float[] k3) {
    for (int r = r0; r < r1; r++) {
      int ch = r % c;
      gradInputRow(dx, dy, x, reluA, reluB, ch, off + r * s, s, m[ch], k1[ch], k2[ch], k3[ch]);
    }
  }

  /** dx = k1*g + k2*(x - m) + k3 over len values from base (channel ch's ReLU test on g). */
  static void gradInputRow(float[] dx, float[] dy, float[] x, float[] reluA, float[] reluB, int ch,
      int base, int len, float m, float k1, float k2, float k3) {
    for (int p = base; p < base + len; p++) {
      float g = open(x[p], m, reluA, reluB, ch) ? dy[p] : 0f;
      dx[p] = Math.fma(k1, g, Math.fma(k2, x[p] - m, k3));
    }
  }

  /**
   * Whether the fused ReLU passed value x of channel ch: its forward value fma(x - m, a, b) (as
   * {@link #affineRow} computes it) is above zero; always when not fused (reluA null).
   */
  private static boolean open(float x, float m, float[] reluA, float[] reluB, int ch) {
    return reluA == null || Math.fma(x - m, reluA[ch], reluB[ch]) > 0f;
  }

  // ---- channels-last positions ---------------------------------------------------------

  @Override
  public void shiftedSums(double[] sum1, double[] sum2, float[] x, int off, int p0, int p1, int c,
      float[] shift) {
    for (int pos = p0; pos < p1; pos++) {
      shiftedSumsChannels(sum1, sum2, x, off + pos * c, 0, c, shift);
    }
  }

  /** One position's channels [ch0, c) of {@link #shiftedSums}. */
  static void shiftedSumsChannels(double[] sum1, double[] sum2, float[] x, int base, int ch0, int c,
      float[] shift) {
    for (int ch = ch0; ch < c; ch++) {
      double d = x[base + ch] - (double) shift[ch];
      sum1[ch] += d;
      sum2[ch] += d * d;
    }
  }

  @Override
  public void affine(float[] y, float[] x, int off, int p0, int p1, int c, float[] mab,
      boolean relu) {
    for (int pos = p0; pos < p1; pos++) {
      affineChannels(y, x, off + pos * c, 0, c, mab, relu);
    }
  }

  /**
   * One position's channels [ch0, c): y = (x - m[ch])*a[ch] + b[ch], clamped when relu;
   * mab = pack(m, a, b).
   */
  static void affineChannels(float[] y, float[] x, int base, int ch0, int c, float[] mab,
      boolean relu) {
    for (int ch = ch0; ch < c; ch++) {
      int k = BatchNormKernels.packed(ch, 0, 3);
      float v = Math.fma(x[base + ch] - mab[k], mab[k + PACK], mab[k + 2 * PACK]);
      y[base + ch] = relu ? Math.max(v, 0f) : v;
    }
  }

  @Override
  public void gradSums(double[] sumDy, double[] sumDyXm, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, float[] m) {
    for (int pos = p0; pos < p1; pos++) {
      gradSumsChannels(sumDy, sumDyXm, dy, x, reluOut, off + pos * c, 0, c, m);
    }
  }

  /** One position's channels [ch0, c) of {@link #gradSums}. */
  static void gradSumsChannels(double[] sumDy, double[] sumDyXm, float[] dy, float[] x,
      float[] reluOut, int base, int ch0, int c, float[] m) {
    for (int ch = ch0; ch < c; ch++) {
      int i = base + ch;
      double g = reluOut == null || reluOut[i] > 0f ? dy[i] : 0.0;
      sumDy[ch] += g;
      sumDyXm[ch] += g * (x[i] - (double) m[ch]);
    }
  }

  @Override
  public void gradInput(float[] dx, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, float[] mk) {
    for (int pos = p0; pos < p1; pos++) {
      gradInputChannels(dx, dy, x, reluOut, off + pos * c, 0, c, mk);
    }
  }

  /** One position's channels [ch0, c) of {@link #gradInput}; mk = pack(m, k1, k2, k3). */
  static void gradInputChannels(float[] dx, float[] dy, float[] x, float[] reluOut, int base,
      int ch0, int c, float[] mk) {
    for (int ch = ch0; ch < c; ch++) {
      int i = base + ch;
      int k = BatchNormKernels.packed(ch, 0, 4);
      float g = reluOut == null || reluOut[i] > 0f ? dy[i] : 0f;
      dx[i] = Math.fma(mk[k + PACK], g, Math.fma(mk[k + 2 * PACK], x[i] - mk[k], mk[k + 3 * PACK]));
    }
  }
}
