package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link EngineKernels} on the Vector API: the elementwise activation loops and bias adds; the
 * gather-shaped loops (im2col, pooling) are inherited from {@link ScalarEngineKernels}; the
 * Winograd transforms are in {@link VectorWinograd}. Loaded only through {@link VectorKernels}.
 * Tails run the scalar code.
 */
final class VectorEngineKernels extends ScalarEngineKernels {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final ScalarEngineKernels TAIL = ScalarEngineKernels.INSTANCE;
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

  /** {@link ExpMath#exp} on every lane, with the same operations in the same order. */
  static FloatVector exp(FloatVector x) {
    FloatVector v = x.max(ExpMath.LOW).min(ExpMath.HIGH);
    FloatVector t = v.fma(ExpMath.LOG2E, ExpMath.ROUND);
    FloatVector n = t.sub(ExpMath.ROUND);
    FloatVector r = n.fma(FloatVector.broadcast(F, -ExpMath.LN2_HI), v);
    r = n.fma(FloatVector.broadcast(F, -ExpMath.LN2_LO), r);
    FloatVector p = FloatVector.broadcast(F, ExpMath.P0).fma(r, FloatVector.broadcast(F, ExpMath.P1));
    p = p.fma(r, FloatVector.broadcast(F, ExpMath.P2));
    p = p.fma(r, FloatVector.broadcast(F, ExpMath.P3));
    p = p.fma(r, FloatVector.broadcast(F, ExpMath.P4));
    p = p.fma(r, FloatVector.broadcast(F, ExpMath.P5));
    FloatVector e = p.fma(r.mul(r), r).add(1f);
    IntVector bits = ((IntVector) t.reinterpretShape(I, 0))
        .sub(Float.floatToRawIntBits(ExpMath.ROUND) - 127).lanewise(VectorOperators.LSHL, 23);
    return e.mul((FloatVector) bits.reinterpretShape(F, 0));
  }

  @Override
  public void sigmoid(float[] y, float[] x, int off, int len) {
    // y[i] = 1 / (1 + exp(-x[i])), exp as ExpMath.exp
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, off + i);
      ONE.div(exp(v.neg()).add(1f)).intoArray(y, off + i);
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
    // y[i] = sign(x) * (1 - e) / (1 + e), e = exp(-2|x|), exp as ExpMath.exp
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, off + i);
      FloatVector e = exp(v.abs().mul(-2f));
      FloatVector magnitude = ONE.sub(e).div(e.add(1f));
      // copy the sign of x: magnitude >= 0, so OR-ing the sign bit in is copySign
      IntVector sign = ((IntVector) v.reinterpretShape(I, 0)).and(0x80000000);
      ((FloatVector) ((IntVector) magnitude.reinterpretShape(I, 0)).or(sign).reinterpretShape(F, 0))
          .intoArray(y, off + i);
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
  void transformTileRow(float[] v, int off, int stride, int writable, float[] quarters, int base,
      int quarter, int rowLen, int tw) {
    VectorWinograd.transformTileRow(v, off, stride, writable, quarters, base, quarter, rowLen, tw);
  }

  @Override
  public void winogradOutput(float[] y, float[] m, int n0, int count, int out, ConvGeometry g) {
    VectorWinograd.output(y, m, n0, count, out, g);
  }

  @Override
  public void winogradOutputGradient(float[] dm, float[] dy, int n0, int count, int out, ConvGeometry g) {
    VectorWinograd.outputGradient(dm, dy, n0, count, out, g);
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
