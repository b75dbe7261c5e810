package org.normlab.kernels;

import java.util.Arrays;

/**
 * The zero-padded input planes of a direct stride-1 convolution ({@link DirectConvolution}):
 * per image, each channel's plane of PH x PW values (PH = H + 2*padH, PW = W + 2*padW) flattened
 * row after row, then KW slack floats (the last tap of the last output reads up to KW - 2 past
 * the plane), planes one after another. {@code taps[t] = c*planeSize + r*PW + s} for the window
 * entries t = (c*KH + r)*KW + s (the order of PyTorch's weight), so that the input of tap t for
 * output (oy, ox) lies at {@code taps[t] + oy*PW + ox}.
 */
record PaddedPlanes(ConvGeometry g, int pw, int planeSize, int[] taps) {
  PaddedPlanes(ConvGeometry g) {
    this(g, g.w() + 2 * g.padW(), (g.h() + 2 * g.padH()) * (g.w() + 2 * g.padW()) + g.kw(), taps(g));
  }

  private static int[] taps(ConvGeometry g) {
    int pw = g.w() + 2 * g.padW();
    int planeSize = (g.h() + 2 * g.padH()) * pw + g.kw();
    int[] taps = new int[g.windowSize()];
    for (int c = 0, t = 0; c < g.c(); c++) {
      for (int r = 0; r < g.kh(); r++) {
        for (int s = 0; s < g.kw(); s++, t++) {
          taps[t] = c * planeSize + r * pw + s;
        }
      }
    }
    return taps;
  }

  /** Floats per image: C planes. */
  int imageSize() {
    return g.c() * planeSize;
  }

  int oh() {
    return g.outH();
  }

  int ow() {
    return g.outW();
  }

  /** Zeroes the first {@code images} images' planes of {@code padded} (padding included). */
  void zero(float[] padded, int images) {
    Arrays.fill(padded, 0, images * imageSize(), 0f);
  }

  /**
   * Copies image n of x (N, C, H, W) into the interiors of image slot {@code slot} of padded
   * (the padding is left as it is).
   */
  void fill(float[] padded, int slot, float[] x, int n) {
    int h = g.h();
    int w = g.w();
    for (int c = 0; c < g.c(); c++) {
      for (int yy = 0; yy < h; yy++) {
        System.arraycopy(x, ((n * g.c() + c) * h + yy) * w, padded,
            slot * imageSize() + c * planeSize + (yy + g.padH()) * pw + g.padW(), w);
      }
    }
  }
}
