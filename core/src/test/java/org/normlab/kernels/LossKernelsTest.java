package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.normlab.tensor.AllClose;

/** The scalar and Vector API loss kernels agree on the same inputs over awkward sizes. */
class LossKernelsTest {
  static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097};

  static LossKernels vector() {
    assumeTrue(Kernels.vector().isPresent(), "Vector API module not present");
    return Kernels.vector().get().losses();
  }

  static float[] random(long seed, int n, double scale) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  @Test
  void logSumExpRowAgreesAndMatchesDefinition() {
    LossKernels s = Kernels.scalar().losses();
    LossKernels v = vector();
    for (int n : SIZES) {
      for (double magnitude : new double[] {1, 60}) {
        float[] x = random(n, n + 3, magnitude);
        float[] ps = new float[n + 5];
        float[] pv = new float[n + 5];
        double ls = s.logSumExpRow(ps, 2, x, 3, n, 0.5f);
        double lv = v.logSumExpRow(pv, 2, x, 3, n, 0.5f);
        // definition, in double: lse = m + log sum exp(x - m)
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          m = Math.max(m, x[3 + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          sum += Math.exp(x[3 + j] - m);
        }
        double expected = m + Math.log(sum);
        assertEquals(expected, ls, 1e-6 * Math.max(1, Math.abs(expected)), "scalar lse n=" + n);
        assertEquals(expected, lv, 1e-6 * Math.max(1, Math.abs(expected)), "vector lse n=" + n);
        AllClose.assertAllClose(pv, ps, 1e-5, 1e-7, "softmax n=" + n);
        assertEquals(0f, pv[0] + pv[1] + pv[n + 2] + pv[n + 3] + pv[n + 4], "writes outside the row, n=" + n);
        double total = 0;
        for (int j = 0; j < n; j++) {
          total += pv[2 + j];
        }
        assertEquals(0.5, total, 1e-5, "scaled softmax sums to the scale, n=" + n);
        assertEquals(lv, v.logSumExpRow(null, 0, x, 3, n, 1f), 0.0, "p == null gives the same lse");
      }
    }
  }

  @Test
  void squaredErrorAgrees() {
    LossKernels s = Kernels.scalar().losses();
    LossKernels v = vector();
    for (int n : SIZES) {
      float[] p = random(1, n + 1, 3);
      float[] y = random(2, n + 1, 3);
      float[] ls = new float[n + 1];
      float[] lv = new float[n + 1];
      float[] gs = new float[n + 1];
      float[] gv = new float[n + 1];
      double ss = s.squaredError(ls, gs, p, y, 1, n, 0.25f);
      double sv = v.squaredError(lv, gv, p, y, 1, n, 0.25f);
      assertEquals(ss, sv, 1e-12 * Math.max(1, ss), "sum n=" + n);
      AllClose.assertAllClose(lv, ls, 0, 0, "loss n=" + n);
      AllClose.assertAllClose(gv, gs, 0, 0, "grad n=" + n);
      assertEquals(0f, gv[0], "writes before off");
      assertEquals(2 * 0.25f * (p[n] - y[n]), gv[n], 0f, "grad = 2 * scale * (p - y)");
    }
  }
}
