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
  void indexCrossEntropyRowsAgreesForShortAndLongRows() {
    LossKernels s = Kernels.scalar().losses();
    LossKernels v = vector();
    for (int len : new int[] {1, 2, 3, 7, 10, 15, 16, 17, 33}) {
      for (int rows : new int[] {1, 2, 3, 7, 15, 16, 17, 31, 33, 100}) {
        int n = rows * len;
        float[] x = random(len * 31L + rows, n + 2, 30);
        float[] softmaxScale = random(rows, rows + 1, 2);
        float[] targetScale = random(rows + 7, rows + 1, 2);
        int[] targets = new int[rows + 1];
        for (int r = 0; r < targets.length; r++) {
          targets[r] = r % 5 == 3 ? -100 : r % len; // -100: out of range, as ignore_index
        }
        float[] gs = new float[n + 4];
        float[] gv = new float[n + 4];
        float[] ns = new float[rows + 1];
        float[] nv = new float[rows + 1];
        float[] nNull = new float[rows + 1];
        s.indexCrossEntropyRows(gs, 3, ns, 1, x, 2, targets, 1, softmaxScale, targetScale, 1, rows, len);
        v.indexCrossEntropyRows(gv, 3, nv, 1, x, 2, targets, 1, softmaxScale, targetScale, 1, rows, len);
        v.indexCrossEntropyRows(null, 0, nNull, 1, x, 2, targets, 1, softmaxScale, targetScale, 1, rows, len);
        String what = rows + " rows of " + len;
        AllClose.assertAllClose(nv, ns, 1e-6, 1e-6, "nll " + what);
        AllClose.assertAllClose(nNull, nv, 0, 0, "nll without grad " + what);
        AllClose.assertAllClose(gv, gs, 1e-5, 1e-6, "grad " + what);
        assertEquals(0f, gv[0] + gv[1] + gv[2] + gv[n + 3] + nv[0], "writes outside the rows, " + what);
        for (int r = 0; r < rows; r++) {
          int t = targets[1 + r];
          int row = 2 + r * len;
          // definition: nll = lse - x[t] (lse checked against its definition above); 0 when out of range
          double lse = s.logSumExpRow(null, 0, x, row, len, 1f);
          assertEquals(t < 0 ? 0 : lse - x[row + t], nv[1 + r], 1e-6 * Math.max(1, Math.abs(lse)), "nll " + what);
          // the softmax sums to 1: the gradient row sums to softmaxScale - targetScale (or softmaxScale)
          double sum = 0;
          for (int j = 0; j < len; j++) {
            sum += gv[3 + r * len + j];
          }
          double expected = softmaxScale[1 + r] - (t < 0 ? 0 : targetScale[1 + r]);
          assertEquals(expected, sum, 1e-5 * (1 + Math.abs(softmaxScale[1 + r])), "grad row sum " + what);
        }
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

  /** Runs one elementwise kernel into (loss, grad) over [1, 1+n) and returns the sum. */
  @FunctionalInterface
  interface Elementwise {
    double run(LossKernels k, float[] loss, float[] grad, int n);
  }

  /**
   * Both kernels compute each element with the same float operations (ExpMath.expFullRange and
   * LogMath.log and their VectorMath twins), so losses and gradients agree bit for bit; only the
   * sums differ in their order of additions.
   */
  static void assertElementwiseAgrees(String what, Elementwise f) {
    LossKernels s = Kernels.scalar().losses();
    LossKernels v = vector();
    for (int n : SIZES) {
      float[] ls = new float[n + 1];
      float[] lv = new float[n + 1];
      float[] gs = new float[n + 1];
      float[] gv = new float[n + 1];
      double ss = f.run(s, ls, gs, n);
      double sv = f.run(v, lv, gv, n);
      assertEquals(ss, sv, 1e-5 * Math.max(1, Math.abs(ss)), what + " sum n=" + n);
      AllClose.assertAllClose(lv, ls, 0, 0, what + " loss n=" + n);
      AllClose.assertAllClose(gv, gs, 0, 0, what + " grad n=" + n);
      assertEquals(0f, gv[0] + lv[0], what + " writes before off");
    }
  }

  @Test
  void bceWithLogitsAgrees() {
    for (boolean weighted : new boolean[] {false, true}) {
      assertElementwiseAgrees("bce with logits weighted=" + weighted, (k, loss, grad, n) -> {
        float[] x = random(3, n + 1, 120); // logits up to +-120: stable path
        float[] y = random(4, n + 1, 1);
        for (int i = 0; i < y.length; i++) {
          y[i] = Math.abs(y[i]);
        }
        float[] w = weighted ? random(5, n + 1, 2) : null;
        float[] pw = weighted ? random(6, n + 1, 3) : null;
        return k.bceWithLogits(loss, grad, x, y, w, pw, 1, n, 0.5f);
      });
    }
  }

  @Test
  void binaryCrossEntropyAgrees() {
    assertElementwiseAgrees("bce", (k, loss, grad, n) -> {
      float[] p = random(7, n + 1, 1);
      float[] y = random(8, n + 1, 1);
      for (int i = 0; i < p.length; i++) {
        p[i] = i % 5 == 0 ? 0f : Math.abs(p[i]); // exact zeros exercise the -100 clamp
        y[i] = Math.abs(y[i]);
      }
      return k.binaryCrossEntropy(loss, grad, p, y, random(9, n + 1, 1), 1, n, 1e-3f);
    });
  }

  @Test
  void klDivAgrees() {
    for (boolean logTarget : new boolean[] {false, true}) {
      assertElementwiseAgrees("kl_div logTarget=" + logTarget, (k, loss, grad, n) -> {
        float[] x = random(10, n + 1, 5);
        float[] t = random(11, n + 1, 1);
        for (int i = 0; i < t.length; i++) {
          t[i] = logTarget ? -Math.abs(3 * t[i]) : (i % 4 == 0 ? 0f : Math.abs(t[i]));
        }
        return k.klDiv(loss, grad, x, t, logTarget, 1, n, 0.25f);
      });
    }
  }
}
