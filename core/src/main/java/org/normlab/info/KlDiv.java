package org.normlab.info;

import org.normlab.tensor.Tensor;

/**
 * Kullback-Leibler divergence as a loss, as PyTorch's {@code torch.nn.functional.kl_div}: the
 * input is log q (log-probabilities), the target p (or log p with logTarget), and
 * <pre>
 *   l_i = p_i (log p_i - log q_i),   0 where p_i = 0   (0 log 0 = 0)
 * </pre>
 * Reductions: BATCHMEAN = sum / N (N = the first dim) is the mean KL(p || q) per sample when the
 * rows are distributions, and SUM is the total KL; those two are the KL divergence. MEAN divides by
 * the number of elements (N * C), which is not a KL divergence: PyTorch offers it (and warns), so
 * does normlab. The default is BATCHMEAN (PyTorch's default is MEAN, with that warning).
 *
 * <p>Gradient with respect to the input (closed form): dl_i/d(log q_i) = -p_i (= -exp(t_i) with
 * logTarget). The target gets no gradient.
 */
public final class KlDiv {
  private final Reduction reduction;
  private final boolean logTarget;

  private KlDiv(Builder b) {
    this.reduction = b.reduction;
    this.logTarget = b.logTarget;
  }

  /** A builder with defaults: batchmean, target given as probabilities. */
  public static Builder builder() {
    return new Builder();
  }

  /** The reduced loss (BATCHMEAN, SUM or MEAN); {@code gradInput}, when not null, receives its gradient. */
  public double loss(Tensor logQ, Tensor target, float[] gradInput) {
    return Pointwise.reduced(reduction, checked(logQ, target), gradInput, kernel(logQ, target));
  }

  /** Reduction NONE: every element's term; the gradient is that of sum_i gradOutput[i] l_i. */
  public float[] lossPerElement(Tensor logQ, Tensor target, float[] gradOutput, float[] gradInput) {
    return Pointwise.perElement(reduction, checked(logQ, target), gradOutput, gradInput, kernel(logQ, target));
  }

  private static Tensor checked(Tensor logQ, Tensor target) {
    Pointwise.requireSame("input", logQ, "target", target);
    return logQ;
  }

  private Pointwise.Kernel kernel(Tensor logQ, Tensor target) {
    float[] x = logQ.data();
    float[] t = target.data();
    boolean log = logTarget;
    return (k, loss, grad, off, len, scale) -> k.klDiv(loss, grad, x, t, log, off, len, scale);
  }

  /** Builder: all options are optional (optX). */
  public static final class Builder {
    private Reduction reduction = Reduction.BATCHMEAN;
    private boolean logTarget;

    private Builder() {}

    /** batchmean (default), sum, mean (per element, not a KL divergence) or none. */
    public Builder optReduction(Reduction reduction) {
      if (reduction == null) {
        throw new IllegalArgumentException("reduction: expected none, sum, mean or batchmean, got null");
      }
      this.reduction = reduction;
      return this;
    }

    /** True when the target holds log p instead of p (default false). */
    public Builder optLogTarget(boolean logTarget) {
      this.logTarget = logTarget;
      return this;
    }

    public KlDiv build() {
      return new KlDiv(this);
    }
  }
}
