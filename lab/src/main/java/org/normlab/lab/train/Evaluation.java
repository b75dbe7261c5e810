package org.normlab.lab.train;

import org.normlab.data.Dataset;
import org.normlab.nn.Trainer;
import org.normlab.tensor.Layout;

/** Accuracy and mean loss of a classifier MLP on a data set, in evaluation mode (BN: running statistics). */
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

  /** Evaluates {@code net} on {@code data} (images flattened to rows); leaves it in training mode. */
  public static Result evaluate(Net net, Dataset data) {
    Trainer.Evaluation e = Trainer.evaluate(net.model(),
        images -> images.reshape(Layout.NC, images.dim(0), images.size() / images.dim(0)), data, CHUNK);
    return new Result(e.accuracy(), e.loss());
  }
}
