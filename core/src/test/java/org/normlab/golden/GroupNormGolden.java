package org.normlab.golden;

import org.normlab.norm.GroupNorm;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The {@code group_norm} golden op, run twice: on the stored channels-first input and on the same
 * values permuted to the channels-last layout of the same rank (outputs permuted back).
 */
final class GroupNormGolden {
  private GroupNormGolden() {}

  static void check(GoldenCase c) {
    ChannelLayouts.inBothOrders(c, GroupNormGolden::run);
  }

  private static void run(GoldenCase c, Layout layout) {
    boolean affine = c.metaBool("affine");
    Tensor x = c.tensor("input", ChannelLayouts.firstLayout(c));
    GroupNorm gn = GroupNorm.builder(Integer.parseInt(c.meta("groups")), x.channels())
        .optEps(c.metaDouble("eps")).optAffine(affine).build();
    if (affine) {
      ChannelLayouts.copyAffine(c, gn.weight(), gn.bias());
    }
    Tensor y = gn.forward(x.toLayout(layout));
    Tensor dx = gn.backward(c.tensor("grad_output", x.layout()).toLayout(layout));
    c.expectClose("output", y.toChannelsFirst().data());
    c.expectClose("grad_input", dx.toChannelsFirst().data());
    if (affine) {
      c.expectClose("grad_weight", gn.weightGrad().data());
      c.expectClose("grad_bias", gn.biasGrad().data());
    }
  }
}
