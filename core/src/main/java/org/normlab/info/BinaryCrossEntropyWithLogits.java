package org.normlab.info;

import org.normlab.tensor.Tensor;

/**
 * Binary cross-entropy from logits, as PyTorch's
 * {@code torch.nn.functional.binary_cross_entropy_with_logits}: for logit x, target y in [0, 1],
 * weight w (default 1) and pos_weight pw (default 1, weighting the positive term),
 * <pre>
 *   l = w (pw y softplus(-x) + (1 - y) softplus(x))
 *     = w ((1 - y) x + (1 + (pw - 1) y) softplus(-x)),   softplus(-x) = log(1 + exp(-|x|)) + max(-x, 0)
 * </pre>
 * which never overflows (exact for logits of +-100 and beyond), unlike sigmoid followed by log.
 *
 * <p>Gradient (closed form): dl/dx = w ((1 + (pw - 1) y) sigmoid(x) - pw y), which is
 * w (sigmoid(x) - y) without pos_weight. Loss and gradient come from one fused pass.
 * Weight and pos_weight broadcast over the input's leading dims (pos_weight is usually (C)).
 */
public final class BinaryCrossEntropyWithLogits {
  private final Reduction reduction;
  private final Tensor weight;
  private final Tensor posWeight;

  private BinaryCrossEntropyWithLogits(Builder b) {
    this.reduction = b.reduction;
    this.weight = b.weight;
    this.posWeight = b.posWeight;
  }

  /** A builder with PyTorch's defaults: mean, no weight, no pos_weight. */
  public static Builder builder() {
    return new Builder();
  }

  /** Mean loss over all elements and its gradient (when {@code gradLogits} is not null). */
  public static double lossAndGrad(Tensor logits, Tensor target, float[] gradLogits) {
    return builder().build().loss(logits, target, gradLogits);
  }

  /** The reduced loss (SUM or MEAN); {@code gradLogits}, when not null, receives its gradient. */
  public double loss(Tensor logits, Tensor target, float[] gradLogits) {
    return Pointwise.reduced(reduction, checked(logits, target), gradLogits, kernel(logits, target));
  }

  /** Reduction NONE: every element's loss; the gradient is that of sum_i gradOutput[i] l_i. */
  public float[] lossPerElement(Tensor logits, Tensor target, float[] gradOutput, float[] gradLogits) {
    return Pointwise.perElement(reduction, checked(logits, target), gradOutput, gradLogits, kernel(logits, target));
  }

  private static Tensor checked(Tensor logits, Tensor target) {
    Pointwise.requireSame("logits", logits, "target", target);
    return logits;
  }

  private Pointwise.Kernel kernel(Tensor logits, Tensor target) {
    float[] w = Pointwise.expand("weight", weight, logits);
    float[] pw = Pointwise.expand("posWeight", posWeight, logits);
    float[] x = logits.data();
    float[] y = target.data();
    return (k, loss, grad, off, len, scale) -> k.bceWithLogits(loss, grad, x, y, w, pw, off, len, scale);
  }

  /** Builder: all options are optional (optX), with PyTorch's defaults. */
  public static final class Builder {
    private Reduction reduction = Reduction.MEAN;
    private Tensor weight;
    private Tensor posWeight;

    private Builder() {}

    /** none, sum or mean (default mean). */
    public Builder optReduction(Reduction reduction) {
      this.reduction = IndexTargets.checkReduction(reduction);
      return this;
    }

    /** Per-element weight whose dims are the input's trailing dims (default: none). */
    public Builder optWeight(Tensor weight) {
      this.weight = weight;
      return this;
    }

    /** Weight of the positive term, usually one per class (C) (default: none, i.e. 1). */
    public Builder optPosWeight(Tensor posWeight) {
      this.posWeight = posWeight;
      return this;
    }

    public BinaryCrossEntropyWithLogits build() {
      return new BinaryCrossEntropyWithLogits(this);
    }
  }
}
