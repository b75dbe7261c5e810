package org.normlab.kernels;

/**
 * Stride-1 convolutions with a small window (C*KH*KW at most {@link #MAX_WINDOW}, such as the
 * built-in CNNs' first layer, 1 -> 32 channels 3x3), computed directly on zero-padded planes
 * instead of as im2col products: a product with K = 9 rows spends its time unfolding the input
 * and streaming tiny panels, not multiplying.
 *
 * <p>With the input planes of {@link PaddedPlanes} (PW the padded row length, taps[t] the
 * offset of window entry t = (c*KH + r)*KW + s),
 * <pre>
 *   y[co, oy, ox] = sum over c, r, s of w[co, c, r, s] * padded[c, oy + r, ox + s]
 *                 = sum over t of w[co*T + t] * padded[taps[t] + oy*PW + ox]
 * </pre>
 * so each output row is a sum of T contiguous input runs scaled by weights
 * ({@link EngineKernels#directConvolution}); the weight gradient is the same sum read the other
 * way, {@code dw[co*T + t] = sum over n, oy, ox of dy[n, co, oy, ox] * padded[n, taps[t] + oy*PW
 * + ox]} ({@link EngineKernels#directFilterGradient}).
 *
 * <p>Every output depends only on its own image, and the weight gradient sums a fixed range of
 * images, so results do not depend on how ranges are split across threads.
 */
public final class DirectConvolution {
  /**
   * Largest window C*KH*KW run this way: 32 covers 1- to 3-channel 3x3 inputs. The direct
   * products load each input vector once per tap and block of output channels; im2col's
   * product amortizes its loads better as the window grows.
   */
  public static final int MAX_WINDOW = 32;

  private static final ThreadLocal<float[]> PADDED = new ThreadLocal<>();

  private DirectConvolution() {}

  /** Whether a channels-first convolution of geometry g runs this way. */
  public static boolean applies(ConvGeometry g) {
    return g.strideH() == 1 && g.strideW() == 1 && g.windowSize() <= MAX_WINDOW;
  }

  /**
   * Writes (overwrites) images [n0, n0+count) of y (N, out, OH, OW) with the convolution of the
   * same images of x (N, C, H, W) and weight w (out, C, KH, KW); {@link #applies} must hold.
   */
  public static void convolve(float[] y, float[] x, int n0, int count, float[] w, int out,
      ConvGeometry g) {
    requireApplies(g);
    EngineKernels kernels = Kernels.get().engine();
    PaddedPlanes planes = new PaddedPlanes(g);
    float[] padded = scratch(planes.imageSize());
    planes.zero(padded, 1);
    for (int n = n0; n < n0 + count; n++) {
      planes.fill(padded, 0, x, n);
      kernels.directConvolution(y, n * out * g.outPositions(), padded, w, out, planes);
    }
  }

  /**
   * dw (out, C, KH, KW) = the sum over images [n0, n0+count) of dL/dw for output gradient dy
   * (N, out, OH, OW) and input x (N, C, H, W) (overwrites dw); {@link #applies} must hold.
   */
  public static void weightGradient(float[] dw, float[] x, float[] dy, int n0, int count, int out,
      ConvGeometry g) {
    requireApplies(g);
    PaddedPlanes planes = new PaddedPlanes(g);
    float[] padded = scratch(count * planes.imageSize());
    planes.zero(padded, count);
    for (int n = 0; n < count; n++) {
      planes.fill(padded, n, x, n0 + n);
    }
    java.util.Arrays.fill(dw, 0, out * g.windowSize(), 0f);
    Kernels.get().engine().directFilterGradient(dw, dy, n0 * out * g.outPositions(), padded, count,
        out, planes);
  }

  private static void requireApplies(ConvGeometry g) {
    if (!applies(g)) {
      throw new IllegalArgumentException("direct convolution: expected stride 1 and a window of at"
          + " most " + MAX_WINDOW + " values, got " + g);
    }
  }

  /** This thread's padded-plane scratch, at least {@code size} floats. */
  private static float[] scratch(int size) {
    float[] b = PADDED.get();
    if (b == null || b.length < size) {
      b = new float[size];
      PADDED.set(b);
    }
    return b;
  }
}
