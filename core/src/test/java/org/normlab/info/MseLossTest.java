package org.normlab.info;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

class MseLossTest {
  @Test
  void handComputedMeanAndGradient() {
    // (1-0)^2 + (2-4)^2 + (3-3)^2 + (-1-1)^2 = 9, mean 2.25; grad = 2 (p - y) / 4
    Tensor p = Tensor.of(new float[] {1, 2, 3, -1}, Layout.ROW_MAJOR, 2, 2);
    Tensor y = Tensor.of(new float[] {0, 4, 3, 1}, Layout.ROW_MAJOR, 2, 2);
    float[] grad = new float[4];
    assertEquals(2.25, MseLoss.lossAndGrad(p, y, grad), 0.0);
    assertArrayEquals(new float[] {0.5f, -1f, 0f, -1f}, grad, 0f);
    assertEquals(9.0, new MseLoss(Reduction.SUM).loss(p, y, null), 0.0);
    assertArrayEquals(new float[] {1, 4, 0, 4}, new MseLoss(Reduction.NONE).lossPerElement(p, y, null, null), 0f);
  }

  @Test
  void gradientMatchesFiniteDifferencesOnLongInputs() {
    int n = 40000; // more than one block
    Tensor p = Tensor.randn(1, Layout.ROW_MAJOR, n);
    Tensor y = Tensor.randn(2, Layout.ROW_MAJOR, n);
    float[] grad = new float[n];
    MseLoss.lossAndGrad(p, y, grad);
    float[] few = {p.data()[0], p.data()[20000], p.data()[n - 1]};
    int[] at = {0, 20000, n - 1};
    for (int k = 0; k < 3; k++) {
      float saved = p.data()[at[k]];
      double h = 1e-2;
      p.data()[at[k]] = (float) (saved + h);
      double up = MseLoss.lossAndGrad(p, y, null);
      p.data()[at[k]] = (float) (saved - h);
      double down = MseLoss.lossAndGrad(p, y, null);
      p.data()[at[k]] = saved;
      assertEquals((up - down) / (2 * h), grad[at[k]], 1e-9 + 1e-3 * Math.abs(grad[at[k]]), "index " + at[k]);
      assertEquals(few[k], p.data()[at[k]]);
    }
  }

  @Test
  void shapeMismatchIsAnError() {
    Tensor p = Tensor.zeros(Layout.ROW_MAJOR, 2, 2);
    CrossEntropyTest.assertMessage("target: expected ROW_MAJOR (2, 2), got ROW_MAJOR (4,)",
        () -> MseLoss.lossAndGrad(p, Tensor.zeros(Layout.ROW_MAJOR, 4), null));
  }
}
