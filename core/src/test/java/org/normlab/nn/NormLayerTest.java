package org.normlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.normlab.norm.GroupNorm;
import org.normlab.norm.InstanceNorm;
import org.normlab.norm.LayerNorm;
import org.normlab.norm.LpNorm;
import org.normlab.norm.RmsNorm;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The norm family as layers: gradients through a Sequential (Tanh between the layers: a ReLU kink
 * inside a finite difference would fail the check for reasons of its own), and PyTorch's
 * state-dict names.
 */
class NormLayerTest {
  private static Sequential mlpWith(Layer norm) {
    return new Sequential(Linear.builder(6, 8).optSeed(3).build(), norm, new Tanh(),
        Linear.builder(8, 4).optSeed(4).build());
  }

  @Test
  void layerNormInsideSequentialPassesTheGradientCheck() {
    Sequential net = mlpWith(NormLayer.of(LayerNorm.builder(8).build()));
    GradCheck.of(net).check(Tensor.randn(5, Layout.NC, 7, 6));
  }

  @Test
  void groupNormInsideSequentialPassesTheGradientCheck() {
    Sequential net = mlpWith(NormLayer.of(GroupNorm.builder(2, 8).build()));
    GradCheck.of(net).check(Tensor.randn(6, Layout.NC, 7, 6));
  }

  @Test
  void rmsAndLpNormsPassTheGradientCheck() {
    GradCheck.of(mlpWith(NormLayer.of(RmsNorm.builder(8).build()))).check(Tensor.randn(7, Layout.NC, 5, 6));
    GradCheck.of(mlpWith(NormLayer.of(LpNorm.builder(8, LpNorm.Kind.L2).build())))
        .check(Tensor.randn(8, Layout.NC, 9, 6));
  }

  @Test
  void stateDictUsesPyTorchNames() {
    Sequential ln = mlpWith(NormLayer.of(LayerNorm.builder(8).build()));
    assertTrue(ln.stateDict().names().containsAll(java.util.List.of("1.weight", "1.bias")));
    Sequential rms = mlpWith(NormLayer.of(RmsNorm.builder(8).build()));
    assertTrue(rms.stateDict().has("1.weight"));
    assertFalse(rms.stateDict().has("1.bias"), "RMSNorm has no bias");
    NormLayer in = NormLayer.of(InstanceNorm.builder(3).optAffine(true).optTrackRunningStats(true).build());
    Sequential conv = new Sequential(in);
    assertEquals(java.util.Set.of("0.weight", "0.bias", "0.running_mean", "0.running_var"),
        conv.stateDict().names());
  }

  @Test
  void normParametersAreMarkedForWeightDecayExclusion() {
    NormLayer layer = NormLayer.of(GroupNorm.builder(2, 8).build());
    assertEquals(2, layer.parameters().size());
    for (Parameter p : layer.parameters()) {
      assertTrue(p.isNormAffine(), p.name() + " should be excludable from weight decay");
    }
  }
}
