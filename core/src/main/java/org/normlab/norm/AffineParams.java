package org.normlab.norm;

import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * A normalization layer's optional weight (gamma, initialized to ones) and bias (beta, zeros) with
 * their gradient buffers; absent parts are null. The arrays accessors return null for absent parts,
 * which the kernels read as weight 1 and bias 0 (or substitute with {@link #ones}).
 */
final class AffineParams {
  final Tensor weight;
  final Tensor bias;
  final Tensor weightGrad;
  final Tensor biasGrad;

  AffineParams(boolean withWeight, boolean withBias, int... shape) {
    this.weight = withWeight ? Tensor.filled(1f, Layout.ROW_MAJOR, shape) : null;
    this.weightGrad = withWeight ? Tensor.zeros(Layout.ROW_MAJOR, shape) : null;
    this.bias = withBias ? Tensor.zeros(Layout.ROW_MAJOR, shape) : null;
    this.biasGrad = withBias ? Tensor.zeros(Layout.ROW_MAJOR, shape) : null;
  }

  float[] w() {
    return data(weight);
  }

  float[] b() {
    return data(bias);
  }

  float[] dw() {
    return data(weightGrad);
  }

  float[] db() {
    return data(biasGrad);
  }

  /** The weight values, or {@code n} ones when there is no weight (for kernels that need an array). */
  float[] wOrOnes(int n) {
    if (weight != null) {
      return weight.data();
    }
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 1f);
    return ones;
  }

  /** Zeroes the gradient buffers that exist. */
  void zeroGrad() {
    for (Tensor g : new Tensor[] {weightGrad, biasGrad}) {
      if (g != null) {
        java.util.Arrays.fill(g.data(), 0f);
      }
    }
  }

  private static float[] data(Tensor t) {
    return t == null ? null : t.data();
  }
}
