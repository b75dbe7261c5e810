package org.normlab.nn;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.normlab.tensor.Tensor;

/**
 * Finite-difference gradient checks for any {@link Layer} (shared with lab's tests via core's
 * test-jar).
 *
 * <p>The scalar loss is L = sum(y * r) for a fixed random r, accumulated in double, so dL/dy = r
 * and {@code layer.backward(r)} must give dL/dx and add dL/dp into each parameter's gradient.
 * Each checked element is compared with the central difference (L(v+e) - L(v-e)) / (v+e - (v-e)),
 * where the denominator uses the float values actually stored (so rounding of v +- e does not bias
 * the estimate), under |analytic - numeric| <= atol + rtol * |numeric|.
 *
 * <p>Layers compute in float, so e must be large enough for float rounding (1e-2 suits inputs of
 * order 1; the O(e^2) truncation error is then ~1e-4 relative).
 */
public final class GradCheck {
  private final Layer layer;
  private double eps = 1e-2;
  private double atol = 2e-3;
  private double rtol = 2e-2;
  private int maxChecksPerTensor = 200;
  private long seed = 1;

  private GradCheck(Layer layer) {
    this.layer = layer;
  }

  public static GradCheck of(Layer layer) {
    return new GradCheck(layer);
  }

  public GradCheck eps(double eps) {
    this.eps = eps;
    return this;
  }

  public GradCheck tolerance(double atol, double rtol) {
    this.atol = atol;
    this.rtol = rtol;
    return this;
  }

  /** Checks at most this many elements of each tensor (spread evenly). */
  public GradCheck maxChecks(int n) {
    this.maxChecksPerTensor = n;
    return this;
  }

  public GradCheck seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Runs the check on input {@code x}; fails with the first bad element and its values. */
  public void check(Tensor x) {
    Tensor y = layer.forward(x);
    Tensor r = Tensor.uniform(seed, -1f, 1f, y.layout(), y.shape().dims());
    for (Parameter p : layer.parameters()) {
      p.zeroGrad();
    }
    Tensor dx = layer.backward(r);
    dx.requireSameShape("input gradient", x);
    compare("input", x.data(), dx.data().clone(), x, r);
    for (Parameter p : layer.parameters()) {
      compare("parameter " + p.name(), p.value().data(), p.grad().data().clone(), x, r);
    }
  }

  private void compare(String what, float[] values, float[] analytic, Tensor x, Tensor r) {
    int n = values.length;
    int stride = Math.max(1, n / maxChecksPerTensor);
    int offset = new SplittableRandom(seed + 17).nextInt(stride);
    double worst = 0;
    for (int i = offset; i < n; i += stride) {
      float saved = values[i];
      float plus = (float) (saved + eps);
      float minus = (float) (saved - eps);
      values[i] = plus;
      double lossPlus = loss(x, r);
      values[i] = minus;
      double lossMinus = loss(x, r);
      values[i] = saved;
      double numeric = (lossPlus - lossMinus) / ((double) plus - minus);
      double diff = Math.abs(analytic[i] - numeric);
      worst = Math.max(worst, diff);
      if (!(diff <= atol + rtol * Math.abs(numeric))) {
        fail(what + " gradient at index " + i + ": analytic " + analytic[i] + ", numeric " + numeric
            + " (difference " + diff + ", allowed " + (atol + rtol * Math.abs(numeric)) + ")");
      }
    }
  }

  private double loss(Tensor x, Tensor r) {
    Tensor y = layer.forward(x);
    double s = 0;
    float[] yd = y.data();
    float[] rd = r.data();
    for (int i = 0; i < yd.length; i++) {
      s += (double) yd[i] * rd[i];
    }
    return s;
  }
}
