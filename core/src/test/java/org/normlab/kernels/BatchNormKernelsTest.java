package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.normlab.tensor.AllClose;

/**
 * The scalar and Vector API batch norm kernels agree on the same inputs over awkward sizes:
 * elementwise passes bitwise (both use the same fma), sums to float-block rounding (the vector
 * kernels sum 16 values per lane in float before widening: about 1e-7 of the sum of |terms|, for
 * unit-sized terms 1e-7 per value, so atol grows with the count).
 */
class BatchNormKernelsTest {
  private static final BatchNormKernels S = Kernels.scalar().batchNorm();

  private static BatchNormKernels vector() {
    assumeTrue(Kernels.vector().isPresent(), "Vector API module not present");
    return Kernels.vector().get().batchNorm();
  }

  private static float[] random(long seed, int n, float mean) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (mean + r.nextGaussian());
    }
    return v;
  }

  private static void sumsAgree(double[][] vector, double[][] scalar, int count, String what) {
    for (int k = 0; k < scalar.length; k++) {
      AllClose.assertAllClose(vector[k], scalar[k], 1e-6, 1e-6 + 1e-7 * count, what + " sums " + k);
    }
  }

  /** Group g of 16 channels holds each parameter's 16 values in turn; the last group is padded. */
  @Test
  void packInterleavesGroupsOfSixteenChannels() {
    float[] m = new float[17];
    float[] a = new float[17];
    for (int ch = 0; ch < 17; ch++) {
      m[ch] = ch;
      a[ch] = 100 + ch;
    }
    float[] p = BatchNormKernels.pack(m, a);
    assertEquals(2 * 2 * 16, p.length);
    assertEquals(5f, p[5]);
    assertEquals(105f, p[16 + 5]);
    assertEquals(16f, p[32]);
    assertEquals(0f, p[33]);
    assertEquals(116f, p[48]);
    assertEquals(0f, p[63]);
    assertEquals(48, BatchNormKernels.packed(16, 1, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BatchNormKernels.pack(m, new float[3]));
    assertEquals("params[1]: expected 17 channels, got 3", e.getMessage());
  }

  /** s = positions per row (channels-first). */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void channelsFirstKernelsAgree(int s) {
    BatchNormKernels v = vector();
    int c = 2;
    int rows = 6;
    int off = 5;
    float[] x = random(s, off + rows * s, 100f);
    float[] dy = random(s + 1, x.length, 0f);
    // the fused ReLU's coefficients: about half the values of each channel pass
    float[] reluA = {0.9f, -1.1f};
    float[] reluB = {0.05f, -0.02f};
    float[] shift = {x[off], x[off + s]};
    float[] m = {100.1f, 99.9f};
    float[] a = {1.3f, -0.7f};
    float[] b = {-0.2f, 0.4f};
    double[][] sc = new double[4][c];
    double[][] vc = new double[4][c];
    S.rowShiftedSums(sc[0], sc[1], x, off, 1, rows, c, s, shift);
    v.rowShiftedSums(vc[0], vc[1], x, off, 1, rows, c, s, shift);
    S.rowGradSums(sc[2], sc[3], dy, x, reluA, reluB, off, 0, rows, c, s, m);
    v.rowGradSums(vc[2], vc[3], dy, x, reluA, reluB, off, 0, rows, c, s, m);
    sumsAgree(vc, sc, rows * s, "rows s=" + s);
    float[] ys = new float[x.length];
    float[] yv = new float[x.length];
    S.rowAffine(ys, x, off, 0, rows, c, s, m, a, b, true);
    v.rowAffine(yv, x, off, 0, rows, c, s, m, a, b, true);
    assertArrayEquals(ys, yv, "affine s=" + s);
    S.rowGradInput(ys, dy, x, reluA, reluB, off, 0, rows, c, s, m, a, b, shift);
    v.rowGradInput(yv, dy, x, reluA, reluB, off, 0, rows, c, s, m, a, b, shift);
    assertArrayEquals(ys, yv, "grad input s=" + s);
  }

  /** c = channels (channels-last); small arrays, so the vector sums run in strips. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void channelsLastKernelsAgree(int c) {
    BatchNormKernels v = vector();
    int positions = 37;
    int off = 3;
    float[] x = random(c, off + positions * c, -50f);
    float[] dy = random(c + 1, x.length, 0f);
    float[] shift = new float[c];
    float[] m = new float[c];
    for (int ch = 0; ch < c; ch++) {
      shift[ch] = x[off + ch];
      m[ch] = -50f + 0.25f * (ch % 3);
    }
    channelsLastSumsAgree(v, x, dy, off, positions, c, shift, m);
    float[] k1 = random(c + 3, c, 1f);
    float[] k2 = random(c + 4, c, 0f);
    float[] k3 = random(c + 5, c, 0f);
    float[] ys = new float[x.length];
    float[] yv = new float[x.length];
    float[] mab = BatchNormKernels.pack(m, k1, k2);
    S.affine(ys, x, off, 0, positions, c, mab, false);
    v.affine(yv, x, off, 0, positions, c, mab, false);
    assertArrayEquals(ys, yv, "affine c=" + c);
    S.affine(ys, x, off, 0, positions, c, mab, true);
    v.affine(yv, x, off, 0, positions, c, mab, true);
    assertArrayEquals(ys, yv, "affine relu c=" + c);
    float[] mk = BatchNormKernels.pack(m, k1, k2, k3);
    S.gradInput(ys, dy, x, x, off, 0, positions, c, mk);
    v.gradInput(yv, dy, x, x, off, 0, positions, c, mk);
    assertArrayEquals(ys, yv, "grad input c=" + c);
  }

  /**
   * The same sums where the arrays are larger than the vector kernels' cached size (32 MiB of
   * input), so they take the per-position sweep meant for data streamed from DRAM; only the
   * first positions are filled and summed.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 3, 16, 17, 33, 64, 100, 1023})
  void channelsLastSumsAgreeOnArraysLargerThanTheCache(int c) {
    BatchNormKernels v = vector();
    int positions = 37;
    int off = 3;
    float[] x = new float[VectorBatchNormKernels.CACHED_FLOATS + 1];
    float[] dy = new float[x.length];
    int used = off + positions * c;
    System.arraycopy(random(c, used, 20f), 0, x, 0, used);
    System.arraycopy(random(c + 1, used, 0f), 0, dy, 0, used);
    float[] shift = new float[c];
    float[] m = new float[c];
    for (int ch = 0; ch < c; ch++) {
      shift[ch] = x[off + ch];
      m[ch] = 20f - 0.25f * (ch % 3);
    }
    channelsLastSumsAgree(v, x, dy, off, positions, c, shift, m);
  }

  /** Statistics and gradient sums (plain and with a ReLU mask) of both kernels agree. */
  private static void channelsLastSumsAgree(BatchNormKernels v, float[] x, float[] dy, int off,
      int positions, int c, float[] shift, float[] m) {
    float[] relu = random(c + 6, off + positions * c, 0f);
    double[][] sc = new double[6][c];
    double[][] vc = new double[6][c];
    S.shiftedSums(sc[0], sc[1], x, off, 1, positions, c, shift);
    v.shiftedSums(vc[0], vc[1], x, off, 1, positions, c, shift);
    S.gradSums(sc[2], sc[3], dy, x, relu, off, 0, positions, c, m);
    v.gradSums(vc[2], vc[3], dy, x, relu, off, 0, positions, c, m);
    S.gradSums(sc[4], sc[5], dy, x, null, off, 2, positions, c, m);
    v.gradSums(vc[4], vc[5], dy, x, null, off, 2, positions, c, m);
    sumsAgree(vc, sc, positions, "positions c=" + c + " length=" + x.length);
  }
}
