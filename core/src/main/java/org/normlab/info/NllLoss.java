package org.normlab.info;

import java.util.Arrays;
import org.normlab.tensor.Tensor;

/**
 * Negative log-likelihood on log-probabilities, as PyTorch's {@code torch.nn.functional.nll_loss}:
 * l_r = -w[t_r] * x[r, t_r] for input (N, C) or (N, C, d1, ...) (see {@link ClassRows}) and class
 * index targets; rows whose target is ignore_index contribute 0. MEAN divides by sum_r w[t_r] over
 * the non-ignored rows (PyTorch's weighted mean; NaN when every row is ignored, as in PyTorch).
 *
 * <p>Gradient (closed form): dl_r/dx[r, j] = -w[t_r] [j = t_r]; every other entry is 0.
 * {@link CrossEntropy} fuses log-softmax with this loss; use it for logits.
 */
public final class NllLoss {
  private final Reduction reduction;
  private final float[] weight;
  private final int ignoreIndex;

  private NllLoss(Builder b) {
    this.reduction = b.reduction;
    this.weight = b.weight;
    this.ignoreIndex = b.ignoreIndex;
  }

  /** A builder with PyTorch's defaults: mean, no weights, ignore_index -100. */
  public static Builder builder() {
    return new Builder();
  }

  /** The reduced loss (SUM or MEAN); {@code gradInput}, when not null, receives its gradient. */
  public double loss(Tensor logProbabilities, int[] targets, float[] gradInput) {
    if (reduction == Reduction.NONE) {
      throw new IllegalArgumentException("reduction: expected sum or mean for loss(...), got none;"
          + " call lossPerSample(...)");
    }
    return run(logProbabilities, targets, null, gradInput, null);
  }

  /** Reduction NONE: one loss per sample; the gradient is that of sum_r gradOutput[r] l_r. */
  public float[] lossPerSample(Tensor logProbabilities, int[] targets, float[] gradOutput, float[] gradInput) {
    if (reduction != Reduction.NONE) {
      throw new IllegalArgumentException("reduction: expected none for lossPerSample(...), got "
          + reduction.torchName() + "; call loss(...)");
    }
    float[] out = new float[targets == null ? 0 : targets.length];
    run(logProbabilities, targets, gradOutput, gradInput, out);
    return out;
  }

  private double run(Tensor input, int[] targets, float[] gradOutput, float[] gradInput, float[] perRow) {
    ClassRows x = ClassRows.of("logProbabilities", input);
    int c = x.classes;
    IndexTargets.check(targets, x.rows, c, ignoreIndex);
    IndexTargets.checkWeight(weight, c);
    ClassRows.requireLength("gradInput", gradInput, input.size());
    ClassRows.requireLength("gradOutput", gradOutput, x.rows);
    double denominator = reduction == Reduction.MEAN ? IndexTargets.weightSum(targets, weight, ignoreIndex) : 1;
    float[] g = gradInput == null ? null : x.gradBuffer(gradInput);
    if (g != null) {
      Arrays.fill(g, 0f);
    }
    double total = 0;
    for (int r = 0; r < x.rows; r++) {
      int t = targets[r];
      if (t == ignoreIndex) {
        continue;
      }
      double w = weight == null ? 1 : weight[t];
      double l = -w * x.data[r * c + t];
      total += l;
      if (perRow != null) {
        perRow[r] = (float) l;
      }
      if (g != null) {
        g[r * c + t] = (float) (-w * (gradOutput == null ? 1 : gradOutput[r]) / denominator);
      }
    }
    if (g != null) {
      x.writeBack(g, gradInput);
    }
    return total / denominator;
  }

  /** Builder: all options are optional (optX), with PyTorch's defaults (see {@link IndexLossOptions}). */
  public static final class Builder extends IndexLossOptions<Builder> {
    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public NllLoss build() {
      return new NllLoss(this);
    }
  }
}
