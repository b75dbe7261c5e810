package org.normlab.info;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Checks that arrays are probability distributions, and rescales them on request.
 *
 * <p>A distribution has at least one entry, every entry finite and >= 0, and entries that sum to 1
 * within {@link #TOLERANCE}. Anything else is a {@link NotADistributionException} that names the
 * array and says which rule failed; the measures never rescale silently.
 */
public final class Distribution {
  /** How far the sum of a distribution may be from 1 (float inputs of 1000 entries stay within it). */
  public static final double TOLERANCE = 1e-5;

  private Distribution() {}

  /** Returns {@code p} unchanged after checking that it is a distribution. */
  public static double[] require(String name, double[] p) {
    double sum = checkEntries(name, p);
    if (Math.abs(sum - 1) > TOLERANCE) {
      throw new NotADistributionException(name + " sums to " + format(sum) + ", not 1", sum > 0);
    }
    return p;
  }

  /**
   * A copy of {@code p} divided by its sum. The entries must still be finite and >= 0 with a
   * positive sum: negative entries or all zeros are not fixed by rescaling.
   */
  public static double[] normalize(String name, double[] p) {
    double sum = checkEntries(name, p);
    if (!(sum > 0)) {
      throw new NotADistributionException(name + " sums to 0; it cannot be rescaled to sum to 1", false);
    }
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i] / sum;
    }
    return out;
  }

  /** Throws unless {@code q} has the length of {@code p}. */
  static void requireSameLength(String pName, double[] p, String qName, double[] q) {
    if (p.length != q.length) {
      throw new NotADistributionException(qName + ": expected " + p.length + " probabilities (the length of "
          + pName + "), got " + q.length, false);
    }
  }

  /** Checks entries (not the sum) and returns the sum. */
  private static double checkEntries(String name, double[] p) {
    if (p == null || p.length == 0) {
      throw new NotADistributionException(name + ": expected at least one probability, got none", false);
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double v = p[i];
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        throw new NotADistributionException(name + "[" + i + "]: expected a finite probability, got " + v, false);
      }
      if (v < 0) {
        throw new NotADistributionException(name + "[" + i + "]: expected a probability >= 0, got " + v, false);
      }
      sum += v;
    }
    return sum;
  }

  /** A number with at most 6 significant digits and no trailing zeros: 0.9000000000000001 gives "0.9". */
  static String format(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return String.valueOf(v);
    }
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
