package org.normlab.info;

import java.util.function.ToDoubleFunction;
import org.normlab.tensor.AllClose;

/** Central finite differences of a scalar function of a float array, for gradient checks. */
final class FiniteDifference {
  private FiniteDifference() {}

  /**
   * d f / d x[i] ~ (f(x + h e_i) - f(x - h e_i)) / 2h for every i, restoring x afterwards. The
   * loss is evaluated in double from float inputs, so h of 1e-2..1e-3 keeps the truncation error
   * (O(h^2)) and the float rounding of the input (O(1e-7 / h)) both small.
   */
  static float[] gradient(float[] x, double h, ToDoubleFunction<float[]> f) {
    float[] grad = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      float saved = x[i];
      x[i] = (float) (saved + h);
      double up = f.applyAsDouble(x);
      float stepUp = x[i] - saved;
      x[i] = (float) (saved - h);
      double down = f.applyAsDouble(x);
      float stepDown = saved - x[i];
      x[i] = saved;
      grad[i] = (float) ((up - down) / (stepUp + stepDown));
    }
    return grad;
  }

  /** Asserts that the analytic gradient matches finite differences. */
  static void check(String what, float[] analytic, float[] x, double h, double tol, ToDoubleFunction<float[]> f) {
    AllClose.assertAllClose(analytic, gradient(x, h, f), tol, tol, what + " (analytic vs finite differences)");
  }
}
