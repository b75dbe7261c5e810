package org.normlab.kernels;

/**
 * The plain Java tile kernel. Its tile shape is a constructor argument so that tests can run it
 * on the same packed panels as the vector kernel and compare bit for bit: both accumulate with
 * one fused multiply-add per step in the same order.
 */
public final class ScalarGemmKernels implements GemmKernels {
  /** The default tile: 4 rows by 8 columns (32 accumulators, small enough for any JIT). */
  static final ScalarGemmKernels INSTANCE = new ScalarGemmKernels(4, 8);

  private final int mr;
  private final int nr;

  public ScalarGemmKernels(int mr, int nr) {
    if (mr < 1 || nr < 1) {
      throw new IllegalArgumentException("tile: expected mr, nr >= 1, got " + mr + " x " + nr);
    }
    this.mr = mr;
    this.nr = nr;
  }

  @Override
  public int mr() {
    return mr;
  }

  @Override
  public int nr() {
    return nr;
  }

  @Override
  public void tile(float[] c, int cOff, int ldc, int rows, int cols,
      float[] a, int aOff, float[] b, int bOff, int kc, float alpha, float beta) {
    float[] acc = new float[mr * nr];
    for (int p = 0; p < kc; p++) {
      int ap = aOff + p * mr;
      int bp = bOff + p * nr;
      for (int i = 0; i < mr; i++) {
        float av = a[ap + i];
        for (int j = 0; j < nr; j++) {
          acc[i * nr + j] = Math.fma(av, b[bp + j], acc[i * nr + j]);
        }
      }
    }
    for (int i = 0; i < rows; i++) {
      int row = cOff + i * ldc;
      for (int j = 0; j < cols; j++) {
        float ab = alpha * acc[i * nr + j];
        c[row + j] = beta == 0f ? ab : Math.fma(beta, c[row + j], ab);
      }
    }
  }
}
