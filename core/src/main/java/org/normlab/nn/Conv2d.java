package org.normlab.nn;

import java.util.Arrays;
import java.util.List;
import org.normlab.kernels.ConvGeometry;
import org.normlab.kernels.DirectConvolution;
import org.normlab.kernels.EngineKernels;
import org.normlab.kernels.Gemm;
import org.normlab.kernels.Kernels;
import org.normlab.kernels.Parallel;
import org.normlab.kernels.Winograd;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Shape;
import org.normlab.tensor.Tensor;

/**
 * A 2-D convolution, PyTorch's nn.Conv2d (groups 1, dilation 1): weight W (out, in, kh, kw) in
 * PyTorch's layout whatever the input layout, optional bias (out), stride and zero padding.
 * Inputs are NCHW or NHWC; the output has the input's layout.
 *
 * <p>As a matrix product per image (im2col): with the unfolded input X (K = in*kh*kw rows, one
 * column per output position) and W as an (out, K) matrix, {@code Y = W X + b}. Backward, for
 * dY (out, positions):
 * <pre>
 *   dW += dY X^T        db += sum over positions of dY
 *   dX  = W^T dY, folded back onto the input (col2im: each input element sums the window
 *         entries it was copied into)
 * </pre>
 * Channels-last inputs use the transposed form (rows = positions): Y^T = X^T W^T.
 *
 * <p>Channels-first 3x3 stride-1 convolutions with at least 8 input and output channels (the
 * built-in CNNs' conv2..conv4) run forward by Winograd F(2x2, 3x3) ({@link Winograd}: 2.25x
 * fewer multiplies than im2col), or F(4x4, 3x3) where its tiles fill the products' panels (4x
 * fewer; 28x28 and 14x14 outputs, see {@link Winograd#filters}); their input gradient is the
 * stride-1 convolution of dY with the flipped filters (in and out swapped, kernels rotated 180
 * degrees) and padding 2 - padding, by Winograd as well, and so is the weight gradient
 * ({@link Winograd#transformedWeightGradient} per piece of images, then one
 * {@link Winograd#filterGradient}).
 *
 * <p>Channels-first stride-1 convolutions with a window of at most
 * {@link DirectConvolution#MAX_WINDOW} values (the CNNs' first layer, 1 -> 32 channels 3x3) run
 * forward and weight gradient directly on padded planes ({@link DirectConvolution}).
 *
 * <p>Images run in parallel in fixed pieces of {@link #IMAGES_PER_PIECE}; weight gradients are
 * summed per piece and then added in piece order, so results do not depend on the thread count.
 * The unfolded input is recomputed in backward rather than stored (memory stays per piece).
 *
 * <p>{@code Conv2d.builder(in, out, kernel)}; options: {@code optStride} (1), {@code optPadding}
 * (0), {@code optBias} (true), {@code optWeightInit} / {@code optBiasInit}
 * ({@link Init#pytorchDefault()}), {@code optSeed} (0).
 */
public final class Conv2d implements Layer {
  /** Images per parallel piece: eight 14x14 images side by side fill F(4x4)'s panels. */
  static final int IMAGES_PER_PIECE = 8;
  /** Elements per parallel piece of the sum of the pieces' transformed-filter gradients. */
  private static final int SUM_GRAIN = 8192;

  /**
   * Per-thread unfolded-input buffers, reused across images, layers and steps (a fresh
   * K x positions array per piece would be tens of MB of garbage per step). Every use overwrites
   * the part it reads, so reuse cannot leak values.
   */
  private static final ThreadLocal<float[]> COLUMNS = new ThreadLocal<>();
  private static final ThreadLocal<float[]> COLUMN_GRADIENTS = new ThreadLocal<>();

  private static float[] scratch(ThreadLocal<float[]> buffer, int size) {
    float[] b = buffer.get();
    if (b == null || b.length < size) {
      b = new float[size];
      buffer.set(b);
    }
    return b;
  }

  private final int in;
  private final int out;
  private final int kernel;
  private final int stride;
  private final int padding;
  private final Parameter weight;
  private final Parameter bias;
  private Tensor input;
  private ConvGeometry geometry;
  private final RecycledTensor output = new RecycledTensor();
  private final RecycledTensor inputGradient = new RecycledTensor();
  /** The gradient of the convolution's output after {@link #forwardRelu} (dy masked). */
  private final RecycledTensor maskedGradient = new RecycledTensor();
  /** The output of the last forward when it was {@link #forwardRelu}, else null. */
  private Tensor rectifiedOutput;
  /**
   * The Winograd weight gradient's per-piece transformed-filter gradients, kept across steps
   * (products x in x out floats per piece of images: 8 MiB for 64 -> 64 channels and 128 images;
   * allocated per step they were a third of a cnn-bn step's garbage).
   */
  private float[] transformedGradients;
  private boolean inputGradientNeeded = true;

  private Conv2d(Builder b) {
    this.in = b.in;
    this.out = b.out;
    this.kernel = b.kernel;
    this.stride = b.stride;
    this.padding = b.padding;
    Parameter[] p = b.createParameters(new int[] {out, in, kernel, kernel}, in * kernel * kernel,
        out * kernel * kernel);
    this.weight = p[0];
    this.bias = p[1];
  }

  public static Builder builder(int inChannels, int outChannels, int kernelSize) {
    return new Builder(inChannels, outChannels, kernelSize);
  }

  public Parameter weight() {
    return weight;
  }

  /** The bias, or null when built with {@code optBias(false)}. */
  public Parameter bias() {
    return bias;
  }

  @Override
  public Tensor forward(Tensor x) {
    return convolve(x, false, null);
  }

  /**
   * This layer followed by a ReLU, fused: each piece of images is rectified right after it is
   * computed, while it is still in cache, instead of in a separate pass over memory (the same
   * kernel, so the same bits as {@link ReLU}). {@link #backward} then takes the gradient of both:
   * each piece masks dy by the output's sign (ReLU's backward kernel) just before the convolution's
   * gradients read it. {@link Sequential} calls it for a convolution directly followed by
   * {@link ReLU} when {@link Sequential#setConvReluFused} is on.
   */
  public Tensor forwardRelu(Tensor x) {
    return convolve(x, true, null);
  }

  /**
   * {@link #forwardRelu} followed by {@code pool}'s forward on each piece of images right after
   * it is rectified, while it is still in cache, instead of in a pass over the whole output
   * afterwards: returns the pool's output, the same bits as {@code pool.forward(forwardRelu(x))};
   * this layer's output stays available ({@link #rectifiedOutput}). The input must be
   * channels-first and the pool unpadded ({@link MaxPool2d#poolsImagesOf} of this layer's
   * output).
   */
  public Tensor forwardReluPool(Tensor x, MaxPool2d pool) {
    if (!pool.poolsImagesOf(x)) {
      throw new IllegalArgumentException("Conv2d.forwardReluPool: expected an NCHW input and an"
          + " unpadded pool, got " + x.layout() + " " + x.shape() + " and " + pool.describe());
    }
    convolve(x, true, pool);
    return pool.lastOutput();
  }

  /** The output of the last forward when it was {@link #forwardRelu}, else null. */
  Tensor rectifiedOutput() {
    return rectifiedOutput;
  }

  private Tensor convolve(Tensor x, boolean relu, MaxPool2d pool) {
    if (x.layout() != Layout.NCHW && x.layout() != Layout.NHWC) {
      throw new IllegalArgumentException("Conv2d input: expected an NCHW or NHWC tensor, got "
          + x.layout() + " " + x.shape());
    }
    x.requireChannels(in);
    int[] hw = x.spatialDims();
    ConvGeometry g = new ConvGeometry(in, hw[0], hw[1], kernel, kernel, stride, stride, padding, padding);
    input = x;
    geometry = g;
    int n = x.batch();
    boolean last = x.layout() == Layout.NHWC;
    // every path overwrites each output (Winograd, or products with beta 0), then adds the bias
    Tensor y = last ? output.take(Layout.NHWC, n, g.outH(), g.outW(), out)
        : output.take(Layout.NCHW, n, out, g.outH(), g.outW());
    int p = g.outPositions();
    Winograd.Filters u = !last && Winograd.applies(g, out)
        ? Winograd.filters(weight.value().data(), out, in, g) : null;
    boolean direct = !last && u == null && DirectConvolution.applies(g);
    rectifiedOutput = relu ? y : null;
    if (pool != null) {
      pool.beginPieces(y);
    }
    Parallel.forRange(0, n, IMAGES_PER_PIECE, (from, to) -> {
      convolvePiece(y, x, from, to, u, direct, g);
      if (relu) {
        int off = from * out * p;
        Kernels.get().relu(y.data(), off, y.data(), off, (to - from) * out * p);
      }
      if (pool != null) {
        pool.poolImages(from, to);
      }
    });
    return y;
  }

  /** Images [from, to) of y = conv(x) + bias. */
  private void convolvePiece(Tensor y, Tensor x, int from, int to, Winograd.Filters u,
      boolean direct, ConvGeometry g) {
    boolean last = x.layout() == Layout.NHWC;
    int k = g.windowSize();
    int p = g.outPositions();
    float[] w = weight.value().data();
    EngineKernels kernels = Kernels.get().engine();
    if (u != null) {
      // the output transform adds the bias
      Winograd.convolve(y.data(), x.data(), from, to - from, u, g,
          bias == null ? null : bias.value().data());
      return;
    }
    if (direct) {
      DirectConvolution.convolve(y.data(), x.data(), from, to - from, w, out, g);
    } else {
      float[] col = scratch(COLUMNS, k * p);
      for (int i = from; i < to; i++) {
        int yOff = i * out * p;
        if (last) {
          // Y_i^T (p, out) = X_i^T (p, k) * W^T (k, out)
          kernels.im2rowChannelsLast(col, x.data(), i, 1, g);
          Gemm.sgemm(false, true, p, out, k, 1f, col, 0, k, w, 0, k, 0f, y.data(), yOff, out);
        } else {
          // Y_i (out, p) = W (out, k) * X_i (k, p)
          kernels.im2colChannelsFirst(col, x.data(), i, 0, g.outH(), g);
          Gemm.sgemm(false, false, out, p, k, 1f, w, 0, k, col, 0, p, 0f, y.data(), yOff, p);
        }
      }
    }
    if (bias != null) {
      float[] b = bias.value().data();
      if (last) {
        kernels.addRowBias(y.data(), from * p * out, b, (to - from) * p, out);
      } else {
        kernels.addChannelBias(y.data(), from * out * p, b, to - from, out, p);
      }
    }
  }

  @Override
  public Tensor backward(Tensor dy) {
    return backward(dy, false);
  }

  /**
   * {@link #backward(Tensor)}; after {@link #forwardRelu}, {@code dyRectified} says that dy is
   * the ReLU's gradient already (zero wherever the output is not positive, as from
   * {@link MaxPool2d#backwardRectified}), so no mask is applied.
   */
  public Tensor backward(Tensor dy, boolean dyRectified) {
    return backward(dy, dyRectified, null, false);
  }

  /**
   * {@link #backward(Tensor, boolean)}; with {@code rectifiedInput}, the input is the output of
   * a ReLU (of a layer fused with it, {@link #forwardRelu}) and the input gradient returned is
   * that ReLU's gradient: dx where the input is positive, applied to each piece of images right
   * after its input gradient is computed, in cache (the same bits as applying ReLU's backward to
   * dx afterwards; the layer below then takes it as {@code dyRectified}).
   */
  public Tensor backward(Tensor dy, boolean dyRectified, boolean rectifiedInput) {
    return backward(dy, dyRectified, null, rectifiedInput);
  }

  /**
   * The backward of this layer, the ReLU fused after it ({@link #forwardRelu}) and the max pool
   * after that, for the pool's output gradient: each piece of images routes its part of the
   * pool's gradient ({@link MaxPool2d#backwardRectified}, image range by image range) just
   * before the convolution's gradients read it, in cache, instead of in a pass over the whole
   * input gradient first. The same bits as {@code backward(pool.backwardRectified(dy), true)}.
   */
  public Tensor backwardThroughPool(Tensor pooledGradient, MaxPool2d pool) {
    return backwardThroughPool(pooledGradient, pool, false);
  }

  /**
   * {@link #backwardThroughPool(Tensor, MaxPool2d)}, with {@code rectifiedInput} as in
   * {@link #backward(Tensor, boolean, boolean)}.
   */
  public Tensor backwardThroughPool(Tensor pooledGradient, MaxPool2d pool, boolean rectifiedInput) {
    Tensor dy = pool.beginRoute(pooledGradient, true);
    return backward(dy, true, pool::routeImages, rectifiedInput);
  }

  /**
   * {@link #backward(Tensor, boolean, boolean)}, where {@code fill} (when not null) writes images
   * [from, to) of dy: each piece calls it first.
   */
  private Tensor backward(Tensor dy, boolean dyRectified, Parallel.RangeBody fill,
      boolean rectifiedInput) {
    if (input == null) {
      throw new IllegalStateException("Conv2d: backward called before forward");
    }
    ConvGeometry g = geometry;
    Tensor x = input;
    int n = x.batch();
    boolean last = x.layout() == Layout.NHWC;
    Shape expected = last ? Shape.of(n, g.outH(), g.outW(), out) : Shape.of(n, out, g.outH(), g.outW());
    dy.requireShape("Conv2d output gradient", expected);
    // after forwardRelu, the gradient of the convolution's output is dy where the output is
    // positive: each piece writes its images' part just before reading it
    boolean masked = rectifiedOutput != null && !dyRectified;
    Tensor grad = masked ? maskedGradient.take(dy) : dy;
    float[] gd = grad.data();
    float[] rectified = masked ? rectifiedOutput.data() : null;
    int k = g.windowSize();
    int p = g.outPositions();
    float[] w = weight.value().data();
    EngineKernels kernels = Kernels.get().engine();
    boolean needDx = inputGradientNeeded;
    // channels-first stride-1 3x3: the input gradient is the convolution of dy with the flipped
    // filters (padding 2 - padding), by Winograd, which overwrites it; otherwise W^T dY folded
    // back with col2im, which adds into zeros
    ConvGeometry adjoint = needDx && !last ? adjointGeometry(g) : null;
    Tensor dx = !needDx ? null : adjoint != null ? inputGradient.take(x) : inputGradient.takeZeroed(x);
    Winograd.Filters uAdjoint = null;
    if (adjoint != null) {
      float[] flipped = new float[w.length];
      kernels.flipFilters(flipped, w, out, in, kernel, kernel);
      uAdjoint = Winograd.filters(flipped, in, out, adjoint);
    }
    Winograd.Filters ua = uAdjoint;
    // the weight gradient by Winograd too, unless the input gradient still needs the unfolded
    // columns (padding above 2)
    boolean winogradWeights = !last && Winograd.applies(g, out) && (!needDx || ua != null);
    boolean directWeights = !last && !winogradWeights && DirectConvolution.applies(g);
    int pieces = (n + IMAGES_PER_PIECE - 1) / IMAGES_PER_PIECE;
    // per piece of images: the gradient of the filters (im2col, direct), or of the transformed
    // filters (Winograd: piece i's at [i*size, (i+1)*size) of one buffer kept across steps)
    float[][] pieceGradients = new float[pieces][];
    int transformedSize = winogradWeights ? Winograd.transformedGradientSize(out, g) : 0;
    if (winogradWeights && (transformedGradients == null
        || transformedGradients.length < pieces * transformedSize)) {
      transformedGradients = new float[pieces * transformedSize];
    }
    float[] transformed = transformedGradients;
    // channels first: each image's sum of dy per channel, summed over images after the pieces
    double[] imageBiasSums = bias != null && !last ? new double[n * out] : null;
    int inputSize = x.size() / n;
    Parallel.forEachPiece(pieces, (first, end) -> {
      for (int piece = first; piece < end; piece++) {
        int from = piece * IMAGES_PER_PIECE;
        int to = Math.min(n, from + IMAGES_PER_PIECE);
        if (fill != null) {
          fill.run(from, to);
        }
        if (masked) {
          kernels.reluBackward(gd, dy.data(), rectified, from * out * p, (to - from) * out * p);
        }
        if (imageBiasSums != null) {
          for (int i = from * out; i < to * out; i++) {
            imageBiasSums[i] = Kernels.get().sum(gd, i * p, p);
          }
        }
        if (ua != null) {
          Winograd.convolve(dx.data(), gd, from, to - from, ua, adjoint, null);
          if (rectifiedInput) {
            int off = from * inputSize;
            kernels.reluBackward(dx.data(), dx.data(), x.data(), off, (to - from) * inputSize);
          }
        }
        if (winogradWeights) {
          // the piece's gradient of the transformed filters (overwritten): the filter transform,
          // linear, runs once on their sum below
          Winograd.transformedWeightGradient(transformed, piece * transformedSize, x.data(),
              gd, from, to - from, out, g);
          continue;
        }
        float[] dw = new float[out * k];
        pieceGradients[piece] = dw;
        if (directWeights) {
          DirectConvolution.weightGradient(dw, x.data(), gd, from, to - from, out, g);
          if (!needDx) {
            continue;
          }
        }
        float[] col = directWeights ? null : scratch(COLUMNS, k * p);
        float[] dcol = needDx ? scratch(COLUMN_GRADIENTS, k * p) : null;
        float[] dwT = last || directWeights ? null : new float[k * out];
        for (int i = from; i < to; i++) {
          int yOff = i * out * p;
          if (last) {
            kernels.im2rowChannelsLast(col, x.data(), i, 1, g);
            // dW (out, k) += dY_i^T (out, p) * X_i^T (p, k)
            Gemm.sgemm(true, false, out, k, p, 1f, gd, yOff, out, col, 0, k, 1f, dw, 0, k);
            if (needDx) {
              // dX_i^T (p, k) = dY_i^T (p, out) * W (out, k)
              Gemm.sgemm(false, false, p, k, out, 1f, gd, yOff, out, w, 0, k, 0f, dcol, 0, k);
              kernels.row2imChannelsLastAccumulate(dx.data(), dcol, i, 1, g);
            }
          } else {
            if (!directWeights) {
              kernels.im2colChannelsFirst(col, x.data(), i, 0, g.outH(), g);
              // dW^T (k, out) += X_i (k, p) * dY_i^T (p, out): this orientation packs the small
              // dY_i, not the large X_i, as the transposed operand (measured 25% faster at
              // 32x288x784)
              Gemm.sgemm(false, true, k, out, p, 1f, col, 0, p, gd, yOff, p, 1f, dwT, 0, out);
            }
            if (needDx && ua == null) {
              // dX_i (k, p) = W^T (k, out) * dY_i (out, p)
              Gemm.sgemm(true, false, k, p, out, 1f, w, 0, k, gd, yOff, p, 0f, dcol, 0, p);
              kernels.col2imChannelsFirstAccumulate(dx.data(), dcol, i, 0, g.outH(), g);
            }
          }
        }
        if (dwT != null) {
          kernels.transpose(dw, dwT, k, out);
        }
      }
    });
    if (rectifiedInput && needDx && ua == null) {
      // the other input-gradient paths add into dx image by image: rectified in one pass after
      kernels.reluBackward(dx.data(), dx.data(), x.data(), 0, dx.size());
    }
    // the pieces in order, whatever the threads: the same bits with any thread count
    float[] dW = weight.grad().data();
    if (winogradWeights) {
      // the pieces added into piece 0's, element ranges in parallel, each in piece order
      Parallel.forRange(0, transformedSize, SUM_GRAIN, (a, b) -> {
        for (int piece = 1; piece < pieces; piece++) {
          Kernels.get().axpy(1f, transformed, piece * transformedSize + a, transformed, a, b - a);
        }
      });
      float[] dw = new float[out * k];
      Winograd.filterGradient(dw, transformed, out, g);
      Kernels.get().axpy(1f, dw, 0, dW, 0, dW.length);
    } else {
      for (float[] part : pieceGradients) {
        Kernels.get().axpy(1f, part, 0, dW, 0, dW.length);
      }
    }
    if (bias != null) {
      if (last) {
        kernels.sumRowsAccumulate(bias.grad().data(), gd, n * p, out);
      } else {
        // the images in order, whatever the threads
        float[] db = bias.grad().data();
        for (int c = 0; c < out; c++) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += imageBiasSums[i * out + c];
          }
          db[c] += (float) s;
        }
      }
    }
    return dx;
  }

  /**
   * The convolution of dy (out channels, outH x outW) with the flipped filters and padding
   * 2 - padding whose output is the input gradient (outH + 2 - 2*padding = h), when that runs
   * by Winograd (stride 1, 3x3, padding at most 2); null otherwise.
   */
  private ConvGeometry adjointGeometry(ConvGeometry g) {
    if (g.strideH() != 1 || g.strideW() != 1 || kernel != 3 || padding > 2) {
      return null;
    }
    ConvGeometry a = new ConvGeometry(out, g.outH(), g.outW(), 3, 3, 1, 1, 2 - padding, 2 - padding);
    return Winograd.applies(a, in) ? a : null;
  }

  @Override
  public void setInputGradientNeeded(boolean needed) {
    this.inputGradientNeeded = needed;
  }

  @Override
  public void recycleOutputs() {
    output.recycle();
    inputGradient.recycle();
    maskedGradient.recycle();
  }

  @Override
  public List<Parameter> parameters() {
    return WeightedLayerBuilder.weightAndBias(weight, bias);
  }

  @Override
  public String describe() {
    return "Conv2d(" + in + ", " + out + ", kernel_size=(" + kernel + ", " + kernel + "), stride=("
        + stride + ", " + stride + ")" + (padding > 0 ? ", padding=(" + padding + ", " + padding + ")" : "")
        + (bias == null ? ", bias=False" : "") + ")";
  }

  @Override
  public String toString() {
    return describe() + " weight " + Arrays.toString(weight.value().shape().dims());
  }

  /** Builder: channels and kernel size required; stride, padding, bias, init and seed optional. */
  public static final class Builder extends WeightedLayerBuilder<Builder> {
    private final int in;
    private final int out;
    private final int kernel;
    private int stride = 1;
    private int padding;

    private Builder(int in, int out, int kernel) {
      if (in < 1 || out < 1 || kernel < 1) {
        throw new IllegalArgumentException("Conv2d: channels and kernel size must be positive, got in "
            + in + ", out " + out + ", kernel " + kernel);
      }
      this.in = in;
      this.out = out;
      this.kernel = kernel;
    }

    public Builder optStride(int stride) {
      if (stride < 1) {
        throw new IllegalArgumentException("stride: expected >= 1, got " + stride);
      }
      this.stride = stride;
      return this;
    }

    public Builder optPadding(int padding) {
      if (padding < 0) {
        throw new IllegalArgumentException("padding: expected >= 0, got " + padding);
      }
      this.padding = padding;
      return this;
    }


    public Conv2d build() {
      return new Conv2d(this);
    }
  }
}
