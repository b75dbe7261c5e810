package org.normlab.kernels;

/**
 * Deterministic parallel reductions over long float arrays.
 *
 * <p>The array is cut into chunks of {@link #CHUNK} elements, a size that does not depend on the
 * thread count; each chunk is reduced by the chosen {@link KernelSupport} into a double, and the
 * chunk results are added in chunk order on the calling thread. So the result is bitwise the
 * same with 1 thread and with N threads (PyTorch does not promise this; normlab does).
 */
public final class Reductions {
  /** Elements per chunk: 64 KiB of floats, small enough to stay in L2 while reduced. */
  public static final int CHUNK = 16384;

  private Reductions() {}

  @FunctionalInterface
  private interface ChunkReducer {
    double reduce(KernelSupport k, int off, int len);
  }

  private static double reduce(int off, int len, ChunkReducer reducer) {
    if (len < 0) {
      throw new IllegalArgumentException("len: expected >= 0, got " + len);
    }
    KernelSupport k = Kernels.get();
    int chunks = (len + CHUNK - 1) / CHUNK;
    if (chunks <= 1) {
      return reducer.reduce(k, off, len);
    }
    double[] partial = new double[chunks];
    Parallel.forEachPiece(chunks, (from, to) -> {
      for (int c = from; c < to; c++) {
        int start = off + c * CHUNK;
        partial[c] = reducer.reduce(k, start, Math.min(CHUNK, off + len - start));
      }
    });
    double total = 0;
    for (double p : partial) {
      total += p;
    }
    return total;
  }

  /** sum of x[off .. off+len). */
  public static double sum(float[] x, int off, int len) {
    return reduce(off, len, (k, o, l) -> k.sum(x, o, l));
  }

  /** sum of x[off .. off+len)^2. */
  public static double sumOfSquares(float[] x, int off, int len) {
    return reduce(off, len, (k, o, l) -> k.sumOfSquares(x, o, l));
  }

  /** sum of a[aOff + i] * b[bOff + i]. */
  public static double dot(float[] a, int aOff, float[] b, int bOff, int len) {
    int shift = bOff - aOff;
    return reduce(aOff, len, (k, o, l) -> k.dot(a, o, b, o + shift, l));
  }

  /** Mean of x[off .. off+len) (len must be positive). */
  public static double mean(float[] x, int off, int len) {
    if (len <= 0) {
      throw new IllegalArgumentException("len: expected > 0 for a mean, got " + len);
    }
    return sum(x, off, len) / len;
  }
}
