package org.normlab.lab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.normlab.nn.Parameter;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** The probes measure what their definitions say and leave the network as they found it. */
class ProbesTest {
  static Net deepLinear(NormFactory norm, int layers) {
    int[] widths = new int[layers + 1];
    java.util.Arrays.fill(widths, 4);
    return Mlp.builder(widths).optActivation(Mlp.Activation.IDENTITY).optBias(false).optNorm(norm).optSeed(3).build();
  }

  static List<float[]> state(Net net) {
    List<float[]> out = new ArrayList<>();
    net.model().stateDict().entries().values().forEach(e -> {
      if (e.floats() != null) {
        out.add(e.floats().clone());
      }
    });
    return out;
  }

  @Test
  void percentilesInterpolateLikeNumpy() {
    // column 1 holds 0..10: numpy.percentile([0..10], [15, 50, 85]) = [1.5, 5, 8.5]
    float[] d = new float[22];
    for (int i = 0; i <= 10; i++) {
      d[2 * i + 1] = 10 - i;
    }
    assertArrayEquals(new double[] {1.5, 5, 8.5}, Probes.percentiles(Tensor.wrap(d, Layout.NC, 11, 2), 1), 1e-12);
  }

  @Test
  void icsIsZeroForTheFirstLayerAndProbesRestoreTheNetwork() {
    Net net = deepLinear(Norms.batchNorm(), 3);
    Tensor x = Tensor.randn(1, Layout.NC, 16, 4);
    Tensor y = Tensor.randn(2, Layout.NC, 16, 4);
    Objective mse = Objective.mse(y);
    List<float[]> before = state(net);
    // nothing below layer 1 moves: G' = G exactly
    Probes.Ics first = Probes.ics(net, x, mse, 1, 0.1);
    assertEquals(0, first.l2(), 0);
    assertEquals(1, first.cosine(), 1e-6);
    Probes.Ics third = Probes.ics(net, x, mse, 3, 0.1);
    assertTrue(third.l2() > 0, "layers 1-2 moved, so layer 3's gradient changed");
    assertTrue(third.cosine() <= 1 + 1e-6 && third.cosine() >= -1 - 1e-6);
    Probes.landscape(net, x, mse, new double[] {0.01, 0.1});
    List<float[]> after = state(net);
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i), after.get(i), "state entry " + i + " restored (weights and running stats)");
    }
  }

  @Test
  void betaEffOfLinearRegressionIsTheCurvatureAlongTheGradient() {
    // one linear layer, loss mean((xW^T - y)^2): the gradient is linear in W, so
    // ||g(W) - g(W - eta g)|| / ||eta g|| = ||H g|| / ||g|| for every eta (H the constant Hessian)
    Net net = deepLinear(null, 1);
    Tensor x = Tensor.randn(5, Layout.NC, 32, 4);
    Tensor y = Tensor.randn(6, Layout.NC, 32, 4);
    Probes.Landscape small = Probes.landscape(net, x, Objective.mse(y), new double[] {1e-2});
    Probes.Landscape large = Probes.landscape(net, x, Objective.mse(y), new double[] {1e-1});
    assertEquals(small.betaEff(), large.betaEff(), 1e-3 * small.betaEff());
    assertTrue(small.lossMin() <= small.lossMax());
    Probes.Landscape both = Probes.landscape(net, x, Objective.mse(y), new double[] {1e-2, 1e-1});
    assertEquals(large.gradDiffMax(), both.gradDiffMax(), 1e-6 * large.gradDiffMax());
    assertEquals(small.gradDiffMin(), both.gradDiffMin(), 1e-6 * small.gradDiffMin());
  }

  @Test
  void noiseScalesAndShiftsInTrainingAndIsTheIdentityInEvaluation() {
    Tensor zeros = Tensor.zeros(Layout.NC, 8, 16);
    Tensor ones = Tensor.filled(1f, Layout.NC, 8, 16);
    NoiseLayer a = new NoiseLayer(42);
    NoiseLayer b = new NoiseLayer(42);
    float[] m = a.forward(zeros).data(); // y = s*0 + m
    float[] sm = b.forward(ones).data(); // same draws: y = s + m
    float[] grad = b.backward(Tensor.filled(1f, Layout.NC, 8, 16)).data(); // dL/dx = s
    double meanShift = 0;
    for (int i = 0; i < m.length; i++) {
      assertEquals(sm[i] - m[i], grad[i], 1e-5, "backward multiplies by the same s");
      assertTrue(grad[i] > 0.4 && grad[i] < 1.9, "s ~ N(sigma_t in [1, 1.25], 0.1): " + grad[i]);
      meanShift += m[i] / m.length;
    }
    assertTrue(Math.abs(meanShift) <= 0.6, "m ~ U(mu_t - 0.1, mu_t + 0.1), |mu_t| <= 0.5: " + meanShift);
    a.setTraining(false);
    assertArrayEquals(ones.data(), a.forward(ones).data());
  }

  @Test
  void mlpDropsTheBiasBeforeANormAndFindsPreActivations() {
    Net net = Mlp.builder(6, 5, 4, 3).optNorm(Norms.batchNorm()).optActivation(Mlp.Activation.SIGMOID).build();
    assertEquals(null, net.linear(1).bias());
    assertTrue(net.linear(3).bias() != null, "the output layer keeps its bias");
    net.forward(Tensor.randn(7, Layout.NC, 10, 6));
    Tensor pre = net.preActivation(2);
    assertEquals(4, pre.dim(1));
    double mean = 0;
    for (int i = 0; i < 10; i++) {
      mean += pre.data()[i * 4] / 10;
    }
    assertEquals(0, mean, 1e-5, "BN output (gamma 1, beta 0) has batch mean 0: the pre-activation is after BN");
    List<Parameter> moved = net.linearParameters();
    assertEquals(3 + 1, moved.size(), "three weights and the output bias");
  }
}
