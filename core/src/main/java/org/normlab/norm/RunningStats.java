package org.normlab.norm;

import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Batch norm's running mean and variance and their update rule (package-private; BatchNorm
 * exposes the tensors and counters).
 *
 * <p>Each update with batch mean s_m and biased batch variance s_v over m values per channel:
 * <pre>
 *   f = momentum, or 1/num_batches_tracked (after the increment) when cumulative
 *   running_mean <- (1 - f)*running_mean + f*s_m
 *   running_var  <- (1 - f)*running_var  + f*s_v*m/(m-1)   (unbiased: PyTorch)
 *                                         + f*s_v           (biased: Keras)
 * </pre>
 * computed in double and stored as float. A batch with any non-finite statistic changes nothing
 * but the {@link #skippedUpdates()} counter.
 */
final class RunningStats {
  private final Tensor mean;
  private final Tensor var;
  private final double momentum;
  private final boolean cumulative;
  private final boolean unbiased;
  private long numBatchesTracked;
  private long skippedUpdates;

  /** Mean 0 and variance 1 per channel, as PyTorch initializes them. */
  RunningStats(int channels, double momentum, boolean cumulative, boolean unbiased) {
    this.mean = Tensor.zeros(Layout.ROW_MAJOR, channels);
    this.var = Tensor.filled(1f, Layout.ROW_MAJOR, channels);
    this.momentum = momentum;
    this.cumulative = cumulative;
    this.unbiased = unbiased;
  }

  Tensor mean() {
    return mean;
  }

  Tensor var() {
    return var;
  }

  long numBatchesTracked() {
    return numBatchesTracked;
  }

  void setNumBatchesTracked(long n) {
    numBatchesTracked = n;
  }

  long skippedUpdates() {
    return skippedUpdates;
  }

  /** Folds one batch's statistics (biased variance over {@code count} values per channel) in. */
  void update(double[] batchMean, double[] batchVar, long count) {
    for (int ch = 0; ch < batchMean.length; ch++) {
      if (!Double.isFinite(batchMean[ch]) || !Double.isFinite(batchVar[ch])) {
        skippedUpdates++;
        return;
      }
    }
    numBatchesTracked++;
    double f = cumulative ? 1.0 / numBatchesTracked : momentum;
    double correction = unbiased ? (double) count / (count - 1) : 1.0;
    float[] rm = mean.data();
    float[] rv = var.data();
    for (int ch = 0; ch < rm.length; ch++) {
      rm[ch] = (float) ((1 - f) * rm[ch] + f * batchMean[ch]);
      rv[ch] = (float) ((1 - f) * rv[ch] + f * batchVar[ch] * correction);
    }
  }
}
