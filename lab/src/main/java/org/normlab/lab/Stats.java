package org.normlab.lab;

import java.util.Arrays;

/** Small summaries used by acceptance bars and charts. */
public final class Stats {
  private Stats() {}

  /** The median (NaN when empty); NaN values sort last, so a diverged tail raises it. */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  /**
   * The q-th percentile (0..100) with linear interpolation between order statistics, as numpy's
   * default {@code percentile}. {@code sorted} must be ascending and non-empty.
   */
  public static double percentileSorted(float[] sorted, double q) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("percentile: expected at least one value, got none");
    }
    double pos = q / 100.0 * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = pos - lo;
    return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
  }

  /**
   * Drift of a percentile trace (reproductions.md, E1): D = max over t >= start of
   * |p50(t) - p50(T)| / (p85(T) - p15(T)), T the last logged step. NaN when there is nothing
   * after {@code start} or the final spread is zero.
   */
  public static double drift(Series p15, Series p50, Series p85, double start) {
    if (p50.isEmpty()) {
      return Double.NaN;
    }
    double spread = p85.last() - p15.last();
    double end = p50.last();
    Series tail = p50.between(start, Double.POSITIVE_INFINITY);
    if (tail.isEmpty() || !(spread > 0)) {
      return Double.NaN;
    }
    double d = 0;
    for (double v : tail.y()) {
      d = Math.max(d, Math.abs(v - end));
    }
    return d / spread;
  }
}
