package org.normlab.kernels;

/**
 * Single-precision matrix multiply, BLAS's SGEMM in row-major storage:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where op(X) is X or its transpose, op(A) is
 * m x k, op(B) is k x n and C is m x n. Leading dimensions are row strides in elements.
 *
 * <p>(Placeholder body: a straightforward loop, correct for every size; the packed, blocked,
 * register-tiled and multi-threaded version replaces it behind this same signature.)
 */
public final class Gemm {
  private Gemm() {}

  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
      float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          s += (double) av * bv;
        }
        int ci = cOff + i * ldc + j;
        c[ci] = (float) (alpha * s + (beta == 0f ? 0f : beta * c[ci]));
      }
    }
  }
}
