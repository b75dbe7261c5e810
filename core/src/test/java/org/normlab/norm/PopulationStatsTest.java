package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

class PopulationStatsTest {

  /** Batches of NHWC data whose channel ch has mean ch and std 1 + ch, shifted per batch. */
  private static Tensor batch(int b) {
    Tensor x = Tensor.randn(100 + b, Layout.NHWC, 4, 3, 3, 2);
    for (int i = 0; i < x.size(); i++) {
      int ch = i % 2;
      x.data()[i] = x.data()[i] * (1 + ch) + ch + 0.1f * b;
    }
    return x;
  }

  @Test
  void estimatesMatchDirectComputationOverAllBatches() {
    PopulationStats ps = new PopulationStats(2);
    MergeableStats direct = new MergeableStats(2);
    double[] sumMeans = new double[2];
    double[] sumVars = new double[2];
    int m = 4 * 3 * 3;
    for (int b = 0; b < 5; b++) {
      Tensor x = batch(b);
      ps.add(x);
      MergeableStats one = new MergeableStats(2);
      for (int i = 0; i < x.size(); i += 2) {
        double[] sample = {x.data()[i], x.data()[i + 1]};
        direct.add(sample);
        one.add(sample);
      }
      for (int ch = 0; ch < 2; ch++) {
        sumMeans[ch] += one.mean(ch);
        sumVars[ch] += one.variance(ch, 0);
      }
    }
    assertEquals(5, ps.batches());
    for (int ch = 0; ch < 2; ch++) {
      // Algorithm 2: E[x] = mean of batch means; Var[x] = m/(m-1) * mean of batch variances.
      assertEquals(sumMeans[ch] / 5, ps.algorithm2Mean()[ch], 1e-12);
      assertEquals((double) m / (m - 1) * sumVars[ch] / 5, ps.algorithm2Variance()[ch], 1e-12);
      assertEquals(direct.mean(ch), ps.pooled().mean(ch), 1e-12);
      assertEquals(direct.variance(ch, 1), ps.pooled().variance(ch, 1), 1e-11);
    }
    BatchNorm bn = BatchNorm.builder(2).build();
    ps.applyTo(bn, PopulationStats.Estimate.POOLED);
    assertEquals(direct.variance(1, 1), bn.runningVar().data()[1], 1e-5);
    assertEquals(direct.mean(1), bn.runningMean().data()[1], 1e-6);
    ps.applyTo(bn, PopulationStats.Estimate.ALGORITHM_2);
    assertEquals(ps.algorithm2Variance()[0], bn.runningVar().data()[0], 1e-6);
    BatchNorm keras = BatchNorm.builder(2).optConvention(BatchNormConvention.KERAS).build();
    ps.applyTo(keras, PopulationStats.Estimate.POOLED);
    assertEquals(direct.variance(1, 0), keras.runningVar().data()[1], 1e-5);
  }

  @Test
  void rejectsEmptyAndMismatchedInput() {
    PopulationStats ps = new PopulationStats(3);
    assertThrows(IllegalStateException.class, ps::algorithm2Mean);
    assertThrows(IllegalArgumentException.class, () -> ps.add(Tensor.zeros(Layout.NC, 4, 2)));
    assertThrows(IllegalArgumentException.class, () -> ps.add(Tensor.zeros(Layout.NC, 1, 3)));
    ps.add(Tensor.randn(1, Layout.NC, 4, 3));
    assertThrows(IllegalArgumentException.class,
        () -> ps.applyTo(BatchNorm.builder(2).build(), PopulationStats.Estimate.POOLED));
  }
}
