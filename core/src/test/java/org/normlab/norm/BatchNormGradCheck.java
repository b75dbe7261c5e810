package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.normlab.tensor.AllClose;
import org.normlab.tensor.Tensor;

/**
 * Checks BatchNorm's backward against central finite differences computed IN DOUBLE.
 *
 * <p>The layer computes in float32, so differentiating it numerically needs a large step and a
 * loose tolerance. Instead this check re-implements the forward pass plainly in double
 * ({@link #referenceForward}: per group and channel, mean, biased variance, xhat, renorm's r and
 * d held at their values for the unperturbed input, affine, ReLU), confirms that it agrees with
 * the layer's float forward, and differentiates L = sum(y * w) numerically with step 1e-6, which
 * is accurate to about 1e-8. The layer's dx, dgamma and dbeta must match within rtol 1e-3,
 * atol 1e-4 (float32 rounding of the analytic gradients). Coordinates where a ReLU output changes
 * sign between the two evaluations straddle the kink and are skipped; at least half must remain.
 */
final class BatchNormGradCheck {
  static final double STEP = 1e-6;
  static final double RTOL = 1e-3;
  static final double ATOL = 1e-4;

  private BatchNormGradCheck() {}

  /** Checks dx, dgamma and dbeta of {@code bn} at {@code x}; the running statistics are left as they were. */
  static void check(BatchNorm bn, Tensor x, long seed) {
    boolean update = bn.isUpdatingRunningStats();
    bn.setUpdateRunningStats(false);
    try {
      Tensor w = Tensor.randn(seed, x.layout(), x.shape().dims());
      bn.zeroGrad();
      Tensor y = bn.forward(x);
      Tensor dx = bn.backward(w);
      Reference ref = new Reference(bn, x);
      double[] xd = toDouble(x.data());
      double[] y0 = ref.forward(xd, ref.gamma, ref.beta);
      AllClose.assertAllClose(toDouble(y.data()), y0, 1e-4, 1e-5, "float forward vs double reference");
      compare("dx", dx.data(), numeric(v -> ref.forward(v, ref.gamma, ref.beta), xd, w, y0));
      if (bn.isAffine()) {
        compare("dgamma", bn.weightGrad().data(), numeric(g -> ref.forward(xd, g, ref.beta), ref.gamma, w, y0));
        compare("dbeta", bn.biasGrad().data(), numeric(b -> ref.forward(xd, ref.gamma, b), ref.beta, w, y0));
      }
    } finally {
      bn.setUpdateRunningStats(update);
    }
  }

  /** The forward pass of a configured BatchNorm in double, on the same memory order. */
  private static final class Reference {
    final int c;
    final int s;
    final int groups;
    final boolean channelsLast;
    final boolean batchStats;
    final boolean relu;
    final double eps;
    final double[] gamma;
    final double[] beta;
    final double[] runningMean;
    final double[] runningVar;
    /** Renorm's r and d per group and channel at the unperturbed input (1 and 0 without renorm). */
    final double[][] r;
    final double[][] d;

    Reference(BatchNorm bn, Tensor x) {
      c = bn.channels();
      s = x.spatialSize();
      channelsLast = x.layout().isChannelsLast() || x.layout() == org.normlab.tensor.Layout.NC;
      batchStats = bn.isTraining() || !bn.tracksRunningStats();
      groups = batchStats && bn.isTraining() && bn.ghostBatchSize() > 0
          ? x.batch() / bn.ghostBatchSize() : 1;
      relu = bn.isFusedRelu();
      eps = bn.eps();
      gamma = bn.isAffine() ? toDouble(bn.weight().data()) : filled(1.0);
      beta = bn.isAffine() ? toDouble(bn.bias().data()) : filled(0.0);
      runningMean = bn.tracksRunningStats() ? toDouble(bn.runningMean().data()) : null;
      runningVar = bn.tracksRunningStats() ? toDouble(bn.runningVar().data()) : null;
      r = new double[groups][];
      d = new double[groups][];
      double[][][] stats = stats(toDouble(x.data()));
      for (int g = 0; g < groups; g++) {
        r[g] = filled(1.0);
        d[g] = filled(0.0);
        if (bn.isRenorm() && bn.isTraining()) {
          for (int ch = 0; ch < c; ch++) {
            double sigma = Math.sqrt(runningVar[ch] + eps);
            double sigmaB = Math.sqrt(stats[g][1][ch] + eps);
            r[g][ch] = Math.max(1 / bn.renormRmax(), Math.min(bn.renormRmax(), sigmaB / sigma));
            d[g][ch] = Math.max(-bn.renormDmax(),
                Math.min(bn.renormDmax(), (stats[g][0][ch] - runningMean[ch]) / sigma));
          }
        }
      }
    }

    private double[] filled(double v) {
      double[] a = new double[c];
      java.util.Arrays.fill(a, v);
      return a;
    }

    int channel(int i) {
      return channelsLast ? i % c : (i / s) % c;
    }

    int group(int i, int size) {
      return (int) ((long) i * groups / size);
    }

    /** Per group: {mean, biased variance} per channel, two-pass in double. */
    double[][][] stats(double[] x) {
      double[][][] st = new double[groups][2][c];
      double[][] count = new double[groups][c];
      for (int i = 0; i < x.length; i++) {
        st[group(i, x.length)][0][channel(i)] += x[i];
        count[group(i, x.length)][channel(i)]++;
      }
      for (int g = 0; g < groups; g++) {
        for (int ch = 0; ch < c; ch++) {
          st[g][0][ch] /= count[g][ch];
        }
      }
      for (int i = 0; i < x.length; i++) {
        int g = group(i, x.length);
        double dev = x[i] - st[g][0][channel(i)];
        st[g][1][channel(i)] += dev * dev / count[g][channel(i)];
      }
      return st;
    }

    double[] forward(double[] x, double[] gam, double[] bet) {
      double[][][] st = batchStats ? stats(x) : null;
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        int ch = channel(i);
        int g = group(i, x.length);
        double xhat = batchStats
            ? (x[i] - st[g][0][ch]) / Math.sqrt(st[g][1][ch] + eps) * r[g][ch] + d[g][ch]
            : (x[i] - runningMean[ch]) / Math.sqrt(runningVar[ch] + eps);
        double v = gam[ch] * xhat + bet[ch];
        y[i] = relu ? Math.max(v, 0) : v;
      }
      return y;
    }
  }

  private interface DoubleFunction {
    double[] apply(double[] v);
  }

  /** dL/dv[i] by central differences in double, NaN where a ReLU kink lies between the points. */
  private static double[] numeric(DoubleFunction f, double[] v, Tensor w, double[] y0) {
    double[] grad = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double keep = v[i];
      v[i] = keep + STEP;
      double[] plus = f.apply(v);
      v[i] = keep - STEP;
      double[] minus = f.apply(v);
      v[i] = keep;
      boolean kink = signsDiffer(plus, y0) || signsDiffer(minus, y0);
      grad[i] = kink ? Double.NaN : (loss(plus, w) - loss(minus, w)) / (2 * STEP);
    }
    return grad;
  }

  private static boolean signsDiffer(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      if ((a[i] > 0) != (b[i] > 0)) {
        return true;
      }
    }
    return false;
  }

  private static double loss(double[] y, Tensor w) {
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      s += y[i] * w.data()[i];
    }
    return s;
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private static void compare(String name, float[] analytic, double[] numeric) {
    int kept = 0;
    double[] a = new double[analytic.length];
    for (int i = 0; i < a.length; i++) {
      if (Double.isNaN(numeric[i])) {
        numeric[i] = 0;
        a[i] = 0;
      } else {
        a[i] = analytic[i];
        kept++;
      }
    }
    assertTrue(2 * kept >= a.length, name + ": only " + kept + " of " + a.length
        + " coordinates away from ReLU kinks");
    AllClose.assertAllClose(a, numeric, RTOL, ATOL, name + " (analytic vs finite differences in double)");
  }
}
