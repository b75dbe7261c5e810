package org.normlab.golden;

import java.util.function.BiConsumer;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Helpers for golden checks of per-channel norms: run a case on the stored channels-first input
 * and again on its channels-last permutation, and copy a case's affine parameters into a layer.
 */
final class ChannelLayouts {
  private ChannelLayouts() {}

  /** Runs {@code check(c, layout)} for the input's channels-first layout and, if different, its channels-last one. */
  static void inBothOrders(GoldenCase c, BiConsumer<GoldenCase, Layout> check) {
    Layout first = firstLayout(c);
    check.accept(c, first);
    if (first.toChannelsLast() != first) {
      check.accept(c, first.toChannelsLast());
    }
  }

  /** The channels-first layout of the stored input's rank. */
  static Layout firstLayout(GoldenCase c) {
    return Layout.channelsFirstOfRank(c.shape("input").length);
  }

  /** Copies the case's {@code weight} and {@code bias} tensors into the layer's (bias may be null). */
  static void copyAffine(GoldenCase c, Tensor weight, Tensor bias) {
    System.arraycopy(c.floats("weight"), 0, weight.data(), 0, weight.size());
    if (bias != null) {
      System.arraycopy(c.floats("bias"), 0, bias.data(), 0, bias.size());
    }
  }
}
