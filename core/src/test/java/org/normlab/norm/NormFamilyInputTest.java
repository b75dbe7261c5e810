package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** Bad input gives errors naming the argument and both values; defaults are PyTorch's. */
class NormFamilyInputTest {

  private static String message(Class<? extends Throwable> type, Executable e) {
    return assertThrows(type, e).getMessage();
  }

  @Test
  void groupNormNamesChannelsAndGroupsWhenTheyDoNotDivide() {
    String m = message(IllegalArgumentException.class, () -> GroupNorm.builder(4, 6));
    assertTrue(m.contains("6 channels") && m.contains("4 groups"), m);
  }

  @Test
  void groupNormRejectsWrongChannelsAndLayoutsWithoutChannels() {
    GroupNorm gn = GroupNorm.builder(2, 4).build();
    String m = message(IllegalArgumentException.class,
        () -> gn.forward(Tensor.zeros(Layout.NCHW, 2, 6, 3, 3)));
    assertTrue(m.contains("channels: expected 4, got 6"), m);
    m = message(IllegalArgumentException.class, () -> gn.forward(Tensor.zeros(Layout.ROW_MAJOR, 2, 4)));
    assertTrue(m.contains("ROW_MAJOR"), m);
  }

  @Test
  void layerNormNamesTheExpectedTrailingDims() {
    LayerNorm ln = LayerNorm.builder(3, 4).build();
    String m = message(IllegalArgumentException.class,
        () -> ln.forward(Tensor.zeros(Layout.ROW_MAJOR, 2, 3, 5)));
    assertTrue(m.contains("[3, 4]") && m.contains("[2, 3, 5]"), m);
    m = message(IllegalArgumentException.class, () -> LayerNorm.builder(3, 0));
    assertTrue(m.contains("normalizedShape"), m);
    m = message(IllegalArgumentException.class, () -> LayerNorm.builder(3).optEps(0).build());
    assertTrue(m.contains("eps"), m);
  }

  @Test
  void backwardBeforeForwardAndMismatchedGradientsAreErrors() {
    LayerNorm ln = LayerNorm.builder(4).build();
    String m = message(IllegalStateException.class,
        () -> ln.backward(Tensor.zeros(Layout.ROW_MAJOR, 2, 4)));
    assertTrue(m.contains("before forward"), m);
    ln.forward(Tensor.randn(1, Layout.ROW_MAJOR, 2, 4));
    m = message(IllegalArgumentException.class, () -> ln.backward(Tensor.zeros(Layout.ROW_MAJOR, 3, 4)));
    assertTrue(m.contains("grad_output"), m);
  }

  @Test
  void instanceNormNeedsMoreThanOnePositionForInstanceStatistics() {
    InstanceNorm in = InstanceNorm.builder(3).build();
    String m = message(IllegalArgumentException.class, () -> in.forward(Tensor.zeros(Layout.NC, 2, 3)));
    assertTrue(m.contains("more than 1 position"), m);
  }

  @Test
  void defaultsFollowPyTorch() {
    InstanceNorm in = InstanceNorm.builder(3).build();
    assertNull(in.weight());
    assertNull(in.runningMean());
    assertEquals(1e-5, in.eps());
    assertEquals(0.1, in.momentum());
    LayerNorm ln = LayerNorm.builder(5).build();
    assertArrayEquals(new float[] {1, 1, 1, 1, 1}, ln.weight().data());
    assertArrayEquals(new float[5], ln.bias().data());
    assertEquals(Math.ulp(1f), RmsNorm.builder(5).build().eps());
    GroupNorm gn = GroupNorm.builder(1, 2).optAffine(false).build();
    assertNull(gn.weight());
  }

  @Test
  void normalizedRowsHaveZeroMeanAndUnitVariance() {
    // Closed form: without affine, every row of the output has mean 0 and biased variance
    // var / (var + eps), about 1 for inputs of variance 4.
    Tensor y = LayerNorm.builder(50).optElementwiseAffine(false).build()
        .forward(Tensor.randn(3, 2f, 2f, Layout.ROW_MAJOR, 4, 50));
    for (int r = 0; r < 4; r++) {
      double s = 0;
      double s2 = 0;
      for (int i = 0; i < 50; i++) {
        s += y.data()[r * 50 + i];
        s2 += (double) y.data()[r * 50 + i] * y.data()[r * 50 + i];
      }
      assertEquals(0, s / 50, 1e-5);
      assertEquals(1, s2 / 50, 1e-4);
    }
  }

  @Test
  void weightGradientsAreIdenticalForOneAndTwoThreads() {
    int before = Parallel.threads();
    try {
      float[][] results = new float[2][];
      for (int t = 1; t <= 2; t++) {
        Parallel.setThreads(t);
        LayerNorm ln = LayerNorm.builder(40).build();
        ln.forward(Tensor.randn(5, Layout.ROW_MAJOR, 2000, 40)); // 5 chunks of 409 rows
        ln.backward(Tensor.randn(6, Layout.ROW_MAJOR, 2000, 40));
        results[t - 1] = ln.weightGrad().data();
      }
      assertArrayEquals(results[0], results[1]);
    } finally {
      Parallel.setThreads(before);
    }
  }

  @Test
  void outputBuffersAreFilledAndMayNotBeTheInput() {
    GroupNorm gn = GroupNorm.builder(2, 4).build();
    Tensor x = Tensor.randn(9, Layout.NHWC, 2, 3, 3, 4);
    Tensor out = x.zerosLike();
    Tensor expected = gn.forward(x);
    assertTrue(gn.forward(x, out) == out);
    assertArrayEquals(expected.data(), out.data());
    String m = message(IllegalArgumentException.class, () -> gn.forward(x, x));
    assertTrue(m.contains("out: expected a tensor other than the input"), m);
    m = message(IllegalArgumentException.class, () -> gn.forward(x, Tensor.zeros(Layout.NCHW, 2, 4, 3, 3)));
    assertTrue(m.contains("out"), m);
    Tensor dy = Tensor.randn(10, Layout.NHWC, 2, 3, 3, 4);
    Tensor dx = x.zerosLike();
    assertTrue(gn.backward(dy, dx) == dx);
    assertArrayEquals(gn.backward(dy).data(), dx.data());
  }

  @Test
  void gradientsAccumulateAcrossBackwardCalls() {
    GroupNorm gn = GroupNorm.builder(2, 4).build();
    Tensor x = Tensor.randn(7, Layout.NCL, 2, 4, 5);
    Tensor dy = Tensor.randn(8, Layout.NCL, 2, 4, 5);
    gn.forward(x);
    gn.backward(dy);
    float[] once = gn.weightGrad().data().clone();
    gn.backward(dy);
    for (int i = 0; i < once.length; i++) {
      assertEquals(2 * once[i], gn.weightGrad().data()[i], 1e-6 * Math.abs(once[i]) + 1e-7);
    }
  }
}
