package org.normlab.nn;

import java.util.function.UnaryOperator;
import org.normlab.data.Batches;
import org.normlab.data.Dataset;
import org.normlab.info.CrossEntropy;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The classification training step and evaluation loop: forward, mean cross-entropy and its
 * gradient, backward, optional gradient clipping, optimizer update.
 *
 * <p>{@code prepareInput} turns a batch of images into the network input (e.g.
 * {@link Models#prepareInput} flattens them for the MLPs).
 */
public final class Trainer {
  /** The result of one training step: the batch's mean loss and its number of correct predictions. */
  public record StepResult(double loss, int correct, int count) {
    public double accuracy() {
      return count == 0 ? 0 : (double) correct / count;
    }
  }

  /** Mean loss and accuracy over a dataset. */
  public record Evaluation(double loss, double accuracy, int count) {}

  private final Sequential model;
  private final Optimizer optimizer;
  private final UnaryOperator<Tensor> prepareInput;
  private double clipNorm;

  public Trainer(Sequential model, Optimizer optimizer, UnaryOperator<Tensor> prepareInput) {
    this.model = model;
    this.optimizer = optimizer;
    this.prepareInput = prepareInput;
    // the input is data: no gradient needed for it
    model.setInputGradientNeeded(false);
  }

  /** Clips the global gradient norm to {@code maxNorm} before each update (0: no clipping). */
  public Trainer setClipNorm(double maxNorm) {
    if (!(maxNorm >= 0)) {
      throw new IllegalArgumentException("clip norm: expected >= 0, got " + maxNorm);
    }
    this.clipNorm = maxNorm;
    return this;
  }

  public Sequential model() {
    return model;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  /** One step on one batch, in training mode. */
  public StepResult step(Tensor images, int[] labels) {
    model.setTraining(true);
    optimizer.zeroGrad();
    Tensor logits = model.forward(prepareInput.apply(images));
    float[] grad = new float[logits.size()];
    double loss = CrossEntropy.lossAndGrad(logits, labels, grad);
    if (!Double.isFinite(loss)) {
      throw new ArithmeticException("training diverged: the loss is " + loss
          + " at optimizer step " + (optimizer.steps() + 1) + " (try a smaller learning rate)");
    }
    model.backward(Tensor.wrap(grad, logits.layout(), logits.shape().dims()));
    if (clipNorm > 0) {
      GradClip.clipByNorm(optimizer.parameters(), clipNorm);
    }
    optimizer.step();
    StepResult result = new StepResult(loss, correct(logits, labels), labels.length);
    // the step's activations and gradients are spent: the next step writes over them
    model.recycleOutputs();
    return result;
  }

  /** Mean loss and accuracy of {@code model} on {@code data} in evaluation mode (restored to training after). */
  public static Evaluation evaluate(Sequential model, UnaryOperator<Tensor> prepareInput, Dataset data,
      int batchSize) {
    model.setTraining(false);
    try {
      Batches batches = new Batches(data, batchSize, false, false, 0);
      double lossSum = 0;
      long correct = 0;
      for (int b = 0; b < batches.count(); b++) {
        Batches.Batch batch = batches.batch(0, b);
        Tensor logits = model.forward(prepareInput.apply(batch.images()));
        lossSum += CrossEntropy.lossAndGrad(logits, batch.labels(), null) * batch.size();
        correct += correct(logits, batch.labels());
      }
      return new Evaluation(lossSum / data.size(), (double) correct / data.size(), data.size());
    } finally {
      model.setTraining(true);
    }
  }

  /** Number of rows of logits (N, C) whose largest value (the first, on ties) is at the label. */
  public static int correct(Tensor logits, int[] labels) {
    int n = logits.dim(0);
    int c = logits.dim(1);
    float[] d = logits.data();
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 1; j < c; j++) {
        if (d[i * c + j] > d[i * c + best]) {
          best = j;
        }
      }
      if (best == labels[i]) {
        correct++;
      }
    }
    return correct;
  }

  /** Logits of {@code model} for a batch, as a plain (N, C) tensor (evaluation helper). */
  public static Tensor logits(Sequential model, UnaryOperator<Tensor> prepareInput, Tensor images) {
    Tensor y = model.forward(prepareInput.apply(images));
    return y.layout() == Layout.NC ? y : y.reshape(Layout.NC, y.dim(0), y.size() / y.dim(0));
  }
}
