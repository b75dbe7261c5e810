package org.normlab.norm;

import java.util.Arrays;
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
 *
 * <p><b>Channel groups.</b> Every pass works on a range of channels [c0, c1). A channels-first
 * block too large for the cache is normalized GROUP BY GROUP ({@link Block#groupChannels}): the
 * sums of a group of channels read it from memory, and its elementwise pass reads it again
 * from the L3 instead of from DRAM. For one group the rows of a sample are contiguous (c1 - c0
 * rows of s values), so both passes still stream long runs. (NCHW (64,64,56,56): the training
 * forward then moves the bytes of a copy, one read and one write, instead of two reads and a
 * write; forward+backward five passes over memory instead of nine.) Channels-last blocks have
 * every channel at every position, so they always run as one group of all channels.
 */
final class BatchNormPasses {
  /** Floats per chunk: the chunking, hence the summation order, is fixed by this alone. */
  static final int CHUNK_FLOATS = 1 << 16;
  /**
   * Floats of input (all arrays the passes read) up to which a block runs as one group: 16 MiB,
   * half of this CPU's 32 MiB L3 (the second pass then finds most of it in the L3 anyway).
   */
  static final long CACHED_FLOATS = 1L << 22;
  /**
   * Floats of input per channel group of a larger block: 8 MiB, a quarter of the L3, so that a
   * group is still there for its second pass while its output streams through the cache.
   */
  static final long GROUP_FLOATS = 1L << 21;
  /**
   * Shortest contiguous run (a group's rows of one sample) worth grouping for: 32 KiB. Measured
   * with CPU-time A/B pairs in both orders on a loaded machine (others' benchmarks sharing the
   * L3), time grouped / time in two full sweeps: NCHW (64,64,56,56), runs of 31360 (forward) and
   * 15680 (backward) values: 0.90 forward, 0.93 forward+backward; (256,256,14,14), runs of 8036
   * and 3920: 1.08 and 1.30; (128,32,28,28) forward+backward, runs of 7840: 1.30.
   */
  static final long MIN_RUN_FLOATS = 1L << 13;

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

    /** Offset of the first value of channel ch. */
    int firstOf(int ch) {
      return off + (channelsLast ? ch : ch * s);
    }

    /**
     * Channels per group for passes that read {@code arrays} input arrays: all channels when
     * the block's inputs fit in {@link #CACHED_FLOATS} or the block is channels-last, else as
     * many channels as fit in {@link #GROUP_FLOATS} (at least one), unless a group's rows of one
     * sample would be shorter than {@link #MIN_RUN_FLOATS}.
     */
    int groupChannels(int arrays) {
      long perChannel = count() * arrays;
      if (channelsLast || perChannel * c <= CACHED_FLOATS) {
        return c;
      }
      int group = (int) Math.max(1, GROUP_FLOATS / perChannel);
      return (long) group * s < MIN_RUN_FLOATS ? c : group;
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

  /**
   * The parallel pieces of channels [c0, c1) of a block, in memory order: piece q covers the
   * unit ranges [ranges[2k], ranges[2k+1]) for k in [first[q], first[q+1]).
   */
  private record Pieces(int[] ranges, int[] first) {
    int count() {
      return first.length - 1;
    }

    static Pieces of(Block b, int c0, int c1) {
      if (b.channelsLast() && (c0 != 0 || c1 != b.c())) {
        throw new IllegalStateException("channels-last passes cover all channels, got [" + c0
            + ", " + c1 + ") of " + b.c());
      }
      int chunk = b.chunkUnits();
      if (c0 == 0 && c1 == b.c()) {
        return cut(0, b.units(), chunk);
      }
      // One group of a channels-first block: rows [i*c + c0, i*c + c1) of each sample i.
      int rows = c1 - c0;
      if (rows >= chunk) {
        int perSample = (rows + chunk - 1) / chunk;
        int[] ranges = new int[2 * b.n() * perSample];
        int k = 0;
        for (int i = 0; i < b.n(); i++) {
          for (int r = i * b.c() + c0, end = i * b.c() + c1; r < end; r += chunk) {
            ranges[k++] = r;
            ranges[k++] = Math.min(end, r + chunk);
          }
        }
        return new Pieces(ranges, step(b.n() * perSample, 1));
      }
      int samplesPerPiece = chunk / rows;
      int[] ranges = new int[2 * b.n()];
      for (int i = 0; i < b.n(); i++) {
        ranges[2 * i] = i * b.c() + c0;
        ranges[2 * i + 1] = i * b.c() + c1;
      }
      int pieces = (b.n() + samplesPerPiece - 1) / samplesPerPiece;
      int[] first = step(pieces, samplesPerPiece);
      first[pieces] = b.n();
      return new Pieces(ranges, first);
    }

    /** [from, to) in ranges of {@code chunk} units, one per piece. */
    private static Pieces cut(int from, int to, int chunk) {
      int pieces = (to - from + chunk - 1) / chunk;
      int[] ranges = new int[2 * pieces];
      for (int q = 0; q < pieces; q++) {
        ranges[2 * q] = from + q * chunk;
        ranges[2 * q + 1] = Math.min(to, from + (q + 1) * chunk);
      }
      return new Pieces(ranges, step(pieces, 1));
    }

    private static int[] step(int pieces, int rangesPerPiece) {
      int[] first = new int[pieces + 1];
      for (int q = 0; q <= pieces; q++) {
        first[q] = q * rangesPerPiece;
      }
      return first;
    }
  }

  /** A kernel call over units [u0, u1), adding its sums (if any) into a and b. */
  @FunctionalInterface
  private interface RangeKernel {
    void run(double[] a, double[] b, int u0, int u1);
  }

  private final BatchNormKernels k;

  BatchNormPasses(BatchNormKernels kernels) {
    this.k = kernels;
  }

  /** Runs {@code kernel} over every range of every piece in parallel (a and b are null). */
  private static void forPieces(Pieces p, RangeKernel kernel) {
    Parallel.forEachPiece(p.count(), (q0, q1) -> {
      for (int q = q0; q < q1; q++) {
        runPiece(p, q, null, null, kernel);
      }
    });
  }

  private static void runPiece(Pieces p, int q, double[] a, double[] b, RangeKernel kernel) {
    for (int r = p.first()[q]; r < p.first()[q + 1]; r++) {
      kernel.run(a, b, p.ranges()[2 * r], p.ranges()[2 * r + 1]);
    }
  }

  /**
   * Runs {@code sums} over every piece in parallel, each into its own (reused, zeroed) rows,
   * then adds the pieces in order into a and b for channels [c0, c1).
   */
  private static void sumPieces(double[] a, double[] b, int c0, int c1, Pieces p,
      RangeKernel sums) {
    int pieces = p.count();
    ScratchRows scratch = ScratchRows.local();
    // rows [0, pieces) hold the pieces' sums into a, rows [pieces, 2 pieces) those into b
    double[][] rows = scratch.doubles(2 * pieces, a.length);
    try {
      Parallel.forEachPiece(pieces, (q0, q1) -> {
        for (int q = q0; q < q1; q++) {
          Arrays.fill(rows[q], c0, c1, 0.0);
          Arrays.fill(rows[pieces + q], c0, c1, 0.0);
          runPiece(p, q, rows[q], rows[pieces + q], sums);
        }
      });
      for (int q = 0; q < pieces; q++) {
        for (int ch = c0; ch < c1; ch++) {
          a[ch] += rows[q][ch];
          b[ch] += rows[pieces + q][ch];
        }
      }
    } finally {
      scratch.releaseDoubles();
    }
  }

  /** Per-channel mean and biased variance of the block (shifted one-pass sums, in double). */
  void meanVar(double[] mean, double[] var, float[] x, Block b) {
    meanVar(mean, var, x, b, 0, b.c());
  }

  /** {@link #meanVar} for channels [c0, c1) only. */
  void meanVar(double[] mean, double[] var, float[] x, Block b, int c0, int c1) {
    int c = b.c();
    float[] shift = new float[c];
    for (int ch = c0; ch < c1; ch++) {
      shift[ch] = x[b.firstOf(ch)];
    }
    double[] s1 = new double[c];
    double[] s2 = new double[c];
    sumPieces(s1, s2, c0, c1, Pieces.of(b, c0, c1), b.channelsLast()
        ? (p1, p2, u0, u1) -> k.shiftedSums(p1, p2, x, b.off(), u0, u1, c, shift)
        : (p1, p2, u0, u1) -> k.rowShiftedSums(p1, p2, x, b.off(), u0, u1, c, b.s(), shift));
    for (int ch = c0; ch < c1; ch++) {
      BatchNormKernels.meanVarFromShiftedSums(mean, var, ch, shift[ch], s1[ch], s2[ch], b.count());
    }
  }

  /** y = (x - m)*a + b per channel over channels [c0, c1) of the block (ReLU if asked). */
  void normalize(float[] y, float[] x, Block b, int c0, int c1, float[] m, float[] a, float[] sh,
      boolean relu) {
    Pieces p = Pieces.of(b, c0, c1);
    if (b.channelsLast()) {
      float[] mab = BatchNormKernels.pack(m, a, sh);
      forPieces(p, (unused1, unused2, u0, u1) -> k.affine(y, x, b.off(), u0, u1, b.c(), mab, relu));
    } else {
      forPieces(p, (unused1, unused2, u0, u1) ->
          k.rowAffine(y, x, b.off(), u0, u1, b.c(), b.s(), m, a, sh, relu));
    }
  }

  /**
   * Gradient sums per channel over channels [c0, c1): sumDy = sum(g), sumDyXmu = sum(g*(x -
   * mean)), where the kernels centre on m = (float) mean and the difference (mean - m)*sumDy is
   * taken out in double. A fused ReLU masks g: by its output reluOut (channels last) or by its
   * coefficients reluA, reluB (channels first; see {@link BatchNormKernels}); all null without.
   */
  void gradSums(double[] sumDy, double[] sumDyXmu, float[] dy, float[] x, float[] reluOut,
      float[] reluA, float[] reluB, Block b, int c0, int c1, double[] mean, float[] m) {
    int c = b.c();
    sumPieces(sumDy, sumDyXmu, c0, c1, Pieces.of(b, c0, c1), b.channelsLast()
        ? (p1, p2, u0, u1) -> k.gradSums(p1, p2, dy, x, reluOut, b.off(), u0, u1, c, m)
        : (p1, p2, u0, u1) -> k.rowGradSums(p1, p2, dy, x, reluA, reluB, b.off(), u0, u1, c, b.s(),
            m));
    for (int ch = c0; ch < c1; ch++) {
      sumDyXmu[ch] -= (mean[ch] - m[ch]) * sumDy[ch];
    }
  }

  /**
   * dx = k1*g + k2*(x - m) + k3 per channel over channels [c0, c1) of the block (g masked as in
   * {@link #gradSums}).
   */
  void gradInput(float[] dx, float[] dy, float[] x, float[] reluOut, float[] reluA, float[] reluB,
      Block b, int c0, int c1, float[] m, float[] k1, float[] k2, float[] k3) {
    Pieces p = Pieces.of(b, c0, c1);
    if (b.channelsLast()) {
      float[] mk = BatchNormKernels.pack(m, k1, k2, k3);
      forPieces(p, (unused1, unused2, u0, u1) ->
          k.gradInput(dx, dy, x, reluOut, b.off(), u0, u1, b.c(), mk));
    } else {
      forPieces(p, (unused1, unused2, u0, u1) ->
          k.rowGradInput(dx, dy, x, reluA, reluB, b.off(), u0, u1, b.c(), b.s(), m, k1, k2, k3));
    }
  }
}
