package org.normlab.lab.train;

import org.normlab.nn.Optimizer;
import org.normlab.nn.Trainer;
import org.normlab.tensor.Tensor;

/** One training step and the gradient evaluations the probes repeat. */
public final class Training {
  private Training() {}

  /** The loss and output of one forward and backward pass. */
  public record Pass(double loss, Tensor output) {}

  /**
   * Zeroes the gradients, runs forward and backward on {@code x} and leaves d(loss)/d(parameter)
   * in every parameter's gradient. Nothing is updated (BN running statistics are, in training
   * mode: callers that must not disturb them take a {@link Snapshot}).
   */
  public static Pass gradients(Net net, Tensor x, Objective objective) {
    net.zeroGrad();
    Tensor out = net.forward(x);
    float[] grad = new float[out.size()];
    double loss = objective.lossAndGrad(out, grad);
    net.backward(Tensor.wrap(grad, out.layout(), out.shape().dims()));
    return new Pass(loss, out);
  }

  /** {@link #gradients} then one optimizer step; skips the step when the loss is not finite. */
  public static Pass step(Net net, Optimizer optimizer, Tensor x, Objective objective) {
    Pass p = gradients(net, x, objective);
    if (Double.isFinite(p.loss())) {
      optimizer.step();
    }
    return p;
  }

  /** Fraction of rows of {@code logits} (N, C) whose largest entry is at the label. */
  public static double accuracy(Tensor logits, int[] labels) {
    return labels.length == 0 ? Double.NaN : (double) Trainer.correct(logits, labels) / labels.length;
  }
}
