package org.normlab.lab.train;

import org.normlab.info.CrossEntropy;
import org.normlab.tensor.Tensor;

/** Accuracy and mean loss of a classifier on a data set, in evaluation mode (BN: running statistics). */
public final class Evaluation {
  private static final int CHUNK = 1000;

  private Evaluation() {}

  /** Accuracy (fraction) and mean cross-entropy. */
  public record Result(double accuracy, double loss) {
    /** Accuracy in percent. */
    public double percent() {
      return 100 * accuracy;
    }
  }

  /** Evaluates {@code net} on rows {@code x} (N, F) with labels {@code y}; leaves it in training mode. */
  public static Result evaluate(Net net, Tensor x, int[] y) {
    net.setTraining(false);
    try {
      int n = y.length;
      double lossSum = 0;
      double right = 0;
      for (int from = 0; from < n; from += CHUNK) {
        int count = Math.min(CHUNK, n - from);
        Tensor out = net.forward(LabData.rows(x, from, count));
        int[] labels = java.util.Arrays.copyOfRange(y, from, from + count);
        lossSum += CrossEntropy.lossAndGrad(out, labels, null) * count;
        right += Training.accuracy(out, labels) * count;
      }
      return new Result(right / n, lossSum / n);
    } finally {
      net.setTraining(true);
    }
  }
}
