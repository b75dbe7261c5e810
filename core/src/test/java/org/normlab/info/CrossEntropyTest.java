package org.normlab.info;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

class CrossEntropyTest {

  @Test
  void handComputedValueAndGradient() {
    // logits (1, 3) = [1, 2, 3], target 2: loss = log(e + e^2 + e^3) - 3 = 0.4076059644 (by hand)
    Tensor logits = Tensor.of(new float[] {1, 2, 3}, Layout.NC, 1, 3);
    float[] grad = new float[3];
    double loss = CrossEntropy.lossAndGrad(logits, new int[] {2}, grad);
    assertEquals(0.4076059644, loss, 1e-7);
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertArrayEquals(new float[] {(float) (Math.exp(1) / z), (float) (Math.exp(2) / z),
        (float) (Math.exp(3) / z - 1)}, grad, 1e-6f);
  }

  @Test
  void meanFastPathGradientMatchesFiniteDifferences() {
    Tensor logits = Tensor.randn(7, Layout.NC, 5, 7);
    int[] targets = {0, 6, 3, 3, 1};
    float[] grad = new float[logits.size()];
    CrossEntropy.lossAndGrad(logits, targets, grad);
    FiniteDifference.check("mean", grad, logits.data(), 1e-2, 2e-4,
        x -> CrossEntropy.lossAndGrad(Tensor.wrap(x, Layout.NC, 5, 7), targets, null));
  }

  @Test
  void weightedSmoothedIgnoredGradientMatchesFiniteDifferences() {
    float[] weight = {0.5f, 2f, 1f, 0.25f};
    for (Reduction reduction : new Reduction[] {Reduction.SUM, Reduction.MEAN}) {
      CrossEntropy ce = CrossEntropy.builder().optReduction(reduction).optWeight(weight)
          .optIgnoreIndex(1).optLabelSmoothing(0.2f).build();
      Tensor logits = Tensor.randn(11, Layout.NC, 6, 4);
      int[] targets = {3, 1, 0, 2, 1, 3};
      float[] grad = new float[logits.size()];
      ce.loss(logits, targets, grad);
      for (int j = 0; j < 4; j++) {
        assertEquals(0f, grad[4 + j], "ignored row has no gradient");
      }
      FiniteDifference.check(reduction.torchName(), grad, logits.data(), 1e-2, 3e-4,
          x -> ce.loss(Tensor.wrap(x, Layout.NC, 6, 4), targets, null));
    }
  }

  @Test
  void perSampleGradientIsTheGradientOfTheWeightedSum() {
    CrossEntropy ce = CrossEntropy.builder().optReduction(Reduction.NONE).optLabelSmoothing(0.1f).build();
    Tensor logits = Tensor.randn(3, Layout.NCL, 2, 5, 3);
    int[] targets = {4, 0, 2, 1, -100, 3};
    float[] up = {0.5f, -1f, 2f, 1f, 3f, 0.25f};
    float[] grad = new float[logits.size()];
    float[] losses = ce.lossPerSample(logits, targets, up, grad);
    assertEquals(6, losses.length);
    assertEquals(0f, losses[4], "ignored sample");
    FiniteDifference.check("none", grad, logits.data(), 1e-2, 3e-4, x -> {
      float[] l = ce.lossPerSample(Tensor.wrap(x, Layout.NCL, 2, 5, 3), targets, null, null);
      double s = 0;
      for (int i = 0; i < l.length; i++) {
        s += up[i] * l[i];
      }
      return s;
    });
  }

  @Test
  void probabilityTargetsGradientMatchesFiniteDifferences() {
    CrossEntropy ce = CrossEntropy.builder().optWeight(new float[] {1, 2, 0.5f})
        .optLabelSmoothing(0.1f).build();
    Tensor logits = Tensor.randn(5, Layout.NC, 4, 3);
    Tensor probs = Tensor.of(new float[] {1, 0, 0, 0.2f, 0.3f, 0.5f, 0, 0, 1, 0.5f, 0.5f, 0}, Layout.NC, 4, 3);
    float[] grad = new float[logits.size()];
    ce.loss(logits, probs, grad);
    FiniteDifference.check("prob", grad, logits.data(), 1e-2, 3e-4,
        x -> ce.loss(Tensor.wrap(x, Layout.NC, 4, 3), probs, null));
  }

  @Test
  void oneHotProbabilitiesEqualIndexTargets() {
    Tensor logits = Tensor.randn(9, Layout.NC, 3, 4);
    int[] targets = {2, 0, 3};
    Tensor oneHot = Tensor.zeros(Layout.NC, 3, 4);
    for (int r = 0; r < 3; r++) {
      oneHot.set(1f, r, targets[r]);
    }
    CrossEntropy ce = CrossEntropy.builder().optLabelSmoothing(0.2f).build();
    float[] g1 = new float[12];
    float[] g2 = new float[12];
    assertEquals(ce.loss(logits, targets, g1), ce.loss(logits, oneHot, g2), 1e-6);
    AllClose.assertAllClose(g1, g2, 1e-5, 1e-7, "gradients");
  }

  @Test
  void channelsLastSpatialEqualsChannelsFirst() {
    Tensor first = Tensor.randn(4, Layout.NCHW, 2, 5, 3, 2);
    Tensor last = first.toChannelsLast();
    int[] targets = new int[12];
    for (int i = 0; i < 12; i++) {
      targets[i] = (i * 7) % 5;
    }
    CrossEntropy ce = CrossEntropy.builder().build();
    float[] gFirst = new float[first.size()];
    float[] gLast = new float[last.size()];
    assertEquals(ce.loss(first, targets, gFirst), ce.loss(last, targets, gLast), 1e-6);
    Tensor back = Tensor.wrap(gLast, Layout.NHWC, 2, 3, 2, 5).toChannelsFirst();
    AllClose.assertAllClose(back.data(), gFirst, 1e-6, 1e-8, "gradient");
  }

  /**
   * The per-row scales of a block are reused from call to call on each thread: a call whose rows
   * are ignored must not see the scales an earlier call left there. The same call on a fresh
   * thread (clean buffers) gives bitwise the same loss and gradient.
   */
  @Test
  void reusedBlockRowsCarryNothingOverFromAnEarlierCall() throws Exception {
    Tensor logits = Tensor.randn(9, Layout.NC, 3000, 10);
    int[] all = new int[3000];
    int[] someIgnored = new int[3000];
    for (int i = 0; i < all.length; i++) {
      all[i] = (i * 7) % 10;
      someIgnored[i] = i % 3 == 0 ? 1 : all[i];
    }
    CrossEntropy ce = CrossEntropy.builder().optIgnoreIndex(1).optLabelSmoothing(0.1f).build();
    CrossEntropy plain = CrossEntropy.builder().optLabelSmoothing(0.1f).build();
    float[] grad = new float[logits.size()];
    plain.loss(logits, all, new float[logits.size()]);
    double loss = ce.loss(logits, someIgnored, grad);
    float[] freshGrad = new float[logits.size()];
    double[] freshLoss = new double[1];
    Thread fresh = new Thread(() -> freshLoss[0] = ce.loss(logits, someIgnored, freshGrad));
    fresh.start();
    fresh.join();
    assertEquals(freshLoss[0], loss, 0.0);
    assertArrayEquals(freshGrad, grad);
    for (int c = 0; c < 10; c++) {
      assertEquals(0f, grad[3 * 10 + c], "ignored row 3, class " + c);
    }
  }

  @Test
  void largeLogitsStayFinite() {
    Tensor logits = Tensor.of(new float[] {1000, -1000, 0, 999}, Layout.NC, 2, 2);
    float[] grad = new float[4];
    double loss = CrossEntropy.lossAndGrad(logits, new int[] {1, 1}, grad);
    // row 0: lse = 1000, loss 2000; row 1: lse = 999 + log(1 + e^-999) = 999, loss 0; mean 1000
    assertEquals(1000, loss, 1e-3);
    for (float g : grad) {
      assertTrue(Float.isFinite(g));
    }
  }

  @Test
  void resultDoesNotDependOnThreads() {
    Tensor logits = Tensor.randn(2, Layout.NC, 5000, 10);
    int[] targets = new int[5000];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = i % 10;
    }
    int before = Parallel.threads();
    try {
      Parallel.setThreads(1);
      float[] gradOne = new float[logits.size()];
      double one = CrossEntropy.lossAndGrad(logits, targets, gradOne);
      Parallel.setThreads(2);
      float[] gradTwo = new float[logits.size()];
      assertEquals(one, CrossEntropy.lossAndGrad(logits, targets, gradTwo), 0.0);
      AllClose.assertAllClose(gradTwo, gradOne, 0, 0, "gradient with 2 threads");
    } finally {
      Parallel.setThreads(before);
    }
  }

  @Test
  void badInputsNameTheArgument() {
    Tensor logits = Tensor.randn(1, Layout.NC, 2, 3);
    assertMessage("targets[1]: expected a class in [0, 3) or ignore_index -100, got 3",
        () -> CrossEntropy.lossAndGrad(logits, new int[] {0, 3}, null));
    assertMessage("targets: expected 2 class indices, got 1",
        () -> CrossEntropy.lossAndGrad(logits, new int[] {0}, null));
    assertMessage("gradLogits: expected 6 elements, got 5",
        () -> CrossEntropy.lossAndGrad(logits, new int[] {0, 1}, new float[5]));
    assertMessage("weight: expected 3 class weights, got 2",
        () -> CrossEntropy.builder().optWeight(new float[] {1, 1}).build().loss(logits, new int[] {0, 1}, null));
    assertMessage("labelSmoothing: expected a value in [0, 1], got 1.5",
        () -> CrossEntropy.builder().optLabelSmoothing(1.5f));
    assertMessage("reduction: expected sum or mean for loss(...), got none; call lossPerSample(...)",
        () -> CrossEntropy.builder().optReduction(Reduction.NONE).build().loss(logits, new int[] {0, 1}, null));
  }

  static void assertMessage(String expected, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertEquals(expected, e.getMessage());
  }
}
