package org.normlab.lab;

import java.util.Arrays;

/**
 * One logged quantity of one run and seed over training: steps (x) and values (y), in log order.
 * A diverged run has NaN values.
 */
public record Series(double[] x, double[] y) {
  public Series {
    if (x.length != y.length) {
      throw new IllegalArgumentException("series: expected as many values as steps (" + x.length + "), got " + y.length);
    }
  }

  public static Series empty() {
    return new Series(new double[0], new double[0]);
  }

  public int size() {
    return x.length;
  }

  public boolean isEmpty() {
    return x.length == 0;
  }

  /** The last value, NaN when empty. */
  public double last() {
    return isEmpty() ? Double.NaN : y[y.length - 1];
  }

  /** The last step, NaN when empty. */
  public double lastStep() {
    return isEmpty() ? Double.NaN : x[x.length - 1];
  }

  /** The value at the logged step closest to {@code step} (NaN when empty). */
  public double at(double step) {
    int best = -1;
    for (int i = 0; i < x.length; i++) {
      if (best < 0 || Math.abs(x[i] - step) < Math.abs(x[best] - step)) {
        best = i;
      }
    }
    return best < 0 ? Double.NaN : y[best];
  }

  /** The largest value; NaN when empty, or when every value is NaN. */
  public double max() {
    return Arrays.stream(y).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
  }

  /** The part with {@code from <= step <= to}. */
  public Series between(double from, double to) {
    int n = 0;
    for (double s : x) {
      if (s >= from && s <= to) {
        n++;
      }
    }
    double[] xs = new double[n];
    double[] ys = new double[n];
    for (int i = 0, j = 0; i < x.length; i++) {
      if (x[i] >= from && x[i] <= to) {
        xs[j] = x[i];
        ys[j++] = y[i];
      }
    }
    return new Series(xs, ys);
  }

  /** True when any value is NaN or infinite (the run diverged). */
  public boolean diverged() {
    return Arrays.stream(y).anyMatch(v -> !Double.isFinite(v));
  }

  /** The median of the values (NaN when empty; NaN values sort last). */
  public double median() {
    return Stats.median(y);
  }
}
