package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.normlab.tensor.AllClose;
import org.normlab.tensor.Tensor;

/**
 * Central finite differences of L = sum(y * w) (accumulated in double) against BatchNorm's
 * backward, for the input and for gamma and beta.
 *
 * <p>The layer computes in float32, so the step is 1e-2 for unit-scale inputs: float rounding of
 * L (about 1e-6 for the small shapes used) divided by 2h stays near 1e-4, and BN's curvature
 * keeps the O(h^2) truncation error of the same order; the tolerance (rtol 1e-2, atol 2e-3)
 * sits above both. Where a fused ReLU output changes sign between the two evaluations the
 * difference quotient straddles the kink: those coordinates are skipped, and at least half must
 * remain.
 */
final class BatchNormGradCheck {
  static final double STEP = 1e-2;
  static final double RTOL = 1e-2;
  static final double ATOL = 2e-3;

  private BatchNormGradCheck() {}

  /** Checks dx, dgamma and dbeta of {@code bn} at {@code x} (running statistics are not updated). */
  static void check(BatchNorm bn, Tensor x, long seed) {
    boolean update = bn.isUpdatingRunningStats();
    bn.setUpdateRunningStats(false);
    try {
      Tensor w = Tensor.randn(seed, x.layout(), x.shape().dims());
      bn.zeroGrad();
      Tensor y = bn.forward(x);
      Tensor dx = bn.backward(w);
      compare("dx", dx.data(), numeric(bn, x, w, x.data(), y.data()));
      if (bn.isAffine()) {
        compare("dgamma", bn.weightGrad().data(), numeric(bn, x, w, bn.weight().data(), y.data()));
        compare("dbeta", bn.biasGrad().data(), numeric(bn, x, w, bn.bias().data(), y.data()));
      }
    } finally {
      bn.setUpdateRunningStats(update);
    }
  }

  /** dL/dv[i] for every i by central differences, NaN where a ReLU kink lies between the points. */
  private static double[] numeric(BatchNorm bn, Tensor x, Tensor w, float[] v, float[] y0) {
    double[] grad = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      float keep = v[i];
      v[i] = (float) (keep + STEP);
      Tensor plus = bn.forward(x);
      v[i] = (float) (keep - STEP);
      Tensor minus = bn.forward(x);
      v[i] = keep;
      boolean kink = bn.isFusedRelu() && (signsDiffer(plus.data(), y0) || signsDiffer(minus.data(), y0));
      grad[i] = kink ? Double.NaN : (loss(plus, w) - loss(minus, w)) / (2 * STEP);
    }
    return grad;
  }

  private static boolean signsDiffer(float[] a, float[] b) {
    for (int i = 0; i < a.length; i++) {
      if ((a[i] > 0) != (b[i] > 0)) {
        return true;
      }
    }
    return false;
  }

  private static double loss(Tensor y, Tensor w) {
    double s = 0;
    for (int i = 0; i < y.size(); i++) {
      s += (double) y.data()[i] * w.data()[i];
    }
    return s;
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
    AllClose.assertAllClose(a, numeric, RTOL, ATOL, name + " (analytic vs finite differences)");
  }
}
