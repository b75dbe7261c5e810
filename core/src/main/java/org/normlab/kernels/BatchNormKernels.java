package org.normlab.kernels;

/**
 * The loops of batch normalization, on flat float arrays; argument checks, parallel splitting
 * and running statistics live in {@code org.normlab.norm.BatchNorm}.
 *
 * <p>Two memory orders, written separately (PyTorch ATen's cpu/batch_norm_kernel.cpp does the
 * same):
 * <ul>
 *   <li><b>channels-first</b> (NC..., NCL, NCHW, NCDHW): a block of {@code n} samples, {@code c}
 *       channels and {@code s} positions per sample; element (i, ch, p) is at
 *       {@code off + (i*c + ch)*s + p}. These kernels work on ONE channel {@code ch}, so that the
 *       caller can keep that channel's data in cache from the statistics to the normalization and
 *       run channels in parallel.
 *   <li><b>channels-last</b> (NC, NLC, NHWC, NDHWC): a block of positions, {@code c} channels
 *       innermost; element (pos, ch) is at {@code off + pos*c + ch}. These kernels work on a range
 *       of positions {@code [p0, p1)} and all channels; the caller cuts positions into fixed
 *       chunks and combines per-chunk sums in chunk order, so results do not depend on the
 *       thread count.
 * </ul>
 *
 * <p>Statistics and gradient sums accumulate in double. Elementwise passes use a per-channel
 * centre {@code m}, scale {@code a} and shift {@code b} ({@code y = (x - m)*a + b}): subtracting
 * the centre first keeps float rounding small for inputs far from zero (mean 100, std 1).
 *
 * <p>{@code relu} arguments: forward kernels clamp the output at zero when true (fused BN+ReLU);
 * backward kernels take the fused layer's output {@code reluOut} (null when not fused) and treat
 * the upstream gradient as zero where {@code reluOut <= 0}.
 */
public interface BatchNormKernels {

  // ---- channels-first, one channel -----------------------------------------------------

  /**
   * Mean and biased variance of channel {@code ch}: {@code mean[ch] = sum(x)/m},
   * {@code var[ch] = sum((x - mean)^2)/m} with {@code m = n*s}, computed in one read as shifted
   * sums in double (shift = the channel's first value, so a constant channel gives exactly 0).
   */
  void channelMeanVar(double[] mean, double[] var, float[] x, int off, int n, int c, int s, int ch);

  /** {@code y = (x - m)*a + b} over channel {@code ch}, clamped at 0 when {@code relu}. */
  void channelAffine(float[] y, float[] x, int off, int n, int c, int s, int ch,
      float m, float a, float b, boolean relu);

  /**
   * Gradient sums of channel {@code ch}: {@code sumDy[ch] = sum(g)},
   * {@code sumDyXmu[ch] = sum(g*(x - mean))} in double, where {@code g = dy}, or
   * {@code g = reluOut > 0 ? dy : 0} when {@code reluOut} is not null.
   */
  void channelGradSums(double[] sumDy, double[] sumDyXmu, float[] dy, float[] x, float[] reluOut,
      int off, int n, int c, int s, int ch, double mean);

  /**
   * {@code dx = k1*g + k2*(x - m) + k3} over channel {@code ch}, with {@code g} as in
   * {@link #channelGradSums}.
   */
  void channelGradInput(float[] dx, float[] dy, float[] x, float[] reluOut,
      int off, int n, int c, int s, int ch, float m, float k1, float k2, float k3);

  // ---- channels-last, a range of positions --------------------------------------------

  /**
   * Adds, for every channel, {@code sum(x - shift[ch])} into {@code sum1[ch]} and
   * {@code sum((x - shift[ch])^2)} into {@code sum2[ch]} over positions {@code [p0, p1)}, in
   * double.
   */
  void shiftedSums(double[] sum1, double[] sum2, float[] x, int off, int p0, int p1, int c,
      double[] shift);

  /** {@code y = (x - m[ch])*a[ch] + b[ch]} over positions {@code [p0, p1)}, clamped at 0 when {@code relu}. */
  void affine(float[] y, float[] x, int off, int p0, int p1, int c,
      float[] m, float[] a, float[] b, boolean relu);

  /**
   * Adds, for every channel, {@code sum(g)} into {@code sumDy[ch]} and
   * {@code sum(g*(x - mean[ch]))} into {@code sumDyXmu[ch]} over positions {@code [p0, p1)}, in
   * double ({@code g} as in {@link #channelGradSums}).
   */
  void gradSums(double[] sumDy, double[] sumDyXmu, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, double[] mean);

  /** {@code dx = k1[ch]*g + k2[ch]*(x - m[ch]) + k3[ch]} over positions {@code [p0, p1)}. */
  void gradInput(float[] dx, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, float[] m, float[] k1, float[] k2, float[] k3);

  /**
   * Finishes a shifted one-pass variance: from {@code s1 = sum(x - shift)} and
   * {@code s2 = sum((x - shift)^2)} over {@code count} values, {@code mean[ch] = shift + s1/count}
   * and the biased {@code var[ch] = (s2 - s1^2/count)/count} (clamped at 0 against rounding).
   * With a shift inside the data's range the subtraction loses no useful digits in double.
   */
  static void meanVarFromShiftedSums(double[] mean, double[] var, int ch, double shift, double s1,
      double s2, double count) {
    mean[ch] = shift + s1 / count;
    var[ch] = Math.max(0.0, (s2 - s1 * (s1 / count)) / count);
  }
}
