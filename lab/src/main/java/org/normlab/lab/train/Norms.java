package org.normlab.lab.train;

import java.util.function.UnaryOperator;
import org.normlab.nn.BatchNormLayer;
import org.normlab.nn.Layer;
import org.normlab.nn.NormLayer;
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
    return features -> NormLayer.of(LayerNorm.builder(features).build());
  }

  /** GroupNorm with {@code groups} groups of features. */
  public static NormFactory groupNorm(int groups) {
    return features -> NormLayer.of(GroupNorm.builder(groups, features).build());
  }

  /** Santurkar's Lp normalization (L1, L2 or Linf size, taken before centring) over the batch. */
  public static NormFactory lpNorm(LpNorm.Kind kind) {
    return features -> NormLayer.of(LpNorm.builder(features, kind).build());
  }
}
