package org.normlab.kernels;

/**
 * The hot loops of the losses (org.normlab.info), on flat float arrays. Outputs come first,
 * then inputs, then sizes (llm.c). Sums accumulate in double or in float vectors of short rows,
 * and are returned as double.
 *
 * <p>Two implementations: {@link ScalarLossKernels} (the reference) and a package-private Vector
 * API one with vectorized exp and log; tests run both on the same inputs over awkward sizes.
 */
public interface LossKernels {

  /**
   * The log-sum-exp of one row, and optionally its scaled softmax:
   * <pre>
   *   m   = max_j x[xOff + j]
   *   s   = sum_j exp(x[xOff + j] - m)
   *   lse = m + log(s)                                   (returned)
   *   p[pOff + j] = scale * exp(x[xOff + j] - m) / s     (only when p != null)
   * </pre>
   * Subtracting the maximum keeps exp from overflowing for logits of any magnitude. {@code p}
   * may be {@code x} at the same offset.
   */
  double logSumExpRow(float[] p, int pOff, float[] x, int xOff, int len, float scale);

  /**
   * The fused forward and backward of cross-entropy against class indices, for {@code rows}
   * consecutive rows of {@code len} logits at x[xOff + r*len ..]: with t = targets[tOff + r],
   * lse_r the row's log-sum-exp and p_r its softmax,
   * <pre>
   *   nll[nllOff + r]         = lse_r - x_rt                                (float)
   *   grad[gOff + r*len + j]  = softmaxScale[scaleOff + r] * p_rj - targetScale[scaleOff + r] * [j = t]
   * </pre>
   * (grad only when not null). A target outside [0, len), such as ignore_index -100, gives nll 0
   * and no target term; callers that ignore a class inside the range pass scales 0 and skip its nll.
   * Short rows (fewer values than a vector has lanes, such as 10 classes) are where batching rows
   * pays: the vector kernel then runs tiles of rows with lanes over rows.
   */
  default void indexCrossEntropyRows(float[] grad, int gOff, float[] nll, int nllOff, float[] x, int xOff,
      int[] targets, int tOff, float[] softmaxScale, float[] targetScale, int scaleOff, int rows, int len) {
    for (int r = 0; r < rows; r++) {
      int row = xOff + r * len;
      int g = gOff + r * len;
      double lse = logSumExpRow(grad, g, x, row, len, softmaxScale[scaleOff + r]);
      int t = targets[tOff + r];
      boolean inRange = t >= 0 && t < len;
      nll[nllOff + r] = inRange ? (float) (lse - x[row + t]) : 0f;
      if (inRange && grad != null) {
        grad[g + t] -= targetScale[scaleOff + r];
      }
    }
  }

  /**
   * Squared error: for i in [off, off+len), d = pred[i] - target[i];
   * <pre>
   *   loss[i] = d^2                 (only when loss != null)
   *   grad[i] = gradScale * 2 * d   (only when grad != null)
   * </pre>
   * Returns sum_i d^2, accumulated in double.
   */
  double squaredError(float[] loss, float[] grad, float[] pred, float[] target, int off, int len, float gradScale);

  /**
   * Binary cross-entropy with logits, stable for any logit: for i in [off, off+len), with
   * lw = 1 + (pw[i] - 1) y[i] (lw = 1 when pw == null) and w[i] = 1 when w == null,
   * <pre>
   *   l       = w * ((1 - y) x + lw * (log(1 + exp(-|x|)) + max(-x, 0)))
   *   dl/dx   = w * (lw * sigmoid(x) - lw + 1 - y)       ( = w (sigmoid(x) - y) without pos_weight)
   *   loss[i] = l                    (only when loss != null)
   *   grad[i] = gradScale * dl/dx    (only when grad != null)
   * </pre>
   * Returns sum_i l, accumulated in double. log(1 + exp(-|x|)) + max(-x, 0) is softplus(-x)
   * = -log(sigmoid(x)) without overflow.
   */
  double bceWithLogits(float[] loss, float[] grad, float[] x, float[] y, float[] w, float[] pw, int off, int len,
      float gradScale);

  /**
   * Binary cross-entropy on probabilities, logs clamped at -100 as PyTorch does: for i in
   * [off, off+len), with w[i] = 1 when w == null,
   * <pre>
   *   l       = -w (y max(log p, -100) + (1 - y) max(log(1 - p), -100))
   *   dl/dp   = w (p - y) / max(p (1 - p), 1e-12)
   * </pre>
   * writes loss[i] = l and grad[i] = gradScale * dl/dp when those arrays are not null; returns sum l.
   */
  double binaryCrossEntropy(float[] loss, float[] grad, float[] p, float[] y, float[] w, int off, int len,
      float gradScale);

  /**
   * Pointwise KL divergence terms with input x = log q: for i in [off, off+len),
   * <pre>
   *   target t = p:        l = p (log p - x), 0 where p = 0;   dl/dx = -p
   *   target t = log p:    l = exp(t) (t - x);                 dl/dx = -exp(t)
   * </pre>
   * writes loss[i] = l and grad[i] = gradScale * dl/dx when those arrays are not null; returns sum l.
   */
  double klDiv(float[] loss, float[] grad, float[] x, float[] t, boolean logTarget, int off, int len, float gradScale);
}
