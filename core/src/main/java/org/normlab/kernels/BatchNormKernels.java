package org.normlab.kernels;

/**
 * The loops of batch normalization, on flat float arrays; argument checks, parallel splitting
 * and running statistics live in {@code org.normlab.norm.BatchNorm}.
 *
 * <p>Two memory orders, written separately (PyTorch ATen's cpu/batch_norm_kernel.cpp does the
 * same):
 * <ul>
 *   <li><b>channels-first</b> (NC..., NCL, NCHW, NCDHW): the data is a sequence of ROWS of
 *       {@code s} positions; row r belongs to channel {@code r % c} and starts at
 *       {@code off + r*s}. The {@code row...} kernels work on rows {@code [r0, r1)}.
 *   <li><b>channels-last</b> (NC, NLC, NHWC, NDHWC): a sequence of positions of {@code c}
 *       channels; element (pos, ch) is at {@code off + pos*c + ch}. These kernels work on
 *       positions {@code [p0, p1)}.
 * </ul>
 * Both sweep memory in order: a channel-at-a-time sweep (strided rows, kept in L2 between
 * statistics and normalization) measured 1.3x (64,64,56,56) to 2.2x (128,32,28,28) slower than
 * two sequential sweeps for the training forward; the caller instead runs channels-first inputs
 * larger than the cache in groups of channels (8 MiB, kept in L3; runs of rows stay long). The
 * caller cuts rows or positions into fixed chunks and adds per-chunk sums in chunk order, so
 * results do not depend on the thread count.
 *
 * <p>Sums ADD INTO the caller's double arrays (one entry per channel). Deviations are taken
 * from a per-channel centre given in float ({@code shift} for statistics, {@code m} for
 * gradients): the centre is an exact float, so the caller can correct for it in double. The
 * scalar implementation accumulates in double; the vector one in float over at most 16 values
 * per lane and then in double (relative error about 1e-6 of the sum, far below float32 output
 * rounding).
 *
 * <p>Elementwise passes compute {@code y = (x - m)*a + b} per channel: subtracting the centre
 * first keeps float rounding small for inputs far from zero (mean 100, std 1). {@code relu}:
 * forward kernels clamp the output at zero (fused BN+ReLU); the channels-last backward kernels
 * take the fused layer's output {@code reluOut} (null when not fused) and use
 * {@code g = reluOut > 0 ? dy : 0} as the upstream gradient; the channels-first ones take the
 * forward's coefficients {@code reluA, reluB} (null when not fused) and recompute the same test
 * from x, {@code g = fma(x - m, reluA, reluB) > 0 ? dy : 0} (the forward's operations, so the
 * same decisions), which spares reading the output: measured on (128, 32, 28, 28), one thread,
 * backward 3.7 ms reading the output against 2.6-2.7 ms without ReLU.
 */
public interface BatchNormKernels {

  // ---- channels-first rows -------------------------------------------------------------

  /** For rows [r0, r1) of channel ch = r % c: sum1[ch] += sum(x - shift[ch]), sum2[ch] += sum((x - shift[ch])^2). */
  void rowShiftedSums(double[] sum1, double[] sum2, float[] x, int off, int r0, int r1, int c, int s,
      float[] shift);

  /** For rows [r0, r1): y = (x - m[ch])*a[ch] + b[ch], clamped at 0 when {@code relu}. */
  void rowAffine(float[] y, float[] x, int off, int r0, int r1, int c, int s,
      float[] m, float[] a, float[] b, boolean relu);

  /** For rows [r0, r1): sumDy[ch] += sum(g), sumDyXm[ch] += sum(g*(x - m[ch])). */
  void rowGradSums(double[] sumDy, double[] sumDyXm, float[] dy, float[] x, float[] reluA,
      float[] reluB, int off, int r0, int r1, int c, int s, float[] m);

  /** For rows [r0, r1): dx = k1[ch]*g + k2[ch]*(x - m[ch]) + k3[ch]. */
  void rowGradInput(float[] dx, float[] dy, float[] x, float[] reluA, float[] reluB, int off,
      int r0, int r1, int c, int s, float[] m, float[] k1, float[] k2, float[] k3);

  // ---- channels-last positions ---------------------------------------------------------

  /** For positions [p0, p1): sum1[ch] += sum(x - shift[ch]), sum2[ch] += sum((x - shift[ch])^2). */
  void shiftedSums(double[] sum1, double[] sum2, float[] x, int off, int p0, int p1, int c,
      float[] shift);

  /**
   * For positions [p0, p1): y = (x - m[ch])*a[ch] + b[ch], clamped at 0 when {@code relu};
   * {@code mab = pack(m, a, b)}.
   */
  void affine(float[] y, float[] x, int off, int p0, int p1, int c, float[] mab, boolean relu);

  /** For positions [p0, p1): sumDy[ch] += sum(g), sumDyXm[ch] += sum(g*(x - m[ch])). */
  void gradSums(double[] sumDy, double[] sumDyXm, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, float[] m);

  /**
   * For positions [p0, p1): dx = k1[ch]*g + k2[ch]*(x - m[ch]) + k3[ch];
   * {@code mk = pack(m, k1, k2, k3)}.
   */
  void gradInput(float[] dx, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, float[] mk);

  /** Channels per group of {@link #pack}ed parameters. */
  int PACK = 16;

  /**
   * Interleaves per-channel parameter arrays (all of the same length c) for the channels-last
   * elementwise passes: group g of {@link #PACK} channels holds params[0][16g .. 16g+16), then
   * params[1][16g .. 16g+16), and so on; the last group is zero-padded. The passes then read one
   * stream of parameters instead of several: separate arrays of a few KiB lie a multiple of
   * 4 KiB apart (as do the input and output rows) and evict each other from the same L1 sets,
   * which made the (4096,1024) eval pass 1.35x slower than with the parameters interleaved.
   */
  static float[] pack(float[]... params) {
    int c = params[0].length;
    for (int t = 1; t < params.length; t++) {
      if (params[t].length != c) {
        throw new IllegalArgumentException("params[" + t + "]: expected " + c + " channels, got "
            + params[t].length);
      }
    }
    int groups = (c + PACK - 1) / PACK;
    float[] packed = new float[groups * PACK * params.length];
    for (int t = 0; t < params.length; t++) {
      for (int ch = 0; ch < c; ch++) {
        packed[packed(ch, t, params.length)] = params[t][ch];
      }
    }
    return packed;
  }

  /** Index of parameter {@code param} (of {@code count}) of channel {@code ch} in a packed array. */
  static int packed(int ch, int param, int count) {
    return (ch / PACK * count + param) * PACK + ch % PACK;
  }

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
