package org.normlab.lab.experiments;

import org.normlab.lab.Recorder;
import org.normlab.lab.train.Mlp;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.NormFactory;
import org.normlab.lab.train.Objective;
import org.normlab.lab.train.Training;
import org.normlab.nn.Init;
import org.normlab.nn.Sgd;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Santurkar et al.'s deep linear network (reproductions.md, E4): 25 linear 10x10 layers without
 * bias, Glorot-normal weights (std sqrt(2/20)), optionally a norm after layers 1-24, fitting
 * y = A x for a random Gaussian A on a fixed 1000x10 N(0, 1) input X, with the loss (1/N) sum
 * ||yhat - A x||^2 and full-batch gradient descent.
 */
final class DeepLinear {
  static final int DIM = 10;
  static final int LAYERS = 25;
  static final int SAMPLES = 1000;

  private DeepLinear() {}

  /** The regression problem of one seed: inputs X (N, d) and targets Y = X A^T. */
  record Problem(Tensor x, Tensor y) {
    Objective objective() {
      return Objective.sumSquaresPerRow(y);
    }
  }

  static Problem problem(long seed) {
    Tensor x = Tensor.randn(seed * 31 + 1, Layout.NC, SAMPLES, DIM);
    Tensor a = Tensor.randn(seed * 31 + 2, Layout.ROW_MAJOR, DIM, DIM);
    Tensor y = Tensor.zeros(Layout.NC, SAMPLES, DIM);
    float[] xd = x.data();
    float[] ad = a.data();
    float[] yd = y.data();
    for (int n = 0; n < SAMPLES; n++) {
      for (int i = 0; i < DIM; i++) {
        double s = 0;
        for (int j = 0; j < DIM; j++) {
          s += (double) ad[i * DIM + j] * xd[n * DIM + j];
        }
        yd[n * DIM + i] = (float) s;
      }
    }
    return new Problem(x, y);
  }

  /** A measurement taken at the weights of {@code step} (before that step's update). */
  @FunctionalInterface
  interface Probe {
    void at(Net net, long step, Recorder log);
  }

  /**
   * Full-batch gradient descent for {@code steps} steps at {@code lr}: calls {@code probe} every
   * {@code every} steps (from step 0), logs the loss every 10 steps, stops on a non-finite loss,
   * and writes the run's done record.
   */
  static void train(Net net, Problem p, double lr, long steps, long every, Probe probe, Recorder rec) {
    Sgd sgd = Sgd.builder().setLearningRate(lr).build(net.parameters());
    for (long step = 0; step < steps; step++) {
      if (probe != null && step % every == 0) {
        probe.at(net, step, rec);
      }
      double loss = Training.step(net, sgd, p.x(), p.objective()).loss();
      if ((step + 1) % 10 == 0 || step + 1 == steps || !Double.isFinite(loss)) {
        rec.log("train", step + 1, "loss", loss);
        rec.progress(step + 1, loss);
      }
      if (!Double.isFinite(loss)) {
        break;
      }
    }
    rec.done();
  }

  /** The network, with {@code norm} after layers 1-24 (null: plain). */
  static Net build(NormFactory norm, long seed) {
    int[] widths = new int[LAYERS + 1];
    java.util.Arrays.fill(widths, DIM);
    return Mlp.builder(widths).optActivation(Mlp.Activation.IDENTITY).optBias(false)
        .optWeightInit(Init.glorotNormal()).optNorm(norm).optSeed(seed).build();
  }
}
