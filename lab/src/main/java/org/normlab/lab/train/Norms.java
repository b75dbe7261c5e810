package org.normlab.lab.train;

import java.util.function.UnaryOperator;
import org.normlab.nn.BatchNormLayer;
import org.normlab.nn.Layer;
import org.normlab.norm.BatchNorm;
import org.normlab.norm.GroupNorm;
import org.normlab.norm.LayerNorm;
import org.normlab.norm.LpNorm;

/**
 * The normalization layers the experiments put after hidden linear layers, built from the core
 * classes with their PyTorch defaults (eps 1e-5, momentum 0.1, gamma 1, beta 0).
 */
public final class Norms {
  private Norms() {}

  /** BatchNorm1d over the features. */
  public static NormFactory batchNorm() {
    return batchNorm(b -> b);
  }

  /** BatchNorm1d with builder options (ghost batches, renormalization). */
  public static NormFactory batchNorm(UnaryOperator<BatchNorm.Builder> options) {
    return features -> wrap(options.apply(BatchNorm.builder(features)).build());
  }

  /** The layer of a BatchNorm built elsewhere (e.g. kept to change its renorm limits per step). */
  public static Layer wrap(BatchNorm bn) {
    return new BatchNormLayer(bn, "BatchNorm1d");
  }

  /** LayerNorm over the features of each sample. */
  public static NormFactory layerNorm() {
    return features -> {
      LayerNorm ln = LayerNorm.builder(features).build();
      return new NormLayer(ln.toString(), ln::forward, ln::backward, on -> { })
          .affine(ln.weight(), ln.weightGrad(), ln.bias(), ln.biasGrad());
    };
  }

  /** GroupNorm with {@code groups} groups of features. */
  public static NormFactory groupNorm(int groups) {
    return features -> {
      GroupNorm gn = GroupNorm.builder(groups, features).build();
      return new NormLayer(gn.toString(), gn::forward, gn::backward, on -> { })
          .affine(gn.weight(), gn.weightGrad(), gn.bias(), gn.biasGrad());
    };
  }

  /** Santurkar's Lp normalization (L1, L2 or Linf size, taken before centring) over the batch. */
  public static NormFactory lpNorm(LpNorm.Kind kind) {
    return features -> {
      LpNorm lp = LpNorm.builder(features, kind).build();
      return new NormLayer(lp.toString(), lp::forward, lp::backward, lp::setTraining)
          .affine(lp.weight(), lp.weightGrad(), lp.bias(), lp.biasGrad())
          .buffer("running_mean", lp.runningMean())
          .buffer("running_scale", lp.runningScale());
    };
  }
}
