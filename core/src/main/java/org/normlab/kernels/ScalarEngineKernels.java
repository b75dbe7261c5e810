package org.normlab.kernels;

/**
 * The plain Java reference implementation of {@link EngineKernels}. Sigmoid and tanh use
 * {@link ExpMath}, whose vector mirror gives the same bits, so runs repeat exactly. Pooling runs its images in
 * parallel (each image writes its own outputs, so results do not depend on the thread count).
 */
public class ScalarEngineKernels implements EngineKernels {
  static final ScalarEngineKernels INSTANCE = new ScalarEngineKernels();

  ScalarEngineKernels() {}

  @Override
  public void sigmoid(float[] y, float[] x, int off, int len) {
    for (int i = off; i < off + len; i++) {
      y[i] = ExpMath.sigmoid(x[i]);
    }
  }

  @Override
  public void sigmoidBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    for (int i = off; i < off + len; i++) {
      dx[i] = dy[i] * y[i] * (1f - y[i]);
    }
  }

  @Override
  public void tanh(float[] y, float[] x, int off, int len) {
    for (int i = off; i < off + len; i++) {
      y[i] = ExpMath.tanh(x[i]);
    }
  }

  @Override
  public void tanhBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    for (int i = off; i < off + len; i++) {
      dx[i] = dy[i] * (1f - y[i] * y[i]);
    }
  }

  @Override
  public void reluBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    for (int i = off; i < off + len; i++) {
      dx[i] = y[i] > 0f ? dy[i] : 0f;
    }
  }

  @Override
  public void addRowBias(float[] y, int off, float[] bias, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      for (int c = 0; c < cols; c++) {
        y[base + c] += bias[c];
      }
    }
  }

  @Override
  public void addChannelBias(float[] y, int off, float[] bias, int n, int channels, int spatial) {
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < channels; c++) {
        int base = off + (i * channels + c) * spatial;
        float b = bias[c];
        for (int p = 0; p < spatial; p++) {
          y[base + p] += b;
        }
      }
    }
  }

  @Override
  public void sumRowsAccumulate(float[] dbias, float[] dy, int rows, int cols) {
    double[] acc = new double[cols];
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int c = 0; c < cols; c++) {
        acc[c] += dy[base + c];
      }
    }
    for (int c = 0; c < cols; c++) {
      dbias[c] += (float) acc[c];
    }
  }

  @Override
  public void sumChannelsAccumulate(float[] dbias, float[] dy, int n, int channels, int spatial) {
    // a plain double loop: bit-identical in every JIT state (a lane reduction is not)
    for (int c = 0; c < channels; c++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * channels + c) * spatial;
        for (int p = 0; p < spatial; p++) {
          s += dy[base + p];
        }
      }
      dbias[c] += (float) s;
    }
  }

  @Override
  public void im2colChannelsFirst(float[] col, float[] x, int n0, int count, ConvGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    int positions = oh * ow;
    int cols = count * positions;
    for (int c = 0; c < g.c(); c++) {
      for (int ki = 0; ki < g.kh(); ki++) {
        for (int kj = 0; kj < g.kw(); kj++) {
          int rowBase = ((c * g.kh() + ki) * g.kw() + kj) * cols;
          for (int n = 0; n < count; n++) {
            int plane = ((n0 + n) * g.c() + c) * g.h() * g.w();
            int outBase = rowBase + n * positions;
            for (int oy = 0; oy < oh; oy++) {
              int iy = oy * g.strideH() - g.padH() + ki;
              int o = outBase + oy * ow;
              if (iy < 0 || iy >= g.h()) {
                java.util.Arrays.fill(col, o, o + ow, 0f);
                continue;
              }
              int rowIn = plane + iy * g.w();
              for (int ox = 0; ox < ow; ox++) {
                int ix = ox * g.strideW() - g.padW() + kj;
                col[o + ox] = ix >= 0 && ix < g.w() ? x[rowIn + ix] : 0f;
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void col2imChannelsFirstAccumulate(float[] dx, float[] col, int n0, int count, ConvGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    int positions = oh * ow;
    int cols = count * positions;
    for (int c = 0; c < g.c(); c++) {
      for (int ki = 0; ki < g.kh(); ki++) {
        for (int kj = 0; kj < g.kw(); kj++) {
          int rowBase = ((c * g.kh() + ki) * g.kw() + kj) * cols;
          for (int n = 0; n < count; n++) {
            int plane = ((n0 + n) * g.c() + c) * g.h() * g.w();
            int inBase = rowBase + n * positions;
            for (int oy = 0; oy < oh; oy++) {
              int iy = oy * g.strideH() - g.padH() + ki;
              if (iy < 0 || iy >= g.h()) {
                continue;
              }
              int rowOut = plane + iy * g.w();
              int o = inBase + oy * ow;
              for (int ox = 0; ox < ow; ox++) {
                int ix = ox * g.strideW() - g.padW() + kj;
                if (ix >= 0 && ix < g.w()) {
                  dx[rowOut + ix] += col[o + ox];
                }
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void im2rowChannelsLast(float[] rows, float[] x, int n0, int count, ConvGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    int k = g.windowSize();
    int khw = g.kh() * g.kw();
    for (int n = 0; n < count; n++) {
      int image = (n0 + n) * g.h() * g.w() * g.c();
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int row = ((n * oh + oy) * ow + ox) * k;
          for (int ki = 0; ki < g.kh(); ki++) {
            int iy = oy * g.strideH() - g.padH() + ki;
            for (int kj = 0; kj < g.kw(); kj++) {
              int ix = ox * g.strideW() - g.padW() + kj;
              int dst = row + ki * g.kw() + kj;
              if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                for (int c = 0; c < g.c(); c++) {
                  rows[dst + c * khw] = 0f;
                }
              } else {
                int src = image + (iy * g.w() + ix) * g.c();
                for (int c = 0; c < g.c(); c++) {
                  rows[dst + c * khw] = x[src + c];
                }
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void row2imChannelsLastAccumulate(float[] dx, float[] rows, int n0, int count, ConvGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    int k = g.windowSize();
    int khw = g.kh() * g.kw();
    for (int n = 0; n < count; n++) {
      int image = (n0 + n) * g.h() * g.w() * g.c();
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int row = ((n * oh + oy) * ow + ox) * k;
          for (int ki = 0; ki < g.kh(); ki++) {
            int iy = oy * g.strideH() - g.padH() + ki;
            if (iy < 0 || iy >= g.h()) {
              continue;
            }
            for (int kj = 0; kj < g.kw(); kj++) {
              int ix = ox * g.strideW() - g.padW() + kj;
              if (ix < 0 || ix >= g.w()) {
                continue;
              }
              int src = row + ki * g.kw() + kj;
              int dst = image + (iy * g.w() + ix) * g.c();
              for (int c = 0; c < g.c(); c++) {
                dx[dst + c] += rows[src + c * khw];
              }
            }
          }
        }
      }
    }
  }

  @Override
  public void maxPool(float[] y, int[] argmax, float[] x, PoolGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    Parallel.forRange(0, g.n(), 1, (from, to) -> {
      for (int n = from; n < to; n++) {
        for (int c = 0; c < g.c(); c++) {
          for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
              float best = Float.NEGATIVE_INFINITY;
              int bestIndex = -1;
              for (int ki = 0; ki < g.kh(); ki++) {
                int iy = oy * g.strideH() - g.padH() + ki;
                if (iy < 0 || iy >= g.h()) {
                  continue;
                }
                for (int kj = 0; kj < g.kw(); kj++) {
                  int ix = ox * g.strideW() - g.padW() + kj;
                  if (ix < 0 || ix >= g.w()) {
                    continue;
                  }
                  int idx = g.inputIndex(n, c, iy, ix);
                  float v = x[idx];
                  // NaN propagates (PyTorch: a NaN in the window gives NaN).
                  if (v > best || Float.isNaN(v) || bestIndex < 0) {
                    best = v;
                    bestIndex = idx;
                    if (Float.isNaN(v)) {
                      break;
                    }
                  }
                }
                if (Float.isNaN(best)) {
                  break;
                }
              }
              int o = g.outputIndex(n, c, oy, ox);
              y[o] = best;
              argmax[o] = bestIndex;
            }
          }
        }
      }
    });
  }

  @Override
  public void maxPoolBackwardAccumulate(float[] dx, float[] dy, int[] argmax, int outputs) {
    for (int o = 0; o < outputs; o++) {
      dx[argmax[o]] += dy[o];
    }
  }

  @Override
  public void avgPool(float[] y, float[] x, PoolGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    float inv = 1f / (g.kh() * g.kw());
    Parallel.forRange(0, g.n(), 1, (from, to) -> {
      for (int n = from; n < to; n++) {
        for (int c = 0; c < g.c(); c++) {
          for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
              double s = 0;
              for (int ki = 0; ki < g.kh(); ki++) {
                int iy = oy * g.strideH() - g.padH() + ki;
                for (int kj = 0; kj < g.kw(); kj++) {
                  int ix = ox * g.strideW() - g.padW() + kj;
                  if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                    s += x[g.inputIndex(n, c, iy, ix)];
                  }
                }
              }
              y[g.outputIndex(n, c, oy, ox)] = (float) s * inv;
            }
          }
        }
      }
    });
  }

  @Override
  public void avgPoolBackwardAccumulate(float[] dx, float[] dy, PoolGeometry g) {
    int oh = g.outH();
    int ow = g.outW();
    float inv = 1f / (g.kh() * g.kw());
    Parallel.forRange(0, g.n(), 1, (from, to) -> {
      for (int n = from; n < to; n++) {
        for (int c = 0; c < g.c(); c++) {
          for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
              float d = dy[g.outputIndex(n, c, oy, ox)] * inv;
              for (int ki = 0; ki < g.kh(); ki++) {
                int iy = oy * g.strideH() - g.padH() + ki;
                for (int kj = 0; kj < g.kw(); kj++) {
                  int ix = ox * g.strideW() - g.padW() + kj;
                  if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                    dx[g.inputIndex(n, c, iy, ix)] += d;
                  }
                }
              }
            }
          }
        }
      }
    });
  }
}
