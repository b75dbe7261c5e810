package org.normlab.nn;

import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Flattens every dimension after the batch into one, in PyTorch's (C, H, W) order whatever the
 * input layout: a channels-last input is transposed to channels-first first, so the features
 * match a PyTorch model's Linear weights. Output is NC (N, C*H*W). Backward restores the shape.
 */
public final class Flatten implements Layer {
  private Tensor input;

  @Override
  public Tensor forward(Tensor x) {
    if (x.rank() < 2) {
      throw new IllegalArgumentException("Flatten input: expected rank >= 2 (N, ...), got " + x.shape());
    }
    input = x;
    Tensor channelsFirst = x.layout().isChannelsLast() ? x.toChannelsFirst() : x;
    int n = x.dim(0);
    return channelsFirst.reshape(Layout.NC, n, x.size() / Math.max(n, 1));
  }

  @Override
  public Tensor backward(Tensor dy) {
    if (input == null) {
      throw new IllegalStateException("Flatten: backward called before forward");
    }
    if (dy.size() != input.size() || dy.rank() != 2 || dy.dim(0) != input.dim(0)) {
      throw new IllegalArgumentException("Flatten output gradient: expected (" + input.dim(0) + ", "
          + input.size() / Math.max(input.dim(0), 1) + "), got " + dy.shape());
    }
    if (input.layout().isChannelsLast()) {
      Layout first = input.layout().toChannelsFirst();
      int[] dims = input.shape().dims();
      int[] firstDims = new int[dims.length];
      firstDims[0] = dims[0];
      firstDims[1] = dims[dims.length - 1];
      System.arraycopy(dims, 1, firstDims, 2, dims.length - 2);
      return dy.copy().reshape(first, firstDims).toChannelsLast();
    }
    return dy.copy().reshape(input.layout(), input.shape().dims());
  }

  @Override
  public String describe() {
    return "Flatten(start_dim=1, end_dim=-1)";
  }
}
