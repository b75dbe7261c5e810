package org.normlab.nn;

import java.util.Arrays;
import org.normlab.tensor.Tensor;

/**
 * A trained tensor and its gradient. Backward passes ADD into {@link #grad()}; the optimizer
 * (or the caller) zeroes it with {@link #zeroGrad()} before the next backward.
 *
 * <p>{@link #isNormAffine()} marks a normalization layer's gamma or beta, which optimizers can
 * exclude from weight decay (a common recipe for batch-norm networks).
 */
public final class Parameter {
  private final String name;
  private final Tensor value;
  private final Tensor grad;
  private final boolean normAffine;

  /** A parameter named {@code name} (local to its layer: "weight", "bias") holding {@code value}. */
  public Parameter(String name, Tensor value, boolean normAffine) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("name: expected a non-empty parameter name, got '" + name + "'");
    }
    this.name = name;
    this.value = value;
    this.grad = value.zerosLike();
    this.normAffine = normAffine;
  }

  public Parameter(String name, Tensor value) {
    this(name, value, false);
  }

  /** Wraps an existing value and gradient (a norm layer that keeps its own gradient buffers). */
  public static Parameter wrap(String name, Tensor value, Tensor grad, boolean normAffine) {
    grad.requireSameShape(name + " gradient", value);
    return new Parameter(name, value, grad, normAffine);
  }

  private Parameter(String name, Tensor value, Tensor grad, boolean normAffine) {
    this.name = name;
    this.value = value;
    this.grad = grad;
    this.normAffine = normAffine;
  }

  public String name() {
    return name;
  }

  public Tensor value() {
    return value;
  }

  public Tensor grad() {
    return grad;
  }

  public boolean isNormAffine() {
    return normAffine;
  }

  public void zeroGrad() {
    Arrays.fill(grad.data(), 0f);
  }

  @Override
  public String toString() {
    return "Parameter[" + name + " " + value.shape() + "]";
  }
}
