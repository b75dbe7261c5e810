package org.normlab.kernels;

/**
 * The sizes of a 2-D pooling over n images of c channels, h x w, window kh x kw, stride and
 * padding per axis (padding never wins a max and counts as zero in an average, as in PyTorch's
 * defaults). {@code channelsLast} says whether the data is (N, H, W, C) instead of (N, C, H, W).
 */
public record PoolGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW,
    int padH, int padW, boolean channelsLast) {

  public PoolGeometry {
    if (n < 0 || c < 1 || h < 1 || w < 1 || kh < 1 || kw < 1 || strideH < 1 || strideW < 1
        || padH < 0 || padW < 0) {
      throw new IllegalArgumentException("pooling: sizes must be positive and padding >= 0, got " + this);
    }
    if (padH * 2 > kh || padW * 2 > kw) {
      throw new IllegalArgumentException("pooling: padding should be at most half the window, got padding "
          + padH + "x" + padW + " for window " + kh + "x" + kw);
    }
    if (h + 2 * padH < kh || w + 2 * padW < kw) {
      throw new IllegalArgumentException("pooling: window " + kh + "x" + kw
          + " is larger than the padded input " + (h + 2 * padH) + "x" + (w + 2 * padW));
    }
  }

  public int outH() {
    return (h + 2 * padH - kh) / strideH + 1;
  }

  public int outW() {
    return (w + 2 * padW - kw) / strideW + 1;
  }

  public int outputs() {
    return n * c * outH() * outW();
  }

  /** Index of input element (image, channel, y, x) in memory order. */
  public int inputIndex(int image, int channel, int y, int x) {
    return channelsLast ? ((image * h + y) * w + x) * c + channel : ((image * c + channel) * h + y) * w + x;
  }

  /** Index of output element (image, channel, oy, ox) in memory order. */
  public int outputIndex(int image, int channel, int oy, int ox) {
    return channelsLast
        ? ((image * outH() + oy) * outW() + ox) * c + channel
        : ((image * c + channel) * outH() + oy) * outW() + ox;
  }
}
