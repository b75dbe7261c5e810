package org.normlab.norm;

import org.normlab.tensor.Tensor;

/**
 * Folds an eval-mode batch norm into the convolution or linear layer before it, so inference
 * runs one layer instead of two. For output channel o, with s_o = gamma_o/sqrt(rv_o + eps):
 * <pre>
 *   w'[o, ...] = w[o, ...] * s_o
 *   b'[o]      = (b[o] - rm_o) * s_o + beta_o      (b = 0 when the layer has no bias)
 * </pre>
 * since BN(w.x + b) = s*(w.x + b - rm) + beta = (s*w).x + (b - rm)*s + beta. Works on raw weight
 * tensors whose first dimension is the output channel: linear (out, in), conv (out, in, kh, kw),
 * or any rank >= 2. Computed in double, rounded once to float.
 */
public final class BatchNormFolding {
  private BatchNormFolding() {}

  /** Folded weight (same shape as the original) and bias (out). */
  public record Folded(Tensor weight, Tensor bias) {}

  /** Folds {@code bn}'s running statistics and affine parameters (eval mode) into the layer. */
  public static Folded fold(Tensor weight, Tensor bias, BatchNorm bn) {
    if (!bn.tracksRunningStats()) {
      throw new IllegalArgumentException("fold: the BatchNorm tracks no running statistics, so its"
          + " eval-mode output depends on the batch and cannot be folded");
    }
    return fold(weight, bias, bn.weight(), bn.bias(), bn.runningMean(), bn.runningVar(), bn.eps());
  }

  /**
   * Folds explicit BN parameters (gamma and beta may be null for BN without affine) into a layer
   * with weight (out, ...) and an optional bias (out).
   */
  public static Folded fold(Tensor weight, Tensor bias, Tensor gamma, Tensor beta,
      Tensor runningMean, Tensor runningVar, double eps) {
    if (weight.rank() < 2) {
      throw new IllegalArgumentException("weight: expected rank >= 2 (out, in, ...), got shape "
          + weight.shape());
    }
    int out = weight.dim(0);
    requireLength("bias", bias, out);
    requireLength("gamma", gamma, out);
    requireLength("beta", beta, out);
    requireLength("running_mean", runningMean, out);
    requireLength("running_var", runningVar, out);
    if (runningMean == null || runningVar == null) {
      throw new IllegalArgumentException("fold: running_mean and running_var are required");
    }
    int per = weight.size() / out;
    float[] w = weight.data();
    float[] w2 = new float[w.length];
    float[] b2 = new float[out];
    for (int o = 0; o < out; o++) {
      double g = gamma == null ? 1.0 : gamma.data()[o];
      double s = g / Math.sqrt(runningVar.data()[o] + eps);
      for (int i = o * per; i < (o + 1) * per; i++) {
        w2[i] = (float) (w[i] * s);
      }
      double b = bias == null ? 0.0 : bias.data()[o];
      double shift = beta == null ? 0.0 : beta.data()[o];
      b2[o] = (float) ((b - runningMean.data()[o]) * s + shift);
    }
    return new Folded(Tensor.wrap(w2, weight.layout(), weight.shape().dims()), Tensor.vector(b2));
  }

  private static void requireLength(String name, Tensor t, int out) {
    if (t != null && t.size() != out) {
      throw new IllegalArgumentException(name + ": expected " + out + " values (one per output"
          + " channel), got " + t.size() + " (shape " + t.shape() + ")");
    }
  }
}
