package org.normlab.info;

import org.normlab.kernels.Kernels;
import org.normlab.kernels.LossKernels;
import org.normlab.tensor.Tensor;

/**
 * The shared frame of the elementwise losses (mse, bce, bce with logits, kl_div): reductions,
 * deterministic blocked sums, upstream gradients for reduction NONE, and broadcast weights.
 */
final class Pointwise {
  private Pointwise() {}

  /** One elementwise loss kernel over [off, off+len) (see {@link LossKernels}). */
  @FunctionalInterface
  interface Kernel {
    double run(LossKernels k, float[] loss, float[] grad, int off, int len, float gradScale);
  }

  /**
   * The reduced loss: sum_i l_i times 1/n (MEAN), 1/N (BATCHMEAN, N = input.dim(0)) or 1 (SUM);
   * {@code grad}, when not null, receives its gradient (the same factor times dl_i/dx_i).
   */
  static double reduced(Reduction reduction, Tensor input, float[] grad, Kernel kernel) {
    ClassRows.requireLength("grad", grad, input.size());
    double scale = switch (reduction) {
      case MEAN -> 1.0 / input.size();
      case BATCHMEAN -> 1.0 / input.dim(0);
      case SUM -> 1.0;
      case NONE -> throw new IllegalArgumentException(
          "reduction: expected sum, mean or batchmean for loss(...), got none; call lossPerElement(...)");
    };
    return sum(null, grad, input.size(), (float) scale, kernel) * scale;
  }

  /**
   * Reduction NONE: every element's loss; {@code grad}, when not null, receives the gradient of
   * sum_i gradOutput[i] * l_i (gradOutput null means ones).
   */
  static float[] perElement(Reduction reduction, Tensor input, float[] gradOutput, float[] grad, Kernel kernel) {
    if (reduction != Reduction.NONE) {
      throw new IllegalArgumentException("reduction: expected none for lossPerElement(...), got "
          + reduction.torchName() + "; call loss(...)");
    }
    ClassRows.requireLength("grad", grad, input.size());
    ClassRows.requireLength("gradOutput", gradOutput, input.size());
    float[] out = new float[input.size()];
    sum(out, grad, input.size(), 1f, kernel);
    if (grad != null && gradOutput != null) {
      Kernels.get().mul(grad, 0, gradOutput, 0, grad, 0, grad.length);
    }
    return out;
  }

  private static double sum(float[] out, float[] grad, int n, float scale, Kernel kernel) {
    return Blocks.sum(n, 1, 1, (from, to, acc) ->
        acc[0] += kernel.run(Kernels.get().losses(), out, grad, from, to - from, scale))[0];
  }

  /** Throws unless both tensors are given and {@code other} has the shape and layout of {@code input}. */
  static void requireSame(String inputName, Tensor input, String otherName, Tensor other) {
    if (input == null || other == null) {
      throw new IllegalArgumentException((input == null ? inputName : otherName) + ": expected a tensor, got null");
    }
    other.requireSameShape(otherName, input);
  }

  /**
   * A weight broadcast to the input's size, or null when {@code weight} is null. The weight's dims
   * must be the input's trailing dims (PyTorch broadcasting over leading dims), e.g. (C) for an
   * input (N, C), or a single value.
   */
  static float[] expand(String name, Tensor weight, Tensor input) {
    if (weight == null) {
      return null;
    }
    int rw = weight.rank();
    int ri = input.rank();
    boolean suffix = rw <= ri;
    for (int a = 0; suffix && a < rw; a++) {
      suffix = weight.dim(rw - 1 - a) == input.dim(ri - 1 - a);
    }
    if (!suffix && weight.size() != 1) {
      throw new IllegalArgumentException(name + ": expected a shape that broadcasts to " + input.shape()
          + " (its trailing dims), got " + weight.shape());
    }
    float[] w = weight.data();
    float[] out = new float[input.size()];
    for (int i = 0; i < out.length; i += w.length) {
      System.arraycopy(w, 0, out, i, w.length);
    }
    return out;
  }
}
