package org.normlab.norm;

import java.util.Arrays;

/**
 * Per-feature count, mean and M2 (sum of squared deviations from the mean) that merge exactly:
 * statistics computed on shards (sub-batches, workers, chunks of a data set) combine into the
 * statistics of the union, in any grouping, up to double rounding.
 *
 * <p>Merge (Chan, Golub and LeVeque 1979): for parts A and B with counts nA, nB, means mA, mB and
 * M2 values, with n = nA + nB and delta = mB - mA,
 * <pre>
 *   mean = mA + delta * nB / n
 *   M2   = M2A + M2B + delta^2 * nA * nB / n
 * </pre>
 * Variance with {@code ddof} degrees of freedom removed is M2 / (n - ddof): ddof 0 is the biased
 * (population) variance batch norm normalizes with, ddof 1 the unbiased one.
 *
 * <p>All features share one count (every sample has every feature). Not thread-safe; merge
 * per-thread instances in a fixed order for reproducible results.
 */
public final class MergeableStats {
  private final double[] mean;
  private final double[] m2;
  private long count;

  /** Empty statistics for {@code features} features. */
  public MergeableStats(int features) {
    if (features < 1) {
      throw new IllegalArgumentException("features: expected at least 1, got " + features);
    }
    this.mean = new double[features];
    this.m2 = new double[features];
  }

  public int features() {
    return mean.length;
  }

  public long count() {
    return count;
  }

  public double mean(int feature) {
    return mean[feature];
  }

  public double m2(int feature) {
    return m2[feature];
  }

  /** A copy of the means. */
  public double[] means() {
    return mean.clone();
  }

  /** Variance of one feature: M2 / (count - ddof). Requires count > ddof. */
  public double variance(int feature, int ddof) {
    requireCount(ddof);
    return m2[feature] / (count - ddof);
  }

  /** Variances of all features: M2 / (count - ddof). Requires count > ddof. */
  public double[] variances(int ddof) {
    requireCount(ddof);
    double[] v = new double[mean.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = m2[i] / (count - ddof);
    }
    return v;
  }

  private void requireCount(int ddof) {
    if (ddof < 0) {
      throw new IllegalArgumentException("ddof: expected >= 0, got " + ddof);
    }
    if (count <= ddof) {
      throw new IllegalStateException("count: a variance with ddof " + ddof + " needs more than "
          + ddof + " samples, got " + count);
    }
  }

  /**
   * Merges a part with {@code n} samples, per-feature means and M2 values (for example one
   * batch's statistics) into these statistics.
   */
  public MergeableStats merge(long n, double[] partMean, double[] partM2) {
    if (partMean.length != mean.length || partM2.length != mean.length) {
      throw new IllegalArgumentException("features: expected " + mean.length + ", got means of "
          + partMean.length + " and M2 of " + partM2.length);
    }
    if (n < 0) {
      throw new IllegalArgumentException("n: expected >= 0, got " + n);
    }
    if (n == 0) {
      return this;
    }
    long total = count + n;
    double wb = (double) n / total;
    double cross = (double) count * n / total;
    for (int i = 0; i < mean.length; i++) {
      double delta = partMean[i] - mean[i];
      mean[i] += delta * wb;
      m2[i] += partM2[i] + delta * delta * cross;
    }
    count = total;
    return this;
  }

  /** Merges another set of statistics into this one. */
  public MergeableStats merge(MergeableStats other) {
    return merge(other.count, other.mean, other.m2);
  }

  /** Adds one sample (one value per feature), Welford's update. */
  public MergeableStats add(double[] sample) {
    if (sample.length != mean.length) {
      throw new IllegalArgumentException("features: expected " + mean.length + ", got " + sample.length);
    }
    count++;
    for (int i = 0; i < mean.length; i++) {
      double delta = sample[i] - mean[i];
      mean[i] += delta / count;
      m2[i] += delta * (sample[i] - mean[i]);
    }
    return this;
  }

  /** A deep copy. */
  public MergeableStats copy() {
    MergeableStats c = new MergeableStats(mean.length);
    c.count = count;
    System.arraycopy(mean, 0, c.mean, 0, mean.length);
    System.arraycopy(m2, 0, c.m2, 0, m2.length);
    return c;
  }

  @Override
  public String toString() {
    return "MergeableStats[count=" + count + ", mean=" + Arrays.toString(mean) + ", m2="
        + Arrays.toString(m2) + "]";
  }
}
