package org.normlab.kernels;

/**
 * The loops of layer, group, instance and RMS normalization (llm.c style: outputs first, then
 * inputs, then sizes). Two shapes of data occur:
 *
 * <ul>
 *   <li><b>Rows</b>: one contiguous segment {@code [off, off+len)} normalized with one mean and one
 *       rstd (a LayerNorm row, an RMSNorm row, one channel of a channels-first GroupNorm group).
 *       Per-element weights {@code w}, {@code b}, {@code g} are indexed from 0.
 *   <li><b>Columns</b>: a block of {@code rows x cols} values starting at {@code off}, row-major,
 *       where each column is a channel (the positions of one channels-last sample). Per-column
 *       vectors are indexed from 0.
 * </ul>
 *
 * <p>Pipelining: a row (or group) is read from memory once, and its later passes run on cached
 * data; the kernels named {@code ...AndShiftedSums} fold the next row's first pass into this
 * row's last one, so memory reads go on while the cached passes compute. Their sums are bitwise
 * those of the standalone first pass ({@link #shiftedSums}), so results do not depend on where a
 * parallel piece (and its pipeline) starts. LayerNorm's backward instead reads a few rows per
 * first pass ({@link #layerNormBackwardSums}) and then writes their dx from cache.
 *
 * <p>Arrays named alike ({@code dx}, {@code dy}, {@code x}, {@code y}) share the offset. Sums
 * accumulate in double. Gradients of weights ({@code dw}, {@code db}, {@code dg}) accumulate
 * ({@code +=}); the caller zeroes them. Implementations: {@link ScalarNormFamilyKernels} (the
 * reference) and a package-private Vector API one with the same contract.
 */
public interface NormFamilyKernels {

  /**
   * Mean and biased variance of x[off .. off+len) in two passes (the mean, then the squared
   * deviations from it, so a large mean costs no precision): out[0] = mean, out[1] = variance.
   * Equals {@code rowSum} then {@code variance}.
   */
  void meanAndVariance(double[] out, float[] x, int off, int len);

  /**
   * sum(x[off .. off+len)) in double. Its order of additions depends only on {@code len}.
   */
  double rowSum(float[] x, int off, int len);

  /**
   * The biased variance of x[off .. off+len) given its {@code sum} (from {@link #rowSum}):
   * sum((x - mean)^2) / len with mean = sum / len, a second pass over the (cached) segment.
   */
  double variance(float[] x, int off, int len, double sum);

  /**
   * {@link #normalizeAffine} of x[off .. off+len), and {@code shiftedSums(out, x, next, len, k)}:
   * one loop for both, so that reading the next row from memory overlaps this row's arithmetic (a
   * pipelined row loop reads x from memory once, with no idle memory while the cache-resident
   * pass runs).
   */
  void normalizeAffineAndShiftedSums(float[] y, float[] x, int off, int len, float mean,
      float rstd, float[] w, float[] b, int next, float k, double[] out);

  /**
   * Shifted sums of x[off .. off+len) about the centre {@code k}: out[0] = sum(x - k),
   * out[1] = sum((x - k)^2) (overwritten), in double. Their order of additions depends only on
   * {@code len}: {@link #scaleShiftAndShiftedSums} gives bitwise the same sums for the same values.
   */
  void shiftedSums(double[] out, float[] x, int off, int len, float k);

  /**
   * y[i] = x[i] * scale + shift for i in [off, off+len) (one fma), and {@code shiftedSums(out, x,
   * next, len, k)}, in one loop as {@link #normalizeAffineAndShiftedSums}.
   */
  void scaleShiftAndShiftedSums(float[] y, float[] x, int off, int len, float scale, float shift,
      int next, float k, double[] out);

  /**
   * y[i] = (x[i] - mean) * rstd * w[i] + b[i] for i in [0, len) (at {@code off}); {@code b} may be
   * null (no bias).
   */
  void normalizeAffine(float[] y, float[] x, int off, int len, float mean, float rstd, float[] w,
      float[] b);

  /**
   * LayerNorm backward for one row of {@code len} values with saved mean and rstd. With
   * xhat = (x - mean) * rstd and dxhat = dy * w:
   * <pre>
   *   dx  = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
   *   dw += dy * xhat
   *   db += dy
   * </pre>
   */
  default void layerNormBackward(float[] dx, float[] dw, float[] db, float[] dy, float[] x,
      int off, int len, float[] w, float mean, float rstd) {
    double[] sums = new double[2];
    layerNormBackwardSums(sums, dw, db, dy, x, off, len, 1, w, new float[] {mean},
        new float[] {rstd}, 0);
    layerNormBackwardDx(dx, dy, x, off, len, w, mean, rstd, sums[0], sums[1]);
  }

  /**
   * The first pass of {@link #layerNormBackward} over {@code rows} consecutive rows of {@code len}
   * values from {@code off} (row q has mean[first + q] and rstd[first + q]); it also adds the
   * rows' weight gradients, which need no row sums. For each row q, with dxhat = dy * w:
   * <pre>
   *   sums[2q]     = sum(dxhat)
   *   sums[2q + 1] = sum(dxhat * (x - mean))       (= sum(dxhat * xhat) / rstd)
   *   dw += dy * xhat,   db += dy                  (row after row)
   * </pre>
   * A row's sums depend only on its values and {@code len}, and dw and db only on the rows and
   * their order: the same rows give bitwise the same results however they are split into calls.
   * (The vector kernel reads a few rows at a time, column by column, so that dw and db stay in
   * registers across them instead of being loaded and stored once per row.)
   */
  void layerNormBackwardSums(double[] sums, float[] dw, float[] db, float[] dy, float[] x,
      int off, int len, int rows, float[] w, float[] mean, float[] rstd, int first);

  /**
   * The second pass of {@link #layerNormBackward} over one row, given its {@code sum} and
   * {@code dot} (sums[2q] and sums[2q + 1] of {@link #layerNormBackwardSums}): writes
   * dx = rstd * (dxhat - sum / len - xhat * dot * rstd / len).
   */
  void layerNormBackwardDx(float[] dx, float[] dy, float[] x, int off, int len, float[] w,
      float mean, float rstd, double sum, double dot);

  /**
   * RMSNorm backward for one row with saved r = 1 / sqrt(mean(x^2) + eps), y = x * r * g:
   * <pre>
   *   dx  = r * g * dy - x * r^3 * sum(dy * g * x) / len
   *   dg += dy * x * r
   * </pre>
   */
  void rmsNormBackward(float[] dx, float[] dg, float[] dy, float[] x, int off, int len, float[] g,
      float rstd);

  /** dx[i] = a * dy[i] + b * x[i] + k for i in [0, len) (at {@code off}). */
  void combine(float[] dx, float[] dy, float[] x, int off, int len, float a, float b, float k);

  /** sum[c] += x[r * cols + c] (at {@code off}) over all rows r. */
  void columnSums(double[] sum, float[] x, int off, int rows, int cols);

  /** sq[c] += (x[r * cols + c] - mean[c])^2 (at {@code off}) over all rows r. */
  void columnSquaredDeviations(double[] sq, float[] x, int off, int rows, int cols, double[] mean);

  /** dot[c] += dy[r*cols+c] * x[r*cols+c]; sum[c] += dy[r*cols+c] (at {@code off}) over rows r. */
  void columnDotSum(double[] dot, double[] sum, float[] dy, float[] x, int off, int rows, int cols);

  /** y[r*cols+c] = x[r*cols+c] * scale[c] + shift[c] (at {@code off}). */
  void affineColumns(float[] y, float[] x, int off, int rows, int cols, float[] scale,
      float[] shift);

  /** dx[r*cols+c] = a[c] * dy[r*cols+c] + b[c] * x[r*cols+c] + k[c] (at {@code off}). */
  void combineColumns(float[] dx, float[] dy, float[] x, int off, int rows, int cols, float[] a,
      float[] b, float[] k);
}
