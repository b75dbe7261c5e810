package org.normlab.info;

import org.normlab.tensor.Tensor;

/**
 * Mean squared error, as PyTorch's {@code torch.nn.functional.mse_loss}: l_i = (p_i - y_i)^2 over
 * all elements of prediction p and target y (same shape and layout).
 *
 * <p>Gradient (closed form): dl_i/dp_i = 2 (p_i - y_i), times the upstream gradient and divided
 * by the number of elements for MEAN. The target gets no gradient (as a label).
 */
public final class MseLoss {
  private static final MseLoss MEAN = new MseLoss(Reduction.MEAN);

  private final Reduction reduction;

  /** A loss with the given reduction: none, sum or mean. */
  public MseLoss(Reduction reduction) {
    this.reduction = IndexTargets.checkReduction(reduction);
  }

  /**
   * Mean squared error over all elements and its gradient (PyTorch's mse_loss, reduction mean).
   *
   * @param gradPrediction when not null, receives d(loss)/d(prediction) = 2 (p - y) / n (written)
   */
  public static double lossAndGrad(Tensor prediction, Tensor target, float[] gradPrediction) {
    return MEAN.loss(prediction, target, gradPrediction);
  }

  public Reduction reduction() {
    return reduction;
  }

  /** The reduced loss (SUM or MEAN); {@code gradPrediction}, when not null, receives its gradient. */
  public double loss(Tensor prediction, Tensor target, float[] gradPrediction) {
    return Pointwise.reduced(reduction, checked(prediction, target), gradPrediction, kernel(prediction, target));
  }

  /**
   * Reduction NONE: the loss of every element (in memory order); {@code gradPrediction}, when not
   * null, receives the gradient of sum_i gradOutput[i] l_i (gradOutput null means ones).
   */
  public float[] lossPerElement(Tensor prediction, Tensor target, float[] gradOutput, float[] gradPrediction) {
    return Pointwise.perElement(reduction, checked(prediction, target), gradOutput, gradPrediction,
        kernel(prediction, target));
  }

  private static Tensor checked(Tensor prediction, Tensor target) {
    Pointwise.requireSame("prediction", prediction, "target", target);
    return prediction;
  }

  private static Pointwise.Kernel kernel(Tensor prediction, Tensor target) {
    float[] p = prediction.data();
    float[] y = target.data();
    return (k, loss, grad, off, len, scale) -> k.squaredError(loss, grad, p, y, off, len, scale);
  }
}
