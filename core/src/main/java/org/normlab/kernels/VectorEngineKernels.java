package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link EngineKernels} on the Vector API: the elementwise activation loops and bias adds; the
 * gather-shaped loops (im2col, pooling) are inherited from {@link ScalarEngineKernels}. Loaded
 * only through {@link VectorKernels}. Tails run the scalar code.
 */
final class VectorEngineKernels extends ScalarEngineKernels {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final ScalarEngineKernels TAIL = ScalarEngineKernels.INSTANCE;
  private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

  @Override
  public void sigmoid(float[] y, float[] x, int off, int len) {
    // y[i] = 1 / (1 + exp(-x[i]))
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, off + i);
      ONE.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(y, off + i);
    }
    TAIL.sigmoid(y, x, off + i, len - i);
  }

  @Override
  public void sigmoidBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    // dx[i] = dy[i] * y[i] * (1 - y[i])
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector yv = FloatVector.fromArray(F, y, off + i);
      FloatVector g = FloatVector.fromArray(F, dy, off + i);
      g.mul(yv).mul(yv.neg().add(1f)).intoArray(dx, off + i);
    }
    TAIL.sigmoidBackward(dx, dy, y, off + i, len - i);
  }

  @Override
  public void tanh(float[] y, float[] x, int off, int len) {
    // y[i] = tanh(x[i])
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector.fromArray(F, x, off + i).lanewise(VectorOperators.TANH).intoArray(y, off + i);
    }
    TAIL.tanh(y, x, off + i, len - i);
  }

  @Override
  public void tanhBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    // dx[i] = dy[i] * (1 - y[i]^2)
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector yv = FloatVector.fromArray(F, y, off + i);
      FloatVector g = FloatVector.fromArray(F, dy, off + i);
      g.mul(yv.mul(yv).neg().add(1f)).intoArray(dx, off + i);
    }
    TAIL.tanhBackward(dx, dy, y, off + i, len - i);
  }

  @Override
  public void reluBackward(float[] dx, float[] dy, float[] y, int off, int len) {
    // dx[i] = y[i] > 0 ? dy[i] : 0
    int bound = F.loopBound(len);
    int i = 0;
    FloatVector zero = FloatVector.zero(F);
    for (; i < bound; i += F.length()) {
      FloatVector yv = FloatVector.fromArray(F, y, off + i);
      VectorMask<Float> positive = yv.compare(VectorOperators.GT, 0f);
      zero.blend(FloatVector.fromArray(F, dy, off + i), positive).intoArray(dx, off + i);
    }
    TAIL.reluBackward(dx, dy, y, off + i, len - i);
  }

  @Override
  public void addRowBias(float[] y, int off, float[] bias, int rows, int cols) {
    // y[off + r*cols + c] += bias[c]
    int bound = F.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      int c = 0;
      for (; c < bound; c += F.length()) {
        FloatVector.fromArray(F, y, base + c).add(FloatVector.fromArray(F, bias, c))
            .intoArray(y, base + c);
      }
      for (; c < cols; c++) {
        y[base + c] += bias[c];
      }
    }
  }

  @Override
  public void addChannelBias(float[] y, int off, float[] bias, int n, int channels, int spatial) {
    // y[off + (i*channels + c)*spatial + p] += bias[c]
    int bound = F.loopBound(spatial);
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < channels; c++) {
        int base = off + (i * channels + c) * spatial;
        float b = bias[c];
        int p = 0;
        for (; p < bound; p += F.length()) {
          FloatVector.fromArray(F, y, base + p).add(b).intoArray(y, base + p);
        }
        for (; p < spatial; p++) {
          y[base + p] += b;
        }
      }
    }
  }
}
