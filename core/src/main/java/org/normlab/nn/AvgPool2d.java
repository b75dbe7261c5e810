package org.normlab.nn;

import org.normlab.kernels.Kernels;
import org.normlab.tensor.Tensor;

/**
 * Average pooling, PyTorch's nn.AvgPool2d (square window, stride defaulting to the window,
 * padding counted as zeros: count_include_pad=True). Backward spreads each dy evenly over its
 * window: {@code dx[window(o)] += dy[o] / (k*k)}.
 */
public final class AvgPool2d extends Pool2d {

  /** Window {@code kernel}, stride {@code kernel}, no padding. */
  public AvgPool2d(int kernel) {
    this(kernel, kernel, 0);
  }

  public AvgPool2d(int kernel, int stride, int padding) {
    super(kernel, stride, padding);
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = begin(x);
    Kernels.get().engine().avgPool(y.data(), x.data(), geometry);
    return y;
  }

  @Override
  public Tensor backward(Tensor dy) {
    Tensor dx = beginBackward(dy);
    Kernels.get().engine().avgPoolBackwardAccumulate(dx.data(), dy.data(), geometry);
    return dx;
  }

  @Override
  public String describe() {
    return "AvgPool2d(" + describeArgs() + ")";
  }
}
