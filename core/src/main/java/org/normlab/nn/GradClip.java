package org.normlab.nn;

import java.util.List;
import org.normlab.kernels.Kernels;
import org.normlab.kernels.Reductions;

/**
 * Gradient clipping by global norm, PyTorch's clip_grad_norm_: with
 * {@code total = sqrt(sum over parameters of |grad|^2)}, every gradient is scaled by
 * {@code maxNorm / (total + 1e-6)} when that factor is below 1.
 */
public final class GradClip {
  private GradClip() {}

  /** Clips in place and returns the total norm before clipping. */
  public static double clipByNorm(List<Parameter> parameters, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("max norm: expected > 0, got " + maxNorm);
    }
    double sumSq = 0;
    for (Parameter p : parameters) {
      float[] g = p.grad().data();
      sumSq += Reductions.sumOfSquares(g, 0, g.length);
    }
    double total = Math.sqrt(sumSq);
    double factor = maxNorm / (total + 1e-6);
    if (factor < 1) {
      for (Parameter p : parameters) {
        float[] g = p.grad().data();
        Kernels.get().scale(g, 0, g.length, (float) factor);
      }
    }
    return total;
  }
}
