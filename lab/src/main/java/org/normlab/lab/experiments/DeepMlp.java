package org.normlab.lab.experiments;

import org.normlab.lab.train.Mlp;
import org.normlab.lab.train.Net;
import org.normlab.lab.train.NormFactory;

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

  /** The network with an optional norm (null: plain) and optional noisy-BN noise. */
  static Net build(int inputs, NormFactory norm, boolean noise, long seed) {
    return Mlp.builder(widths(inputs)).optNorm(norm).optNoise(noise).optSeed(seed).build();
  }
}
