package org.normlab.info;

import java.util.Locale;

/**
 * How a loss turns per-element (or per-sample) losses into the value it returns, as in PyTorch's
 * {@code reduction} argument.
 *
 * <p>The denominators, for a loss with per-element terms l_i over an input of shape (N, ...):
 * <ul>
 *   <li>{@link #NONE}: no reduction; one value per element (per sample for cross-entropy and
 *       nll_loss, whose class axis is summed).
 *   <li>{@link #SUM}: sum_i l_i.
 *   <li>{@link #MEAN}: sum_i l_i / (number of terms). For cross_entropy and nll_loss with class
 *       index targets the denominator is the sum of the weights of the non-ignored targets,
 *       sum_i w[t_i] (the number of non-ignored targets when there are no weights), as in PyTorch;
 *       for probability targets it is the number of samples N*d1*...; for pointwise losses
 *       (mse, bce, kl_div) it is the number of elements.
 *   <li>{@link #BATCHMEAN}: sum_i l_i / N, the batch size (the first dimension). Only kl_div
 *       offers it: sum/N is the mean KL divergence per sample, while MEAN (per element) is not a
 *       KL divergence at all.
 * </ul>
 */
public enum Reduction {
  NONE,
  SUM,
  MEAN,
  BATCHMEAN;

  /** Parses PyTorch's spelling ("none", "sum", "mean", "batchmean"), case-insensitively. */
  public static Reduction parse(String name) {
    if (name != null) {
      for (Reduction r : values()) {
        if (r.name().equalsIgnoreCase(name.trim())) {
          return r;
        }
      }
    }
    throw new IllegalArgumentException(
        "reduction: expected one of none, sum, mean, batchmean, got '" + name + "'");
  }

  /** PyTorch's spelling: "none", "sum", "mean" or "batchmean". */
  public String torchName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
