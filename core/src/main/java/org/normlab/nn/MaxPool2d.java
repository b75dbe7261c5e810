package org.normlab.nn;

import org.normlab.kernels.Kernels;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Tensor;

/**
 * Max pooling, PyTorch's nn.MaxPool2d (square window, stride defaulting to the window, implicit
 * negative-infinity padding). Forward saves the index of each window's maximum (the first one on
 * ties, as PyTorch); backward routes dy there: {@code dx[argmax[o]] += dy[o]}.
 */
public final class MaxPool2d extends Pool2d {
  /** Images per parallel piece of the backward pass. */
  private static final int IMAGES_PER_PIECE = 16;
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
    Tensor dx = beginBackward(dy, false);
    // zero dx, then route dy, both by ranges of images in parallel: an image's maxima lie in its
    // own input and its outputs are routed in order, so the bits of one pass over all of dy
    int images = dx.batch();
    int inSize = dx.size() / images;
    int outSize = dy.size() / images;
    float[] d = dx.data();
    Parallel.forRange(0, images, IMAGES_PER_PIECE,
        (from, to) -> java.util.Arrays.fill(d, from * inSize, to * inSize, 0f));
    Parallel.forRange(0, images, IMAGES_PER_PIECE,
        (from, to) -> Kernels.get().engine().maxPoolBackwardAccumulate(d, dy.data(), argmax,
            from * outSize, to * outSize));
    return dx;
  }

  @Override
  public String describe() {
    return "MaxPool2d(" + describeArgs() + ", dilation=1, ceil_mode=False)";
  }
}
