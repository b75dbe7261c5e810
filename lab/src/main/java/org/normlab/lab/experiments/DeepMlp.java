package org.normlab.lab.experiments;

import org.normlab.lab.Recorder;
import org.normlab.lab.RunContext;
import org.normlab.lab.train.ClassifierLoop;
import org.normlab.lab.train.Mlp;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.NormFactory;
import org.normlab.nn.Sgd;

/**
 * Santurkar et al.'s "VGG analogue" used by E3, E4 and E5: MLP 784-128x8-10, ReLU,
 * Glorot-uniform weights, zero biases (reproductions.md, E3).
 */
final class DeepMlp {
  static final int WIDTH = 128;
  static final int HIDDEN = 8;
  static final int BATCH = 128;

  private DeepMlp() {}

  static int[] widths(int inputs) {
    int[] w = new int[HIDDEN + 2];
    w[0] = inputs;
    for (int i = 1; i <= HIDDEN; i++) {
      w[i] = WIDTH;
    }
    w[HIDDEN + 1] = 10;
    return w;
  }

  /**
   * Trains {@code net} with plain SGD at {@code lr}, batch 128, logging the training loss every
   * 50 steps and test accuracy every 500 (5 and 10 at the tiny scale), then writes the done record.
   */
  static void train(RunContext ctx, Net net, double lr, long steps, long seed, ClassifierLoop.Hook hook, Recorder rec)
      throws java.io.IOException {
    ClassifierLoop.builder().setNet(net)
        .setOptimizer(Sgd.builder().setLearningRate(lr).build(net.parameters()))
        .setData(ctx.data()).setBatchSize(BATCH).setSteps(steps).optSeed(seed)
        .optLogEvery(ctx.scale().pick(5, 50, 50)).optEvalEvery(ctx.scale().pick(10, 500, 500))
        .optHook(hook).build().run(rec);
    rec.done();
  }

  /** The network with an optional norm (null: plain) and optional noisy-BN noise. */
  static Net build(int inputs, NormFactory norm, boolean noise, long seed) {
    return Mlp.builder(widths(inputs)).optNorm(norm).optNoise(noise).optSeed(seed).build();
  }
}
