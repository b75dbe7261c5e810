package org.normlab.kernels;

/**
 * The inner loop of {@link Gemm}: one register tile of C from a packed panel of A and a packed
 * panel of B.
 *
 * <p>Packed formats (written by {@link GemmPacking}): an A panel holds {@link #mr()} rows of
 * op(A) for {@code kc} steps, step-major ({@code a[p * mr + i] = op(A)[i][p]}); a B panel holds
 * {@link #nr()} columns of op(B), step-major ({@code b[p * nr + j] = op(B)[p][j]}). Rows and
 * columns past the edge of the matrix are zero in the panels, so the kernel always computes the
 * full tile and only the stores are cut to {@code rows x cols}.
 */
public interface GemmKernels {
  /** Rows of C per tile. */
  int mr();

  /** Columns of C per tile. */
  int nr();

  /**
   * For i &lt; rows, j &lt; cols: {@code c[cOff + i*ldc + j] = alpha * sum_p a[aOff + p*mr + i] *
   * b[bOff + p*nr + j] + beta * c[...]}, with the sum accumulated in float by fused multiply-adds
   * in the order p = 0, 1, ..., kc-1, and the update computed as {@code fma(beta, c, alpha * sum)}.
   * When beta is 0, C is not read (NaN or garbage in C is overwritten).
   */
  void tile(float[] c, int cOff, int ldc, int rows, int cols,
      float[] a, int aOff, float[] b, int bOff, int kc, float alpha, float beta);

  /**
   * The transposing copy of the packings (A not transposed, B transposed):
   * {@code dst[dstOff + p * width + r] = src[srcOff + r * ld + p]} for r &lt; rows, p &lt; kc.
   * A pure copy: every implementation writes the same values.
   */
  default void interleaveRows(float[] dst, int dstOff, int width, float[] src, int srcOff, int ld,
      int rows, int kc) {
    GemmPacking.interleaveRows(dst, dstOff, width, src, srcOff, ld, rows, kc);
  }
}
