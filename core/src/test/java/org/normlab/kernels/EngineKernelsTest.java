package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** The scalar and Vector API engine kernels agree on the same inputs over awkward sizes. */
class EngineKernelsTest {
  private static final EngineKernels SCALAR = new ScalarEngineKernels();
  private static final EngineKernels VECTOR = new VectorEngineKernels();

  private static float[] random(long seed, int n, float scale) {
    return Tensor.uniform(seed, -scale, scale, Layout.ROW_MAJOR, n).data();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void activationsAgree(int n) {
    float[] x = random(n, n + 3, 8f);
    float[] dy = random(n + 1, n + 3, 1f);
    // offset 1 and length n: unaligned starts and vector tails
    float[] ys = new float[n + 3];
    float[] yv = new float[n + 3];
    SCALAR.sigmoid(ys, x, 1, n);
    VECTOR.sigmoid(yv, x, 1, n);
    AllClose.assertAllClose(yv, ys, 0, 0, "sigmoid n=" + n + " (same operations: same bits)");
    float[] ds = new float[n + 3];
    float[] dv = new float[n + 3];
    SCALAR.sigmoidBackward(ds, dy, ys, 1, n);
    VECTOR.sigmoidBackward(dv, dy, ys, 1, n);
    AllClose.assertAllClose(dv, ds, 1e-6, 1e-7, "sigmoid backward n=" + n);

    SCALAR.tanh(ys, x, 1, n);
    VECTOR.tanh(yv, x, 1, n);
    AllClose.assertAllClose(yv, ys, 0, 0, "tanh n=" + n + " (same operations: same bits)");
    SCALAR.tanhBackward(ds, dy, ys, 1, n);
    VECTOR.tanhBackward(dv, dy, ys, 1, n);
    AllClose.assertAllClose(dv, ds, 1e-6, 1e-7, "tanh backward n=" + n);

    SCALAR.reluBackward(ds, dy, x, 1, n);
    VECTOR.reluBackward(dv, dy, x, 1, n);
    AllClose.assertAllClose(dv, ds, 0, 0, "relu backward n=" + n);
    assertEquals(0f, dv[0], "element before the range is untouched");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097})
  void biasAddsAgree(int n) {
    float[] bias = random(7, n, 1f);
    float[] a = random(8, 3 * n + 2, 1f);
    float[] b = a.clone();
    SCALAR.addRowBias(a, 2, bias, 3, n);
    VECTOR.addRowBias(b, 2, bias, 3, n);
    AllClose.assertAllClose(b, a, 0, 0, "row bias n=" + n);
    float[] cb = random(9, 3, 1f);
    float[] c = random(10, 2 * 3 * n + 1, 1f);
    float[] d = c.clone();
    SCALAR.addChannelBias(c, 1, cb, 2, 3, n);
    VECTOR.addChannelBias(d, 1, cb, 2, 3, n);
    AllClose.assertAllClose(d, c, 0, 0, "channel bias n=" + n);
  }

  @org.junit.jupiter.api.Test
  void biasSumsMatchDirectSums() {
    float[] dy = random(11, 5 * 4, 1f);
    float[] rows = new float[4];
    SCALAR.sumRowsAccumulate(rows, dy, 5, 4);
    for (int c = 0; c < 4; c++) {
      double r = 0;
      for (int i = 0; i < 5; i++) {
        r += dy[i * 4 + c];
      }
      assertEquals(r, rows[c], 1e-6);
    }
  }

  @org.junit.jupiter.api.Test
  void expMathIsAccurateOverTheWholeRange() {
    // against Math.exp in double (the correctly rounded reference to float precision)
    double worst = 0;
    for (float x = -87f; x <= 88f; x += 0.0137f) {
      double exact = Math.exp(x);
      double rel = Math.abs(ExpMath.exp(x) - exact) / exact;
      worst = Math.max(worst, rel);
    }
    assertTrue(worst < 3e-7, "largest relative error " + worst);
    assertEquals(0.5f, ExpMath.sigmoid(0f));
    assertEquals(1f, ExpMath.sigmoid(100f));
    assertEquals(-1f, ExpMath.tanh(-50f));
    assertEquals(-0f, ExpMath.tanh(-0f));
    assertEquals(Math.tanh(0.3), ExpMath.tanh(0.3f), 1e-7);
  }
}
