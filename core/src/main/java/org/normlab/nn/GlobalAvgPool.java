package org.normlab.nn;

import org.normlab.kernels.Kernels;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Global average pooling: the mean of each channel over all positions, (N, C, H, W) or
 * (N, H, W, C) to (N, C), PyTorch's {@code nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())}
 * in one layer (no parameters, so no state-dict entries). Backward: dx = dy / (H*W) at every
 * position of the channel.
 */
public final class GlobalAvgPool implements Layer {
  private Tensor input;

  @Override
  public Tensor forward(Tensor x) {
    if (!x.layout().hasChannels() || x.layout() == Layout.NC) {
      throw new IllegalArgumentException("GlobalAvgPool input: expected a tensor with spatial axes"
          + " (NCL, NCHW, NHWC, ...), got " + x.layout() + " " + x.shape());
    }
    input = x;
    int n = x.batch();
    int c = x.channels();
    int s = x.spatialSize();
    Tensor y = Tensor.zeros(Layout.NC, n, c);
    float[] xd = x.data();
    float[] yd = y.data();
    if (x.layout().isChannelsLast()) {
      for (int i = 0; i < n; i++) {
        for (int p = 0; p < s; p++) {
          Kernels.get().axpy(1f / s, xd, (i * s + p) * c, yd, i * c, c);
        }
      }
    } else {
      for (int i = 0; i < n * c; i++) {
        double sum = 0;
        for (int p = 0; p < s; p++) {
          sum += xd[i * s + p];
        }
        yd[i] = (float) (sum / s);
      }
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor dy) {
    if (input == null) {
      throw new IllegalStateException("GlobalAvgPool: backward called before forward");
    }
    int n = input.batch();
    int c = input.channels();
    int s = input.spatialSize();
    dy.requireShape("GlobalAvgPool output gradient", org.normlab.tensor.Shape.of(n, c));
    Tensor dx = input.zerosLike();
    float[] d = dx.data();
    float[] g = dy.data();
    boolean last = input.layout().isChannelsLast();
    for (int i = 0; i < n; i++) {
      for (int ch = 0; ch < c; ch++) {
        float v = g[i * c + ch] / s;
        for (int p = 0; p < s; p++) {
          d[last ? (i * s + p) * c + ch : (i * c + ch) * s + p] = v;
        }
      }
    }
    return dx;
  }

  @Override
  public String describe() {
    return "GlobalAvgPool()";
  }
}
