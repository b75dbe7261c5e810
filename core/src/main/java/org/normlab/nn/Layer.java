package org.normlab.nn;

import java.util.List;
import org.normlab.tensor.Tensor;

/**
 * A network layer with an explicit forward and backward pass.
 *
 * <p>{@link #forward} caches what {@link #backward} needs; {@code backward(dy)} takes the
 * gradient of the loss with respect to the last forward's output and returns the gradient with
 * respect to its input, ADDING parameter gradients into each {@link Parameter#grad()} (the caller
 * zeroes them between steps, as in PyTorch). Layers start in training mode.
 */
public interface Layer {

  Tensor forward(Tensor x);

  Tensor backward(Tensor dy);

  /** The trained tensors in state-dict order (empty for parameter-free layers). */
  default List<Parameter> parameters() {
    return List.of();
  }

  /**
   * Declares whether {@link #backward} must return the input gradient. A network's first layer
   * does not need it (its input is data; PyTorch skips it too), which saves a matrix product per
   * step. When false, backward may return null; parameter gradients are always computed.
   * Default: needed.
   */
  default void setInputGradientNeeded(boolean needed) {}

  /**
   * Lets this layer write its next outputs and input gradients into the tensors it returned
   * before this call instead of new ones: after it, the tensors this layer returned from
   * {@link #forward} and {@link #backward} must no longer be used (they may be overwritten by the
   * next pass). {@link Trainer#step} calls it on its model after each step, when the step's
   * activations and gradients are spent. Default: nothing (the layer always allocates).
   */
  default void recycleOutputs() {}

  /** Switches between training (batch statistics, dropout) and evaluation behaviour. */
  default void setTraining(boolean training) {}

  /**
   * Adds this layer's persistent state under {@code prefix} (e.g. "3.") in PyTorch's names and
   * layouts, as views of the live arrays. The default adds the parameters; layers with buffers
   * (running statistics) add those too.
   */
  default void collectState(String prefix, StateDict out) {
    for (Parameter p : parameters()) {
      out.putFloats(prefix + p.name(), p.value().data(), p.value().shape().dims());
    }
  }

  /**
   * Copies state written by {@link #collectState} (names and shapes already checked by the
   * caller) into this layer. The default copies the parameters.
   */
  default void loadState(String prefix, StateDict in) {
    for (Parameter p : parameters()) {
      in.copyFloatsInto(prefix + p.name(), p.value().data());
    }
  }

  /** A one-line description in PyTorch's repr style, e.g. "Linear(in_features=784, out_features=100, bias=True)". */
  default String describe() {
    return getClass().getSimpleName() + "()";
  }
}
