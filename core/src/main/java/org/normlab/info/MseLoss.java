package org.normlab.info;

import org.normlab.kernels.Kernels;
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
    if (reduction == null || reduction == Reduction.BATCHMEAN) {
      throw new IllegalArgumentException("reduction: expected none, sum or mean, got " + reduction);
    }
    this.reduction = reduction;
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
    if (reduction == Reduction.NONE) {
      throw new IllegalArgumentException("reduction: expected sum or mean for loss(...), got none;"
          + " call lossPerElement(...)");
    }
    check(prediction, target, gradPrediction);
    int n = prediction.size();
    float scale = reduction == Reduction.MEAN ? 1f / n : 1f;
    double sum = run(null, gradPrediction, prediction, target, scale);
    return reduction == Reduction.MEAN ? sum / n : sum;
  }

  /**
   * Reduction NONE: the loss of every element (in memory order); {@code gradPrediction}, when not
   * null, receives the gradient of sum_i l_i (an upstream gradient of ones; scale it as needed).
   */
  public float[] lossPerElement(Tensor prediction, Tensor target, float[] gradPrediction) {
    if (reduction != Reduction.NONE) {
      throw new IllegalArgumentException("reduction: expected none for lossPerElement(...), got "
          + reduction.torchName() + "; call loss(...)");
    }
    check(prediction, target, gradPrediction);
    float[] out = new float[prediction.size()];
    run(out, gradPrediction, prediction, target, 1f);
    return out;
  }

  private static double run(float[] out, float[] grad, Tensor prediction, Tensor target, float scale) {
    float[] p = prediction.data();
    float[] y = target.data();
    return Blocks.sum(p.length, 1, 1, (from, to, acc) ->
        acc[0] += Kernels.get().losses().squaredError(out, grad, p, y, from, to - from, scale))[0];
  }

  private static void check(Tensor prediction, Tensor target, float[] grad) {
    if (prediction == null || target == null) {
      throw new IllegalArgumentException((prediction == null ? "prediction" : "target")
          + ": expected a tensor, got null");
    }
    target.requireSameShape("target", prediction);
    ClassRows.requireLength("gradPrediction", grad, prediction.size());
  }
}
