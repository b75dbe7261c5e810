package org.normlab.nn;

import org.normlab.kernels.Kernels;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Layout;
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
  /** The backward begun by {@link #beginRoute}. */
  private Routing routing;

  /** Window {@code kernel}, stride {@code kernel}, no padding. */
  public MaxPool2d(int kernel) {
    this(kernel, kernel, 0);
  }

  public MaxPool2d(int kernel, int stride, int padding) {
    super(kernel, stride, padding);
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = beginPieces(x);
    Kernels.get().engine().maxPool(y.data(), argmax, x.data(), geometry);
    return y;
  }

  /**
   * Whether {@link #poolImages} can pool x's layout: channels first, no padding (a convolution
   * that computes its output piece by piece of images then pools each piece while it is in
   * cache, {@link Conv2d#forwardReluPool}).
   */
  boolean poolsImagesOf(Tensor x) {
    return x.layout() == Layout.NCHW && padding == 0;
  }

  /**
   * The start of a forward whose input x is still being written: checks x and returns the
   * output, whose images {@link #poolImages} pools once x's are final.
   */
  Tensor beginPieces(Tensor x) {
    Tensor y = begin(x);
    // overwritten whole by every forward: reused while the output size stays
    if (argmax == null || argmax.length != y.size()) {
      argmax = new int[y.size()];
    }
    pooled = y;
    return y;
  }

  /** The output of the last forward (null before one). */
  Tensor lastOutput() {
    return pooled;
  }

  /**
   * Images [from, to) of the forward begun by {@link #beginPieces}, on the calling thread: the
   * same outputs and indices as {@link #forward} ({@link #poolsImagesOf} must hold).
   */
  void poolImages(int from, int to) {
    Kernels.get().engine().maxPoolImages(pooled.data(), argmax, input.data(), geometry, from, to);
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
    Tensor dx = beginRoute(dy, rectified);
    // by ranges of images in parallel: an image's maxima lie in its own input and its outputs
    // are routed in order, so the bits of one pass over all of dy
    Parallel.forRange(0, dx.batch(), IMAGES_PER_PIECE, this::routeImages);
    return dx;
  }

  /**
   * The start of {@link #backward} ({@code rectified} false) or {@link #backwardRectified}
   * (true) for a caller that runs it image range by image range, {@link #routeImages}, each
   * just before it reads them ({@link Conv2d#backwardThroughPool}): checks dy and returns the
   * input gradient (not yet written).
   */
  Tensor beginRoute(Tensor dy, boolean rectified) {
    Tensor dx = beginBackward(dy, false);
    int images = dx.batch();
    float[] g = rectified ? rectifiedGradient.take(dy).data() : dy.data();
    routing = new Routing(dx.data(), dy.data(), g, rectified, dx.size() / images, dy.size() / images);
    return dx;
  }

  /** Images [from, to) of the input gradient begun by {@link #beginRoute} (zeroed, then routed). */
  void routeImages(int from, int to) {
    Routing r = routing;
    java.util.Arrays.fill(r.dx(), from * r.inSize(), to * r.inSize(), 0f);
    if (r.rectified()) {
      Kernels.get().engine().reluBackward(r.g(), r.dy(), pooled.data(), from * r.outSize(),
          (to - from) * r.outSize());
    }
    Kernels.get().engine().maxPoolBackwardAccumulate(r.dx(), r.g(), argmax, from * r.outSize(),
        to * r.outSize());
  }

  /**
   * A backward in progress: input gradient dx, output gradient dy, the gradient routed (dy, or
   * the ReLU's gradient of it when rectified), floats per image of dx and dy.
   */
  private record Routing(float[] dx, float[] dy, float[] g, boolean rectified, int inSize,
      int outSize) {}

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
