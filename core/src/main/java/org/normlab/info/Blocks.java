package org.normlab.info;

import org.normlab.kernels.Parallel;

/**
 * Deterministic parallel sums over blocks of rows. The block size depends only on the row length,
 * never on the thread count, and block results are added in block order on the calling thread:
 * losses are bitwise the same for any number of threads.
 */
final class Blocks {
  /** Elements per block: 64 KiB of floats, so that a block's inputs stay in L2 while processed. */
  static final int ELEMENTS = 16384;

  private Blocks() {}

  /** Computes {@code acc[0..k)} partial sums for the rows [from, to). */
  @FunctionalInterface
  interface Body {
    void run(int from, int to, double[] acc);
  }

  /** Runs {@code body} over [0, rows) in blocks of about {@link #ELEMENTS} elements; returns the k sums. */
  static double[] sum(int rows, int rowLength, int k, Body body) {
    int perBlock = Math.max(1, ELEMENTS / Math.max(1, rowLength));
    int blocks = (int) (((long) rows + perBlock - 1) / perBlock);
    double[][] partial = new double[blocks][k];
    Parallel.forRange(0, blocks, 1, (first, last) -> {
      for (int b = first; b < last; b++) {
        int from = b * perBlock;
        body.run(from, Math.min(rows, from + perBlock), partial[b]);
      }
    });
    double[] total = new double[k];
    for (double[] p : partial) {
      for (int i = 0; i < k; i++) {
        total[i] += p[i];
      }
    }
    return total;
  }
}
