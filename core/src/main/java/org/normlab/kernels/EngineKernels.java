package org.normlab.kernels;

/**
 * The hot loops of the training engine (activations, bias terms, im2col, pooling), on flat
 * float arrays: outputs first, then inputs, then sizes (llm.c's order). Gradient outputs start
 * with {@code d}. Methods named {@code ...Accumulate} add into their output; all others
 * overwrite it.
 *
 * <p>{@link ScalarEngineKernels} is the reference; a package-private Vector API implementation
 * overrides the loops that vectorize. Both give the same results to float rounding.
 */
public interface EngineKernels {

  /** y[off+i] = 1 / (1 + exp(-x[off+i])). y and x may be the same array. */
  void sigmoid(float[] y, float[] x, int off, int len);

  /** dx[off+i] = dy[off+i] * y[off+i] * (1 - y[off+i]), where y is sigmoid's output. */
  void sigmoidBackward(float[] dx, float[] dy, float[] y, int off, int len);

  /** y[off+i] = tanh(x[off+i]). */
  void tanh(float[] y, float[] x, int off, int len);

  /** dx[off+i] = dy[off+i] * (1 - y[off+i]^2), where y is tanh's output. */
  void tanhBackward(float[] dx, float[] dy, float[] y, int off, int len);

  /** dx[off+i] = y[off+i] > 0 ? dy[off+i] : 0, where y is ReLU's output. */
  void reluBackward(float[] dx, float[] dy, float[] y, int off, int len);

  /** y[off + r*cols + c] += bias[c] for r in [0, rows): a bias per column of a row-major matrix. */
  void addRowBias(float[] y, int off, float[] bias, int rows, int cols);

  /** y[off + (i*channels + c)*spatial + p] += bias[c] for i in [0, n): a bias per channel, channels-first. */
  void addChannelBias(float[] y, int off, float[] bias, int n, int channels, int spatial);

  /** dbias[c] += sum over r of dy[r*cols + c] (the gradient of {@link #addRowBias}). */
  void sumRowsAccumulate(float[] dbias, float[] dy, int rows, int cols);

  /**
   * dst[c*rows + r] = src[r*cols + c]: the transpose of a row-major rows x cols matrix, in
   * cache-sized blocks. Lets a product read a weight matrix in the orientation that packs with
   * contiguous copies.
   */
  void transpose(float[] dst, float[] src, int rows, int cols);

  /**
   * The filters of the adjoint of a stride-1 convolution: for a weight w (out, in, kh, kw),
   * {@code wf[((ci*out + co)*kh + (kh-1-i))*kw + (kw-1-j)] = w[((co*in + ci)*kh + i)*kw + j]},
   * i.e. in and out swapped and each kernel rotated by 180 degrees. The input gradient of a
   * stride-1 convolution with padding p is the convolution of dy with wf and padding kh-1-p.
   */
  void flipFilters(float[] wf, float[] w, int out, int in, int kh, int kw);

  /**
   * A direct stride-1 convolution of one image on its zero-padded planes ({@link PaddedPlanes}
   * p: row length PW = p.pw(), tap offsets taps = p.taps(), T of them): for channels
   * co &lt; {@code channels} and outputs oy &lt; OH, ox &lt; OW,
   * <pre>
   *   y[yOff + (co*OH + oy)*OW + ox] = sum over t of w[co*T + t] * padded[taps[t] + oy*PW + ox]
   * </pre>
   * summed by fused multiply-adds from 0 in the order of t (the same bits in every
   * implementation). Overwrites those entries of y.
   */
  void directConvolution(float[] y, int yOff, float[] padded, float[] w, int channels, PaddedPlanes p);

  /**
   * The weight gradient of {@link #directConvolution} over {@code images} images, whose planes lie
   * p.imageSize() apart in padded and whose output gradients lie channels*OH*OW apart from
   * dy[dyOff]: for co &lt; {@code channels} and each tap t,
   * <pre>
   *   dw[co*T + t] += sum over n, oy, ox of dy[dyOff + ((n*channels + co)*OH + oy)*OW + ox]
   *                                         * padded[n*p.imageSize() + taps[t] + oy*PW + ox]
   * </pre>
   * (summation order left to the implementation).
   */
  void directFilterGradient(float[] dw, float[] dy, int dyOff, float[] padded, int images,
      int channels, PaddedPlanes p);

  /**
   * Winograd F(2x2, 3x3) filter transform: u[(xi*out + co)*in + ci] = (G g G^T)[xi] for each 3x3
   * kernel g = w[co, ci] (w is (out, in, 3, 3)), xi = 4a + b over the 4x4 result, with
   * G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]].
   */
  void winogradFilters(float[] u, float[] w, int out, int in);

  /**
   * Winograd F(2x2, 3x3) input transform of images [n0, n0+count) of x (N, C, H, W) for the
   * stride-1 3x3 convolution g: v[(xi*C + c)*ld + t] = (B^T d B)[xi] for every 4x4 input patch d
   * (zero outside the image) of output tile t = (image*TH + ty)*TW + tx, which covers output
   * rows 2ty..2ty+1 and columns 2tx..2tx+1; T = count*TH*TW, TH = ceil(OH/2), TW = ceil(OW/2),
   * B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]. Each (xi, c) row has
   * {@code ld >= T} floats; those past T are padding and may be overwritten with any finite or
   * non-finite value.
   */
  void winogradInput(float[] v, int ld, float[] x, int n0, int count, ConvGeometry g);

  /**
   * The zero-padded planes of image {@code n} of x (N, C, H, W), each split by the parity of its
   * rows and columns into four quarters of (TH+1) x (TW+1) floats (TH = ceil(OH/2), TW =
   * ceil(OW/2)) for the Winograd panels ({@link WinogradPanels}): padded row py, column px of
   * channel c goes to {@code quarters[c*channelStride + (2*(py%2) + px%2)*quarter +
   * (py/2)*(TW+1) + px/2]}, quarter = (TH+1)*(TW+1), channelStride &gt;= 4*quarter. Writes only the
   * image's values: the padding positions keep whatever they held (the caller zeroes them once).
   *
   * <p>Images [n0, n0 + count) go side by side: quarter rows are count*(TW+1) floats long and
   * image n0 + i's columns start at i*(TW+1), the quarters of one image as wide as the count
   * (see {@link TileGrid#sideBySide}); count 1 is the layout above.
   */
  void winogradQuarters(float[] quarters, int channelStride, float[] x, int n0, int count,
      ConvGeometry g);

  /**
   * The input transform of one Winograd panel: for each of {@code channels} channels c and lane
   * j &lt; width, the 4x4 patch of tile position q = q0 + j of {@link #winogradQuarters}' planes
   * (q = ty*(TW+1) + tx: tx = TW is a padding position, its values unused) transformed as in
   * {@link #winogradInput}: {@code v[xi*xiStride + c*width + j] = (B^T d B)[xi]}, xiStride at
   * least channels*width. Reads up to {@code width} floats past the last channel's quarters.
   */
  void winogradPanelInput(float[] v, int width, int xiStride, float[] quarters, int channelStride,
      int quarter, int channels, int q0, ConvGeometry g);

  /**
   * The F(4x4, 3x3) split of image n of x (N, C, H, W): channel c's 16 residue planes
   * ({@link Winograd4Transforms}) at {@code planes[c*channelStride ..]}; changes only the planes'
   * values. Images [n0, n0 + count) go side by side, as in {@link #winogradQuarters}.
   */
  void winograd4Split(float[] planes, int channelStride, float[] x, int n0, int count,
      ConvGeometry g);

  /** {@link Winograd4Transforms#panelInput} (the F(4x4, 3x3) input transform of one panel). */
  void winograd4PanelInput(float[] v, int vOff, int rowStride, int width, int xiStride,
      float[] planes, int channelStride, int channels, int q0, ConvGeometry g);

  /**
   * {@link Winograd4Transforms#outputGradient} (the F(4x4, 3x3) output gradient for a weight
   * gradient, tile positions of {@code perImage} per image).
   */
  void winograd4OutputGradient(float[] dm, int panel, float[] dy, int n0, int count, int perImage,
      int out, ConvGeometry g);

  /** {@link Winograd4Transforms#panelOutput} (the F(4x4, 3x3) output transform of one panel). */
  void winograd4PanelOutput(float[] y, int yOff, float[] m, int width, int xiStride, int channels,
      int q0, ConvGeometry g, float[] bias, int biasOff);

  /** {@link Winograd4Transforms#filters}: u[(xi*out + co)*in + ci] = (G g G^T)[xi], 36 xi. */
  void winograd4Filters(float[] u, float[] w, int out, int in);

  /**
   * The output transform of one Winograd panel: for channels c &lt; {@code channels} and lanes j
   * &lt; width with tile position q = q0 + j inside the image (ty &lt; TH, tx &lt; TW), writes
   * y[yOff + c*OH*OW + (2ty+r)*OW + 2tx+s] = (A^T m A)[r][s], A^T = [[1, 1, 1, 0], [0, 1, -1,
   * -1]], from the products {@code m[xi*xiStride + c*width + j]}, dropping half tiles past an odd
   * edge, plus {@code bias[biasOff + c]} when bias is not null (added last: the bits of adding it
   * to the finished output). Writes nothing else of y but may read up to {@code width} floats
   * past the last product.
   */
  void winogradPanelOutput(float[] y, int yOff, float[] m, int width, int xiStride, int channels,
      int q0, ConvGeometry g, float[] bias, int biasOff);

  /**
   * The gradient of the output transform ({@link #winogradPanelOutput}) with respect to its
   * products: for each 2x2 block dY of output tile t (zero past the edges) of images
   * [n0, n0+count) of dy (N, out, OH, OW), {@code dm[((xi*P + co/panel)*T + t)*panel +
   * co%panel] = (A dY A^T)[xi]}, A = [[1, 0], [1, 1], [1, -1], [0, -1]], P = ceil(out/panel):
   * per xi, the (T, out) matrix in column panels of {@code panel} channels, the tile kernel's
   * packed B layout when panel is its width. The slots of channels past out in the last panel
   * are not written.
   */
  void winogradOutputGradient(float[] dm, int panel, float[] dy, int n0, int count, int out,
      ConvGeometry g);

  /**
   * The gradient of {@link #winogradFilters} for transposed products: with
   * dU[co, ci] the 4x4 matrix dut[(xi*in + ci)*out + co] over xi = 4a + b,
   * dw[((co*in + ci)*3 + i)*3 + j] = (G^T dU G)[i][j] (overwrites dw).
   */
  void winogradFilterGradient(float[] dw, float[] dut, int out, int in);

  /**
   * Unfolds output rows [oy0, oy1) of channels-first image {@code image} of x (N, C, H, W) into
   * columns for a convolution as a matrix product: col[k][j] with k = (c*kh + i)*kw + j' over
   * the kernel window and j = (oy-oy0)*OW + ox over those output positions; positions that fall
   * into the zero padding get 0. col has C*KH*KW rows of (oy1-oy0)*OW columns. A band of rows
   * (rather than the whole image) keeps the unfolded block in cache for the product that reads it.
   */
  void im2colChannelsFirst(float[] col, float[] x, int image, int oy0, int oy1, ConvGeometry g);

  /**
   * The adjoint of {@link #im2colChannelsFirst}: dx[image, c, y, x] += every col entry of the
   * band that was read from it. dx must be zeroed by the caller before the first band.
   */
  void col2imChannelsFirstAccumulate(float[] dx, float[] col, int image, int oy0, int oy1, ConvGeometry g);

  /**
   * Unfolds channels-last images (N, H, W, C) into rows: row j = (n-n0)*OH*OW + oy*OW + ox holds
   * the window in (c, i, j') order, k = (c*kh + i)*kw + j' (the order of PyTorch's
   * (out, in, kh, kw) weight), so the same weight matrix serves both layouts.
   */
  void im2rowChannelsLast(float[] rows, float[] x, int n0, int count, ConvGeometry g);

  /** The adjoint of {@link #im2rowChannelsLast}; dx must be zeroed by the caller. */
  void row2imChannelsLastAccumulate(float[] dx, float[] rows, int n0, int count, ConvGeometry g);

  /**
   * Max pooling of channels-first (N*C planes) or channels-last data: y = max over the window;
   * argmax[o] = the input index (within x) of the maximum, saved for backward.
   */
  void maxPool(float[] y, int[] argmax, float[] x, PoolGeometry g);

  /**
   * {@link #maxPool} of images [from, to) only, on the calling thread (for a caller that fills
   * its input piece by piece of images): channels-first input without padding; the same maxima
   * and indices as {@link #maxPool}.
   */
  void maxPoolImages(float[] y, int[] argmax, float[] x, PoolGeometry g, int from, int to);

  /** dx[argmax[o]] += dy[o] for o in [from, to), in order. */
  void maxPoolBackwardAccumulate(float[] dx, float[] dy, int[] argmax, int from, int to);

  /** y = mean over the window, counting padding as zeros (PyTorch's count_include_pad=True). */
  void avgPool(float[] y, float[] x, PoolGeometry g);

  /** dx[window] += dy / windowSize. dx must be zeroed by the caller. */
  void avgPoolBackwardAccumulate(float[] dx, float[] dy, PoolGeometry g);
}
