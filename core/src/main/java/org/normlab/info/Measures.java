package org.normlab.info;

import org.normlab.kernels.Parallel;
import org.normlab.tensor.Tensor;

/**
 * Information measures of discrete distributions, in nats, bits or hartleys ({@link Unit}):
 * <pre>
 *   information  I(x)      = -log P(x)
 *   entropy      H(P)      = -sum_i p_i log p_i
 *   cross-entropy CE(P, Q) = -sum_i p_i log q_i
 *   KL           KL(P||Q)  = sum_i p_i log(p_i / q_i) = CE(P, Q) - H(P)
 *   Jensen-Shannon JS      = (KL(P||M) + KL(Q||M)) / 2,  M = (P + Q) / 2;  JS distance = sqrt(JS)
 *   binary entropy H(p)    = -p log p - (1 - p) log(1 - p)
 * </pre>
 * Zero rules, exact: 0 log 0 = 0 (a term with p_i = 0 is 0 whatever q_i is); p_i > 0 where q_i = 0
 * gives +infinity for CE and KL (never a skipped term). JS is always finite (at most ln 2 nats =
 * 1 bit). Inputs must be distributions ({@link Distribution#require}); they are never rescaled
 * silently: call {@link Distribution#normalize} first to rescale. Sums run in double.
 */
public final class Measures {
  private Measures() {}

  /** I(x) = -log p for an event of probability p in [0, 1]; +infinity for p = 0. */
  public static double information(double p, Unit unit) {
    if (!(p >= 0 && p <= 1)) {
      throw new NotADistributionException("p: expected a probability in [0, 1], got " + p, false);
    }
    return unit.fromNats(-Math.log(p));
  }

  /** H(p) = -p log p - (1-p) log(1-p) of a coin with P(heads) = p. */
  public static double binaryEntropy(double p, Unit unit) {
    if (!(p >= 0 && p <= 1)) {
      throw new NotADistributionException("p: expected a probability in [0, 1], got " + p, false);
    }
    return unit.fromNats(-(plogp(p) + plogp(1 - p)));
  }

  /** H(P) = -sum p log p. */
  public static double entropy(double[] p, Unit unit) {
    Distribution.require("p", p);
    return unit.fromNats(entropyNats(p, 0, p.length));
  }

  /** CE(P, Q) = -sum p log q; +infinity when some p_i > 0 has q_i = 0. */
  public static double crossEntropy(double[] p, double[] q, Unit unit) {
    requirePair(p, q);
    return unit.fromNats(crossEntropyNats(p, q));
  }

  /** KL(P || Q) = sum p log(p / q); +infinity when some p_i > 0 has q_i = 0. Not symmetric. */
  public static double kl(double[] p, double[] q, Unit unit) {
    requirePair(p, q);
    return unit.fromNats(klNats(p, q));
  }

  /** JS(P, Q) = (KL(P||M) + KL(Q||M)) / 2 with M = (P + Q) / 2: symmetric, finite, at most ln 2 nats. */
  public static double js(double[] p, double[] q, Unit unit) {
    requirePair(p, q);
    return unit.fromNats(jsNats(p, q));
  }

  /** The Jensen-Shannon distance sqrt(JS) (JS in the given unit): a metric on distributions. */
  public static double jsDistance(double[] p, double[] q, Unit unit) {
    return Math.sqrt(js(p, q, unit));
  }

  // ---- float[] and tensors of rows ---------------------------------------------------------

  public static double entropy(float[] p, Unit unit) {
    return entropy(toDouble(p, 0, p.length), unit);
  }

  public static double crossEntropy(float[] p, float[] q, Unit unit) {
    return crossEntropy(toDouble(p, 0, p.length), toDouble(q, 0, q.length), unit);
  }

  public static double kl(float[] p, float[] q, Unit unit) {
    return kl(toDouble(p, 0, p.length), toDouble(q, 0, q.length), unit);
  }

  public static double js(float[] p, float[] q, Unit unit) {
    return js(toDouble(p, 0, p.length), toDouble(q, 0, q.length), unit);
  }

  /** The entropy of every row of a (N, C) tensor (each row a distribution); rank 1 is one row. */
  public static double[] entropyRows(Tensor p, Unit unit) {
    int c = p.dim(p.rank() - 1);
    double[] out = new double[p.size() / Math.max(1, c)];
    requireRows("p", p, c, out.length);
    float[] data = p.data();
    Parallel.forRange(0, out.length, rowGrain(c), (from, to) -> {
      for (int r = from; r < to; r++) {
        out[r] = unit.fromNats(entropyNats(toDouble(data, r * c, c), 0, c));
      }
    });
    return out;
  }

  /** KL(P_r || Q_r) for every row r of two (N, C) tensors. */
  public static double[] klRows(Tensor p, Tensor q, Unit unit) {
    return pairRows(p, q, unit, Measures::klNats);
  }

  /** CE(P_r, Q_r) for every row r of two (N, C) tensors. */
  public static double[] crossEntropyRows(Tensor p, Tensor q, Unit unit) {
    return pairRows(p, q, unit, Measures::crossEntropyNats);
  }

  /** JS(P_r, Q_r) for every row r of two (N, C) tensors. */
  public static double[] jsRows(Tensor p, Tensor q, Unit unit) {
    return pairRows(p, q, unit, Measures::jsNats);
  }

  @FunctionalInterface
  private interface PairNats {
    double apply(double[] p, double[] q);
  }

  private static double[] pairRows(Tensor p, Tensor q, Unit unit, PairNats measure) {
    if (p == null || q == null) {
      throw new IllegalArgumentException((p == null ? "p" : "q") + ": expected a tensor, got null");
    }
    if (!p.shape().equals(q.shape())) {
      throw new IllegalArgumentException("q: expected shape " + p.shape() + " (the shape of p), got " + q.shape());
    }
    int c = p.dim(p.rank() - 1);
    double[] out = new double[p.size() / Math.max(1, c)];
    for (int r = 0; r < out.length; r++) { // every row checked first, in order (see requireRows)
      Distribution.require(rowName("p", r), toDouble(p.data(), r * c, c));
      Distribution.require(rowName("q", r), toDouble(q.data(), r * c, c));
    }
    Parallel.forRange(0, out.length, rowGrain(c), (from, to) -> {
      for (int r = from; r < to; r++) {
        out[r] = unit.fromNats(measure.apply(toDouble(p.data(), r * c, c), toDouble(q.data(), r * c, c)));
      }
    });
    return out;
  }

  /**
   * Checks every row of a tensor of rows, in row order and before any measure runs, so that the
   * first bad row is the one reported whatever the thread count.
   */
  private static void requireRows(String name, Tensor t, int c, int rows) {
    for (int r = 0; r < rows; r++) {
      Distribution.require(rowName(name, r), toDouble(t.data(), r * c, c));
    }
  }

  /** Rows per parallel piece: about 16K values, whatever the thread count (each row's result is its own). */
  private static int rowGrain(int c) {
    return Math.max(1, 16384 / Math.max(1, c));
  }

  // ---- the sums, in nats, on checked inputs ------------------------------------------------

  /** p log p with 0 log 0 = 0. */
  private static double plogp(double p) {
    return p == 0 ? 0 : p * Math.log(p);
  }

  private static double entropyNats(double[] p, int off, int len) {
    double s = 0;
    for (int i = off; i < off + len; i++) {
      s -= plogp(p[i]);
    }
    return s;
  }

  private static double crossEntropyNats(double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] > 0) {
        s -= p[i] * Math.log(q[i]); // q = 0 gives +infinity, as it should
      }
    }
    return s;
  }

  private static double klNats(double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] > 0) {
        s += p[i] * Math.log(p[i] / q[i]);
      }
    }
    return Math.max(0, s); // Gibbs: KL >= 0; rounding may leave -1e-17
  }

  private static double jsNats(double[] p, double[] q) {
    double[] m = new double[p.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = 0.5 * (p[i] + q[i]);
    }
    return 0.5 * (klNats(p, m) + klNats(q, m));
  }

  private static void requirePair(double[] p, double[] q) {
    Distribution.require("p", p);
    Distribution.require("q", q);
    Distribution.requireSameLength("p", p, "q", q);
  }

  private static String rowName(String name, int row) {
    return name + " row " + row;
  }

  private static double[] toDouble(float[] x, int off, int len) {
    double[] out = new double[len];
    for (int i = 0; i < len; i++) {
      out[i] = x[off + i];
    }
    return out;
  }
}
