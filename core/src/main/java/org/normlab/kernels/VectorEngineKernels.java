package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

  @Override
  void transformTileRow(float[] v, int off, int stride, float[] quarters, int base, int quarter,
      int rowLen, int tw) {
    // as ScalarEngineKernels.transformTileRow, F.length() tiles at a time (masked at the end):
    // d_rs = quarters[(2*(r%2) + s%2)*quarter + base + (r/2)*rowLen + s/2 + tx];
    // q_as: q0 = d0 - d2, q1 = d1 + d2, q2 = d2 - d1, q3 = d1 - d3 (per column s);
    // v[off + (4a + b)*stride + tx]: q_a0 - q_a2, q_a1 + q_a2, q_a2 - q_a1, q_a1 - q_a3
    // The four blocks below repeat on purpose: a helper taking vectors might not be inlined, and
    // a vector that escapes is boxed on every call (see VectorGemmKernels).
    int r1 = 2 * quarter;
    for (int tx = 0; tx < tw; tx += F.length()) {
      VectorMask<Float> m = F.indexInRange(tx, tw);
      int c0 = base + tx;
      int c1 = c0 + quarter;
      int c2 = c0 + 1;
      int c3 = c1 + 1;
      FloatVector d00 = FloatVector.fromArray(F, quarters, c0, m);
      FloatVector d10 = FloatVector.fromArray(F, quarters, c0 + r1, m);
      FloatVector d20 = FloatVector.fromArray(F, quarters, c0 + rowLen, m);
      FloatVector d30 = FloatVector.fromArray(F, quarters, c0 + r1 + rowLen, m);
      FloatVector d01 = FloatVector.fromArray(F, quarters, c1, m);
      FloatVector d11 = FloatVector.fromArray(F, quarters, c1 + r1, m);
      FloatVector d21 = FloatVector.fromArray(F, quarters, c1 + rowLen, m);
      FloatVector d31 = FloatVector.fromArray(F, quarters, c1 + r1 + rowLen, m);
      FloatVector d02 = FloatVector.fromArray(F, quarters, c2, m);
      FloatVector d12 = FloatVector.fromArray(F, quarters, c2 + r1, m);
      FloatVector d22 = FloatVector.fromArray(F, quarters, c2 + rowLen, m);
      FloatVector d32 = FloatVector.fromArray(F, quarters, c2 + r1 + rowLen, m);
      FloatVector d03 = FloatVector.fromArray(F, quarters, c3, m);
      FloatVector d13 = FloatVector.fromArray(F, quarters, c3 + r1, m);
      FloatVector d23 = FloatVector.fromArray(F, quarters, c3 + rowLen, m);
      FloatVector d33 = FloatVector.fromArray(F, quarters, c3 + r1 + rowLen, m);
      int o = off + tx;
      // a = 0: q_0s = d0s - d2s
      FloatVector q0 = d00.sub(d20);
      FloatVector q1 = d01.sub(d21);
      FloatVector q2 = d02.sub(d22);
      FloatVector q3 = d03.sub(d23);
      q0.sub(q2).intoArray(v, o, m);
      q1.add(q2).intoArray(v, o + stride, m);
      q2.sub(q1).intoArray(v, o + 2 * stride, m);
      q1.sub(q3).intoArray(v, o + 3 * stride, m);
      // a = 1: q_1s = d1s + d2s
      o += 4 * stride;
      q0 = d10.add(d20);
      q1 = d11.add(d21);
      q2 = d12.add(d22);
      q3 = d13.add(d23);
      q0.sub(q2).intoArray(v, o, m);
      q1.add(q2).intoArray(v, o + stride, m);
      q2.sub(q1).intoArray(v, o + 2 * stride, m);
      q1.sub(q3).intoArray(v, o + 3 * stride, m);
      // a = 2: q_2s = d2s - d1s
      o += 4 * stride;
      q0 = d20.sub(d10);
      q1 = d21.sub(d11);
      q2 = d22.sub(d12);
      q3 = d23.sub(d13);
      q0.sub(q2).intoArray(v, o, m);
      q1.add(q2).intoArray(v, o + stride, m);
      q2.sub(q1).intoArray(v, o + 2 * stride, m);
      q1.sub(q3).intoArray(v, o + 3 * stride, m);
      // a = 3: q_3s = d1s - d3s
      o += 4 * stride;
      q0 = d10.sub(d30);
      q1 = d11.sub(d31);
      q2 = d12.sub(d32);
      q3 = d13.sub(d33);
      q0.sub(q2).intoArray(v, o, m);
      q1.add(q2).intoArray(v, o + stride, m);
      q2.sub(q1).intoArray(v, o + 2 * stride, m);
      q1.sub(q3).intoArray(v, o + 3 * stride, m);
    }
  }
}
