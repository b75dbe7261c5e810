package org.normlab.norm;

import org.normlab.kernels.BatchNormKernels;
import org.normlab.kernels.Kernels;
import org.normlab.norm.BatchNormPasses.Block;
import org.normlab.tensor.Tensor;

/**
 * Population statistics for batch norm's inference (Ioffe and Szegedy 2015, Algorithm 2;
 * "precise BN"): with the weights frozen, feed the inputs a BN layer sees for many batches, then
 * replace its running statistics.
 *
 * <p>Two estimates per channel, from batches b = 1..B of m_b values per channel with batch mean
 * mu_b and biased batch variance var_b:
 * <ul>
 *   <li>{@link Estimate#ALGORITHM_2}: {@code E[x] = mean_b(mu_b)} and
 *       {@code Var[x] = mean_b(m_b/(m_b - 1) * var_b)}, the paper's {@code m/(m-1) * E_B[var_B]}
 *       (identical when every batch has the same m).
 *   <li>{@link Estimate#POOLED}: the exact mean and variance of every value seen, merged batch by
 *       batch with Chan's parallel update ({@link MergeableStats}); the variance is unbiased for
 *       the PyTorch convention and biased for Keras', like the running variance it replaces.
 * </ul>
 * Batch statistics are computed with the same kernels as BatchNorm's training forward.
 */
public final class PopulationStats {
  /** Which population estimate replaces the running statistics. */
  public enum Estimate {
    ALGORITHM_2,
    POOLED
  }

  private final int channels;
  private final BatchNormPasses passes;
  private final MergeableStats pooled;
  private final double[] sumOfMeans;
  private final double[] sumOfCorrectedVars;
  private long batches;

  /** Empty statistics for {@code channels} channels, computed with the default kernels. */
  public PopulationStats(int channels) {
    this(channels, Kernels.get().batchNorm());
  }

  PopulationStats(int channels, BatchNormKernels kernels) {
    this.channels = channels;
    this.passes = new BatchNormPasses(kernels);
    this.pooled = new MergeableStats(channels);
    this.sumOfMeans = new double[channels];
    this.sumOfCorrectedVars = new double[channels];
  }

  /** Adds one batch (any layout with channels; at least 2 values per channel). */
  public PopulationStats add(Tensor x) {
    if (!x.layout().hasChannels()) {
      throw new IllegalArgumentException("input: expected a layout with channels, got " + x.layout());
    }
    x.requireChannels(channels);
    Block block = Block.of(x, 1, 0);
    long m = block.count();
    if (m < 2) {
      throw new IllegalArgumentException("population statistics: expected at least 2 values per"
          + " channel in a batch, got input " + x.layout() + " " + x.shape());
    }
    double[] mean = new double[channels];
    double[] var = new double[channels];
    passes.meanVar(mean, var, x.data(), block);
    double[] m2 = new double[channels];
    for (int ch = 0; ch < channels; ch++) {
      sumOfMeans[ch] += mean[ch];
      sumOfCorrectedVars[ch] += var[ch] * m / (m - 1);
      m2[ch] = var[ch] * m;
    }
    pooled.merge(m, mean, m2);
    batches++;
    return this;
  }

  public long batches() {
    return batches;
  }

  /** The exact pooled statistics of every value seen (a copy). */
  public MergeableStats pooled() {
    return pooled.copy();
  }

  /** Algorithm 2's mean: the mean of the batch means. */
  public double[] algorithm2Mean() {
    return averageOverBatches(sumOfMeans);
  }

  /** Algorithm 2's variance: the mean of m/(m-1) times the batch variances. */
  public double[] algorithm2Variance() {
    return averageOverBatches(sumOfCorrectedVars);
  }

  private double[] averageOverBatches(double[] sums) {
    requireBatches();
    double[] out = new double[channels];
    for (int ch = 0; ch < channels; ch++) {
      out[ch] = sums[ch] / batches;
    }
    return out;
  }

  private void requireBatches() {
    if (batches == 0) {
      throw new IllegalStateException("population statistics: no batches added");
    }
  }

  /** Replaces {@code bn}'s running mean and variance by the chosen estimate. */
  public void applyTo(BatchNorm bn, Estimate estimate) {
    requireBatches();
    if (bn.channels() != channels) {
      throw new IllegalArgumentException("channels: expected " + channels + ", got " + bn.channels());
    }
    double[] mean;
    double[] var;
    if (estimate == Estimate.ALGORITHM_2) {
      mean = algorithm2Mean();
      var = algorithm2Variance();
    } else {
      mean = pooled.means();
      var = pooled.variances(bn.convention().unbiasedRunningVariance() ? 1 : 0);
    }
    bn.loadRunningStats(toTensor(mean), toTensor(var));
  }

  private static Tensor toTensor(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return Tensor.vector(f);
  }
}
