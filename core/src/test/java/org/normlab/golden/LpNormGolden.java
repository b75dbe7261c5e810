package org.normlab.golden;

import org.normlab.norm.LpNorm;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The {@code lp_norm} golden op (normlab's own: Santurkar et al.'s Lp normalization written as a
 * PyTorch expression, gradients from autograd): metadata {@code kind} (L1, L2, LINF), {@code eps},
 * {@code affine}; tensors as {@code group_norm}'s. Training mode; run on the stored
 * channels-first input and on its channels-last permutation.
 */
final class LpNormGolden {
  private LpNormGolden() {}

  static void check(GoldenCase c) {
    ChannelLayouts.inBothOrders(c, LpNormGolden::run);
  }

  private static void run(GoldenCase c, Layout layout) {
    boolean affine = c.metaBool("affine");
    Tensor x = c.tensor("input", ChannelLayouts.firstLayout(c));
    LpNorm lp = LpNorm.builder(x.channels(), LpNorm.Kind.valueOf(c.meta("kind")))
        .optEps(c.metaDouble("eps")).optAffine(affine).build();
    if (affine) {
      ChannelLayouts.copyAffine(c, lp.weight(), lp.bias());
    }
    Tensor y = lp.forward(x.toLayout(layout));
    Tensor dx = lp.backward(c.tensor("grad_output", x.layout()).toLayout(layout));
    c.expectClose("output", y.toChannelsFirst().data());
    c.expectClose("grad_input", dx.toChannelsFirst().data());
    if (affine) {
      c.expectClose("grad_weight", lp.weightGrad().data());
      c.expectClose("grad_bias", lp.biasGrad().data());
    }
  }
}
