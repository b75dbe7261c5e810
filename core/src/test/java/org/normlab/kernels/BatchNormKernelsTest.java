package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.normlab.tensor.AllClose;

/** The scalar and Vector API batch norm kernels agree on the same inputs over awkward sizes. */
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

  /** Positions per sample (channels-first) or channels (channels-last). */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void channelsFirstKernelsAgree(int s) {
    BatchNormKernels v = vector();
    int n = 3;
    int c = 2;
    int off = 5;
    float[] x = random(s, off + n * c * s, 100f);
    float[] dy = random(s + 1, x.length, 0f);
    float[] relu = random(s + 2, x.length, 0f);
    for (int ch = 0; ch < c; ch++) {
      double[][] a = new double[4][c];
      double[][] b = new double[4][c];
      S.channelMeanVar(a[0], a[1], x, off, n, c, s, ch);
      v.channelMeanVar(b[0], b[1], x, off, n, c, s, ch);
      S.channelGradSums(a[2], a[3], dy, x, relu, off, n, c, s, ch, a[0][ch]);
      v.channelGradSums(b[2], b[3], dy, x, relu, off, n, c, s, ch, a[0][ch]);
      for (int k = 0; k < 4; k++) {
        AllClose.assertAllClose(b[k], a[k], 1e-12, 1e-12, "sums " + k + " s=" + s);
      }
      float[] ys = new float[x.length];
      float[] yv = new float[x.length];
      S.channelAffine(ys, x, off, n, c, s, ch, 100.1f, 1.3f, -0.2f, true);
      v.channelAffine(yv, x, off, n, c, s, ch, 100.1f, 1.3f, -0.2f, true);
      assertArrayEquals(ys, yv, "affine s=" + s);
      S.channelGradInput(ys, dy, x, relu, off, n, c, s, ch, 100.1f, 0.7f, -0.3f, 0.05f);
      v.channelGradInput(yv, dy, x, relu, off, n, c, s, ch, 100.1f, 0.7f, -0.3f, 0.05f);
      assertArrayEquals(ys, yv, "grad input s=" + s);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void channelsLastKernelsAgree(int c) {
    BatchNormKernels v = vector();
    int positions = 5;
    int off = 3;
    float[] x = random(c, off + positions * c, -50f);
    float[] dy = random(c + 1, x.length, 0f);
    float[] relu = random(c + 2, x.length, 0f);
    double[] shift = new double[c];
    double[] mean = new double[c];
    float[] m = new float[c];
    float[] k1 = random(c + 3, c, 1f);
    float[] k2 = random(c + 4, c, 0f);
    float[] k3 = random(c + 5, c, 0f);
    for (int ch = 0; ch < c; ch++) {
      shift[ch] = x[off + ch];
      mean[ch] = -50.0 + 0.01 * ch;
      m[ch] = (float) mean[ch];
    }
    double[][] a = new double[4][c];
    double[][] b = new double[4][c];
    S.shiftedSums(a[0], a[1], x, off, 1, positions, c, shift);
    v.shiftedSums(b[0], b[1], x, off, 1, positions, c, shift);
    S.gradSums(a[2], a[3], dy, x, relu, off, 0, positions, c, mean);
    v.gradSums(b[2], b[3], dy, x, relu, off, 0, positions, c, mean);
    for (int k = 0; k < 4; k++) {
      AllClose.assertAllClose(b[k], a[k], 1e-12, 1e-12, "sums " + k + " c=" + c);
    }
    float[] ys = new float[x.length];
    float[] yv = new float[x.length];
    S.affine(ys, x, off, 0, positions, c, m, k1, k2, false);
    v.affine(yv, x, off, 0, positions, c, m, k1, k2, false);
    assertArrayEquals(ys, yv, "affine c=" + c);
    S.gradInput(ys, dy, x, relu, off, 0, positions, c, m, k1, k2, k3);
    v.gradInput(yv, dy, x, relu, off, 0, positions, c, m, k1, k2, k3);
    assertArrayEquals(ys, yv, "grad input c=" + c);
  }
}
