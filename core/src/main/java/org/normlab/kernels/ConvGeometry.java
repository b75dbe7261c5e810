package org.normlab.kernels;

/**
 * The sizes of a 2-D convolution: input channels c, input height h and width w, kernel kh x kw,
 * stride and zero padding per axis; the output size follows PyTorch's formula
 * {@code oh = (h + 2*padH - kh) / strideH + 1}.
 */
public record ConvGeometry(int c, int h, int w, int kh, int kw, int strideH, int strideW,
    int padH, int padW) {

  public ConvGeometry {
    if (c < 1 || h < 1 || w < 1 || kh < 1 || kw < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
      throw new IllegalArgumentException("convolution: sizes must be positive and padding >= 0, got " + this);
    }
    if (h + 2 * padH < kh || w + 2 * padW < kw) {
      throw new IllegalArgumentException("convolution: kernel " + kh + "x" + kw
          + " is larger than the padded input " + (h + 2 * padH) + "x" + (w + 2 * padW));
    }
  }

  public int outH() {
    return (h + 2 * padH - kh) / strideH + 1;
  }

  public int outW() {
    return (w + 2 * padW - kw) / strideW + 1;
  }

  /** Rows of the unfolded matrix: c * kh * kw. */
  public int windowSize() {
    return c * kh * kw;
  }

  /** Output positions per image: outH * outW. */
  public int outPositions() {
    return outH() * outW();
  }
}
