package org.normlab.norm;

import java.util.Arrays;
import org.normlab.kernels.KernelSupport;
import org.normlab.kernels.Kernels;
import org.normlab.kernels.NormFamilyKernels;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Tensor;

/**
 * The arithmetic of group normalization, shared by {@link GroupNorm} and {@link InstanceNorm}
 * (G = C). Statistics are per sample n and group g of C/G channels, over those channels and all
 * positions; arrays of statistics are indexed n * G + g. Works on every layout with channels:
 * channels-first (NC, NCL, NCHW, NCDHW), where a group is one contiguous segment (NC runs its
 * per-channel passes like a channels-last block of one position, see {@link #asColumns}), and
 * channels-last (NLC, NHWC, NDHWC), where a sample is a positions x channels block.
 *
 * <p>With per-channel a_c = rstd_g * w_c, the forward is y = x * a_c + (b_c - mean_g * a_c).
 * Backward (ATen's form): with M = (C/G) * positions, ds_c = sum(dy * x), db_c = sum(dy) per
 * sample and channel, and over the group's channels S1 = sum(ds_c * w_c), S0 = sum(db_c * w_c):
 * <pre>
 *   dx = a_c * dy + B_g * x + K_g,   B_g = rstd^3 * (mean * S0 - S1) / M,   K_g = -B_g * mean - rstd * S0 / M
 *   weightGrad_c += (ds_c - mean_g * db_c) * rstd_g,   biasGrad_c += db_c   (summed over samples)
 * </pre>
 * which is dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) over the group. When the
 * statistics are fixed (running statistics in evaluation) B_g = K_g = 0.
 */
final class GroupStats {
  private GroupStats() {}

  /**
   * The training forward: per-sample, per-group mean and biased variance of x (indexed n * G + g,
   * in double into {@code mean} and {@code var}; as saved for backward into {@code m} = (float)
   * mean and {@code r} = 1 / sqrt(var + eps)), and y = (x - mean_g) * rstd_g * w_c + b_c (w and b
   * may be null). Fused: each unit (a channels-first group, a contiguous segment; or a whole
   * channels-last sample) is normalized right after its statistics, while it is still in cache,
   * so x is read from memory once.
   */
  static void forward(Tensor x, int groups, double eps, float[] w, float[] b, Tensor y,
      double[] mean, double[] var, float[] m, float[] r) {
    int n = x.batch();
    int c = x.channels();
    int s = x.spatialSize();
    int cg = c / groups;
    int count = cg * s;
    float[] xd = x.data();
    float[] yd = y.data();
    KernelSupport k = Kernels.get();
    NormFamilyKernels nf = k.normFamily();
    if (!asColumns(x)) {
      // Pipelined: a group's shifted sums (ShiftedMoments: about its first value) are the sums of
      // its channels' rows, and the pass that normalizes a channel also sums the same channel of
      // the next group, so x streams from memory while the cache-resident normalization runs.
      // (Group ng starts at ng * count: consecutive groups are consecutive segments, across
      // samples too.)
      Parallel.forRange(0, n * groups, NormShapes.pipelineGrain(count), (from, to) -> {
        double[] sums = new double[2];
        double[] part = new double[2];
        double[] moments = new double[2];
        float centre = xd[from * count];
        for (int j = 0; j < cg; j++) {
          nf.shiftedSums(part, xd, from * count + j * s, s, centre);
          sums[0] += part[0];
          sums[1] += part[1];
        }
        for (int ng = from; ng < to; ng++) {
          int off = ng * count;
          ShiftedMoments.finish(moments, sums, centre, xd, off, count, nf);
          save(ng, moments[0], moments[1], eps, mean, var, m, r);
          boolean pipelined = ng + 1 < to;
          centre = pipelined ? xd[off + count] : 0f;
          sums[0] = 0;
          sums[1] = 0;
          for (int j = 0; j < cg; j++) {
            int ch = (ng % groups) * cg + j;
            float a = scale(r[ng], w, ch);
            int at = off + j * s;
            if (pipelined) {
              nf.scaleShiftAndShiftedSums(yd, xd, at, s, a, shift(m[ng], a, b, ch), at + count,
                  centre, part);
              sums[0] += part[0];
              sums[1] += part[1];
            } else {
              k.scaleShift(xd, at, yd, at, s, a, shift(m[ng], a, b, ch));
            }
          }
        }
      });
      return;
    }
    boolean last = x.layout().isChannelsLast();
    Parallel.forRange(0, n, NormShapes.grain((long) s * c), (from, to) -> {
      double[] sums = new double[c];
      double[] channelMean = new double[c];
      double[] moments = new double[2];
      float[] scale = new float[c];
      float[] shift = new float[c];
      for (int i = from; i < to; i++) {
        int off = i * s * c;
        if (last) {
          Arrays.fill(sums, 0);
          nf.columnSums(sums, xd, off, s, c);
          for (int g = 0; g < groups; g++) {
            double mu = sumRange(sums, g * cg, cg) / count;
            mean[i * groups + g] = mu;
            Arrays.fill(channelMean, g * cg, (g + 1) * cg, mu);
          }
          Arrays.fill(sums, 0);
          nf.columnSquaredDeviations(sums, xd, off, s, c, channelMean);
        }
        for (int g = 0; g < groups; g++) {
          int ng = i * groups + g;
          if (last) {
            save(ng, mean[ng], sumRange(sums, g * cg, cg) / count, eps, mean, var, m, r);
          } else {
            // one position per channel (NC): the group is the contiguous segment of its channels
            nf.meanAndVariance(moments, xd, ng * count, count);
            save(ng, moments[0], moments[1], eps, mean, var, m, r);
          }
          for (int ch = g * cg; ch < (g + 1) * cg; ch++) {
            scale[ch] = scale(r[ng], w, ch);
            shift[ch] = shift(m[ng], scale[ch], b, ch);
          }
        }
        nf.affineColumns(yd, xd, off, s, c, scale, shift);
      }
    });
  }

  /** Stores one group's statistics: in double, and as saved for backward. */
  private static void save(int ng, double mu, double variance, double eps, double[] mean,
      double[] var, float[] m, float[] r) {
    mean[ng] = mu;
    var[ng] = variance;
    m[ng] = (float) mu;
    r[ng] = (float) (1.0 / Math.sqrt(variance + eps));
  }

  /** a_c = rstd_g * w_c (w null: 1). */
  private static float scale(float rstd, float[] w, int ch) {
    return rstd * (w == null ? 1f : w[ch]);
  }

  /** b_c - mean_g * a_c (b null: 0). */
  private static float shift(float mean, float a, float[] b, int ch) {
    return (b == null ? 0f : b[ch]) - mean * a;
  }

  /**
   * Whether the per-channel passes treat each sample as a positions x channels block:
   * channels-last layouts, and any layout with one position per channel (NC), where both memory
   * orders coincide and per-channel segments would be one value long. (Statistics of
   * channels-first layouts always use the contiguous group segments.)
   */
  static boolean asColumns(Tensor x) {
    return x.layout().isChannelsLast() || x.spatialSize() == 1;
  }

  private static double sumRange(double[] a, int from, int len) {
    double s = 0;
    for (int i = from; i < from + len; i++) {
      s += a[i];
    }
    return s;
  }

  /**
   * y = (x - mean_g) * rstd_g * w_c + b_c with given statistics (evaluation with running
   * statistics); w and b may be null (1 and 0).
   */
  static void apply(Tensor x, int groups, float[] mean, float[] rstd, float[] w, float[] b,
      Tensor y) {
    int n = x.batch();
    int c = x.channels();
    int s = x.spatialSize();
    int cg = c / groups;
    float[] xd = x.data();
    float[] yd = y.data();
    KernelSupport k = Kernels.get();
    if (!asColumns(x)) {
      Parallel.forRange(0, n * c, NormShapes.grain(s), (from, to) -> {
        for (int nc = from; nc < to; nc++) {
          int ch = nc % c;
          int ng = (nc / c) * groups + ch / cg;
          float a = scale(rstd[ng], w, ch);
          k.scaleShift(xd, nc * s, yd, nc * s, s, a, shift(mean[ng], a, b, ch));
        }
      });
      return;
    }
    NormFamilyKernels nf = k.normFamily();
    Parallel.forRange(0, n, NormShapes.grain((long) s * c), (from, to) -> {
      float[] scale = new float[c];
      float[] shift = new float[c];
      for (int i = from; i < to; i++) {
        for (int g = 0; g < groups; g++) {
          int ng = i * groups + g;
          for (int ch = g * cg; ch < (g + 1) * cg; ch++) {
            scale[ch] = scale(rstd[ng], w, ch);
            shift[ch] = shift(mean[ng], scale[ch], b, ch);
          }
        }
        nf.affineColumns(yd, xd, i * s * c, s, c, scale, shift);
      }
    });
  }

  /**
   * Writes dx and adds weight and bias gradients (dw, db may be null). {@code fixedStats}: the
   * statistics were not computed from x (no gradient through them).
   */
  static void backward(Tensor x, Tensor dy, int groups, float[] mean, float[] rstd, float[] w,
      boolean fixedStats, Tensor dx, float[] dw, float[] db) {
    int n = x.batch();
    int c = x.channels();
    int s = x.spatialSize();
    int cg = c / groups;
    double m = (double) cg * s;
    float[] xd = x.data();
    float[] dyd = dy.data();
    float[] dxd = dx.data();
    KernelSupport k = Kernels.get();
    NormFamilyKernels nf = k.normFamily();
    boolean last = asColumns(x);
    // Samples in fixed chunks; each chunk adds its weight gradients into its own partials.
    GradientChunks.run(n, c, (long) s * c, new float[][] {dw, db}, (from, to, partials) -> {
      float[] a = new float[c];
      float[] bb = new float[c];
      float[] kk = new float[c];
      double[] ds = new double[c];
      double[] dbs = new double[c];
      for (int i = from; i < to; i++) {
        int base = i * c;
        if (last) {
          Arrays.fill(ds, 0);
          Arrays.fill(dbs, 0);
          nf.columnDotSum(ds, dbs, dyd, xd, i * s * c, s, c);
          for (int g = 0; g < groups; g++) {
            groupTerms(g * cg, cg, i * groups + g, mean, rstd, w, fixedStats, m, ds, dbs,
                partials, a, bb, kk);
          }
          nf.combineColumns(dxd, dyd, xd, i * s * c, s, c, a, bb, kk);
          continue;
        }
        // One group at a time, so that its combine pass reads dy and x from cache.
        for (int g = 0; g < groups; g++) {
          for (int ch = g * cg; ch < (g + 1) * cg; ch++) {
            int off = (base + ch) * s;
            ds[ch] = k.dot(dyd, off, xd, off, s);
            dbs[ch] = k.sum(dyd, off, s);
          }
          groupTerms(g * cg, cg, i * groups + g, mean, rstd, w, fixedStats, m, ds, dbs, partials,
              a, bb, kk);
          for (int ch = g * cg; ch < (g + 1) * cg; ch++) {
            nf.combine(dxd, dyd, xd, (base + ch) * s, s, a[ch], bb[ch], kk[ch]);
          }
        }
      }
    });
  }

  /**
   * One group's backward terms from its channels' ds = sum(dy * x) and dbs = sum(dy) (channels
   * [first, first + cg), statistics index ng): adds the weight and bias gradients into partials and
   * sets the per-channel a, B and K of dx = a * dy + B * x + K (see the class comment; M = m).
   */
  private static void groupTerms(int first, int cg, int ng, float[] mean, float[] rstd, float[] w,
      boolean fixedStats, double m, double[] ds, double[] dbs, float[][] partials, float[] a,
      float[] bb, float[] kk) {
    double r = rstd[ng];
    double s1 = 0;
    double s0 = 0;
    for (int ch = first; ch < first + cg; ch++) {
      double wc = w == null ? 1 : w[ch];
      s1 += ds[ch] * wc;
      s0 += dbs[ch] * wc;
      partials[0][ch] += (float) ((ds[ch] - mean[ng] * dbs[ch]) * r);
      partials[1][ch] += (float) dbs[ch];
    }
    double bg = fixedStats ? 0 : r * r * r * (mean[ng] * s0 - s1) / m;
    double kg = fixedStats ? 0 : -bg * mean[ng] - r * s0 / m;
    for (int ch = first; ch < first + cg; ch++) {
      a[ch] = (float) (r * (w == null ? 1 : w[ch]));
      bb[ch] = (float) bg;
      kk[ch] = (float) kg;
    }
  }
}
