package org.normlab.kernels;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorOperators.Conversion;
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
  private static final Conversion<Float, Double> F2D = VectorOperators.F2D;

  /**
   * Sums are blocked: each lane adds up to BLOCK vectors in float, in two independent accumulators
   * (even and odd vectors, so the loop is not one chain of dependent additions), then the block's
   * two partial sums are added and widened into double accumulators; so each float sum has at most
   * BLOCK terms (relative error about BLOCK * 2^-24 of one block) and the conversions cost 1/BLOCK
   * of the loop. The order depends only on the length, never on the data or threads. (LayerNorm's
   * backward sums keep one accumulator per row instead: they sum four rows at once, which gives
   * four independent chains; see {@link #backwardSumsOfFourRows}.)
   *
   * <p>Summing loops run over whole pairs of vectors ({@link #pairBound}) and leave the rest to
   * scalar tails, and unroll only by two: C2 stops inlining Vector API calls into a method once it
   * holds too many nodes (NodeCountInliningCutoff), and a call it did not inline boxes its vectors,
   * which made these kernels 3-5x slower. Keep the number of vector calls per kernel small.
   *
   * <p>The blocked loop is written out in each kernel that sums (alone, or fused with another
   * row's pass): one shared loop with mode flags ran 1.3-1.8x slower (rowSum, normalize+sum) and a
   * shared helper would have to take or return vectors, which is what boxes them.
   */
  private static final int BLOCK = 16;

  /** len rounded down to whole pairs of vectors: the extent of the two-accumulator loops. */
  private static int pairBound(int len) {
    return len - len % (2 * FL);
  }

  /** sum of x[off + i] over i in [0, bound), bound a multiple of 2 FL, blocked as at BLOCK. */
  private static double blockedSum(float[] x, int off, int bound) {
    DoubleVector acc = DoubleVector.zero(D);
    int i = 0;
    while (i < bound) {
      int end = Math.min(bound, i + BLOCK * FL);
      FloatVector p0 = FloatVector.zero(F);
      FloatVector p1 = FloatVector.zero(F);
      for (; i < end; i += 2 * FL) {
        p0 = p0.add(FloatVector.fromArray(F, x, off + i));
        p1 = p1.add(FloatVector.fromArray(F, x, off + i + FL));
      }
      FloatVector block = p0.add(p1);
      acc = acc.add(block.convertShape(F2D, D, 0)).add(block.convertShape(F2D, D, 1));
    }
    double sum = 0;
    for (int l = 0; l < DL; l++) {
      sum += acc.lane(l);
    }
    return sum;
  }

  /** sum of (x[off + i] - m)^2 over i in [0, bound), as {@link #blockedSum}. */
  private static double blockedSquaredDeviations(float[] x, int off, int bound, float m) {
    FloatVector vm = FloatVector.broadcast(F, m);
    DoubleVector acc = DoubleVector.zero(D);
    int i = 0;
    while (i < bound) {
      int end = Math.min(bound, i + BLOCK * FL);
      FloatVector p0 = FloatVector.zero(F);
      FloatVector p1 = FloatVector.zero(F);
      for (; i < end; i += 2 * FL) {
        FloatVector d0 = FloatVector.fromArray(F, x, off + i).sub(vm);
        FloatVector d1 = FloatVector.fromArray(F, x, off + i + FL).sub(vm);
        p0 = d0.fma(d0, p0);
        p1 = d1.fma(d1, p1);
      }
      FloatVector block = p0.add(p1);
      acc = acc.add(block.convertShape(F2D, D, 0)).add(block.convertShape(F2D, D, 1));
    }
    double sum = 0;
    for (int l = 0; l < DL; l++) {
      sum += acc.lane(l);
    }
    return sum;
  }

  @Override
  public double rowSum(float[] x, int off, int len) {
    // sum += x[i] (vector part blocked as at BLOCK, tail in double)
    int pairs = pairBound(len);
    double sum = blockedSum(x, off, pairs);
    for (int t = pairs; t < len; t++) {
      sum += x[off + t];
    }
    return sum;
  }

  @Override
  public double variance(float[] x, int off, int len, double sum) {
    // d = x[i] - mean; sq += d * d
    // The vector part uses m' = (float) mean; with e = m' - mean and x - mean = (x - m') + e:
    // sum (x - mean)^2 = sum (x - m')^2 + 2 e (sum - len m') + len e^2.
    double mean = sum / len;
    float mf = (float) mean;
    double e = mf - mean;
    int pairs = pairBound(len);
    double sq = blockedSquaredDeviations(x, off, pairs, mf);
    for (int t = pairs; t < len; t++) {
      double d = x[off + t] - (double) mf;
      sq += d * d;
    }
    sq += 2 * e * (sum - len * (double) mf) + len * e * e;
    return Math.max(0, sq / len);
  }

  @Override
  public void meanAndVariance(double[] out, float[] x, int off, int len) {
    double sum = rowSum(x, off, len);
    out[0] = sum / len;
    out[1] = variance(x, off, len, sum);
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
  public void normalizeAffineAndShiftedSums(float[] y, float[] x, int off, int len, float mean,
      float rstd, float[] w, float[] b, int next, float k, double[] out) {
    // xhat = (x[i] - mean) * rstd; y[i] = b == null ? xhat * w[i] : fma(xhat, w[i], b[i]);
    // the shifted sums of x[next + i], blocked exactly as shiftedSums (the two loops share the
    // pass over i, so the next row's memory reads overlap this row's arithmetic)
    if (b == null) {
      normalizeAffine(y, x, off, len, mean, rstd, w, null);
      shiftedSums(out, x, next, len, k);
      return;
    }
    FloatVector vm = FloatVector.broadcast(F, mean);
    FloatVector vr = FloatVector.broadcast(F, rstd);
    FloatVector vk = FloatVector.broadcast(F, k);
    int pairs = pairBound(len);
    DoubleVector s1 = DoubleVector.zero(D);
    DoubleVector s2 = DoubleVector.zero(D);
    int i = 0;
    while (i < pairs) {
      int end = Math.min(pairs, i + BLOCK * FL);
      FloatVector p1a = FloatVector.zero(F);
      FloatVector p1b = FloatVector.zero(F);
      FloatVector p2a = FloatVector.zero(F);
      FloatVector p2b = FloatVector.zero(F);
      for (; i < end; i += 2 * FL) {
        FloatVector da = FloatVector.fromArray(F, x, next + i).sub(vk);
        FloatVector db = FloatVector.fromArray(F, x, next + i + FL).sub(vk);
        p1a = p1a.add(da);
        p1b = p1b.add(db);
        p2a = da.fma(da, p2a);
        p2b = db.fma(db, p2b);
        FloatVector.fromArray(F, x, off + i).sub(vm).mul(vr)
            .fma(FloatVector.fromArray(F, w, i), FloatVector.fromArray(F, b, i))
            .intoArray(y, off + i);
        FloatVector.fromArray(F, x, off + i + FL).sub(vm).mul(vr)
            .fma(FloatVector.fromArray(F, w, i + FL), FloatVector.fromArray(F, b, i + FL))
            .intoArray(y, off + i + FL);
      }
      FloatVector block1 = p1a.add(p1b);
      s1 = s1.add(block1.convertShape(F2D, D, 0)).add(block1.convertShape(F2D, D, 1));
      FloatVector block2 = p2a.add(p2b);
      s2 = s2.add(block2.convertShape(F2D, D, 0)).add(block2.convertShape(F2D, D, 1));
    }
    out[0] = 0;
    out[1] = 0;
    for (int l = 0; l < DL; l++) {
      out[0] += s1.lane(l);
      out[1] += s2.lane(l);
    }
    ScalarNormFamilyKernels.addShiftedSums(out, x, next, pairs, len, k);
    for (int t = pairs; t < len; t++) {
      y[off + t] = Math.fma((x[off + t] - mean) * rstd, w[t], b[t]);
    }
  }

  @Override
  public void shiftedSums(double[] out, float[] x, int off, int len, float k) {
    // d = x[i] - k; out[0] += d; out[1] += d * d (vector part blocked as at BLOCK, tail in double)
    FloatVector vk = FloatVector.broadcast(F, k);
    int pairs = pairBound(len);
    DoubleVector s1 = DoubleVector.zero(D);
    DoubleVector s2 = DoubleVector.zero(D);
    int i = 0;
    while (i < pairs) {
      int end = Math.min(pairs, i + BLOCK * FL);
      FloatVector p1a = FloatVector.zero(F);
      FloatVector p1b = FloatVector.zero(F);
      FloatVector p2a = FloatVector.zero(F);
      FloatVector p2b = FloatVector.zero(F);
      for (; i < end; i += 2 * FL) {
        FloatVector da = FloatVector.fromArray(F, x, off + i).sub(vk);
        FloatVector db = FloatVector.fromArray(F, x, off + i + FL).sub(vk);
        p1a = p1a.add(da);
        p1b = p1b.add(db);
        p2a = da.fma(da, p2a);
        p2b = db.fma(db, p2b);
      }
      FloatVector block1 = p1a.add(p1b);
      s1 = s1.add(block1.convertShape(F2D, D, 0)).add(block1.convertShape(F2D, D, 1));
      FloatVector block2 = p2a.add(p2b);
      s2 = s2.add(block2.convertShape(F2D, D, 0)).add(block2.convertShape(F2D, D, 1));
    }
    out[0] = 0;
    out[1] = 0;
    for (int l = 0; l < DL; l++) {
      out[0] += s1.lane(l);
      out[1] += s2.lane(l);
    }
    ScalarNormFamilyKernels.addShiftedSums(out, x, off, pairs, len, k);
  }

  @Override
  public void scaleShiftAndShiftedSums(float[] y, float[] x, int off, int len, float scale,
      float shift, int next, float k, double[] out) {
    // y[i] = fma(x[i], scale, shift); the shifted sums of x[next + i], blocked exactly as
    // shiftedSums (the next segment's memory reads overlap this segment's arithmetic)
    FloatVector va = FloatVector.broadcast(F, scale);
    FloatVector vs = FloatVector.broadcast(F, shift);
    FloatVector vk = FloatVector.broadcast(F, k);
    int pairs = pairBound(len);
    DoubleVector s1 = DoubleVector.zero(D);
    DoubleVector s2 = DoubleVector.zero(D);
    int i = 0;
    while (i < pairs) {
      int end = Math.min(pairs, i + BLOCK * FL);
      FloatVector p1a = FloatVector.zero(F);
      FloatVector p1b = FloatVector.zero(F);
      FloatVector p2a = FloatVector.zero(F);
      FloatVector p2b = FloatVector.zero(F);
      for (; i < end; i += 2 * FL) {
        FloatVector da = FloatVector.fromArray(F, x, next + i).sub(vk);
        FloatVector db = FloatVector.fromArray(F, x, next + i + FL).sub(vk);
        p1a = p1a.add(da);
        p1b = p1b.add(db);
        p2a = da.fma(da, p2a);
        p2b = db.fma(db, p2b);
        FloatVector.fromArray(F, x, off + i).fma(va, vs).intoArray(y, off + i);
        FloatVector.fromArray(F, x, off + i + FL).fma(va, vs).intoArray(y, off + i + FL);
      }
      FloatVector block1 = p1a.add(p1b);
      s1 = s1.add(block1.convertShape(F2D, D, 0)).add(block1.convertShape(F2D, D, 1));
      FloatVector block2 = p2a.add(p2b);
      s2 = s2.add(block2.convertShape(F2D, D, 0)).add(block2.convertShape(F2D, D, 1));
    }
    out[0] = 0;
    out[1] = 0;
    for (int l = 0; l < DL; l++) {
      out[0] += s1.lane(l);
      out[1] += s2.lane(l);
    }
    ScalarNormFamilyKernels.addShiftedSums(out, x, next, pairs, len, k);
    for (int t = pairs; t < len; t++) {
      y[off + t] = Math.fma(x[off + t], scale, shift);
    }
  }

  @Override
  public void layerNormBackwardSums(double[] sums, float[] dw, float[] db, float[] dy, float[] x,
      int off, int len, int rows, float[] w, float[] mean, float[] rstd, int first) {
    int q = 0;
    for (; q + 4 <= rows; q += 4) {
      backwardSumsOfFourRows(sums, 2 * q, dw, db, dy, x, off + q * len, len, w, mean, rstd,
          first + q);
    }
    for (; q < rows; q++) {
      backwardSumsOfOneRow(sums, 2 * q, dw, db, dy, x, off + q * len, len, w, mean[first + q],
          rstd[first + q]);
    }
  }

  /**
   * layerNormBackwardSums of one row into sums[at], sums[at + 1]: per lane, one float partial sum
   * per block of BLOCK vectors, widened into double, then the lanes in order and the tail;
   * {@link #backwardSumsOfFourRows} makes each of its rows' sums and dw/db updates in exactly
   * these steps.
   */
  private static void backwardSumsOfOneRow(double[] sums, int at, float[] dw, float[] db,
      float[] dy, float[] x, int off, int len, float[] w, float mean, float rstd) {
    // dxhat = dy[i] * w[i]; sum += dxhat; dot += dxhat * (x[i] - mean);
    // dw[i] = fma(dy[i] * rstd, x[i] - mean, dw[i]); db[i] += dy[i]
    FloatVector vm = FloatVector.broadcast(F, mean);
    FloatVector vr = FloatVector.broadcast(F, rstd);
    int bound = F.loopBound(len);
    DoubleVector sum = DoubleVector.zero(D);
    DoubleVector dot = DoubleVector.zero(D);
    int i = 0;
    while (i < bound) {
      int end = Math.min(bound, i + BLOCK * FL);
      FloatVector ps = FloatVector.zero(F);
      FloatVector pd = FloatVector.zero(F);
      for (; i < end; i += FL) {
        FloatVector g = FloatVector.fromArray(F, dy, off + i);
        FloatVector d = FloatVector.fromArray(F, x, off + i).sub(vm);
        FloatVector dxhat = g.mul(FloatVector.fromArray(F, w, i));
        ps = ps.add(dxhat);
        pd = dxhat.fma(d, pd);
        g.mul(vr).fma(d, FloatVector.fromArray(F, dw, i)).intoArray(dw, i);
        g.add(FloatVector.fromArray(F, db, i)).intoArray(db, i);
      }
      sum = sum.add(ps.convertShape(F2D, D, 0)).add(ps.convertShape(F2D, D, 1));
      dot = dot.add(pd.convertShape(F2D, D, 0)).add(pd.convertShape(F2D, D, 1));
    }
    sums[at] = 0;
    sums[at + 1] = 0;
    for (int l = 0; l < DL; l++) {
      sums[at] += sum.lane(l);
      sums[at + 1] += dot.lane(l);
    }
    ScalarNormFamilyKernels.addBackwardSums(sums, at, dw, db, dy, x, off, bound, len, w, mean,
        rstd);
  }

  /**
   * backwardSumsOfOneRow of four consecutive rows in one loop over the columns: each vector of
   * w, dw and db is loaded once for the four rows, and dw and db are stored once, where a row at
   * a time loads and stores them for every row (that traffic, not the arithmetic, set the speed
   * of the row-at-a-time pass). Each row's partial sums and the dw/db updates (row after row)
   * are the one-row kernel's, operation for operation.
   */
  private static void backwardSumsOfFourRows(double[] sums, int at, float[] dw, float[] db,
      float[] dy, float[] x, int off, int len, float[] w, float[] mean, float[] rstd,
      int first) {
    int o1 = off + len;
    int o2 = o1 + len;
    int o3 = o2 + len;
    FloatVector m0 = FloatVector.broadcast(F, mean[first]);
    FloatVector m1 = FloatVector.broadcast(F, mean[first + 1]);
    FloatVector m2 = FloatVector.broadcast(F, mean[first + 2]);
    FloatVector m3 = FloatVector.broadcast(F, mean[first + 3]);
    FloatVector r0 = FloatVector.broadcast(F, rstd[first]);
    FloatVector r1 = FloatVector.broadcast(F, rstd[first + 1]);
    FloatVector r2 = FloatVector.broadcast(F, rstd[first + 2]);
    FloatVector r3 = FloatVector.broadcast(F, rstd[first + 3]);
    int bound = F.loopBound(len);
    DoubleVector sum0 = DoubleVector.zero(D);
    DoubleVector sum1 = DoubleVector.zero(D);
    DoubleVector sum2 = DoubleVector.zero(D);
    DoubleVector sum3 = DoubleVector.zero(D);
    DoubleVector dot0 = DoubleVector.zero(D);
    DoubleVector dot1 = DoubleVector.zero(D);
    DoubleVector dot2 = DoubleVector.zero(D);
    DoubleVector dot3 = DoubleVector.zero(D);
    int i = 0;
    while (i < bound) {
      int end = Math.min(bound, i + BLOCK * FL);
      FloatVector ps0 = FloatVector.zero(F);
      FloatVector ps1 = FloatVector.zero(F);
      FloatVector ps2 = FloatVector.zero(F);
      FloatVector ps3 = FloatVector.zero(F);
      FloatVector pd0 = FloatVector.zero(F);
      FloatVector pd1 = FloatVector.zero(F);
      FloatVector pd2 = FloatVector.zero(F);
      FloatVector pd3 = FloatVector.zero(F);
      for (; i < end; i += FL) {
        FloatVector vw = FloatVector.fromArray(F, w, i);
        FloatVector aw = FloatVector.fromArray(F, dw, i);
        FloatVector ab = FloatVector.fromArray(F, db, i);
        FloatVector g = FloatVector.fromArray(F, dy, off + i);
        FloatVector d = FloatVector.fromArray(F, x, off + i).sub(m0);
        FloatVector dxhat = g.mul(vw);
        ps0 = ps0.add(dxhat);
        pd0 = dxhat.fma(d, pd0);
        aw = g.mul(r0).fma(d, aw);
        ab = g.add(ab);
        g = FloatVector.fromArray(F, dy, o1 + i);
        d = FloatVector.fromArray(F, x, o1 + i).sub(m1);
        dxhat = g.mul(vw);
        ps1 = ps1.add(dxhat);
        pd1 = dxhat.fma(d, pd1);
        aw = g.mul(r1).fma(d, aw);
        ab = g.add(ab);
        g = FloatVector.fromArray(F, dy, o2 + i);
        d = FloatVector.fromArray(F, x, o2 + i).sub(m2);
        dxhat = g.mul(vw);
        ps2 = ps2.add(dxhat);
        pd2 = dxhat.fma(d, pd2);
        aw = g.mul(r2).fma(d, aw);
        ab = g.add(ab);
        g = FloatVector.fromArray(F, dy, o3 + i);
        d = FloatVector.fromArray(F, x, o3 + i).sub(m3);
        dxhat = g.mul(vw);
        ps3 = ps3.add(dxhat);
        pd3 = dxhat.fma(d, pd3);
        aw = g.mul(r3).fma(d, aw);
        ab = g.add(ab);
        aw.intoArray(dw, i);
        ab.intoArray(db, i);
      }
      sum0 = sum0.add(ps0.convertShape(F2D, D, 0)).add(ps0.convertShape(F2D, D, 1));
      sum1 = sum1.add(ps1.convertShape(F2D, D, 0)).add(ps1.convertShape(F2D, D, 1));
      sum2 = sum2.add(ps2.convertShape(F2D, D, 0)).add(ps2.convertShape(F2D, D, 1));
      sum3 = sum3.add(ps3.convertShape(F2D, D, 0)).add(ps3.convertShape(F2D, D, 1));
      dot0 = dot0.add(pd0.convertShape(F2D, D, 0)).add(pd0.convertShape(F2D, D, 1));
      dot1 = dot1.add(pd1.convertShape(F2D, D, 0)).add(pd1.convertShape(F2D, D, 1));
      dot2 = dot2.add(pd2.convertShape(F2D, D, 0)).add(pd2.convertShape(F2D, D, 1));
      dot3 = dot3.add(pd3.convertShape(F2D, D, 0)).add(pd3.convertShape(F2D, D, 1));
    }
    // each row's lanes in order, as in the one-row kernel
    Arrays.fill(sums, at, at + 8, 0);
    for (int l = 0; l < DL; l++) {
      sums[at] += sum0.lane(l);
      sums[at + 1] += dot0.lane(l);
      sums[at + 2] += sum1.lane(l);
      sums[at + 3] += dot1.lane(l);
      sums[at + 4] += sum2.lane(l);
      sums[at + 5] += dot2.lane(l);
      sums[at + 6] += sum3.lane(l);
      sums[at + 7] += dot3.lane(l);
    }
    for (int q = 0; q < 4; q++) {
      ScalarNormFamilyKernels.addBackwardSums(sums, at + 2 * q, dw, db, dy, x, off + q * len,
          bound, len, w, mean[first + q], rstd[first + q]);
    }
  }

  @Override
  public void layerNormBackwardDx(float[] dx, float[] dy, float[] x, int off, int len, float[] w,
      float mean, float rstd, double sum, double dot) {
    float m1 = (float) (sum / len);
    float m2 = (float) (dot * rstd / len);
    // with d = x - mean and gr = dy * rstd (so xhat = d * rstd):
    // dx[i] = rstd * (dy * w[i] - m1 - xhat * m2)
    //       = gr * w[i] + (d * (-m2 * rstd * rstd) + (-m1 * rstd))
    FloatVector vm = FloatVector.broadcast(F, mean);
    FloatVector vr = FloatVector.broadcast(F, rstd);
    FloatVector vc1 = FloatVector.broadcast(F, -m1 * rstd);
    FloatVector vc2 = FloatVector.broadcast(F, -m2 * rstd * rstd);
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += FL) {
      FloatVector d = FloatVector.fromArray(F, x, off + i).sub(vm);
      FloatVector.fromArray(F, dy, off + i).mul(vr)
          .fma(FloatVector.fromArray(F, w, i), d.fma(vc2, vc1)).intoArray(dx, off + i);
    }
    ScalarNormFamilyKernels.backwardDx(dx, dy, x, off, i, len, w, mean, rstd, m1, m2);
  }

  @Override
  public void rmsNormBackward(float[] dx, float[] dg, float[] dy, float[] x, int off, int len,
      float[] g, float rstd) {
    int bound = F.loopBound(len);
    // pass 1: dot += dy[i] * g[i] * x[i]
    // (float partial sums in two accumulators over blocks of BLOCK vectors, widened into double
    // per block)
    int pairs = pairBound(len);
    DoubleVector acc = DoubleVector.zero(D);
    int i = 0;
    while (i < pairs) {
      int end = Math.min(pairs, i + BLOCK * FL);
      FloatVector pa = FloatVector.zero(F);
      FloatVector pb = FloatVector.zero(F);
      for (; i < end; i += 2 * FL) {
        FloatVector ga = FloatVector.fromArray(F, dy, off + i).mul(FloatVector.fromArray(F, g, i));
        FloatVector gb = FloatVector.fromArray(F, dy, off + i + FL)
            .mul(FloatVector.fromArray(F, g, i + FL));
        pa = ga.fma(FloatVector.fromArray(F, x, off + i), pa);
        pb = gb.fma(FloatVector.fromArray(F, x, off + i + FL), pb);
      }
      FloatVector block = pa.add(pb);
      acc = acc.add(block.convertShape(F2D, D, 0)).add(block.convertShape(F2D, D, 1));
    }
    double dot = 0;
    for (int l = 0; l < DL; l++) {
      dot += acc.lane(l);
    }
    for (int t = pairs; t < len; t++) {
      dot += (double) dy[off + t] * g[t] * x[off + t];
    }
    float c = (float) (dot / len) * rstd * rstd * rstd;
    // pass 2, with gr = dy * rstd: dg[i] += gr * x; dx[i] = rstd * g[i] * dy - x * c
    // = gr * g[i] + x * (-c)
    FloatVector vr = FloatVector.broadcast(F, rstd);
    FloatVector vnc = FloatVector.broadcast(F, -c);
    for (i = 0; i < bound; i += FL) {
      FloatVector gr = FloatVector.fromArray(F, dy, off + i).mul(vr);
      FloatVector vx = FloatVector.fromArray(F, x, off + i);
      gr.fma(vx, FloatVector.fromArray(F, dg, i)).intoArray(dg, i);
      gr.fma(FloatVector.fromArray(F, g, i), vx.mul(vnc)).intoArray(dx, off + i);
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
        DoubleVector.fromArray(D, sum, c).add(v.convertShape(F2D, D, 0)).intoArray(sum, c);
        DoubleVector.fromArray(D, sum, c + DL).add(v.convertShape(F2D, D, 1)).intoArray(sum, c + DL);
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
        DoubleVector d0 = ((DoubleVector) v.convertShape(F2D, D, 0)).sub(DoubleVector.fromArray(D, mean, c));
        DoubleVector d1 = ((DoubleVector) v.convertShape(F2D, D, 1)).sub(DoubleVector.fromArray(D, mean, c + DL));
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
        DoubleVector g0 = (DoubleVector) g.convertShape(F2D, D, 0);
        DoubleVector g1 = (DoubleVector) g.convertShape(F2D, D, 1);
        g0.fma(v.convertShape(F2D, D, 0), DoubleVector.fromArray(D, dot, c)).intoArray(dot, c);
        g1.fma(v.convertShape(F2D, D, 1), DoubleVector.fromArray(D, dot, c + DL)).intoArray(dot, c + DL);
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
