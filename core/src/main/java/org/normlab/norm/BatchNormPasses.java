package org.normlab.norm;

import org.normlab.kernels.BatchNormKernels;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The passes of batch normalization over one block of data (a whole batch, or one ghost
 * sub-batch), split into parallel pieces that never depend on the thread count.
 *
 * <p>A block is a sequence of UNITS swept in memory order: rows of s positions of one channel
 * (channels-first) or positions of c channels (channels-last). Units are cut into chunks of
 * about {@link #CHUNK_FLOATS} floats; sums are kept per chunk and added in chunk order, so the
 * result is bitwise the same for any thread count.
 */
final class BatchNormPasses {
  /** Floats per chunk: the chunking, hence the summation order, is fixed by this alone. */
  static final int CHUNK_FLOATS = 1 << 16;

  /**
   * One block of a tensor: n samples x s positions x c channels starting at {@code off}, in
   * channels-first ((i*c + ch)*s + p) or channels-last ((i*s + p)*c + ch) order.
   */
  record Block(int off, int n, int c, int s, boolean channelsLast) {
    long count() {
      return (long) n * s;
    }

    /** Rows (channels-first) or positions (channels-last). */
    int units() {
      return channelsLast ? n * s : n * c;
    }

    int chunkUnits() {
      return Math.max(1, CHUNK_FLOATS / (channelsLast ? c : s));
    }

    int pieces() {
      return (units() + chunkUnits() - 1) / chunkUnits();
    }

    /** Offset of the first value of channel ch. */
    int firstOf(int ch) {
      return off + (channelsLast ? ch : ch * s);
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

  /** Per-piece sums over units [u0, u1), added into the piece's two arrays. */
  @FunctionalInterface
  private interface PieceSums {
    void run(double[] a, double[] b, int u0, int u1);
  }

  private final BatchNormKernels k;

  BatchNormPasses(BatchNormKernels kernels) {
    this.k = kernels;
  }

  /** Runs {@code sums} over every piece in parallel, then adds the pieces in order into a and b. */
  private static void sumPieces(double[] a, double[] b, Block block, PieceSums sums) {
    int c = block.c();
    int chunk = block.chunkUnits();
    int pieces = block.pieces();
    double[][] pa = new double[pieces][c];
    double[][] pb = new double[pieces][c];
    Parallel.forEachPiece(pieces, (q0, q1) -> {
      for (int q = q0; q < q1; q++) {
        sums.run(pa[q], pb[q], q * chunk, Math.min(block.units(), (q + 1) * chunk));
      }
    });
    for (int q = 0; q < pieces; q++) {
      for (int ch = 0; ch < c; ch++) {
        a[ch] += pa[q][ch];
        b[ch] += pb[q][ch];
      }
    }
  }

  /** Per-channel mean and biased variance of the block (shifted one-pass sums, in double). */
  void meanVar(double[] mean, double[] var, float[] x, Block b) {
    int c = b.c();
    float[] shift = new float[c];
    for (int ch = 0; ch < c; ch++) {
      shift[ch] = x[b.firstOf(ch)];
    }
    double[] s1 = new double[c];
    double[] s2 = new double[c];
    sumPieces(s1, s2, b, b.channelsLast()
        ? (p1, p2, u0, u1) -> k.shiftedSums(p1, p2, x, b.off(), u0, u1, c, shift)
        : (p1, p2, u0, u1) -> k.rowShiftedSums(p1, p2, x, b.off(), u0, u1, c, b.s(), shift));
    for (int ch = 0; ch < c; ch++) {
      BatchNormKernels.meanVarFromShiftedSums(mean, var, ch, shift[ch], s1[ch], s2[ch], b.count());
    }
  }

  /** y = (x - m)*a + b per channel over the block (ReLU if asked). */
  void normalize(float[] y, float[] x, Block b, float[] m, float[] a, float[] sh, boolean relu) {
    if (b.channelsLast()) {
      float[] mab = BatchNormKernels.pack(m, a, sh);
      Parallel.forRange(0, b.units(), b.chunkUnits(),
          (u0, u1) -> k.affine(y, x, b.off(), u0, u1, b.c(), mab, relu));
    } else {
      Parallel.forRange(0, b.units(), b.chunkUnits(),
          (u0, u1) -> k.rowAffine(y, x, b.off(), u0, u1, b.c(), b.s(), m, a, sh, relu));
    }
  }

  /**
   * Gradient sums per channel: sumDy = sum(g), sumDyXmu = sum(g*(x - mean)), where the kernels
   * centre on m = (float) mean and the difference (mean - m)*sumDy is taken out in double.
   */
  void gradSums(double[] sumDy, double[] sumDyXmu, float[] dy, float[] x, float[] reluOut,
      Block b, double[] mean, float[] m) {
    int c = b.c();
    sumPieces(sumDy, sumDyXmu, b, b.channelsLast()
        ? (p1, p2, u0, u1) -> k.gradSums(p1, p2, dy, x, reluOut, b.off(), u0, u1, c, m)
        : (p1, p2, u0, u1) -> k.rowGradSums(p1, p2, dy, x, reluOut, b.off(), u0, u1, c, b.s(), m));
    for (int ch = 0; ch < c; ch++) {
      sumDyXmu[ch] -= (mean[ch] - m[ch]) * sumDy[ch];
    }
  }

  /** dx = k1*g + k2*(x - m) + k3 per channel over the block. */
  void gradInput(float[] dx, float[] dy, float[] x, float[] reluOut, Block b, float[] m,
      float[] k1, float[] k2, float[] k3) {
    if (b.channelsLast()) {
      float[] mk = BatchNormKernels.pack(m, k1, k2, k3);
      Parallel.forRange(0, b.units(), b.chunkUnits(),
          (u0, u1) -> k.gradInput(dx, dy, x, reluOut, b.off(), u0, u1, b.c(), mk));
    } else {
      Parallel.forRange(0, b.units(), b.chunkUnits(),
          (u0, u1) -> k.rowGradInput(dx, dy, x, reluOut, b.off(), u0, u1, b.c(), b.s(), m, k1, k2,
              k3));
    }
  }
}
