package org.normlab.golden;

import org.normlab.info.Reduction;

/**
 * The shared frame of the loss checks: runs the loss with the case's reduction and compares
 * {@code output} and {@code grad_input}. For reduction none the loss gets the stored
 * {@code grad_output} (the gradient is that of sum(output * grad_output)); otherwise the upstream
 * gradient is 1 and {@code output} is a scalar.
 */
final class LossGolden {
  private LossGolden() {}

  /** Runs a reduced loss, writing its gradient into grad; returns the loss. */
  @FunctionalInterface
  interface Reduced {
    double run(float[] grad);
  }

  /** Runs a loss with reduction none, with the upstream gradient; returns the per-element losses. */
  @FunctionalInterface
  interface PerElement {
    float[] run(float[] gradOutput, float[] grad);
  }

  static Reduction reduction(GoldenCase c) {
    return Reduction.parse(c.meta("reduction"));
  }

  static void check(GoldenCase c, Reduced reduced, PerElement none) {
    float[] grad = new float[c.floats("input").length];
    if (reduction(c) == Reduction.NONE) {
      c.expectClose("output", none.run(c.floats("grad_output"), grad));
    } else {
      c.expectClose("output", new double[] {reduced.run(grad)});
    }
    c.expectClose("grad_input", grad);
  }

  static int[] ints(long[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.toIntExact(values[i]);
    }
    return out;
  }
}
