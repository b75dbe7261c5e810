package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** Batch Renormalization (Ioffe 2017) as a BatchNorm option. */
class BatchRenormTest {
  private static final float[] RUNNING_MEAN = {2f, -0.1f, 0f};
  private static final float[] RUNNING_VAR = {4f, 1.1f, 0.04f};

  private static BatchNorm renorm(double rmax, double dmax) {
    BatchNorm bn = BatchNorm.builder(3).optRenorm(rmax, dmax).build();
    bn.loadAffine(Tensor.vector(1.5f, 0.5f, -1f), Tensor.vector(0.2f, 0f, -0.3f));
    bn.loadRunningStats(Tensor.vector(RUNNING_MEAN), Tensor.vector(RUNNING_VAR));
    return bn;
  }

  @Test
  void rmaxOneAndDmaxZeroIsPlainBatchNorm() {
    BatchNorm plain = BatchNorm.builder(3).build();
    plain.loadAffine(Tensor.vector(1.5f, 0.5f, -1f), Tensor.vector(0.2f, 0f, -0.3f));
    plain.loadRunningStats(Tensor.vector(RUNNING_MEAN), Tensor.vector(RUNNING_VAR));
    BatchNorm re = renorm(1, 0);
    for (Layout layout : new Layout[] {Layout.NCHW, Layout.NHWC}) {
      int[] dims = layout == Layout.NCHW ? new int[] {2, 3, 4, 5} : new int[] {2, 4, 5, 3};
      Tensor x = Tensor.randn(1, layout, dims);
      Tensor dy = Tensor.randn(2, layout, dims);
      assertArrayEquals(plain.forward(x).data(), re.forward(x).data());
      assertArrayEquals(plain.backward(dy).data(), re.backward(dy).data());
      assertArrayEquals(plain.weightGrad().data(), re.weightGrad().data());
      assertArrayEquals(plain.biasGrad().data(), re.biasGrad().data());
      assertArrayEquals(plain.runningVar().data(), re.runningVar().data());
    }
  }

  @Test
  void forwardClipsRAndDAsInThePaper() {
    BatchNorm bn = renorm(1.5, 0.5);
    Tensor x = Tensor.randn(3, Layout.NC, 50, 3);
    Tensor y = bn.forward(x);
    float[] gamma = bn.weight().data();
    float[] beta = bn.bias().data();
    for (int ch = 0; ch < 3; ch++) {
      MergeableStats s = new MergeableStats(1);
      for (int i = 0; i < 50; i++) {
        s.add(new double[] {x.data()[i * 3 + ch]});
      }
      double sigmaB = Math.sqrt(s.variance(0, 0) + 1e-5);
      double sigma = Math.sqrt(RUNNING_VAR[ch] + 1e-5);
      double r = Math.max(1 / 1.5, Math.min(1.5, sigmaB / sigma));
      double d = Math.max(-0.5, Math.min(0.5, (s.mean(0) - RUNNING_MEAN[ch]) / sigma));
      for (int i = 0; i < 50; i++) {
        double xhat = (x.data()[i * 3 + ch] - s.mean(0)) / sigmaB * r + d;
        assertEquals(gamma[ch] * xhat + beta[ch], y.data()[i * 3 + ch], 1e-5, "channel " + ch);
      }
    }
  }

  @Test
  void gradientsTreatRAndDAsConstants() {
    // Running statistics far from the batch's: r and d sit at their clip limits, so they are
    // locally constant and finite differences of the whole forward see the same gradient.
    for (Layout layout : new Layout[] {Layout.NC, Layout.NCHW, Layout.NHWC}) {
      int[] dims = switch (layout) {
        case NC -> new int[] {6, 3};
        case NCHW -> new int[] {2, 3, 2, 2};
        default -> new int[] {2, 2, 2, 3};
      };
      BatchNorm bn = BatchNorm.builder(3).optRenorm(1.2, 0.1).build();
      bn.loadAffine(Tensor.vector(1.5f, 0.5f, -1f), Tensor.vector(0.2f, 0f, -0.3f));
      bn.loadRunningStats(Tensor.vector(3f, -3f, 3f), Tensor.vector(9f, 16f, 0.01f));
      BatchNormGradCheck.check(bn, Tensor.randn(4, layout, dims), 5);
    }
  }

  @Test
  void limitsChangePerStepAndEvalUsesRunningStatistics() {
    BatchNorm bn = renorm(1, 0);
    Tensor x = Tensor.randn(6, Layout.NC, 8, 3);
    float[] plain = bn.setUpdateRunningStats(false).forward(x).data().clone();
    bn.setRenormLimits(3, 5);
    assertEquals(3, bn.renormRmax());
    float[] relaxed = bn.forward(x).data();
    assertEquals(false, java.util.Arrays.equals(plain, relaxed));
    bn.setTraining(false);
    Tensor eval = bn.forward(x);
    Tensor expected = BatchNorm.evalForward(x, Tensor.vector(RUNNING_MEAN), Tensor.vector(RUNNING_VAR),
        bn.weight(), bn.bias(), 1e-5);
    assertArrayEquals(expected.data(), eval.data());
    assertThrows(IllegalArgumentException.class, () -> bn.setRenormLimits(0.9, 0));
    assertThrows(IllegalStateException.class, () -> BatchNorm.builder(2).build().setRenormLimits(2, 1));
  }
}
