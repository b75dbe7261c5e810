package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** BatchNorm beyond the golden cases: gradient checks per mode, switches, conventions, errors. */
class BatchNormTest {

  private static BatchNorm layer(int channels, boolean affine, boolean relu) {
    BatchNorm bn = BatchNorm.builder(channels).optAffine(affine).optFusedRelu(relu).build();
    if (affine) {
      bn.loadAffine(Tensor.uniform(11, 0.5f, 1.5f, Layout.ROW_MAJOR, channels),
          Tensor.uniform(12, -0.5f, 0.5f, Layout.ROW_MAJOR, channels));
    }
    bn.loadRunningStats(Tensor.uniform(13, -0.3f, 0.3f, Layout.ROW_MAJOR, channels),
        Tensor.uniform(14, 0.5f, 1.5f, Layout.ROW_MAJOR, channels));
    return bn;
  }

  @ParameterizedTest(name = "{0} training={1} affine={2} relu={3}")
  @CsvSource({
      "NC, true, true, false", "NC, true, false, false", "NC, false, true, false",
      "NC, false, false, false", "NCL, true, true, false", "NLC, true, true, false",
      "NCHW, true, true, false", "NHWC, true, false, false", "NCHW, false, true, false",
      "NHWC, false, true, false", "NCDHW, true, true, false", "NDHWC, true, true, false",
      "NC, true, true, true", "NCHW, true, true, true", "NHWC, true, false, true",
      "NCHW, false, true, true", "NLC, false, false, true"})
  void backwardMatchesFiniteDifferences(Layout layout, boolean training, boolean affine,
      boolean relu) {
    int[] dims = switch (layout) {
      case NC -> new int[] {6, 3};
      case NCL -> new int[] {3, 2, 4};
      case NLC -> new int[] {3, 4, 2};
      case NCHW -> new int[] {2, 3, 2, 3};
      case NHWC -> new int[] {2, 2, 3, 3};
      case NCDHW -> new int[] {2, 2, 2, 2, 2};
      default -> new int[] {2, 2, 2, 2, 2};
    };
    BatchNorm bn = layer(dims[layout.channelAxis()], affine, relu);
    bn.setTraining(training);
    BatchNormGradCheck.check(bn, Tensor.randn(7, layout, dims), 8);
  }

  @Test
  void untrackedEvalUsesBatchStatisticsAndTheirGradient() {
    BatchNorm bn = BatchNorm.builder(3).optTrackRunningStats(false).build();
    bn.setTraining(false);
    Tensor x = Tensor.randn(21, Layout.NCL, 4, 3, 2);
    Tensor y = bn.forward(x);
    Tensor expected = BatchNorm.trainForward(x, null, null, 1e-5);
    AllClose.assertAllClose(y, expected, 0, 0, "untracked eval = batch statistics");
    assertNull(bn.runningMean());
    BatchNormGradCheck.check(bn, x, 22);
  }

  @Test
  void gradientsAccumulateUntilZeroed() {
    BatchNorm bn = layer(3, true, false);
    Tensor x = Tensor.randn(31, Layout.NC, 5, 3);
    Tensor dy = Tensor.randn(32, Layout.NC, 5, 3);
    bn.forward(x);
    bn.backward(dy);
    float[] once = bn.weightGrad().data().clone();
    bn.backward(dy);
    for (int i = 0; i < once.length; i++) {
      assertEquals(2 * once[i], bn.weightGrad().data()[i], 1e-6f * Math.abs(once[i]) + 1e-7f);
    }
    bn.zeroGrad();
    assertArrayEquals(new float[3], bn.weightGrad().data());
  }

  @Test
  void frozenAffineLeavesGradientsAndStillReturnsDx() {
    BatchNorm bn = layer(3, true, false);
    bn.setTrainAffine(false);
    Tensor x = Tensor.randn(41, Layout.NC, 5, 3);
    bn.forward(x);
    Tensor dx = bn.backward(Tensor.randn(42, Layout.NC, 5, 3));
    assertArrayEquals(new float[3], bn.weightGrad().data());
    assertArrayEquals(new float[3], bn.biasGrad().data());
    assertTrue(Math.abs(dx.data()[0]) > 0);
  }

  @Test
  void runningStatsUpdateOnlyWhenSwitchedOn() {
    BatchNorm bn = layer(2, true, false);
    float[] before = bn.runningMean().data().clone();
    bn.setUpdateRunningStats(false);
    bn.forward(Tensor.randn(51, 3f, 1f, Layout.NC, 8, 2));
    assertArrayEquals(before, bn.runningMean().data());
    assertEquals(0, bn.numBatchesTracked());
    bn.setUpdateRunningStats(true);
    bn.forward(Tensor.randn(51, 3f, 1f, Layout.NC, 8, 2));
    assertEquals(1, bn.numBatchesTracked());
    assertTrue(bn.runningMean().data()[0] > before[0] + 0.2f);
    bn.setTraining(false);
    float[] trained = bn.runningMean().data().clone();
    bn.forward(Tensor.randn(52, Layout.NC, 8, 2));
    assertArrayEquals(trained, bn.runningMean().data(), "eval forward never updates");
  }

  @Test
  void cumulativeMomentumIsTheAverageOfBatchStatistics() {
    BatchNorm bn = BatchNorm.builder(1).optCumulativeMomentum().build();
    double sumMeans = 0;
    double sumUnbiased = 0;
    for (int step = 0; step < 4; step++) {
      Tensor x = Tensor.randn(60 + step, step, 1f + step, Layout.NC, 10, 1);
      MergeableStats s = new MergeableStats(1);
      for (float v : x.data()) {
        s.add(new double[] {v});
      }
      sumMeans += s.mean(0);
      sumUnbiased += s.variance(0, 1);
      bn.forward(x);
    }
    // With factor 1/k at step k the first step replaces the initial values entirely.
    assertEquals(sumMeans / 4, bn.runningMean().data()[0], 1e-5);
    assertEquals(sumUnbiased / 4, bn.runningVar().data()[0], 1e-5);
    assertEquals(4, bn.numBatchesTracked());
  }

  @Test
  void kerasConventionUsesBiasedVarianceDecayAndEps() {
    BatchNorm keras = BatchNorm.builder(1).optConvention(BatchNormConvention.KERAS).build();
    assertEquals(1e-3, keras.eps());
    assertEquals(0.01, keras.momentum(), 1e-15);
    assertEquals(0.01, BatchNormConvention.momentumFromKerasDecay(0.99), 1e-15);
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, Layout.NC, 4, 1);
    keras.forward(x);
    // Keras: r <- 0.99*r + 0.01*s, biased variance of {1,2,3,4} = 1.25, mean 2.5.
    assertEquals(0.99 * 1 + 0.01 * 1.25, keras.runningVar().data()[0], 1e-6);
    assertEquals(0.01 * 2.5, keras.runningMean().data()[0], 1e-7);
    BatchNorm explicit = BatchNorm.builder(1).optConvention(BatchNormConvention.KERAS).optEps(1e-5)
        .optMomentum(0.5).build();
    assertEquals(1e-5, explicit.eps());
    assertEquals(0.5, explicit.momentum());
  }

  @Test
  void oneValuePerChannelInTrainingIsAnErrorThatSuggestsEvalOrGroupNorm() {
    BatchNorm bn = BatchNorm.builder(4).build();
    var e = assertThrows(IllegalArgumentException.class,
        () -> bn.forward(Tensor.randn(1, Layout.NC, 1, 4)));
    assertTrue(e.getMessage().contains(Tensor.zeros(Layout.NC, 1, 4).shape().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("eval mode") && e.getMessage().contains("GroupNorm"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> bn.forward(Tensor.randn(1, Layout.NCHW, 1, 4, 1, 1)));
    bn.setTraining(false);
    Tensor y = bn.forward(Tensor.randn(1, Layout.NC, 1, 4));
    for (float v : y.data()) {
      assertTrue(Float.isFinite(v));
    }
  }

  @Test
  void wrongChannelsOrLayoutNameBothValues() {
    BatchNorm bn = BatchNorm.builder(64).build();
    var e = assertThrows(IllegalArgumentException.class,
        () -> bn.forward(Tensor.zeros(Layout.NCHW, 2, 32, 3, 3)));
    assertTrue(e.getMessage().contains("channels: expected 64, got 32"), e.getMessage());
    var r = assertThrows(IllegalArgumentException.class,
        () -> bn.forward(Tensor.zeros(Layout.ROW_MAJOR, 2, 64)));
    assertTrue(r.getMessage().contains("ROW_MAJOR"), r.getMessage());
    assertThrows(IllegalStateException.class, () -> bn.backward(Tensor.zeros(Layout.NC, 2, 64)));
    bn.forward(Tensor.randn(3, Layout.NC, 2, 64));
    var g = assertThrows(IllegalArgumentException.class, () -> bn.backward(Tensor.zeros(Layout.NC, 3, 64)));
    assertTrue(g.getMessage().startsWith("grad_output"), g.getMessage());
  }

  @Test
  void builderRejectsBadOptions() {
    assertThrows(IllegalArgumentException.class, () -> BatchNorm.builder(0));
    assertThrows(IllegalArgumentException.class, () -> BatchNorm.builder(2).optEps(-1));
    assertThrows(IllegalArgumentException.class, () -> BatchNorm.builder(2).optMomentum(1.5));
    assertThrows(IllegalArgumentException.class, () -> BatchNorm.builder(2).optMomentum(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> BatchNorm.builder(2).optRenorm(0.5, 0));
    assertThrows(IllegalArgumentException.class,
        () -> BatchNorm.builder(2).optRenorm(2, 1).optTrackRunningStats(false).build());
  }

  @Test
  void nonFiniteStatisticsSkipAndCountTheRunningUpdate() {
    BatchNorm bn = BatchNorm.builder(2).build();
    Tensor x = Tensor.randn(71, Layout.NC, 4, 2);
    x.data()[3] = Float.NaN;
    bn.forward(x);
    assertEquals(1, bn.skippedUpdates());
    assertEquals(0, bn.numBatchesTracked());
    assertArrayEquals(new float[] {0, 0}, bn.runningMean().data());
    assertArrayEquals(new float[] {1, 1}, bn.runningVar().data());
    x.data()[3] = Float.POSITIVE_INFINITY;
    bn.forward(x);
    assertEquals(2, bn.skippedUpdates());
    bn.forward(Tensor.randn(72, Layout.NC, 4, 2));
    assertEquals(2, bn.skippedUpdates());
    assertEquals(1, bn.numBatchesTracked());
  }

  @Test
  void functionalEvalForwardMatchesTheFormula() {
    Tensor x = Tensor.randn(81, Layout.NHWC, 2, 2, 2, 3);
    Tensor rm = Tensor.vector(0.5f, -1f, 2f);
    Tensor rv = Tensor.vector(1f, 4f, 0.25f);
    Tensor w = Tensor.vector(2f, 1f, -1f);
    Tensor b = Tensor.vector(0f, 1f, 3f);
    Tensor y = BatchNorm.evalForward(x, rm, rv, w, b, 0);
    for (int i = 0; i < x.size(); i++) {
      int ch = i % 3;
      double want = w.data()[ch] * (x.data()[i] - rm.data()[ch]) / Math.sqrt(rv.data()[ch]) + b.data()[ch];
      assertEquals(want, y.data()[i], 1e-5);
    }
  }
}
