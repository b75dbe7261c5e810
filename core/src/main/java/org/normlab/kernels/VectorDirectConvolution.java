package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The direct convolution of {@link ScalarEngineKernels} on the Vector API: lanes over the
 * outputs of one row, eight output channels at a time (each input vector, loaded once per tap,
 * feeds eight independent accumulators). A row whose width is not a multiple of the vector
 * length ends with a vector that overlaps the one before it: the forward pass computes and
 * stores those outputs twice (the same values), the weight gradient zeroes the lanes it already
 * counted. Rows must be at least one vector wide (narrower ones run the scalar code).
 *
 * <p>The forward pass sums each output by the same fused multiply-adds in the same order as the
 * scalar code, so the same bits; the weight gradient sums per lane and adds the lanes in order
 * ({@link Lanes#sum}).
 */
final class VectorDirectConvolution {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final int L = F.length();
  /** Output channels per block. */
  private static final int BLOCK = 8;

  private VectorDirectConvolution() {}

  /** {@link EngineKernels#directConvolution}. */
  static void convolution(float[] y, int yOff, float[] padded, float[] w, int channels,
      PaddedPlanes p) {
    int[] taps = p.taps();
    int oh = p.oh();
    int ow = p.ow();
    int pw = p.pw();
    int t = taps.length;
    int plane = oh * ow;
    int co = 0;
    for (; co + BLOCK <= channels; co += BLOCK) {
      for (int oy = 0; oy < oh; oy++) {
        int row = yOff + (co * oh + oy) * ow;
        for (int ox = 0; ; ox += L) {
          int start = Math.min(ox, ow - L);
          block(y, row + start, plane, padded, taps, oy * pw + start, w, co * t);
          if (start == ow - L) {
            break;
          }
        }
      }
    }
    for (; co < channels; co++) {
      for (int oy = 0; oy < oh; oy++) {
        int row = yOff + (co * oh + oy) * ow;
        for (int ox = 0; ; ox += L) {
          int start = Math.min(ox, ow - L);
          FloatVector a = FloatVector.zero(F);
          for (int k = 0; k < t; k++) {
            FloatVector x = FloatVector.fromArray(F, padded, taps[k] + oy * pw + start);
            a = x.fma(FloatVector.broadcast(F, w[co * t + k]), a);
          }
          a.intoArray(y, row + start);
          if (start == ow - L) {
            break;
          }
        }
      }
    }
  }

  /**
   * One vector of outputs for {@link #BLOCK} channels: y[out + j*plane] for channel j of the
   * block, whose weights start at w[wOff + j*T]; the inputs of tap t at padded[taps[t] + at].
   */
  private static void block(float[] y, int out, int plane, float[] padded, int[] taps, int at,
      float[] w, int wOff) {
    int t = taps.length;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    for (int k = 0; k < t; k++) {
      FloatVector x = FloatVector.fromArray(F, padded, taps[k] + at);
      int wk = wOff + k;
      a0 = x.fma(FloatVector.broadcast(F, w[wk]), a0);
      a1 = x.fma(FloatVector.broadcast(F, w[wk + t]), a1);
      a2 = x.fma(FloatVector.broadcast(F, w[wk + 2 * t]), a2);
      a3 = x.fma(FloatVector.broadcast(F, w[wk + 3 * t]), a3);
      a4 = x.fma(FloatVector.broadcast(F, w[wk + 4 * t]), a4);
      a5 = x.fma(FloatVector.broadcast(F, w[wk + 5 * t]), a5);
      a6 = x.fma(FloatVector.broadcast(F, w[wk + 6 * t]), a6);
      a7 = x.fma(FloatVector.broadcast(F, w[wk + 7 * t]), a7);
    }
    a0.intoArray(y, out);
    a1.intoArray(y, out + plane);
    a2.intoArray(y, out + 2 * plane);
    a3.intoArray(y, out + 3 * plane);
    a4.intoArray(y, out + 4 * plane);
    a5.intoArray(y, out + 5 * plane);
    a6.intoArray(y, out + 6 * plane);
    a7.intoArray(y, out + 7 * plane);
  }

  /** {@link EngineKernels#directFilterGradient}. */
  static void filterGradient(float[] dw, float[] dy, int dyOff, float[] padded, int images,
      int channels, PaddedPlanes p) {
    int[] taps = p.taps();
    int oh = p.oh();
    int ow = p.ow();
    int pw = p.pw();
    int dyImage = channels * oh * ow;
    int paddedImage = p.imageSize();
    int t = taps.length;
    int plane = oh * ow;
    int co = 0;
    for (; co + BLOCK <= channels; co += BLOCK) {
      for (int k = 0; k < t; k++) {
        blockGradient(dw, co * t + k, t, dy, dyImage, dyOff + co * plane, plane, padded, paddedImage,
            taps[k], images, oh, ow, pw);
      }
    }
    for (; co < channels; co++) {
      for (int k = 0; k < t; k++) {
        FloatVector fresh = FloatVector.fromArray(F, ZEROS_THEN_ONES, freshLanes(ow));
        FloatVector a = FloatVector.zero(F);
        for (int n = 0; n < images; n++) {
          for (int oy = 0; oy < oh; oy++) {
            int d = dyOff + n * dyImage + (co * oh + oy) * ow;
            int at = n * paddedImage + taps[k] + oy * pw;
            for (int ox = 0; ; ox += L) {
              int start = Math.min(ox, ow - L);
              FloatVector x = FloatVector.fromArray(F, padded, at + start);
              if (start < ox) {
                x = x.mul(fresh);
              }
              a = FloatVector.fromArray(F, dy, d + start).fma(x, a);
              if (start == ow - L) {
                break;
              }
            }
          }
        }
        dw[co * t + k] += (float) Lanes.sum(a);
      }
    }
  }

  /**
   * One tap of {@link #BLOCK} channels: dw[dwOff + j*T] += the sum over images and outputs of dy
   * (channel j of the block at dy[n*dyImage + dyOff + j*plane]) times the tap's inputs
   * (padded[n*paddedImage + tap + oy*pw + ox]).
   */
  private static void blockGradient(float[] dw, int dwOff, int t, float[] dy, int dyImage, int dyOff,
      int plane, float[] padded, int paddedImage, int tap, int images, int oh, int ow, int pw) {
    FloatVector fresh = FloatVector.fromArray(F, ZEROS_THEN_ONES, freshLanes(ow));
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    for (int n = 0; n < images; n++) {
      for (int oy = 0; oy < oh; oy++) {
        int d = n * dyImage + dyOff + oy * ow;
        int p = n * paddedImage + tap + oy * pw;
        for (int ox = 0; ox < ow; ox += L) {
          int start = Math.min(ox, ow - L);
          FloatVector x = FloatVector.fromArray(F, padded, p + start);
          if (start < ox) {
            x = x.mul(fresh);
          }
          int o = d + start;
          a0 = FloatVector.fromArray(F, dy, o).fma(x, a0);
          a1 = FloatVector.fromArray(F, dy, o + plane).fma(x, a1);
          a2 = FloatVector.fromArray(F, dy, o + 2 * plane).fma(x, a2);
          a3 = FloatVector.fromArray(F, dy, o + 3 * plane).fma(x, a3);
          a4 = FloatVector.fromArray(F, dy, o + 4 * plane).fma(x, a4);
          a5 = FloatVector.fromArray(F, dy, o + 5 * plane).fma(x, a5);
          a6 = FloatVector.fromArray(F, dy, o + 6 * plane).fma(x, a6);
          a7 = FloatVector.fromArray(F, dy, o + 7 * plane).fma(x, a7);
        }
      }
    }
    dw[dwOff] += (float) Lanes.sum(a0);
    dw[dwOff + t] += (float) Lanes.sum(a1);
    dw[dwOff + 2 * t] += (float) Lanes.sum(a2);
    dw[dwOff + 3 * t] += (float) Lanes.sum(a3);
    dw[dwOff + 4 * t] += (float) Lanes.sum(a4);
    dw[dwOff + 5 * t] += (float) Lanes.sum(a5);
    dw[dwOff + 6 * t] += (float) Lanes.sum(a6);
    dw[dwOff + 7 * t] += (float) Lanes.sum(a7);
  }

  /** L zeros then L ones: L floats from {@link #freshLanes} are 0 for the lanes counted before. */
  private static final float[] ZEROS_THEN_ONES = new float[2 * L];

  static {
    java.util.Arrays.fill(ZEROS_THEN_ONES, L, 2 * L, 1f);
  }

  /**
   * Where in {@link #ZEROS_THEN_ONES} the lane weights of a row's last vector start: that vector
   * starts at ow - L, and only its last ow % L lanes (all when L divides ow) were not covered by
   * the vectors before it. An offset, not a vector or mask: one passed to a method C2 does not
   * inline is boxed.
   */
  private static int freshLanes(int ow) {
    return ow % L == 0 ? L : ow % L;
  }
}
