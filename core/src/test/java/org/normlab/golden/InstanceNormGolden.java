package org.normlab.golden;

import org.normlab.norm.InstanceNorm;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The {@code instance_norm} golden op (normlab's own, in golden-format style): metadata
 * {@code eps}, {@code momentum}, {@code affine}, {@code track_running_stats}, {@code training};
 * tensors as {@code batch_norm}'s ({@code weight}/{@code bias} if affine,
 * {@code running_mean}/{@code running_var} and their {@code _out} values if tracked). Run on the
 * stored channels-first input and on its channels-last permutation.
 */
final class InstanceNormGolden {
  private InstanceNormGolden() {}

  static void check(GoldenCase c) {
    ChannelLayouts.inBothOrders(c, InstanceNormGolden::run);
  }

  private static void run(GoldenCase c, Layout layout) {
    boolean affine = c.metaBool("affine");
    boolean track = c.metaBool("track_running_stats");
    Tensor x = c.tensor("input", ChannelLayouts.firstLayout(c));
    InstanceNorm in = InstanceNorm.builder(x.channels()).optEps(c.metaDouble("eps"))
        .optMomentum(c.metaDouble("momentum")).optAffine(affine).optTrackRunningStats(track)
        .build();
    in.setTraining(c.metaBool("training"));
    if (affine) {
      ChannelLayouts.copyAffine(c, in.weight(), in.bias());
    }
    if (track) {
      System.arraycopy(c.floats("running_mean"), 0, in.runningMean().data(), 0, in.channels());
      System.arraycopy(c.floats("running_var"), 0, in.runningVar().data(), 0, in.channels());
    }
    Tensor y = in.forward(x.toLayout(layout));
    Tensor dx = in.backward(c.tensor("grad_output", x.layout()).toLayout(layout));
    c.expectClose("output", y.toChannelsFirst().data());
    c.expectClose("grad_input", dx.toChannelsFirst().data());
    if (affine) {
      c.expectClose("grad_weight", in.weightGrad().data());
      c.expectClose("grad_bias", in.biasGrad().data());
    }
    if (track) {
      c.expectClose("running_mean_out", in.runningMean().data());
      c.expectClose("running_var_out", in.runningVar().data());
    }
  }
}
