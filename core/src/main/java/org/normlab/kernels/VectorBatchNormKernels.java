package org.normlab.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BatchNormKernels} on the Vector API. Package-private; created only by
 * {@link VectorKernels}. The scalar math of each loop is the comment above it and is the code of
 * {@link ScalarBatchNormKernels}, which also runs the tails.
 *
 * <p>Double sums: each float vector widens into two double vectors (lanes 0..7 and 8..15 of a
 * 512-bit vector), so sums carry double precision like the scalar code; only the order of the
 * additions differs.
 */
final class VectorBatchNormKernels implements BatchNormKernels {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final VectorSpecies<Double> D = VectorKernels.D;
  private static final int FL = F.length();
  private static final int DL = D.length();

  private static DoubleVector lo(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
  }

  private static DoubleVector hi(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
  }

  /**
   * The lanes of a + b added in lane order. Not reduceLanes(ADD): its floating-point order is
   * unspecified and differs between the interpreter and compiled code, which would make results
   * depend on JIT timing.
   */
  private static double sumLanes(DoubleVector a, DoubleVector b) {
    double[] lanes = a.add(b).toArray();
    double s = 0;
    for (double v : lanes) {
      s += v;
    }
    return s;
  }

  /** g = reluOut > 0 ? dy : 0 (or dy when reluOut is null). */
  private static FloatVector masked(FloatVector dy, float[] reluOut, int i) {
    if (reluOut == null) {
      return dy;
    }
    VectorMask<Float> open = FloatVector.fromArray(F, reluOut, i).compare(VectorOperators.GT, 0f);
    return FloatVector.zero(F).blend(dy, open);
  }

  // ---- channels-first, one channel -----------------------------------------------------

  @Override
  public void channelMeanVar(double[] mean, double[] var, float[] x, int off, int n, int c, int s,
      int ch) {
    double shift = x[off + ch * s];
    DoubleVector vShift = DoubleVector.broadcast(D, shift);
    DoubleVector a1 = DoubleVector.zero(D);
    DoubleVector b1 = DoubleVector.zero(D);
    DoubleVector a2 = DoubleVector.zero(D);
    DoubleVector b2 = DoubleVector.zero(D);
    double s1 = 0;
    double s2 = 0;
    int bound = F.loopBound(s);
    for (int i = 0; i < n; i++) {
      int base = off + (i * c + ch) * s;
      // d = x - shift; s1 += d; s2 += d*d (in double)
      int p = 0;
      for (; p < bound; p += FL) {
        FloatVector v = FloatVector.fromArray(F, x, base + p);
        DoubleVector dl = lo(v).sub(vShift);
        DoubleVector dh = hi(v).sub(vShift);
        a1 = a1.add(dl);
        b1 = b1.add(dh);
        a2 = dl.fma(dl, a2);
        b2 = dh.fma(dh, b2);
      }
      for (; p < s; p++) {
        double d = x[base + p] - shift;
        s1 += d;
        s2 += d * d;
      }
    }
    s1 += sumLanes(a1, b1);
    s2 += sumLanes(a2, b2);
    double count = (double) n * s;
    BatchNormKernels.meanVarFromShiftedSums(mean, var, ch, shift, s1, s2, count);
  }

  @Override
  public void channelAffine(float[] y, float[] x, int off, int n, int c, int s, int ch,
      float m, float a, float b, boolean relu) {
    FloatVector vm = FloatVector.broadcast(F, m);
    FloatVector va = FloatVector.broadcast(F, a);
    FloatVector vb = FloatVector.broadcast(F, b);
    int bound = F.loopBound(s);
    for (int i = 0; i < n; i++) {
      int base = off + (i * c + ch) * s;
      // y = fma(x - m, a, b), then max(y, 0) when relu
      int p = 0;
      if (relu) {
        for (; p < bound; p += FL) {
          FloatVector.fromArray(F, x, base + p).sub(vm).fma(va, vb).max(0f).intoArray(y, base + p);
        }
      } else {
        for (; p < bound; p += FL) {
          FloatVector.fromArray(F, x, base + p).sub(vm).fma(va, vb).intoArray(y, base + p);
        }
      }
      ScalarBatchNormKernels.affineRow(y, x, base + p, s - p, m, a, b, relu);
    }
  }

  @Override
  public void channelGradSums(double[] sumDy, double[] sumDyXmu, float[] dy, float[] x,
      float[] reluOut, int off, int n, int c, int s, int ch, double mean) {
    DoubleVector vMean = DoubleVector.broadcast(D, mean);
    DoubleVector a1 = DoubleVector.zero(D);
    DoubleVector b1 = DoubleVector.zero(D);
    DoubleVector a2 = DoubleVector.zero(D);
    DoubleVector b2 = DoubleVector.zero(D);
    double g1 = 0;
    double g2 = 0;
    int bound = F.loopBound(s);
    for (int i = 0; i < n; i++) {
      int base = off + (i * c + ch) * s;
      // g = dy (masked by reluOut > 0); g1 += g; g2 += g*(x - mean) (in double)
      int p = 0;
      for (; p < bound; p += FL) {
        FloatVector g = masked(FloatVector.fromArray(F, dy, base + p), reluOut, base + p);
        FloatVector v = FloatVector.fromArray(F, x, base + p);
        DoubleVector gl = lo(g);
        DoubleVector gh = hi(g);
        a1 = a1.add(gl);
        b1 = b1.add(gh);
        a2 = gl.fma(lo(v).sub(vMean), a2);
        b2 = gh.fma(hi(v).sub(vMean), b2);
      }
      for (int q = base + p; q < base + s; q++) {
        double g = reluOut == null || reluOut[q] > 0f ? dy[q] : 0.0;
        g1 += g;
        g2 += g * (x[q] - mean);
      }
    }
    sumDy[ch] = g1 + sumLanes(a1, b1);
    sumDyXmu[ch] = g2 + sumLanes(a2, b2);
  }

  @Override
  public void channelGradInput(float[] dx, float[] dy, float[] x, float[] reluOut,
      int off, int n, int c, int s, int ch, float m, float k1, float k2, float k3) {
    FloatVector vm = FloatVector.broadcast(F, m);
    FloatVector v1 = FloatVector.broadcast(F, k1);
    FloatVector v2 = FloatVector.broadcast(F, k2);
    FloatVector v3 = FloatVector.broadcast(F, k3);
    int bound = F.loopBound(s);
    for (int i = 0; i < n; i++) {
      int base = off + (i * c + ch) * s;
      // dx = fma(k1, g, fma(k2, x - m, k3))
      int p = 0;
      for (; p < bound; p += FL) {
        int q = base + p;
        FloatVector g = masked(FloatVector.fromArray(F, dy, q), reluOut, q);
        FloatVector rest = FloatVector.fromArray(F, x, q).sub(vm).fma(v2, v3);
        g.fma(v1, rest).intoArray(dx, q);
      }
      ScalarBatchNormKernels.gradInputRow(dx, dy, x, reluOut, base + p, s - p, m, k1, k2, k3);
    }
  }

  // ---- channels-last, a range of positions --------------------------------------------

  @Override
  public void shiftedSums(double[] sum1, double[] sum2, float[] x, int off, int p0, int p1, int c,
      double[] shift) {
    int bound = F.loopBound(c);
    for (int pos = p0; pos < p1; pos++) {
      int base = off + pos * c;
      // d = x[ch] - shift[ch]; sum1[ch] += d; sum2[ch] += d*d (in double)
      int ch = 0;
      for (; ch < bound; ch += FL) {
        FloatVector v = FloatVector.fromArray(F, x, base + ch);
        DoubleVector dl = lo(v).sub(DoubleVector.fromArray(D, shift, ch));
        DoubleVector dh = hi(v).sub(DoubleVector.fromArray(D, shift, ch + DL));
        DoubleVector.fromArray(D, sum1, ch).add(dl).intoArray(sum1, ch);
        DoubleVector.fromArray(D, sum1, ch + DL).add(dh).intoArray(sum1, ch + DL);
        dl.fma(dl, DoubleVector.fromArray(D, sum2, ch)).intoArray(sum2, ch);
        dh.fma(dh, DoubleVector.fromArray(D, sum2, ch + DL)).intoArray(sum2, ch + DL);
      }
      ScalarBatchNormKernels.shiftedSumsChannels(sum1, sum2, x, base, ch, c, shift);
    }
  }

  @Override
  public void affine(float[] y, float[] x, int off, int p0, int p1, int c,
      float[] m, float[] a, float[] b, boolean relu) {
    int bound = F.loopBound(c);
    for (int pos = p0; pos < p1; pos++) {
      int base = off + pos * c;
      // y[ch] = fma(x[ch] - m[ch], a[ch], b[ch]), then max(y, 0) when relu
      int ch = 0;
      for (; ch < bound; ch += FL) {
        FloatVector v = FloatVector.fromArray(F, x, base + ch).sub(FloatVector.fromArray(F, m, ch))
            .fma(FloatVector.fromArray(F, a, ch), FloatVector.fromArray(F, b, ch));
        (relu ? v.max(0f) : v).intoArray(y, base + ch);
      }
      ScalarBatchNormKernels.affineChannels(y, x, base, ch, c, m, a, b, relu);
    }
  }

  @Override
  public void gradSums(double[] sumDy, double[] sumDyXmu, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, double[] mean) {
    int bound = F.loopBound(c);
    for (int pos = p0; pos < p1; pos++) {
      int base = off + pos * c;
      // g = dy[ch] (masked by reluOut > 0); sumDy[ch] += g; sumDyXmu[ch] += g*(x[ch] - mean[ch])
      int ch = 0;
      for (; ch < bound; ch += FL) {
        int i = base + ch;
        FloatVector g = masked(FloatVector.fromArray(F, dy, i), reluOut, i);
        FloatVector v = FloatVector.fromArray(F, x, i);
        DoubleVector gl = lo(g);
        DoubleVector gh = hi(g);
        DoubleVector.fromArray(D, sumDy, ch).add(gl).intoArray(sumDy, ch);
        DoubleVector.fromArray(D, sumDy, ch + DL).add(gh).intoArray(sumDy, ch + DL);
        DoubleVector xl = lo(v).sub(DoubleVector.fromArray(D, mean, ch));
        DoubleVector xh = hi(v).sub(DoubleVector.fromArray(D, mean, ch + DL));
        gl.fma(xl, DoubleVector.fromArray(D, sumDyXmu, ch)).intoArray(sumDyXmu, ch);
        gh.fma(xh, DoubleVector.fromArray(D, sumDyXmu, ch + DL)).intoArray(sumDyXmu, ch + DL);
      }
      ScalarBatchNormKernels.gradSumsChannels(sumDy, sumDyXmu, dy, x, reluOut, base, ch, c, mean);
    }
  }

  @Override
  public void gradInput(float[] dx, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, float[] m, float[] k1, float[] k2, float[] k3) {
    int bound = F.loopBound(c);
    for (int pos = p0; pos < p1; pos++) {
      int base = off + pos * c;
      // dx[ch] = fma(k1[ch], g, fma(k2[ch], x[ch] - m[ch], k3[ch]))
      int ch = 0;
      for (; ch < bound; ch += FL) {
        int i = base + ch;
        FloatVector g = masked(FloatVector.fromArray(F, dy, i), reluOut, i);
        FloatVector rest = FloatVector.fromArray(F, x, i).sub(FloatVector.fromArray(F, m, ch))
            .fma(FloatVector.fromArray(F, k2, ch), FloatVector.fromArray(F, k3, ch));
        g.fma(FloatVector.fromArray(F, k1, ch), rest).intoArray(dx, i);
      }
      ScalarBatchNormKernels.gradInputChannels(dx, dy, x, reluOut, base, ch, c, m, k1, k2, k3);
    }
  }
}
