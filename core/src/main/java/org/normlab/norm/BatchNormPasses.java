package org.normlab.norm;

import org.normlab.kernels.BatchNormKernels;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The passes of batch normalization over one block of data (a whole batch, or one ghost
 * sub-batch), split into parallel pieces that never depend on the thread count.
 *
 * <p>Channels-first blocks run one channel per piece, statistics and normalization (or gradient
 * sums and grad input) back to back, so the channel's data is still in cache for the second
 * pass. Channels-last blocks are cut into fixed chunks of positions; per-chunk sums are combined
 * in chunk order. Either way the result is bitwise the same for any thread count.
 */
final class BatchNormPasses {
  /** Floats per channels-last chunk: the chunking, hence the summation order, is fixed by this alone. */
  static final int CHUNK_FLOATS = 1 << 15;

  /** Computes per-channel coefficients from per-channel statistics already in place. */
  @FunctionalInterface
  interface Coefficients {
    void compute(int ch);
  }

  /**
   * One block of a tensor: n samples x s positions x c channels starting at {@code off}, in
   * channels-first ((i*c + ch)*s + p) or channels-last ((i*s + p)*c + ch) order.
   */
  record Block(int off, int n, int c, int s, boolean channelsLast) {
    int positions() {
      return n * s;
    }

    long count() {
      return (long) n * s;
    }

    /**
     * The block of {@code groups} equal sub-batches numbered {@code g} (groups = 1: the whole
     * tensor). NC runs as channels-last (rows of channels) since it has one position per sample.
     */
    static Block of(Tensor x, int groups, int g) {
      int perGroup = x.batch() / groups;
      int c = x.channels();
      int s = x.spatialSize();
      boolean channelsLast = x.layout().isChannelsLast() || x.layout() == Layout.NC;
      return new Block(g * perGroup * c * s, perGroup, c, s, channelsLast);
    }
  }

  private final BatchNormKernels k;

  BatchNormPasses(BatchNormKernels kernels) {
    this.k = kernels;
  }

  private static int chunkPositions(Block b) {
    return Math.max(1, CHUNK_FLOATS / b.c());
  }

  /** The per-piece partial sums of channel {@code ch}, added in piece order (fixed, so deterministic). */
  private static double sumOfPieces(double[][] parts, int ch) {
    double t = 0;
    for (double[] part : parts) {
      t += part[ch];
    }
    return t;
  }

  /** Per-channel mean and biased variance of the block. */
  void meanVar(double[] mean, double[] var, float[] x, Block b) {
    if (!b.channelsLast()) {
      Parallel.forRange(0, b.c(), 1, (c0, c1) -> {
        for (int ch = c0; ch < c1; ch++) {
          k.channelMeanVar(mean, var, x, b.off(), b.n(), b.c(), b.s(), ch);
        }
      });
      return;
    }
    int c = b.c();
    double[] shift = new double[c];
    for (int ch = 0; ch < c; ch++) {
      shift[ch] = x[b.off() + ch];
    }
    int chunk = chunkPositions(b);
    int pieces = (b.positions() + chunk - 1) / chunk;
    double[][] s1 = new double[pieces][c];
    double[][] s2 = new double[pieces][c];
    Parallel.forEachPiece(pieces, (q0, q1) -> {
      for (int q = q0; q < q1; q++) {
        k.shiftedSums(s1[q], s2[q], x, b.off(), q * chunk, Math.min(b.positions(), (q + 1) * chunk),
            c, shift);
      }
    });
    for (int ch = 0; ch < c; ch++) {
      BatchNormKernels.meanVarFromShiftedSums(mean, var, ch, shift[ch], sumOfPieces(s1, ch),
          sumOfPieces(s2, ch), b.count());
    }
  }

  /**
   * Training forward over the block: per-channel statistics into {@code mean}/{@code var}, then
   * {@code coefficients} fills m, a, b for the channel, then y = (x - m)*a + b (ReLU if asked).
   */
  void statsAndNormalize(float[] y, double[] mean, double[] var, float[] x, Block b,
      float[] m, float[] a, float[] sh, Coefficients coefficients, boolean relu) {
    if (!b.channelsLast()) {
      Parallel.forRange(0, b.c(), 1, (c0, c1) -> {
        for (int ch = c0; ch < c1; ch++) {
          k.channelMeanVar(mean, var, x, b.off(), b.n(), b.c(), b.s(), ch);
          coefficients.compute(ch);
          k.channelAffine(y, x, b.off(), b.n(), b.c(), b.s(), ch, m[ch], a[ch], sh[ch], relu);
        }
      });
      return;
    }
    meanVar(mean, var, x, b);
    for (int ch = 0; ch < b.c(); ch++) {
      coefficients.compute(ch);
    }
    normalize(y, x, b, m, a, sh, relu);
  }

  /** y = (x - m)*a + b per channel over the block (ReLU if asked). */
  void normalize(float[] y, float[] x, Block b, float[] m, float[] a, float[] sh, boolean relu) {
    if (!b.channelsLast()) {
      Parallel.forRange(0, b.c(), 1, (c0, c1) -> {
        for (int ch = c0; ch < c1; ch++) {
          k.channelAffine(y, x, b.off(), b.n(), b.c(), b.s(), ch, m[ch], a[ch], sh[ch], relu);
        }
      });
      return;
    }
    int chunk = chunkPositions(b);
    Parallel.forRange(0, b.positions(), chunk,
        (p0, p1) -> k.affine(y, x, b.off(), p0, p1, b.c(), m, a, sh, relu));
  }

  /**
   * Backward over the block: gradient sums per channel (sum g and sum g*(x - mean)), then
   * {@code coefficients} fills m, k1, k2, k3 for the channel, then dx = k1*g + k2*(x - m) + k3.
   */
  void gradSumsAndInput(float[] dx, double[] sumDy, double[] sumDyXmu, float[] dy, float[] x,
      float[] reluOut, Block b, double[] mean, float[] m, float[] k1, float[] k2, float[] k3,
      Coefficients coefficients) {
    if (!b.channelsLast()) {
      Parallel.forRange(0, b.c(), 1, (c0, c1) -> {
        for (int ch = c0; ch < c1; ch++) {
          k.channelGradSums(sumDy, sumDyXmu, dy, x, reluOut, b.off(), b.n(), b.c(), b.s(), ch,
              mean[ch]);
          coefficients.compute(ch);
          k.channelGradInput(dx, dy, x, reluOut, b.off(), b.n(), b.c(), b.s(), ch, m[ch], k1[ch],
              k2[ch], k3[ch]);
        }
      });
      return;
    }
    int c = b.c();
    int chunk = chunkPositions(b);
    int pieces = (b.positions() + chunk - 1) / chunk;
    double[][] g1 = new double[pieces][c];
    double[][] g2 = new double[pieces][c];
    Parallel.forEachPiece(pieces, (q0, q1) -> {
      for (int q = q0; q < q1; q++) {
        k.gradSums(g1[q], g2[q], dy, x, reluOut, b.off(), q * chunk,
            Math.min(b.positions(), (q + 1) * chunk), c, mean);
      }
    });
    for (int ch = 0; ch < c; ch++) {
      sumDy[ch] = sumOfPieces(g1, ch);
      sumDyXmu[ch] = sumOfPieces(g2, ch);
      coefficients.compute(ch);
    }
    Parallel.forRange(0, b.positions(), chunk,
        (p0, p1) -> k.gradInput(dx, dy, x, reluOut, b.off(), p0, p1, c, m, k1, k2, k3));
  }
}
