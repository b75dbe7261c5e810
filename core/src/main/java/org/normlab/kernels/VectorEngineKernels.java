package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link EngineKernels} on the Vector API: the elementwise activation loops and bias adds; the
 * gather-shaped loops (im2col, pooling) are inherited from {@link ScalarEngineKernels}, and so
 * are the Winograd transforms: a Vector API input transform measured 30% faster when C2 compiled
 * it, but in about one JVM run in three it stayed in unintrinsified code (C1 gave up on the large
 * method, or the small helpers were not inlined) and made the convolutions 2.5x slower. Loaded
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

  /**
   * The tile-row transform of {@link ScalarEngineKernels#transformTileRow} with the lanes over
   * tiles (tx): the same subtractions and additions in the same order, so the same bits. Loads
   * run past the row's last tile into the quarters' slack
   * ({@link ScalarEngineKernels#QUARTER_SLACK}); stores are masked to the row.
   *
   * <p>One row a of q = B^T d per call of {@link #transformQuarterRow}: a method holding all 16
   * loaded vectors was too large for C1 ("out of virtual registers"), which in some JVM runs left
   * it uncompiled by C2 and 10x slower.
   */
  @Override
  void transformTileRow(float[] v, int off, int stride, float[] quarters, int base, int quarter,
      int rowLen, int tw) {
    int half = 2 * quarter;
    for (int tx = 0; tx < tw; tx += F.length()) {
      int d0 = base + tx;
      int d1 = d0 + half;
      int d2 = d0 + rowLen;
      int d3 = d1 + rowLen;
      int o = off + tx;
      int lanes = tw - tx;
      // q0s = d0s - d2s, q1s = d1s + d2s, q2s = d2s - d1s, q3s = d1s - d3s
      transformQuarterRow(v, o, stride, lanes, quarters, d0, d2, -1f, quarter);
      transformQuarterRow(v, o + 4 * stride, stride, lanes, quarters, d1, d2, 1f, quarter);
      transformQuarterRow(v, o + 8 * stride, stride, lanes, quarters, d2, d1, -1f, quarter);
      transformQuarterRow(v, o + 12 * stride, stride, lanes, quarters, d1, d3, -1f, quarter);
    }
  }

  /**
   * One row a of q = B^T d for a vector of tiles, q_s = first_s + sign * second_s (exactly
   * first_s -/+ second_s: the product by +-1 is exact and fma rounds once), times B:
   * v[o + b*stride] = q0 - q2, q1 + q2, q2 - q1, q1 - q3 for b = 0..3, in the first
   * {@code lanes} lanes. Column s of a d row lies in quarter s%2 at column offset s/2.
   */
  private static void transformQuarterRow(float[] v, int o, int stride, int lanes, float[] quarters,
      int first, int second, float sign, int quarter) {
    VectorMask<Float> row = F.indexInRange(0, lanes);
    FloatVector signs = FloatVector.broadcast(F, sign);
    FloatVector q0 = FloatVector.fromArray(F, quarters, second).fma(signs, FloatVector.fromArray(F, quarters, first));
    FloatVector q1 = FloatVector.fromArray(F, quarters, second + quarter)
        .fma(signs, FloatVector.fromArray(F, quarters, first + quarter));
    FloatVector q2 = FloatVector.fromArray(F, quarters, second + 1)
        .fma(signs, FloatVector.fromArray(F, quarters, first + 1));
    FloatVector q3 = FloatVector.fromArray(F, quarters, second + quarter + 1)
        .fma(signs, FloatVector.fromArray(F, quarters, first + quarter + 1));
    q0.sub(q2).intoArray(v, o, row);
    q1.add(q2).intoArray(v, o + stride, row);
    q2.sub(q1).intoArray(v, o + 2 * stride, row);
    q1.sub(q3).intoArray(v, o + 3 * stride, row);
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
