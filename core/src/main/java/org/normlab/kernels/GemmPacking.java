package org.normlab.kernels;

/**
 * Copies blocks of op(A) and op(B) into the panel formats of {@link GemmKernels}, zero-padding
 * the rows and columns past the matrix edge so that the tile kernel never needs an edge case in
 * its inner loop. Packing touches each element once per block; the tile kernel then reads the
 * panels contiguously and many times.
 */
final class GemmPacking {
  private GemmPacking() {}

  /**
   * Packs rows [i0, i0 + rows) (rows &lt;= mr) and steps [p0, p0 + kc) of op(A) into one A panel:
   * {@code dst[dstOff + p * mr + i] = op(A)[i0 + i][p0 + p]}, zero for i &gt;= rows.
   */
  static void packA(GemmKernels kernel, float[] dst, int dstOff, boolean transA, float[] a, int aOff,
      int lda, int i0, int rows, int p0, int kc, int mr) {
    if (rows < mr) {
      java.util.Arrays.fill(dst, dstOff, dstOff + kc * mr, 0f);
    }
    if (transA) {
      // op(A)[i][p] = a[p * lda + i]: the rows of the panel are contiguous in memory.
      for (int p = 0; p < kc; p++) {
        System.arraycopy(a, aOff + (p0 + p) * lda + i0, dst, dstOff + p * mr, rows);
      }
    } else {
      // op(A)[i][p] = a[i * lda + p]: read each row contiguously, write with stride mr.
      kernel.interleaveRows(dst, dstOff, mr, a, aOff + i0 * lda + p0, lda, rows, kc);
    }
  }

  /**
   * Packs steps [p0, p0 + kc) and columns [j0, j0 + cols) (cols &lt;= nr) of op(B) into one B
   * panel: {@code dst[dstOff + p * nr + j] = op(B)[p0 + p][j0 + j]}, zero for j &gt;= cols.
   */
  static void packB(GemmKernels kernel, float[] dst, int dstOff, boolean transB, float[] b, int bOff,
      int ldb, int p0, int kc, int j0, int cols, int nr) {
    if (cols < nr) {
      java.util.Arrays.fill(dst, dstOff, dstOff + kc * nr, 0f);
    }
    if (transB) {
      // op(B)[p][j] = b[j * ldb + p]: read each stored row contiguously, write with stride nr.
      kernel.interleaveRows(dst, dstOff, nr, b, bOff + j0 * ldb + p0, ldb, cols, kc);
    } else {
      // op(B)[p][j] = b[p * ldb + j]: the panel's rows are contiguous in memory.
      for (int p = 0; p < kc; p++) {
        System.arraycopy(b, bOff + (p0 + p) * ldb + j0, dst, dstOff + p * nr, cols);
      }
    }
  }

  /**
   * {@code dst[dstOff + p * width + r] = src[srcOff + r * ld + p]} for r &lt; rows, p &lt; kc: the
   * transposing copy of both packings in plain Java ({@link GemmKernels#interleaveRows}; the
   * vector kernel transposes eight-row panels in registers). Four rows at a time, so that each
   * step writes four neighbouring floats of the panel instead of one (about 35% faster than row
   * by row).
   */
  static void interleaveRows(float[] dst, int dstOff, int width, float[] src, int srcOff,
      int ld, int rows, int kc) {
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
      int s0 = srcOff + r * ld;
      int s1 = s0 + ld;
      int s2 = s1 + ld;
      int s3 = s2 + ld;
      for (int p = 0, d = dstOff + r; p < kc; p++, d += width) {
        dst[d] = src[s0 + p];
        dst[d + 1] = src[s1 + p];
        dst[d + 2] = src[s2 + p];
        dst[d + 3] = src[s3 + p];
      }
    }
    for (; r < rows; r++) {
      int s = srcOff + r * ld;
      for (int p = 0, d = dstOff + r; p < kc; p++, d += width) {
        dst[d] = src[s + p];
      }
    }
  }
}
