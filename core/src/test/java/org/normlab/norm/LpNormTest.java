package org.normlab.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.normlab.norm.LpNorm.Kind;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Lp normalization: forward against a direct double-precision evaluation of the class formulas,
 * layouts against each other, and backward against finite differences.
 */
class LpNormTest {

  /**
   * Normal values kept at least 0.1 away from 0 (|x| has a kink there) with one clear maximum of
   * |x| per channel (LINF's subgradient is exact away from ties), in channels-first order.
   */
  static Tensor input(long seed, Layout layout, int... dims) {
    Tensor x = Tensor.randn(seed, 0.3f, 1.5f, layout, dims);
    float[] d = x.data();
    for (int i = 0; i < d.length; i++) {
      d[i] += d[i] < 0 ? -0.1f : 0.1f;
    }
    int c = x.channels();
    for (int ch = 0; ch < c; ch++) {
      // The first sample's first position of each channel, in either memory order.
      int at = layout.isChannelsLast() ? ch : ch * x.spatialSize();
      d[at] = 8f + ch;
    }
    return x;
  }

  /** (x - mean) / s * w + b per channel of a channels-first tensor, in double. */
  static double[] reference(Tensor x, Kind kind, double eps, float[] w, float[] b) {
    int n = x.batch();
    int c = x.channels();
    int s = x.spatialSize();
    double[] out = new double[x.size()];
    for (int ch = 0; ch < c; ch++) {
      double sum = 0;
      double l1 = 0;
      double l2 = 0;
      double linf = 0;
      for (int i = 0; i < n; i++) {
        for (int p = 0; p < s; p++) {
          double v = x.data()[(i * c + ch) * s + p];
          sum += v;
          l1 += Math.abs(v);
          l2 += v * v;
          linf = Math.max(linf, Math.abs(v));
        }
      }
      double m = (double) n * s;
      double size = switch (kind) {
        case L1 -> l1 / m + eps;
        case L2 -> Math.sqrt(l2 / m + eps);
        case LINF -> linf + eps;
      };
      for (int i = 0; i < n; i++) {
        for (int p = 0; p < s; p++) {
          int at = (i * c + ch) * s + p;
          out[at] = (x.data()[at] - sum / m) / size * w[ch] + b[ch];
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void forwardMatchesTheFormulaInEveryLayout(Kind kind) {
    Tensor x = input(1, Layout.NCHW, 3, 4, 2, 3);
    LpNorm lp = LpNorm.builder(4, kind).build();
    NormFamilyGradientTest.randomize(lp.weight(), 2, 1f, 0.5f);
    NormFamilyGradientTest.randomize(lp.bias(), 3, 0f, 0.3f);
    double[] expected = reference(x, kind, lp.eps(), lp.weight().data(), lp.bias().data());
    Tensor y = lp.forward(x);
    double[] actual = new double[y.size()];
    for (int i = 0; i < actual.length; i++) {
      actual[i] = y.data()[i];
    }
    AllClose.assertAllClose(actual, expected, 1e-5, 1e-6, kind + " NCHW forward");
    Tensor yLast = lp.forward(x.toChannelsLast()).toChannelsFirst();
    AllClose.assertAllClose(yLast.data(), y.data(), 1e-6, 1e-7, kind + " NHWC vs NCHW");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void backwardMatchesFiniteDifferences(Kind kind) {
    for (Tensor x : new Tensor[] {input(4, Layout.NC, 6, 3), input(5, Layout.NHWC, 2, 2, 3, 3)}) {
      LpNorm lp = LpNorm.builder(3, kind).build();
      NormFamilyGradientTest.randomize(lp.weight(), 6, 1f, 0.5f);
      NormFamilyGradientTest.randomize(lp.bias(), 7, 0f, 0.3f);
      NormFamilyGradientTest.check("LpNorm " + kind + " " + x.layout(), lp::forward, lp::backward,
          x, Map.of("weight", new float[][] {lp.weight().data(), lp.weightGrad().data()},
              "bias", new float[][] {lp.bias().data(), lp.biasGrad().data()}));
    }
  }

  @Test
  void evaluationUsesRunningStatisticsAndItsGradient() {
    LpNorm lp = LpNorm.builder(3, Kind.L2).build();
    Tensor x = input(8, Layout.NCL, 4, 3, 5);
    lp.forward(x);
    // After one training step from (0, 1): running = 0.9 * initial + 0.1 * batch.
    float[] rm = lp.runningMean().data().clone();
    assertTrue(rm[0] != 0f);
    lp.setTraining(false);
    NormFamilyGradientTest.randomize(lp.weight(), 9, 1f, 0.5f);
    NormFamilyGradientTest.check("LpNorm eval", lp::forward, lp::backward, x,
        Map.of("weight", new float[][] {lp.weight().data(), lp.weightGrad().data()}));
    Tensor y = lp.forward(x);
    double expected = (x.data()[0] - rm[0]) / lp.runningScale().data()[0] * lp.weight().data()[0];
    assertEquals(expected, y.data()[0], 1e-5);
  }

  @Test
  void trainingWithOneValuePerChannelIsAnError() {
    LpNorm lp = LpNorm.builder(3, Kind.L1).build();
    String m = assertThrows(IllegalArgumentException.class,
        () -> lp.forward(Tensor.zeros(Layout.NC, 1, 3))).getMessage();
    assertTrue(m.contains("more than one value per channel"), m);
  }
}
