package org.normlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.normlab.info.CrossEntropy;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * {@link Trainer#step} recycles the model's outputs ({@link Layer#recycleOutputs}): the next step
 * writes over the last step's activations and gradients instead of allocating, with bitwise the
 * results of steps that allocate every tensor; plain forward calls never reuse a tensor.
 */
class RecycledOutputsTest {

  @Test
  void recyclingStepsAreBitwiseAllocatingSteps() {
    for (String name : new String[] {"cnn-bn", "cnn", "mlp-deep-bn"}) {
      check(name, () -> Models.create(name, 3), x -> Models.prepareInput(name, x));
    }
    // a convolution whose input gradient adds into zeros (stride 2: no Winograd), average and max
    // pooling (gradients added into zeros, outputs overwritten), a sigmoid
    check("conv-stride-2", () -> new Sequential(
        Conv2d.builder(1, 4, 3).optStride(2).optPadding(1).optSeed(4).build(), new Sigmoid(),
        new AvgPool2d(2), Conv2d.builder(4, 8, 3).optStride(2).optSeed(5).build(),
        new MaxPool2d(2), new ReLU(), new Flatten(), Linear.builder(8, 10).optSeed(6).build()),
        UnaryOperator.identity());
  }

  @Test
  void trainerStepsReuseTheLayersTensors() {
    Sequential model = Models.create("cnn-bn", 3);
    Trainer trainer = trainer(model, "cnn-bn");
    Tensor images = Tensor.uniform(1, 0f, 1f, Layout.NCHW, 4, 1, 28, 28);
    int[] labels = {1, 2, 3, 4};
    trainer.step(images, labels);
    Tensor first = model.output(0);
    trainer.step(images, labels);
    assertSame(first, model.output(0), "the second step writes the first convolution's output"
        + " into the first step's tensor");
  }

  @Test
  void plainForwardCallsAllocate() {
    Sequential model = Models.create("cnn-bn", 3);
    Tensor x = Models.prepareInput("cnn-bn", Tensor.uniform(2, 0f, 1f, Layout.NCHW, 2, 1, 28, 28));
    model.forward(x);
    Tensor first = model.output(0);
    model.forward(x);
    assertNotSame(first, model.output(0), "without a recycle, a returned tensor is never reused");
  }

  private static void check(String name, java.util.function.Supplier<Sequential> build,
      UnaryOperator<Tensor> prepare) {
    Sequential recycled = build.get();
    Sequential allocating = build.get();
    Trainer trainer = new Trainer(recycled, sgd(recycled), prepare);
    Optimizer optimizer = sgd(allocating);
    for (int step = 0; step < 3; step++) {
      Tensor images = Tensor.uniform(30 + step, 0f, 1f, Layout.NCHW, 5, 1, 28, 28);
      int[] labels = {0, 3, 9, 3, 1};
      double loss = trainer.step(images, labels).loss();
      // Trainer.step without the recycle
      allocating.setTraining(true);
      optimizer.zeroGrad();
      Tensor logits = allocating.forward(prepare.apply(images));
      float[] grad = new float[logits.size()];
      double expected = CrossEntropy.lossAndGrad(logits, labels, grad);
      allocating.backward(Tensor.wrap(grad, logits.layout(), logits.shape().dims()));
      optimizer.step();
      assertEquals(expected, loss, 0.0, name + " step " + step + " loss");
    }
    Map<String, StateDict.Entry> expected = allocating.stateDict().entries();
    Map<String, StateDict.Entry> actual = recycled.stateDict().entries();
    assertEquals(expected.keySet(), actual.keySet(), name + " state names");
    for (String key : expected.keySet()) {
      if (expected.get(key).isInteger()) {
        assertArrayEquals(expected.get(key).longs(), actual.get(key).longs(), name + " " + key);
      } else {
        assertArrayEquals(expected.get(key).floats(), actual.get(key).floats(), 0f, name + " " + key);
      }
    }
  }

  private static Optimizer sgd(Sequential model) {
    return Sgd.builder().setLearningRate(0.05).optMomentum(0.9).build(model.parameters());
  }

  private static Trainer trainer(Sequential model, String name) {
    return new Trainer(model, sgd(model), x -> Models.prepareInput(name, x));
  }
}
