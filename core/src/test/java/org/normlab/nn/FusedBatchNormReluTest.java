package org.normlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * A batch norm directly followed by a ReLU, run fused by {@link Sequential}, gives bitwise the
 * results of the two separate layers: training steps (losses, parameters, running statistics),
 * evaluation, and the input gradient, for the built-in networks that have the pair (NCHW and NC
 * batch norms).
 */
class FusedBatchNormReluTest {

  @Test
  void modelsFuseByDefaultAndPlainSequentialsDoNot() {
    assertTrue(Models.create("cnn-bn", 1).isBatchNormReluFused());
    assertFalse(new Sequential(BatchNormLayer.of1d(3), new ReLU()).isBatchNormReluFused());
  }

  @Test
  void trainingStepsAreBitwiseThoseOfSeparateLayers() {
    for (String name : new String[] {"cnn-bn", "mlp-deep-bn"}) {
      Sequential fused = Models.create(name, 3);
      Sequential separate = Models.create(name, 3).setBatchNormReluFused(false);
      Trainer tf = trainer(fused, name);
      Trainer ts = trainer(separate, name);
      for (int step = 0; step < 3; step++) {
        Tensor images = Tensor.uniform(20 + step, 0f, 1f, Layout.NCHW, 6, 1, 28, 28);
        int[] labels = {0, 3, 9, 3, 1, 7};
        double lf = tf.step(images, labels).loss();
        double ls = ts.step(images, labels).loss();
        assertEquals(ls, lf, 0.0, name + " step " + step + " loss");
      }
      assertSameState(separate.stateDict().entries(), fused.stateDict().entries(), name);
      // evaluation (running statistics) too
      Tensor test = Models.prepareInput(name, Tensor.uniform(40, 0f, 1f, Layout.NCHW, 4, 1, 28, 28));
      fused.setTraining(false);
      separate.setTraining(false);
      assertBitwise(separate.forward(test).data(), fused.forward(test).data(), name + " eval logits");
    }
  }

  @Test
  void inputGradientAndOutputsMatch() {
    Sequential fused = convBnReluNet().setBatchNormReluFused(true);
    Sequential separate = convBnReluNet();
    Tensor x = Tensor.randn(7, Layout.NCHW, 5, 2, 5, 5);
    Tensor dy = Tensor.randn(8, Layout.NC, 5, 3);
    assertBitwise(separate.forward(x).data(), fused.forward(x).data(), "outputs");
    assertSame(fused.output(1), fused.output(2), "a fused batch norm's output is its ReLU's");
    assertBitwise(separate.output(2).data(), fused.output(1).data(), "the ReLU's output");
    assertBitwise(separate.backward(dy).data(), fused.backward(dy).data(), "input gradient");
    for (Map.Entry<String, Parameter> e : separate.namedParameters().entrySet()) {
      assertBitwise(e.getValue().grad().data(), fused.namedParameters().get(e.getKey()).grad().data(),
          "gradient of " + e.getKey());
    }
  }

  @Test
  void switchingOffTakesEffectAtTheNextForward() {
    Sequential model = new Sequential(BatchNormLayer.of1d(3), new ReLU()).setBatchNormReluFused(true);
    Tensor x = Tensor.randn(9, Layout.NC, 4, 3);
    model.forward(x);
    model.setBatchNormReluFused(false);
    // backward follows its forward: fused, so the ReLU layer (which never ran) is not asked
    Tensor dx = model.backward(Tensor.randn(10, Layout.NC, 4, 3));
    assertArrayEquals(new int[] {4, 3}, dx.shape().dims());
    model.forward(x);
    assertTrue(model.output(0) != model.output(1), "unfused: the batch norm's own output is kept");
  }

  /** conv, BN2d, ReLU, flatten, linear, BN1d, ReLU on (N, 2, 5, 5), the same weights every call. */
  private static Sequential convBnReluNet() {
    return new Sequential(Conv2d.builder(2, 4, 3).optPadding(1).optBias(false).optSeed(1).build(),
        BatchNormLayer.of2d(4), new ReLU(), new Flatten(),
        Linear.builder(4 * 5 * 5, 3).optBias(false).optSeed(2).build(), BatchNormLayer.of1d(3),
        new ReLU());
  }

  private static Trainer trainer(Sequential model, String name) {
    return new Trainer(model, Sgd.builder().setLearningRate(0.05).optMomentum(0.9)
        .build(model.parameters()), x -> Models.prepareInput(name, x));
  }

  private static void assertSameState(Map<String, StateDict.Entry> expected,
      Map<String, StateDict.Entry> actual, String what) {
    assertEquals(expected.keySet(), actual.keySet(), what + " state names");
    for (String key : expected.keySet()) {
      StateDict.Entry e = expected.get(key);
      StateDict.Entry a = actual.get(key);
      if (!e.isInteger()) {
        assertBitwise(e.floats(), a.floats(), what + " " + key);
      } else {
        assertArrayEquals(e.longs(), a.longs(), what + " " + key);
      }
    }
  }

  /** Equal values, bit for bit (+0 and -0 count as equal: a ReLU may give either for 0). */
  private static void assertBitwise(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      boolean same = expected[i] == actual[i]
          || Float.floatToIntBits(expected[i]) == Float.floatToIntBits(actual[i]);
      assertTrue(same, what + " [" + i + "]: expected " + expected[i] + ", got " + actual[i]);
    }
  }
}
