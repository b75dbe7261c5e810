package org.normlab.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NormFamilyKernels} on the Vector API; package-private, created only by
 * {@link VectorKernels}. The scalar math of {@link ScalarNormFamilyKernels} is written above each
 * vector loop; tails run scalar code. Sums widen each float vector into two double vectors
 * (F2D parts 0 and 1), so they agree with the scalar path to double rounding.
 */
final class VectorNormFamilyKernels implements NormFamilyKernels {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final VectorSpecies<Double> D = VectorKernels.D;
  private static final int FL = F.length();
  private static final int DL = D.length();
  private static final ScalarNormFamilyKernels TAIL = ScalarNormFamilyKernels.INSTANCE;

  private static DoubleVector lo(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
  }

  private static DoubleVector hi(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
  }

  /**
   * Sums are blocked: each lane adds BLOCK products in float, then the block's partial sums are
   * widened into double accumulators; so each float sum has at most BLOCK terms (relative error
   * about BLOCK * 2^-24 of one block) and the conversions cost 1/BLOCK of the loop.
   */
  private static final int BLOCK = 8;

  private static DoubleVector widenAdd(DoubleVector acc, FloatVector part) {
    return acc.add(lo(part)).add(hi(part));
  }

  @Override
  public void meanAndVariance(double[] out, float[] x, int off, int len) {
    int bound = F.loopBound(len);
    // pass 1: sum += x[i]
    DoubleVector acc = DoubleVector.zero(D);
    int i = 0;
    while (i < bound) {
      FloatVector part = FloatVector.zero(F);
      for (int b = 0; b < BLOCK && i < bound; b++, i += FL) {
        part = part.add(FloatVector.fromArray(F, x, off + i));
      }
      acc = widenAdd(acc, part);
    }
    double vectorSum = Lanes.sum(acc);
    double sum = vectorSum;
    for (int t = i; t < len; t++) {
      sum += x[off + t];
    }
    double mean = sum / len;
    // pass 2: d = x[i] - mean; sq += d * d
    FloatVector vm = FloatVector.broadcast(F, (float) mean);
    acc = DoubleVector.zero(D);
    i = 0;
    while (i < bound) {
      FloatVector part = FloatVector.zero(F);
      for (int b = 0; b < BLOCK && i < bound; b++, i += FL) {
        FloatVector d = FloatVector.fromArray(F, x, off + i).sub(vm);
        part = d.fma(d, part);
      }
      acc = widenAdd(acc, part);
    }
    // The vector part used m' = (float) mean; with e = m' - mean and x - mean = (x - m') + e:
    // sum (x - mean)^2 = sum (x - m')^2 + 2 e (vectorSum - bound m') + bound e^2.
    double mf = (float) mean;
    double e = mf - mean;
    double sq = Lanes.sum(acc) + 2 * e * (vectorSum - bound * mf)
        + bound * e * e;
    for (int t = i; t < len; t++) {
      double d = x[off + t] - mean;
      sq += d * d;
    }
    out[0] = mean;
    out[1] = Math.max(0, sq / len);
  }

  @Override
  public void normalizeAffine(float[] y, float[] x, int off, int len, float mean, float rstd,
      float[] w, float[] b) {
    // xhat = (x[i] - mean) * rstd; y[i] = b == null ? xhat * w[i] : fma(xhat, w[i], b[i])
    FloatVector vm = FloatVector.broadcast(F, mean);
    FloatVector vr = FloatVector.broadcast(F, rstd);
    int bound = F.loopBound(len);
    int i = 0;
    if (b == null) {
      for (; i < bound; i += FL) {
        FloatVector xhat = FloatVector.fromArray(F, x, off + i).sub(vm).mul(vr);
        xhat.mul(FloatVector.fromArray(F, w, i)).intoArray(y, off + i);
      }
    } else {
      for (; i < bound; i += FL) {
        FloatVector xhat = FloatVector.fromArray(F, x, off + i).sub(vm).mul(vr);
        xhat.fma(FloatVector.fromArray(F, w, i), FloatVector.fromArray(F, b, i))
            .intoArray(y, off + i);
      }
    }
    for (; i < len; i++) {
      float xhat = (x[off + i] - mean) * rstd;
      y[off + i] = b == null ? xhat * w[i] : Math.fma(xhat, w[i], b[i]);
    }
  }

  @Override
  public void layerNormBackward(float[] dx, float[] dw, float[] db, float[] dy, float[] x, int off,
      int len, float[] w, float mean, float rstd) {
    FloatVector vr = FloatVector.broadcast(F, rstd);
    // xhat = (x - mean) * rstd as one fma: x * rstd + (-mean * rstd)
    FloatVector vShift = FloatVector.broadcast(F, -mean * rstd);
    int bound = F.loopBound(len);
    // pass 1: sumDxhat += dy[i] * w[i]; sumDxhatXhat += dy[i] * w[i] * (x[i] - mean) * rstd
    // (float partial sums over blocks of BLOCK vectors, widened into double per block)
    DoubleVector s1 = DoubleVector.zero(D);
    DoubleVector s2 = DoubleVector.zero(D);
    int i = 0;
    while (i < bound) {
      FloatVector p1 = FloatVector.zero(F);
      FloatVector p2 = FloatVector.zero(F);
      for (int blk = 0; blk < BLOCK && i < bound; blk++, i += FL) {
        FloatVector xhat = FloatVector.fromArray(F, x, off + i).fma(vr, vShift);
        FloatVector dxhat = FloatVector.fromArray(F, dy, off + i).mul(FloatVector.fromArray(F, w, i));
        p1 = p1.add(dxhat);
        p2 = dxhat.fma(xhat, p2);
      }
      s1 = widenAdd(s1, p1);
      s2 = widenAdd(s2, p2);
    }
    double sumDxhat = Lanes.sum(s1);
    double sumDxhatXhat = Lanes.sum(s2);
    for (int t = i; t < len; t++) {
      float xhat = (x[off + t] - mean) * rstd;
      float dxhat = dy[off + t] * w[t];
      sumDxhat += dxhat;
      sumDxhatXhat += (double) dxhat * xhat;
    }
    float m1 = (float) (sumDxhat / len);
    float m2 = (float) (sumDxhatXhat / len);
    // pass 2: dw[i] += dy * xhat; db[i] += dy; dx[i] = rstd * (dy * w[i] - m1 - xhat * m2),
    // the last as (dy * w) * rstd + (xhat * (-m2 * rstd) + (-m1 * rstd))
    FloatVector vc1 = FloatVector.broadcast(F, -m1 * rstd);
    FloatVector vc2 = FloatVector.broadcast(F, -m2 * rstd);
    i = 0;
    for (; i < bound; i += FL) {
      FloatVector g = FloatVector.fromArray(F, dy, off + i);
      FloatVector xhat = FloatVector.fromArray(F, x, off + i).fma(vr, vShift);
      g.fma(xhat, FloatVector.fromArray(F, dw, i)).intoArray(dw, i);
      g.add(FloatVector.fromArray(F, db, i)).intoArray(db, i);
      g.mul(FloatVector.fromArray(F, w, i)).fma(vr, xhat.fma(vc2, vc1)).intoArray(dx, off + i);
    }
    for (; i < len; i++) {
      float g = dy[off + i];
      float xhat = (x[off + i] - mean) * rstd;
      dw[i] = Math.fma(g, xhat, dw[i]);
      db[i] += g;
      dx[off + i] = rstd * (g * w[i] - m1 - xhat * m2);
    }
  }

  @Override
  public void rmsNormBackward(float[] dx, float[] dg, float[] dy, float[] x, int off, int len,
      float[] g, float rstd) {
    int bound = F.loopBound(len);
    // pass 1: dot += dy[i] * g[i] * x[i]
    // (float partial sums over blocks of BLOCK vectors, widened into double per block)
    DoubleVector acc = DoubleVector.zero(D);
    int i = 0;
    while (i < bound) {
      FloatVector part = FloatVector.zero(F);
      for (int blk = 0; blk < BLOCK && i < bound; blk++, i += FL) {
        FloatVector dyg = FloatVector.fromArray(F, dy, off + i).mul(FloatVector.fromArray(F, g, i));
        part = dyg.fma(FloatVector.fromArray(F, x, off + i), part);
      }
      acc = widenAdd(acc, part);
    }
    double dot = Lanes.sum(acc);
    for (int t = i; t < len; t++) {
      dot += (double) dy[off + t] * g[t] * x[off + t];
    }
    float c = (float) (dot / len) * rstd * rstd * rstd;
    // pass 2: dg[i] += dy * (x * rstd); dx[i] = rstd * g[i] * dy - x * c
    FloatVector vr = FloatVector.broadcast(F, rstd);
    FloatVector vc = FloatVector.broadcast(F, c);
    i = 0;
    for (; i < bound; i += FL) {
      FloatVector vdy = FloatVector.fromArray(F, dy, off + i);
      FloatVector vx = FloatVector.fromArray(F, x, off + i);
      vdy.fma(vx.mul(vr), FloatVector.fromArray(F, dg, i)).intoArray(dg, i);
      vr.mul(FloatVector.fromArray(F, g, i)).mul(vdy).sub(vx.mul(vc)).intoArray(dx, off + i);
    }
    for (; i < len; i++) {
      float xi = x[off + i];
      float gi = dy[off + i];
      dg[i] = Math.fma(gi, xi * rstd, dg[i]);
      dx[off + i] = rstd * g[i] * gi - xi * c;
    }
  }

  @Override
  public void combine(float[] dx, float[] dy, float[] x, int off, int len, float a, float b,
      float k) {
    // dx[i] = a * dy[i] + b * x[i] + k
    FloatVector va = FloatVector.broadcast(F, a);
    FloatVector vb = FloatVector.broadcast(F, b);
    FloatVector vk = FloatVector.broadcast(F, k);
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += FL) {
      FloatVector.fromArray(F, x, off + i).fma(vb, vk)
          .add(FloatVector.fromArray(F, dy, off + i).mul(va)).intoArray(dx, off + i);
    }
    TAIL.combine(dx, dy, x, off + i, len - i, a, b, k);
  }

  @Override
  public void columnSums(double[] sum, float[] x, int off, int rows, int cols) {
    // sum[c] += x[r * cols + c]
    int bound = F.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      int c = 0;
      for (; c < bound; c += FL) {
        FloatVector v = FloatVector.fromArray(F, x, base + c);
        DoubleVector.fromArray(D, sum, c).add(lo(v)).intoArray(sum, c);
        DoubleVector.fromArray(D, sum, c + DL).add(hi(v)).intoArray(sum, c + DL);
      }
      for (; c < cols; c++) {
        sum[c] += x[base + c];
      }
    }
  }

  @Override
  public void columnSquaredDeviations(double[] sq, float[] x, int off, int rows, int cols,
      double[] mean) {
    // d = x[r * cols + c] - mean[c]; sq[c] += d * d
    int bound = F.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      int c = 0;
      for (; c < bound; c += FL) {
        FloatVector v = FloatVector.fromArray(F, x, base + c);
        DoubleVector d0 = lo(v).sub(DoubleVector.fromArray(D, mean, c));
        DoubleVector d1 = hi(v).sub(DoubleVector.fromArray(D, mean, c + DL));
        d0.fma(d0, DoubleVector.fromArray(D, sq, c)).intoArray(sq, c);
        d1.fma(d1, DoubleVector.fromArray(D, sq, c + DL)).intoArray(sq, c + DL);
      }
      for (; c < cols; c++) {
        double d = x[base + c] - mean[c];
        sq[c] += d * d;
      }
    }
  }

  @Override
  public void columnDotSum(double[] dot, double[] sum, float[] dy, float[] x, int off, int rows,
      int cols) {
    // dot[c] += dy[r * cols + c] * x[r * cols + c]; sum[c] += dy[r * cols + c]
    int bound = F.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      int c = 0;
      for (; c < bound; c += FL) {
        FloatVector g = FloatVector.fromArray(F, dy, base + c);
        FloatVector v = FloatVector.fromArray(F, x, base + c);
        DoubleVector g0 = lo(g);
        DoubleVector g1 = hi(g);
        g0.fma(lo(v), DoubleVector.fromArray(D, dot, c)).intoArray(dot, c);
        g1.fma(hi(v), DoubleVector.fromArray(D, dot, c + DL)).intoArray(dot, c + DL);
        DoubleVector.fromArray(D, sum, c).add(g0).intoArray(sum, c);
        DoubleVector.fromArray(D, sum, c + DL).add(g1).intoArray(sum, c + DL);
      }
      for (; c < cols; c++) {
        dot[c] += (double) dy[base + c] * x[base + c];
        sum[c] += dy[base + c];
      }
    }
  }

  @Override
  public void affineColumns(float[] y, float[] x, int off, int rows, int cols, float[] scale,
      float[] shift) {
    // y[r * cols + c] = fma(x[r * cols + c], scale[c], shift[c])
    int bound = F.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      int c = 0;
      for (; c < bound; c += FL) {
        FloatVector.fromArray(F, x, base + c)
            .fma(FloatVector.fromArray(F, scale, c), FloatVector.fromArray(F, shift, c))
            .intoArray(y, base + c);
      }
      for (; c < cols; c++) {
        y[base + c] = Math.fma(x[base + c], scale[c], shift[c]);
      }
    }
  }

  @Override
  public void combineColumns(float[] dx, float[] dy, float[] x, int off, int rows, int cols,
      float[] a, float[] b, float[] k) {
    // dx[r * cols + c] = a[c] * dy[r * cols + c] + b[c] * x[r * cols + c] + k[c]
    int bound = F.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      int c = 0;
      for (; c < bound; c += FL) {
        FloatVector.fromArray(F, x, base + c)
            .fma(FloatVector.fromArray(F, b, c), FloatVector.fromArray(F, k, c))
            .add(FloatVector.fromArray(F, dy, base + c).mul(FloatVector.fromArray(F, a, c)))
            .intoArray(dx, base + c);
      }
      for (; c < cols; c++) {
        dx[base + c] = a[c] * dy[base + c] + b[c] * x[base + c] + k[c];
      }
    }
  }
}
