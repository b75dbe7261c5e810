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
  /** The last forward's output (for {@link #backwardRectified}). */
  private Tensor pooled;
  private final RecycledTensor rectifiedGradient = new RecycledTensor();

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
    pooled = y;
    return y;
  }

  @Override
  public Tensor backward(Tensor dy) {
    return route(dy, false);
  }

  /**
   * The backward of this pool and of a ReLU just before it, for an input that is that ReLU's
   * output: the ReLU's gradient, dy where its output is positive, taken on the pooled outputs,
   * since max pooling a rectified input equals rectifying the max pool (the maximum of a window
   * is positive exactly when the input at its argmax is). dy is routed to each window's argmax
   * only where the window's maximum is positive: bitwise the ReLU's backward applied to
   * {@link #backward}'s result, at a quarter of the elements for 2x2 windows ({@link Sequential}
   * uses it after a convolution fused with its ReLU, {@link Conv2d#backward(Tensor, boolean)}).
   */
  public Tensor backwardRectified(Tensor dy) {
    return route(dy, true);
  }

  private Tensor route(Tensor dy, boolean rectified) {
    Tensor dx = beginBackward(dy, false);
    // zero dx, then route dy, both by ranges of images in parallel: an image's maxima lie in its
    // own input and its outputs are routed in order, so the bits of one pass over all of dy
    int images = dx.batch();
    int inSize = dx.size() / images;
    int outSize = dy.size() / images;
    float[] d = dx.data();
    Parallel.forRange(0, images, IMAGES_PER_PIECE,
        (from, to) -> java.util.Arrays.fill(d, from * inSize, to * inSize, 0f));
    float[] g = rectified ? rectifiedGradient.take(dy).data() : dy.data();
    Parallel.forRange(0, images, IMAGES_PER_PIECE, (from, to) -> {
      if (rectified) {
        Kernels.get().engine().reluBackward(g, dy.data(), pooled.data(), from * outSize,
            (to - from) * outSize);
      }
      Kernels.get().engine().maxPoolBackwardAccumulate(d, g, argmax, from * outSize, to * outSize);
    });
    return dx;
  }

  @Override
  public void recycleOutputs() {
    super.recycleOutputs();
    rectifiedGradient.recycle();
  }

  @Override
  public String describe() {
    return "MaxPool2d(" + describeArgs() + ", dilation=1, ceil_mode=False)";
  }
}
