package org.normlab.nn;

import org.normlab.kernels.Kernels;
import org.normlab.tensor.Tensor;

/**
 * Max pooling, PyTorch's nn.MaxPool2d (square window, stride defaulting to the window, implicit
 * negative-infinity padding). Forward saves the index of each window's maximum (the first one on
 * ties, as PyTorch); backward routes dy there: {@code dx[argmax[o]] += dy[o]}.
 */
public final class MaxPool2d extends Pool2d {
  private int[] argmax;

  /** Window {@code kernel}, stride {@code kernel}, no padding. */
  public MaxPool2d(int kernel) {
    this(kernel, kernel, 0);
  }

  public MaxPool2d(int kernel, int stride, int padding) {
    super(kernel, stride, padding);
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = begin(x);
    // overwritten whole by every forward: reused while the output size stays
    if (argmax == null || argmax.length != y.size()) {
      argmax = new int[y.size()];
    }
    Kernels.get().engine().maxPool(y.data(), argmax, x.data(), geometry);
    return y;
  }

  @Override
  public Tensor backward(Tensor dy) {
    Tensor dx = beginBackward(dy);
    Kernels.get().engine().maxPoolBackwardAccumulate(dx.data(), dy.data(), argmax, argmax.length);
    return dx;
  }

  @Override
  public String describe() {
    return "MaxPool2d(" + describeArgs() + ", dilation=1, ceil_mode=False)";
  }
}
