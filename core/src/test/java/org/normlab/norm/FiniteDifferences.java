package org.normlab.norm;

import java.util.function.UnaryOperator;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Tensor;

/**
 * Central finite differences for layer gradient checks. The loss is L = sum(forward(x) * dy) for a
 * fixed random dy, accumulated in double; its exact gradients are the layer's backward outputs.
 * Forward passes run in float32, so the step is large (1e-2) and the tolerance loose enough for
 * float rounding (error about 1e-6 / 2h) and truncation (O(h^2)), but far tighter than any wrong
 * term of a backward formula.
 */
public final class FiniteDifferences {
  public static final double STEP = 1e-2;
  public static final double RTOL = 2e-2;
  public static final double ATOL = 2e-3;

  private FiniteDifferences() {}

  /** L = sum(forward(x) * dy) in double. */
  public static double loss(UnaryOperator<Tensor> forward, Tensor x, Tensor dy) {
    float[] y = forward.apply(x).data();
    float[] g = dy.data();
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      s += (double) y[i] * g[i];
    }
    return s;
  }

  /** dL/dv for every entry of {@code values} (perturbed in place and restored). */
  public static double[] gradient(float[] values, java.util.function.DoubleSupplier loss) {
    double[] grad = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      values[i] = (float) (v + STEP);
      double plus = loss.getAsDouble();
      values[i] = (float) (v - STEP);
      double minus = loss.getAsDouble();
      values[i] = v;
      grad[i] = (plus - minus) / (2 * STEP);
    }
    return grad;
  }

  /** Asserts an analytic gradient matches the central differences of {@code loss} over {@code values}. */
  public static void assertGradient(String what, float[] analytic, float[] values,
      java.util.function.DoubleSupplier loss) {
    double[] numeric = gradient(values, loss);
    double[] a = new double[analytic.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = analytic[i];
    }
    AllClose.assertAllClose(a, numeric, RTOL, ATOL, what + " (analytic vs finite differences)");
  }
}
