package org.normlab.nn;

import org.normlab.kernels.PoolGeometry;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * What max and average pooling share: window, stride and padding, the NCHW / NHWC input check,
 * the geometry of the last input and the output allocation.
 */
abstract sealed class Pool2d implements Layer permits MaxPool2d, AvgPool2d {
  final int kernel;
  final int stride;
  final int padding;
  /** The name in backward's shape errors, built once rather than per step. */
  private final String gradientName = getClass().getSimpleName() + " output gradient";
  Tensor input;
  PoolGeometry geometry;
  private final RecycledTensor output = new RecycledTensor();
  private final RecycledTensor inputGradient = new RecycledTensor();

  Pool2d(int kernel, int stride, int padding) {
    if (kernel < 1 || stride < 1 || padding < 0) {
      throw new IllegalArgumentException(getClass().getSimpleName()
          + ": expected kernel >= 1, stride >= 1, padding >= 0, got kernel " + kernel + ", stride "
          + stride + ", padding " + padding);
    }
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
  }

  /**
   * Checks the input, saves it and its geometry, and returns an output of the input's layout for
   * the pooling kernel to overwrite whole (every output is one window's maximum or mean).
   */
  final Tensor begin(Tensor x) {
    if (x.layout() != Layout.NCHW && x.layout() != Layout.NHWC) {
      throw new IllegalArgumentException(getClass().getSimpleName()
          + " input: expected an NCHW or NHWC tensor, got " + x.layout() + " " + x.shape());
    }
    int[] hw = x.spatialDims();
    PoolGeometry g = new PoolGeometry(x.batch(), x.channels(), hw[0], hw[1], kernel, kernel, stride,
        stride, padding, padding, x.layout().isChannelsLast());
    input = x;
    geometry = g;
    return x.layout().isChannelsLast()
        ? output.take(Layout.NHWC, g.n(), g.outH(), g.outW(), g.c())
        : output.take(Layout.NCHW, g.n(), g.c(), g.outH(), g.outW());
  }

  /** Checks dy against the last output's shape and returns a zero input gradient. */
  final Tensor beginBackward(Tensor dy) {
    return beginBackward(dy, true);
  }

  /**
   * Checks dy against the last output's shape and returns an input gradient, zeroed or (for a
   * backward that writes all of it) as it is.
   */
  final Tensor beginBackward(Tensor dy, boolean zeroed) {
    if (input == null) {
      throw new IllegalStateException(getClass().getSimpleName() + ": backward called before forward");
    }
    PoolGeometry g = geometry;
    org.normlab.tensor.Shape expected = g.channelsLast()
        ? org.normlab.tensor.Shape.of(g.n(), g.outH(), g.outW(), g.c())
        : org.normlab.tensor.Shape.of(g.n(), g.c(), g.outH(), g.outW());
    dy.requireShape(gradientName, expected);
    return zeroed ? inputGradient.takeZeroed(input) : inputGradient.take(input);
  }

  @Override
  public void recycleOutputs() {
    output.recycle();
    inputGradient.recycle();
  }

  String describeArgs() {
    return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding;
  }
}
