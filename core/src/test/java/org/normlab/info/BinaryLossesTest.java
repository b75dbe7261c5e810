package org.normlab.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** Finite-difference gradient checks and edge cases of bce, bce with logits, kl_div and nll_loss. */
class BinaryLossesTest {
  static Tensor probabilities(long seed, int... dims) {
    Tensor t = Tensor.uniform(seed, 0.05f, 0.95f, Layout.ROW_MAJOR, dims);
    return t;
  }

  @Test
  void bceWithLogitsGradientMatchesFiniteDifferences() {
    Tensor x = Tensor.randn(1, 2f, 0f, Layout.ROW_MAJOR, 3, 4);
    Tensor y = probabilities(2, 3, 4);
    for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
      BinaryCrossEntropyWithLogits loss = BinaryCrossEntropyWithLogits.builder().optReduction(r)
          .optWeight(probabilities(3, 4)).optPosWeight(Tensor.of(new float[] {0.5f, 1f, 2f, 3f}, Layout.ROW_MAJOR, 4))
          .build();
      float[] grad = new float[12];
      loss.loss(x, y, grad);
      FiniteDifference.check("bce with logits " + r, grad, x.data(), 1e-2, 2e-4,
          d -> loss.loss(Tensor.wrap(d, Layout.ROW_MAJOR, 3, 4), y, null));
    }
  }

  @Test
  void bceWithLogitsIsStableAtHundred() {
    // x = 100, y = 0: loss = softplus(100) = 100 + log1p(e^-100) = 100; x = -100, y = 1: also 100
    Tensor x = Tensor.of(new float[] {100, -100, 100, -100}, Layout.ROW_MAJOR, 4);
    Tensor y = Tensor.of(new float[] {0, 1, 1, 0}, Layout.ROW_MAJOR, 4);
    float[] grad = new float[4];
    float[] l = BinaryCrossEntropyWithLogits.builder().optReduction(Reduction.NONE).build()
        .lossPerElement(x, y, null, grad);
    assertEquals(100f, l[0], 1e-4f);
    assertEquals(100f, l[1], 1e-4f);
    assertEquals(0f, l[2], 1e-30f);
    assertEquals(0f, l[3], 1e-30f);
    assertEquals(1f, grad[0], 0f);
    assertEquals(-1f, grad[1], 0f);
  }

  @Test
  void bceGradientMatchesFiniteDifferencesAndClampsAtHundred() {
    Tensor p = probabilities(4, 2, 5);
    Tensor y = probabilities(5, 2, 5);
    BinaryCrossEntropy loss = new BinaryCrossEntropy(Reduction.MEAN, probabilities(6, 5));
    float[] grad = new float[10];
    loss.loss(p, y, grad);
    FiniteDifference.check("bce", grad, p.data(), 1e-3, 1e-3,
        d -> loss.loss(Tensor.wrap(d, Layout.ROW_MAJOR, 2, 5), y, null));
    // p = 0 with y = 1: log 0 clamped to -100, so the loss is 100 (PyTorch's rule), not infinity
    double clamped = new BinaryCrossEntropy(Reduction.SUM, null).loss(
        Tensor.of(new float[] {0}, Layout.ROW_MAJOR, 1), Tensor.of(new float[] {1}, Layout.ROW_MAJOR, 1), null);
    assertEquals(100, clamped, 1e-9);
    CrossEntropyTest.assertMessage("probabilities[0]: expected a value in [0, 1], got 1.5",
        () -> loss.loss(Tensor.of(new float[] {1.5f}, Layout.ROW_MAJOR, 1), Tensor.zeros(Layout.ROW_MAJOR, 1), null));
  }

  @Test
  void klDivGradientAndReductions() {
    Tensor logQ = Tensor.randn(7, Layout.ROW_MAJOR, 3, 4);
    Tensor p = probabilities(8, 3, 4);
    for (boolean logTarget : new boolean[] {false, true}) {
      KlDiv loss = KlDiv.builder().optLogTarget(logTarget).build();
      float[] grad = new float[12];
      loss.loss(logQ, p, grad);
      FiniteDifference.check("kl_div logTarget=" + logTarget, grad, logQ.data(), 1e-2, 1e-4,
          d -> loss.loss(Tensor.wrap(d, Layout.ROW_MAJOR, 3, 4), p, null));
    }
    double sum = KlDiv.builder().optReduction(Reduction.SUM).build().loss(logQ, p, null);
    assertEquals(sum / 3, KlDiv.builder().build().loss(logQ, p, null), 1e-12, "batchmean = sum / N");
    assertEquals(sum / 12, KlDiv.builder().optReduction(Reduction.MEAN).build().loss(logQ, p, null), 1e-12,
        "mean = sum / (N*C)");
  }

  @Test
  void klDivOfDistributionsEqualsTheMeasure() {
    double[] p = {0.4, 0.3, 0.2, 0.1};
    double[] q = {0.25, 0.25, 0.25, 0.25};
    float[] logQ = new float[4];
    float[] pf = new float[4];
    for (int i = 0; i < 4; i++) {
      logQ[i] = (float) Math.log(q[i]);
      pf[i] = (float) p[i];
    }
    double loss = KlDiv.builder().build().loss(Tensor.wrap(logQ, Layout.ROW_MAJOR, 1, 4),
        Tensor.wrap(pf, Layout.ROW_MAJOR, 1, 4), null);
    assertEquals(Measures.kl(p, q, Unit.NATS), loss, 1e-6);
  }

  @Test
  void nllGradientMatchesFiniteDifferences() {
    Tensor logP = Tensor.randn(9, Layout.NC, 4, 3);
    int[] t = {2, -100, 0, 1};
    NllLoss loss = NllLoss.builder().optWeight(new float[] {0.5f, 1f, 2f}).build();
    float[] grad = new float[12];
    double value = loss.loss(logP, t, grad);
    // by hand: -(2 x[0,2] + 0.5 x[2,0] + 1 x[3,1]) / (2 + 0.5 + 1)
    float[] x = logP.data();
    assertEquals(-(2 * x[2] + 0.5 * x[6] + x[10]) / 3.5, value, 1e-6);
    FiniteDifference.check("nll", grad, logP.data(), 1e-2, 1e-5,
        d -> loss.loss(Tensor.wrap(d, Layout.NC, 4, 3), t, null));
    assertTrue(Double.isNaN(loss.loss(logP, new int[] {-100, -100, -100, -100}, null)),
        "all targets ignored: 0/0 = NaN, as in PyTorch");
  }

  /** Blocks of fixed size, summed in block order: the same loss and gradient bits for 1 and 2 threads. */
  @Test
  void bceWithLogitsAndKlDivDoNotDependOnThreads() {
    Tensor x = Tensor.randn(7, 3f, 0f, Layout.ROW_MAJOR, 70_001);
    Tensor y = probabilities(8, 70_001);
    Tensor logQ = Tensor.uniform(9, -12f, 0f, Layout.ROW_MAJOR, 70_001);
    BinaryCrossEntropyWithLogits bce = BinaryCrossEntropyWithLogits.builder().build();
    KlDiv kl = KlDiv.builder().build();
    int before = org.normlab.kernels.Parallel.threads();
    double[] loss = new double[4];
    float[][] grad = new float[4][x.size()];
    try {
      for (int threads = 1; threads <= 2; threads++) {
        org.normlab.kernels.Parallel.setThreads(threads);
        loss[2 * threads - 2] = bce.loss(x, y, grad[2 * threads - 2]);
        loss[2 * threads - 1] = kl.loss(logQ, y, grad[2 * threads - 1]);
      }
    } finally {
      org.normlab.kernels.Parallel.setThreads(before);
    }
    assertEquals(loss[0], loss[2], 0.0, "bce with logits");
    assertEquals(loss[1], loss[3], 0.0, "kl_div");
    org.normlab.tensor.AllClose.assertAllClose(grad[2], grad[0], 0, 0, "bce with logits gradient");
    org.normlab.tensor.AllClose.assertAllClose(grad[3], grad[1], 0, 0, "kl_div gradient");
  }
}
