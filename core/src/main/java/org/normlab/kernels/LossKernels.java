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
   * Squared error: for i in [off, off+len), d = pred[i] - target[i];
   * <pre>
   *   loss[i] = d^2                 (only when loss != null)
   *   grad[i] = gradScale * 2 * d   (only when grad != null)
   * </pre>
   * Returns sum_i d^2, accumulated in double.
   */
  double squaredError(float[] loss, float[] grad, float[] pred, float[] target, int off, int len, float gradScale);
}
