package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.normlab.tensor.AllClose;

/**
 * The Vector API {@link NormFamilyKernels} against the scalar reference on the same inputs, over
 * awkward lengths (below, at and around the vector width, and long). Both compute the same
 * formulas; vector sums add in another order and use fused multiply-adds, so results agree to
 * float rounding (rtol 1e-5), not bitwise.
 */
class NormFamilyKernelsTest {
  static final double RTOL = 1e-5;
  static final double ATOL = 1e-5;
  static final int OFF = 3;

  private static NormFamilyKernels scalar() {
    return Kernels.scalar().normFamily();
  }

  private static NormFamilyKernels vector() {
    assumeTrue(Kernels.vector().isPresent(), "Vector API module not available");
    return Kernels.vector().get().normFamily();
  }

  private static float[] random(long seed, int n, float mean) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (mean + r.nextGaussian());
    }
    return a;
  }

  private static void close(float[] expected, float[] actual, String what) {
    AllClose.assertAllClose(actual, expected, RTOL, ATOL, what);
  }

  private static void close(double[] expected, double[] actual, String what) {
    AllClose.assertAllClose(actual, expected, RTOL, ATOL, what);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void rowKernels(int len) {
    float[] x = random(1, len + OFF, 0.5f);
    float[] dy = random(2, len + OFF, 0f);
    float[] w = random(3, len, 1f);
    float[] b = random(4, len, 0f);
    for (float[] bias : new float[][] {b, null}) {
      float[] ys = new float[len + OFF];
      float[] yv = new float[len + OFF];
      scalar().normalizeAffine(ys, x, OFF, len, 0.3f, 1.7f, w, bias);
      vector().normalizeAffine(yv, x, OFF, len, 0.3f, 1.7f, w, bias);
      close(ys, yv, "normalizeAffine " + len);
    }
    for (float mean : new float[] {0.5f, 1000f}) {
      // A large mean: the vector kernel's float passes must still give the variance of x.
      float[] xm = random(13, len + OFF, mean);
      double[] ms = new double[2];
      double[] mv = new double[2];
      scalar().meanAndVariance(ms, xm, OFF, len);
      vector().meanAndVariance(mv, xm, OFF, len);
      close(ms, mv, "meanAndVariance (mean " + mean + ") " + len);
    }
    float[][] s = {new float[len + OFF], random(5, len, 0f), random(6, len, 0f)};
    float[][] v = {new float[len + OFF], s[1].clone(), s[2].clone()};
    scalar().layerNormBackward(s[0], s[1], s[2], dy, x, OFF, len, w, 0.4f, 1.3f);
    vector().layerNormBackward(v[0], v[1], v[2], dy, x, OFF, len, w, 0.4f, 1.3f);
    for (int i = 0; i < 3; i++) {
      close(s[i], v[i], "layerNormBackward " + len + " output " + i);
    }
    float[][] rs = {new float[len + OFF], random(7, len, 0f)};
    float[][] rv = {new float[len + OFF], rs[1].clone()};
    scalar().rmsNormBackward(rs[0], rs[1], dy, x, OFF, len, w, 0.8f);
    vector().rmsNormBackward(rv[0], rv[1], dy, x, OFF, len, w, 0.8f);
    close(rs[0], rv[0], "rmsNormBackward dx " + len);
    close(rs[1], rv[1], "rmsNormBackward dg " + len);
    float[] cs = new float[len + OFF];
    float[] cv = new float[len + OFF];
    scalar().combine(cs, dy, x, OFF, len, 0.7f, -0.2f, 0.05f);
    vector().combine(cv, dy, x, OFF, len, 0.7f, -0.2f, 0.05f);
    close(cs, cv, "combine " + len);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void rowSumAndVariance(int len) {
    for (float mean : new float[] {0.5f, 1000f}) {
      float[] x = random(14, len + OFF, mean);
      double ss = scalar().rowSum(x, OFF, len);
      double sv = vector().rowSum(x, OFF, len);
      close(new double[] {ss}, new double[] {sv}, "rowSum (mean " + mean + ") " + len);
      // the variance given the sum: the same sum for both, so only the second pass differs
      close(new double[] {scalar().variance(x, OFF, len, ss)},
          new double[] {vector().variance(x, OFF, len, ss)},
          "variance (mean " + mean + ") " + len);
      // shifted sums about a value of the segment (as GroupNorm centres them)
      double[] shs = new double[2];
      double[] shv = new double[2];
      scalar().shiftedSums(shs, x, OFF, len, x[OFF]);
      vector().shiftedSums(shv, x, OFF, len, x[OFF]);
      AllClose.assertAllClose(shv, shs, RTOL, ATOL * Math.sqrt(len),
          "shiftedSums (mean " + mean + ") " + len);
    }
  }

  /**
   * The fused kernels write what their unfused halves write and give bitwise the sums that
   * shiftedSums gives for the next segment (the pipelined layers rely on it: a segment's
   * statistics must not depend on whether it was summed alone, at the start of a parallel piece,
   * or fused).
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void fusedKernelsReturnTheNextRowSumBitwise(int len) {
    float[] x = random(15, 2 * len + OFF, 3f);
    float[] w = random(16, len, 1f);
    float[] b = random(17, len, 0f);
    int next = OFF + len;
    NormFamilyKernels[] impls = {scalar(), vector()};
    float[][] ys = new float[2][];
    for (int i = 0; i < 2; i++) {
      NormFamilyKernels k = impls[i];
      double[] expectedShifted = new double[2];
      k.shiftedSums(expectedShifted, x, next, len, 2.6f);
      for (float[] bias : new float[][] {b, null}) {
        float[] y = new float[x.length];
        float[] yRef = new float[x.length];
        double[] sums = {0.6, -1.1};
        k.normalizeAffineAndShiftedSums(y, x, OFF, len, 2.9f, 1.3f, w, bias, next, 2.6f, sums);
        k.normalizeAffine(yRef, x, OFF, len, 2.9f, 1.3f, w, bias);
        assertArrayEquals(expectedShifted, sums, 0.0, "normalizeAffineAndShiftedSums sums " + len);
        assertArrayEquals(yRef, y, "normalizeAffineAndShiftedSums y " + len);
      }
      float[] y = new float[x.length];
      double[] shifted = {0.6, -1.1};
      k.scaleShiftAndShiftedSums(y, x, OFF, len, 0.7f, -0.4f, next, 2.6f, shifted);
      assertArrayEquals(expectedShifted, shifted, 0.0, "scaleShiftAndShiftedSums sums " + len);
      ys[i] = y;
    }
    close(ys[0], ys[1], "scaleShiftAndShiftedSums y " + len);
  }

  /**
   * layerNormBackwardSums gives bitwise the same sums, dw and db however the rows are split into
   * calls (LayerNorm's backward relies on it: results must not depend on where a parallel chunk
   * starts or how many rows one pass takes), and they match the scalar reference.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void layerNormBackwardSumsDoNotDependOnHowRowsAreGrouped(int len) {
    int rows = 7;
    float[] x = random(19, rows * len + OFF, 3f);
    float[] dy = random(20, rows * len + OFF, 0f);
    float[] w = random(21, len, 1f);
    float[] mean = random(22, rows, 3f);
    float[] rstd = random(23, rows, 1f);
    float[] dw0 = random(24, len, 0f);
    float[] db0 = random(25, len, 0f);
    double[][] sums = new double[3][2 * rows];
    float[][] dws = new float[3][];
    float[][] dbs = new float[3][];
    NormFamilyKernels[] impls = {vector(), vector(), scalar()};
    int[] group = {rows, 1, rows};
    for (int k = 0; k < 3; k++) {
      dws[k] = dw0.clone();
      dbs[k] = db0.clone();
      double[] part = new double[2 * rows];
      for (int row = 0; row < rows; row += group[k]) {
        int n = Math.min(group[k], rows - row);
        impls[k].layerNormBackwardSums(part, dws[k], dbs[k], dy, x, OFF + row * len, len, n, w,
            mean, rstd, row);
        System.arraycopy(part, 0, sums[k], 2 * row, 2 * n);
      }
    }
    assertArrayEquals(sums[1], sums[0], 0.0, "sums, 7 rows at once and one at a time " + len);
    assertArrayEquals(dws[1], dws[0], "dw, 7 rows at once and one at a time " + len);
    assertArrayEquals(dbs[1], dbs[0], "db, 7 rows at once and one at a time " + len);
    AllClose.assertAllClose(sums[0], sums[2], RTOL, ATOL * Math.sqrt(len), "sums " + len);
    close(dws[2], dws[0], "dw " + len);
    close(dbs[2], dbs[0], "db " + len);
    // the dx pass on these sums
    float[][] dx = {new float[x.length], new float[x.length]};
    for (int k = 0; k < 2; k++) {
      NormFamilyKernels impl = k == 0 ? vector() : scalar();
      for (int row = 0; row < rows; row++) {
        impl.layerNormBackwardDx(dx[k], dy, x, OFF + row * len, len, w, mean[row], rstd[row],
            sums[2][2 * row], sums[2][2 * row + 1]);
      }
    }
    close(dx[1], dx[0], "layerNormBackwardDx " + len);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void columnKernels(int cols) {
    int rows = cols > 1000 ? 2 : 5;
    int n = rows * cols + OFF;
    float[] x = random(8, n, 0.5f);
    float[] dy = random(9, n, 0f);
    float[] a = random(10, cols, 1f);
    float[] b = random(11, cols, 0f);
    float[] k = random(12, cols, 0f);
    double[] mean = new double[cols];
    for (int c = 0; c < cols; c++) {
      mean[c] = a[c];
    }
    double[] s1 = new double[cols];
    double[] v1 = new double[cols];
    scalar().columnSums(s1, x, OFF, rows, cols);
    vector().columnSums(v1, x, OFF, rows, cols);
    close(s1, v1, "columnSums " + cols);
    double[] s2 = new double[cols];
    double[] v2 = new double[cols];
    scalar().columnSquaredDeviations(s2, x, OFF, rows, cols, mean);
    vector().columnSquaredDeviations(v2, x, OFF, rows, cols, mean);
    close(s2, v2, "columnSquaredDeviations " + cols);
    double[][] s3 = {new double[cols], new double[cols]};
    double[][] v3 = {new double[cols], new double[cols]};
    scalar().columnDotSum(s3[0], s3[1], dy, x, OFF, rows, cols);
    vector().columnDotSum(v3[0], v3[1], dy, x, OFF, rows, cols);
    close(s3[0], v3[0], "columnDotSum dot " + cols);
    close(s3[1], v3[1], "columnDotSum sum " + cols);
    float[] ys = new float[n];
    float[] yv = new float[n];
    scalar().affineColumns(ys, x, OFF, rows, cols, a, b);
    vector().affineColumns(yv, x, OFF, rows, cols, a, b);
    close(ys, yv, "affineColumns " + cols);
    float[] ds = new float[n];
    float[] dv = new float[n];
    scalar().combineColumns(ds, dy, x, OFF, rows, cols, a, b, k);
    vector().combineColumns(dv, dy, x, OFF, rows, cols, a, b, k);
    close(ds, dv, "combineColumns " + cols);
  }
}
