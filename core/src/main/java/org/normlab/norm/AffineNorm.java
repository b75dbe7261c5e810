package org.normlab.norm;

import org.normlab.tensor.Tensor;

/**
 * What every layer of the normalization family shares: an optional learnable weight (gamma,
 * initialized to ones) and bias (beta, zeros), per element for LayerNorm and RMSNorm and per
 * channel for GroupNorm, InstanceNorm and Lp norm, with gradient buffers that backward passes
 * ACCUMULATE into (the caller zeroes them with {@link #zeroGrad()}).
 */
public abstract class AffineNorm {
  final AffineParams params;

  AffineNorm(AffineParams params) {
    this.params = params;
  }

  /** The weight (gamma), or null when the layer has none (affine off). */
  public Tensor weight() {
    return params.weight;
  }

  /** The bias (beta), or null when the layer has none (affine or bias off; RMSNorm never has one). */
  public Tensor bias() {
    return params.bias;
  }

  /** The weight's gradient buffer (null without a weight). */
  public Tensor weightGrad() {
    return params.weightGrad;
  }

  /** The bias's gradient buffer (null without a bias). */
  public Tensor biasGrad() {
    return params.biasGrad;
  }

  /** Sets the weight and bias gradients to zero. */
  public void zeroGrad() {
    params.zeroGrad();
  }
}
