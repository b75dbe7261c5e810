package org.normlab.lab.train;

import org.normlab.info.CrossEntropy;
import org.normlab.info.MseLoss;
import org.normlab.info.Reduction;
import org.normlab.tensor.Tensor;

/** A loss bound to its targets: the loss of an output, and d(loss)/d(output) written into {@code grad}. */
@FunctionalInterface
public interface Objective {
  double lossAndGrad(Tensor output, float[] grad);

  /** Mean cross-entropy against class labels. */
  static Objective crossEntropy(int[] labels) {
    return (out, grad) -> CrossEntropy.lossAndGrad(out, labels, grad);
  }

  /** Mean squared error over all elements (PyTorch's mse_loss). */
  static Objective mse(Tensor target) {
    return (out, grad) -> MseLoss.lossAndGrad(out, target, grad);
  }

  /**
   * The deep linear network's loss (1/N) sum_n ||yhat_n - y_n||^2: the summed squared error over
   * the N rows, divided by N (= d times the element mean for d outputs).
   */
  static Objective sumSquaresPerRow(Tensor target) {
    MseLoss sum = new MseLoss(Reduction.SUM);
    return (out, grad) -> {
      int n = out.dim(0);
      double loss = sum.loss(out, target, grad);
      if (grad != null) {
        for (int i = 0; i < grad.length; i++) {
          grad[i] /= n;
        }
      }
      return loss / n;
    };
  }
}
