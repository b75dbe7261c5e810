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
 * <p>Sums: deviations and products are formed in float and accumulated in float vectors over
 * blocks of at most {@link #BLOCK} values per lane, then widened into double accumulators (lanes
 * 0..7 and 8..15 of a 512-bit vector). Channels-last sums run in STRIPS: for a block of positions
 * whose rows fit in L1 ({@link #stripBlock}), one vector of channels at a time is summed over the
 * block's positions in registers, then widened into the caller's double arrays. Against the
 * earlier per-position sweep into a per-call float array (a load and a store of the block sums
 * per input vector), strips measured 2x to 3x faster with the data in L3 (positions x channels
 * 4096x1024, 100352x32, 12544x256) but slower from DRAM: inputs larger than the L3 and rows
 * wider than {@code STRIP_FLOATS / MIN_STRIP_BLOCK} floats keep the per-position sweep. Two float
 * operations per element in the hot loop instead of eight double ones, with a relative error
 * near 1e-6 of each block's sum. Lanes are added in lane order (not reduceLanes, whose
 * floating-point order is unspecified and changes when the JIT compiles), so results never
 * depend on timing.
 */
final class VectorBatchNormKernels implements BatchNormKernels {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final VectorSpecies<Double> D = VectorKernels.D;
  private static final int FL = F.length();
  private static final int DL = D.length();
  /** Float vectors (channels-first) or positions (channels-last) summed in float before widening. */
  static final int BLOCK = 16;
  /** Floats of input rows per channels-last strip block: 32 KiB, the L1d of one core here. */
  static final int STRIP_FLOATS = 8192;
  /** Below this many positions per strip block the per-position sweep is faster (flush cost). */
  static final int MIN_STRIP_BLOCK = 4;
  /** Input floats that stay in cache between passes: 32 MiB, this CPU's L3. */
  static final int CACHED_FLOATS = 1 << 23;

  private static DoubleVector lo(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
  }

  private static DoubleVector hi(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
  }

  /** acc + both halves of f, widened to double. */
  private static DoubleVector widenAdd(DoubleVector acc, FloatVector f) {
    return acc.add(lo(f)).add(hi(f));
  }


  /** acc[j .. j+FL) += f, widened to double. */
  private static void addInto(double[] acc, int j, FloatVector f) {
    lo(f).add(DoubleVector.fromArray(D, acc, j)).intoArray(acc, j);
    hi(f).add(DoubleVector.fromArray(D, acc, j + DL)).intoArray(acc, j + DL);
  }

  /** g = reluOut > 0 ? dy : 0 (or dy when reluOut is null). */
  private static FloatVector masked(FloatVector dy, float[] reluOut, int i) {
    if (reluOut == null) {
      return dy;
    }
    VectorMask<Float> open = FloatVector.fromArray(F, reluOut, i).compare(VectorOperators.GT, 0f);
    return FloatVector.zero(F).blend(dy, open);
  }

  // ---- channels-first rows -------------------------------------------------------------

  @Override
  public void rowShiftedSums(double[] sum1, double[] sum2, float[] x, int off, int r0, int r1,
      int c, int s, float[] shift) {
    int bound = F.loopBound(s);
    for (int r = r0; r < r1; r++) {
      int ch = r % c;
      int base = off + r * s;
      FloatVector vs = FloatVector.broadcast(F, shift[ch]);
      DoubleVector d1 = DoubleVector.zero(D);
      DoubleVector d2 = DoubleVector.zero(D);
      int p = 0;
      while (p < bound) {
        int end = Math.min(bound, p + BLOCK * FL);
        FloatVector f1 = FloatVector.zero(F);
        FloatVector f2 = FloatVector.zero(F);
        // d = x - shift; s1 += d; s2 += d*d
        for (; p < end; p += FL) {
          FloatVector d = FloatVector.fromArray(F, x, base + p).sub(vs);
          f1 = f1.add(d);
          f2 = d.fma(d, f2);
        }
        d1 = widenAdd(d1, f1);
        d2 = widenAdd(d2, f2);
      }
      sum1[ch] += Lanes.sum(d1);
      sum2[ch] += Lanes.sum(d2);
      ScalarBatchNormKernels.shiftedSumsRow(sum1, sum2, ch, x, base + p, s - p, shift[ch]);
    }
  }

  @Override
  public void rowAffine(float[] y, float[] x, int off, int r0, int r1, int c, int s,
      float[] m, float[] a, float[] b, boolean relu) {
    int bound = F.loopBound(s);
    for (int r = r0; r < r1; r++) {
      int ch = r % c;
      int base = off + r * s;
      FloatVector vm = FloatVector.broadcast(F, m[ch]);
      FloatVector va = FloatVector.broadcast(F, a[ch]);
      FloatVector vb = FloatVector.broadcast(F, b[ch]);
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
      ScalarBatchNormKernels.affineRow(y, x, base + p, s - p, m[ch], a[ch], b[ch], relu);
    }
  }

  @Override
  public void rowGradSums(double[] sumDy, double[] sumDyXm, float[] dy, float[] x, float[] reluA,
      float[] reluB, int off, int r0, int r1, int c, int s, float[] m) {
    int bound = F.loopBound(s);
    boolean relu = reluA != null;
    for (int r = r0; r < r1; r++) {
      int ch = r % c;
      int base = off + r * s;
      FloatVector vm = FloatVector.broadcast(F, m[ch]);
      FloatVector ra = FloatVector.broadcast(F, relu ? reluA[ch] : 0f);
      FloatVector rb = FloatVector.broadcast(F, relu ? reluB[ch] : 0f);
      DoubleVector d1 = DoubleVector.zero(D);
      DoubleVector d2 = DoubleVector.zero(D);
      int p = 0;
      while (p < bound) {
        int end = Math.min(bound, p + BLOCK * FL);
        FloatVector f1 = FloatVector.zero(F);
        FloatVector f2 = FloatVector.zero(F);
        // g = dy (masked by the ReLU test fma(x - m, a, b) > 0); g1 += g; g2 += g*(x - m)
        for (; p < end; p += FL) {
          int i = base + p;
          FloatVector xm = FloatVector.fromArray(F, x, i).sub(vm);
          FloatVector g = FloatVector.fromArray(F, dy, i);
          if (relu) {
            g = FloatVector.zero(F).blend(g, xm.fma(ra, rb).compare(VectorOperators.GT, 0f));
          }
          f1 = f1.add(g);
          f2 = g.fma(xm, f2);
        }
        d1 = widenAdd(d1, f1);
        d2 = widenAdd(d2, f2);
      }
      sumDy[ch] += Lanes.sum(d1);
      sumDyXm[ch] += Lanes.sum(d2);
      ScalarBatchNormKernels.gradSumsRow(sumDy, sumDyXm, ch, dy, x, reluA, reluB, base + p, s - p,
          m[ch]);
    }
  }

  @Override
  public void rowGradInput(float[] dx, float[] dy, float[] x, float[] reluA, float[] reluB,
      int off, int r0, int r1, int c, int s, float[] m, float[] k1, float[] k2, float[] k3) {
    int bound = F.loopBound(s);
    boolean relu = reluA != null;
    for (int r = r0; r < r1; r++) {
      int ch = r % c;
      int base = off + r * s;
      FloatVector vm = FloatVector.broadcast(F, m[ch]);
      FloatVector ra = FloatVector.broadcast(F, relu ? reluA[ch] : 0f);
      FloatVector rb = FloatVector.broadcast(F, relu ? reluB[ch] : 0f);
      FloatVector v1 = FloatVector.broadcast(F, k1[ch]);
      FloatVector v2 = FloatVector.broadcast(F, k2[ch]);
      FloatVector v3 = FloatVector.broadcast(F, k3[ch]);
      // dx = fma(k1, g, fma(k2, x - m, k3))
      int p = 0;
      for (; p < bound; p += FL) {
        int i = base + p;
        FloatVector xm = FloatVector.fromArray(F, x, i).sub(vm);
        FloatVector g = FloatVector.fromArray(F, dy, i);
        if (relu) {
          g = FloatVector.zero(F).blend(g, xm.fma(ra, rb).compare(VectorOperators.GT, 0f));
        }
        g.fma(v1, xm.fma(v2, v3)).intoArray(dx, i);
      }
      ScalarBatchNormKernels.gradInputRow(dx, dy, x, reluA, reluB, ch, base + p, s - p, m[ch],
          k1[ch], k2[ch], k3[ch]);
    }
  }

  // ---- channels-last positions ---------------------------------------------------------

  /**
   * Positions per strip block, or 0 where the per-position sweep is faster. Each position's row
   * of {@code arrays} input arrays (of {@code length} floats) is {@code c} floats; the block's
   * rows fill at most {@link #STRIP_FLOATS} floats (L1), so the neighbouring lines that one
   * strip's hardware prefetch brings in are still there for the next strip (measured on
   * (4096,1024): blocks of 8 rows, 32 KiB, sum in half the time of 16). Inputs larger than
   * {@link #CACHED_FLOATS} stream from DRAM, where the strided strip order defeats the prefetcher
   * (measured 1.2x (64 channels) to 2x (256) slower than the sequential per-position sweep).
   */
  private static int stripBlock(int c, int arrays, int length) {
    if ((long) length * arrays > CACHED_FLOATS) {
      return 0;
    }
    int block = (int) Math.min(BLOCK, STRIP_FLOATS / ((long) c * arrays));
    return block < MIN_STRIP_BLOCK ? 0 : block;
  }

  @Override
  public void shiftedSums(double[] sum1, double[] sum2, float[] x, int off, int p0, int p1, int c,
      float[] shift) {
    int block = stripBlock(c, 1, x.length);
    if (block == 0) {
      shiftedSumsByPosition(sum1, sum2, x, off, p0, p1, c, shift);
      return;
    }
    int bound = F.loopBound(c);
    for (int pb = p0; pb < p1; pb += block) {
      int pe = Math.min(p1, pb + block);
      // per vector of channels j, over the block's positions: d = x - shift[j]; s1 += d; s2 += d*d
      for (int j = 0; j < bound; j += FL) {
        FloatVector vs = FloatVector.fromArray(F, shift, j);
        FloatVector f1 = FloatVector.zero(F);
        FloatVector f2 = FloatVector.zero(F);
        for (int pos = pb, i = off + pb * c + j; pos < pe; pos++, i += c) {
          FloatVector d = FloatVector.fromArray(F, x, i).sub(vs);
          f1 = f1.add(d);
          f2 = d.fma(d, f2);
        }
        addInto(sum1, j, f1);
        addInto(sum2, j, f2);
      }
      for (int pos = pb; pos < pe; pos++) {
        ScalarBatchNormKernels.shiftedSumsChannels(sum1, sum2, x, off + pos * c, bound, c, shift);
      }
    }
  }

  /** {@link #shiftedSums} for data streamed from DRAM or rows too wide for a strip block. */
  private static void shiftedSumsByPosition(double[] sum1, double[] sum2, float[] x, int off,
      int p0, int p1, int c, float[] shift) {
    int bound = F.loopBound(c);
    float[] f1 = new float[bound];
    float[] f2 = new float[bound];
    for (int pb = p0; pb < p1; pb += BLOCK) {
      int pe = Math.min(p1, pb + BLOCK);
      // d = x[ch] - shift[ch]; sum1[ch] += d; sum2[ch] += d*d (float over the block, then double)
      int pos = pb;
      // Two positions per step halve the traffic on the block sums: measured 1.2x to 2x faster
      // for 32 and 64 channels, but 1.4x slower for 256 (loads 1 KiB apart alias the stores to
      // the block sums), so only for up to four vectors of channels.
      int pairEnd = c <= 4 * FL ? pe : pb;
      for (; pos + 2 <= pairEnd; pos += 2) {
        int base = off + pos * c;
        for (int j = 0; j < bound; j += FL) {
          FloatVector vs = FloatVector.fromArray(F, shift, j);
          FloatVector d0 = FloatVector.fromArray(F, x, base + j).sub(vs);
          FloatVector d1 = FloatVector.fromArray(F, x, base + c + j).sub(vs);
          FloatVector.fromArray(F, f1, j).add(d0.add(d1)).intoArray(f1, j);
          d0.fma(d0, d1.mul(d1)).add(FloatVector.fromArray(F, f2, j)).intoArray(f2, j);
        }
        ScalarBatchNormKernels.shiftedSumsChannels(sum1, sum2, x, base, bound, c, shift);
        ScalarBatchNormKernels.shiftedSumsChannels(sum1, sum2, x, base + c, bound, c, shift);
      }
      for (; pos < pe; pos++) {
        int base = off + pos * c;
        for (int j = 0; j < bound; j += FL) {
          FloatVector d = FloatVector.fromArray(F, x, base + j).sub(FloatVector.fromArray(F, shift, j));
          FloatVector.fromArray(F, f1, j).add(d).intoArray(f1, j);
          d.fma(d, FloatVector.fromArray(F, f2, j)).intoArray(f2, j);
        }
        ScalarBatchNormKernels.shiftedSumsChannels(sum1, sum2, x, base, bound, c, shift);
      }
      flush(sum1, f1);
      flush(sum2, f2);
    }
  }

  /** acc[0 .. f.length) += f, widened to double; f is zeroed. */
  private static void flush(double[] acc, float[] f) {
    for (int j = 0; j < f.length; j += FL) {
      addInto(acc, j, FloatVector.fromArray(F, f, j));
      FloatVector.zero(F).intoArray(f, j);
    }
  }

  @Override
  public void affine(float[] y, float[] x, int off, int p0, int p1, int c, float[] mab,
      boolean relu) {
    int bound = FL <= PACK ? F.loopBound(c) : 0;
    for (int pos = p0; pos < p1; pos++) {
      int base = off + pos * c;
      // y[ch] = fma(x[ch] - m[ch], a[ch], b[ch]), then max(y, 0) when relu (m, a, b packed)
      int ch = 0;
      for (; ch < bound; ch += FL) {
        int k = BatchNormKernels.packed(ch, 0, 3);
        FloatVector v = FloatVector.fromArray(F, x, base + ch).sub(FloatVector.fromArray(F, mab, k))
            .fma(FloatVector.fromArray(F, mab, k + PACK), FloatVector.fromArray(F, mab, k + 2 * PACK));
        (relu ? v.max(0f) : v).intoArray(y, base + ch);
      }
      ScalarBatchNormKernels.affineChannels(y, x, base, ch, c, mab, relu);
    }
  }

  @Override
  public void gradSums(double[] sumDy, double[] sumDyXm, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, float[] m) {
    int block = stripBlock(c, reluOut == null ? 2 : 3, x.length);
    if (block == 0) {
      gradSumsByPosition(sumDy, sumDyXm, dy, x, reluOut, off, p0, p1, c, m);
      return;
    }
    int bound = F.loopBound(c);
    for (int pb = p0; pb < p1; pb += block) {
      int pe = Math.min(p1, pb + block);
      // per vector of channels j, over the block's positions: g = dy (masked by reluOut > 0);
      // g1 += g; g2 += g*(x - m[j])
      for (int j = 0; j < bound; j += FL) {
        FloatVector vm = FloatVector.fromArray(F, m, j);
        FloatVector f1 = FloatVector.zero(F);
        FloatVector f2 = FloatVector.zero(F);
        for (int pos = pb, i = off + pb * c + j; pos < pe; pos++, i += c) {
          FloatVector g = masked(FloatVector.fromArray(F, dy, i), reluOut, i);
          f1 = f1.add(g);
          f2 = g.fma(FloatVector.fromArray(F, x, i).sub(vm), f2);
        }
        addInto(sumDy, j, f1);
        addInto(sumDyXm, j, f2);
      }
      for (int pos = pb; pos < pe; pos++) {
        ScalarBatchNormKernels.gradSumsChannels(sumDy, sumDyXm, dy, x, reluOut, off + pos * c, bound,
            c, m);
      }
    }
  }

  /** {@link #gradSums} for data streamed from DRAM or rows too wide for a strip block. */
  private static void gradSumsByPosition(double[] sumDy, double[] sumDyXm, float[] dy, float[] x,
      float[] reluOut, int off, int p0, int p1, int c, float[] m) {
    int bound = F.loopBound(c);
    float[] f1 = new float[bound];
    float[] f2 = new float[bound];
    for (int pb = p0; pb < p1; pb += BLOCK) {
      int pe = Math.min(p1, pb + BLOCK);
      // g = dy[ch] (masked by reluOut > 0); sumDy[ch] += g; sumDyXm[ch] += g*(x[ch] - m[ch])
      int pos = pb;
      // Two positions per step for up to four vectors of channels, as in shiftedSums.
      int pairEnd = c <= 4 * FL ? pe : pb;
      for (; pos + 2 <= pairEnd; pos += 2) {
        int base = off + pos * c;
        for (int j = 0; j < bound; j += FL) {
          int i = base + j;
          FloatVector vm = FloatVector.fromArray(F, m, j);
          FloatVector g0 = masked(FloatVector.fromArray(F, dy, i), reluOut, i);
          FloatVector g1 = masked(FloatVector.fromArray(F, dy, i + c), reluOut, i + c);
          FloatVector xm0 = FloatVector.fromArray(F, x, i).sub(vm);
          FloatVector xm1 = FloatVector.fromArray(F, x, i + c).sub(vm);
          FloatVector.fromArray(F, f1, j).add(g0.add(g1)).intoArray(f1, j);
          g0.fma(xm0, g1.mul(xm1)).add(FloatVector.fromArray(F, f2, j)).intoArray(f2, j);
        }
        ScalarBatchNormKernels.gradSumsChannels(sumDy, sumDyXm, dy, x, reluOut, base, bound, c, m);
        ScalarBatchNormKernels.gradSumsChannels(sumDy, sumDyXm, dy, x, reluOut, base + c, bound, c, m);
      }
      for (; pos < pe; pos++) {
        int base = off + pos * c;
        for (int j = 0; j < bound; j += FL) {
          int i = base + j;
          FloatVector g = masked(FloatVector.fromArray(F, dy, i), reluOut, i);
          FloatVector xm = FloatVector.fromArray(F, x, i).sub(FloatVector.fromArray(F, m, j));
          FloatVector.fromArray(F, f1, j).add(g).intoArray(f1, j);
          g.fma(xm, FloatVector.fromArray(F, f2, j)).intoArray(f2, j);
        }
        ScalarBatchNormKernels.gradSumsChannels(sumDy, sumDyXm, dy, x, reluOut, base, bound, c, m);
      }
      flush(sumDy, f1);
      flush(sumDyXm, f2);
    }
  }

  @Override
  public void gradInput(float[] dx, float[] dy, float[] x, float[] reluOut,
      int off, int p0, int p1, int c, float[] mk) {
    int bound = FL <= PACK ? F.loopBound(c) : 0;
    for (int pos = p0; pos < p1; pos++) {
      int base = off + pos * c;
      // dx[ch] = fma(k1[ch], g, fma(k2[ch], x[ch] - m[ch], k3[ch])) (m, k1, k2, k3 packed)
      int ch = 0;
      for (; ch < bound; ch += FL) {
        int i = base + ch;
        int k = BatchNormKernels.packed(ch, 0, 4);
        FloatVector g = masked(FloatVector.fromArray(F, dy, i), reluOut, i);
        FloatVector rest = FloatVector.fromArray(F, x, i).sub(FloatVector.fromArray(F, mk, k))
            .fma(FloatVector.fromArray(F, mk, k + 2 * PACK), FloatVector.fromArray(F, mk, k + 3 * PACK));
        g.fma(FloatVector.fromArray(F, mk, k + PACK), rest).intoArray(dx, i);
      }
      ScalarBatchNormKernels.gradInputChannels(dx, dy, x, reluOut, base, ch, c, mk);
    }
  }

}
