package org.normlab.info;

import org.normlab.tensor.Tensor;

/**
 * Binary cross-entropy on probabilities, as PyTorch's
 * {@code torch.nn.functional.binary_cross_entropy}:
 * <pre>
 *   l = -w (y max(log p, -100) + (1 - y) max(log(1 - p), -100))
 * </pre>
 * Like PyTorch, each log is clamped at -100, so a probability of exactly 0 or 1 on the wrong side
 * costs 100 instead of infinity (stated, not hidden). Prefer {@link BinaryCrossEntropyWithLogits}
 * on logits: it needs no clamp.
 *
 * <p>Gradient (closed form, PyTorch's): dl/dp = w (p - y) / max(p (1 - p), 1e-12).
 */
public final class BinaryCrossEntropy {
  private final Reduction reduction;
  private final Tensor weight;

  /** A loss with the given reduction (none, sum or mean) and optional weight (trailing dims of the input, or null). */
  public BinaryCrossEntropy(Reduction reduction, Tensor weight) {
    this.reduction = IndexTargets.checkReduction(reduction);
    this.weight = weight;
  }

  /** The reduced loss (SUM or MEAN); {@code gradProbabilities}, when not null, receives its gradient. */
  public double loss(Tensor probabilities, Tensor target, float[] gradProbabilities) {
    return Pointwise.reduced(reduction, checked(probabilities, target), gradProbabilities,
        kernel(probabilities, target));
  }

  /** Reduction NONE: every element's loss; the gradient is that of sum_i gradOutput[i] l_i. */
  public float[] lossPerElement(Tensor probabilities, Tensor target, float[] gradOutput, float[] gradProbabilities) {
    return Pointwise.perElement(reduction, checked(probabilities, target), gradOutput, gradProbabilities,
        kernel(probabilities, target));
  }

  private static Tensor checked(Tensor probabilities, Tensor target) {
    Pointwise.requireSame("probabilities", probabilities, "target", target);
    float[] p = probabilities.data();
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] >= 0 && p[i] <= 1)) {
        throw new IllegalArgumentException("probabilities[" + i + "]: expected a value in [0, 1], got " + p[i]);
      }
    }
    return probabilities;
  }

  private Pointwise.Kernel kernel(Tensor probabilities, Tensor target) {
    float[] w = Pointwise.expand("weight", weight, probabilities);
    float[] p = probabilities.data();
    float[] y = target.data();
    return (k, loss, grad, off, len, scale) -> k.binaryCrossEntropy(loss, grad, p, y, w, off, len, scale);
  }
}
