package org.normlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * A convolution directly followed by a ReLU, run fused by {@link Sequential}
 * ({@link Conv2d#forwardRelu}), gives bitwise the results of the two separate layers: outputs,
 * input gradients and parameter gradients on every convolution path (Winograd F(2x2) and
 * F(4x4), direct, im2col, channels-last, with and without bias), with 1 and 2 threads, with a
 * max pool after the ReLU (which pools each piece of images inside the convolution's forward,
 * {@link Conv2d#forwardReluPool}, and whose gradient, the ReLU's taken on the pooled outputs,
 * is routed piece by piece inside the convolution's backward, {@link Conv2d#backwardThroughPool}),
 * with a convolution above whose input gradient then carries the ReLU's mask
 * ({@link Conv2d#backward(Tensor, boolean, boolean)}), and whole training steps of the cnn
 * model.
 */
class FusedConvReluTest {
  private final int savedThreads = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(savedThreads);
  }

  @Test
  void cnnModelsFuseByDefaultAndPlainSequentialsDoNot() {
    assertTrue(Models.create("cnn", 1).isConvReluFused());
    assertTrue(Models.create("cnn-bn", 1).isConvReluFused());
    assertFalse(new Sequential(conv(1, 4, 1, true), new ReLU()).isConvReluFused());
  }

  @Test
  void everyConvolutionPathMatchesTheSeparateLayers() {
    record Case(String name, Supplier<Conv2d> conv, Layout layout, int[] dims) {}
    Case[] cases = {
      new Case("Winograd F(2x2), 8 -> 8 at 6x6, bias", () -> conv(8, 8, 1, true), Layout.NCHW,
          new int[] {5, 8, 6, 6}),
      new Case("Winograd at 28x28, 8 -> 8, no bias", () -> conv(8, 8, 1, false), Layout.NCHW,
          new int[] {3, 8, 28, 28}),
      new Case("direct, 1 -> 8 at 7x7, bias", () -> conv(1, 8, 1, true), Layout.NCHW,
          new int[] {6, 1, 7, 7}),
      new Case("im2col, stride 2, 3 -> 4 at 7x7, bias", () -> conv(3, 4, 2, true), Layout.NCHW,
          new int[] {5, 3, 7, 7}),
      new Case("channels last, 3 -> 4 at 5x6, bias", () -> conv(3, 4, 1, true), Layout.NHWC,
          new int[] {5, 5, 6, 3}),
    };
    for (int threads : new int[] {1, 2}) {
      Parallel.setThreads(threads);
      for (Case c : cases) {
        String what = c.name + ", " + threads + " thread(s)";
        Sequential separate = new Sequential(c.conv.get(), new ReLU());
        Sequential fused = new Sequential(c.conv.get(), new ReLU()).setConvReluFused(true);
        Tensor x = Tensor.randn(3, c.layout, c.dims);
        Tensor ys = separate.forward(x);
        Tensor yf = fused.forward(x);
        assertBitwise(ys.data(), yf.data(), what + ": outputs");
        assertSame(fused.output(0), fused.output(1), what + ": a fused conv's output is its ReLU's");
        assertSameBackward(separate, fused, Tensor.randn(4, ys.layout(), ys.shape().dims()), what);
      }
    }
  }

  @Test
  void rectifiedPoolBackwardIsTheReluGradientOfThePoolBackward() {
    // a rectified input with whole windows of zeros (ties: the first index is the argmax);
    // overlapping windows (stride 1) add several outputs' gradients into one input
    Tensor z = Tensor.randn(11, -0.8f, 1f, Layout.NCHW, 3, 2, 7, 6);
    Tensor r = new ReLU().forward(z);
    for (MaxPool2d pool : new MaxPool2d[] {new MaxPool2d(2), new MaxPool2d(3, 1, 1)}) {
      Tensor y = pool.forward(r);
      Tensor dy = Tensor.randn(12, Layout.NCHW, y.shape().dims());
      float[] expected = pool.backward(dy).data().clone();
      for (int i = 0; i < expected.length; i++) {
        expected[i] = r.data()[i] > 0 ? expected[i] : 0f;
      }
      assertBitwise(expected, pool.backwardRectified(dy).data(), pool.describe());
    }
  }

  @Test
  void convReluPoolMatchesTheSeparateLayers() {
    // Sequential pools each piece of images inside the convolution's forward (unpadded pool,
    // channels first) and routes the pool's gradient piece by piece inside its backward, which
    // does not mask; 19 images: pieces of 8, 8 and 3; both layouts, 1 and 2 threads
    for (int threads : new int[] {1, 2}) {
      Parallel.setThreads(threads);
      for (Layout layout : new Layout[] {Layout.NCHW, Layout.NHWC}) {
        for (MaxPool2d[] pools : new MaxPool2d[][] {{new MaxPool2d(2), new MaxPool2d(2)},
            {new MaxPool2d(3, 1, 1), new MaxPool2d(3, 1, 1)}}) {
          String what = pools[0].describe() + ", " + layout + ", " + threads + " thread(s)";
          Sequential separate = new Sequential(conv(8, 8, 1, true), new ReLU(), pools[0]);
          Sequential fused = new Sequential(conv(8, 8, 1, true), new ReLU(), pools[1])
              .setConvReluFused(true);
          Tensor x = Tensor.randn(13, Layout.NCHW, 19, 8, 6, 6);
          if (layout == Layout.NHWC) {
            x = x.toLayout(Layout.NHWC);
          }
          Tensor ys = separate.forward(x);
          assertBitwise(ys.data(), fused.forward(x).data(), what + ": outputs");
          assertBitwise(separate.output(1).data(), fused.output(1).data(),
              what + ": the ReLU's outputs");
          assertSame(fused.output(0), fused.output(1), what + ": fused, one tensor");
          assertSameBackward(separate, fused, Tensor.randn(14, layout, ys.shape().dims()), what);
        }
      }
    }
  }

  @Test
  void forwardReluPoolRejectsChannelsLastInputAndPaddedPools() {
    Conv2d conv = conv(8, 8, 1, true);
    Tensor x = Tensor.randn(17, Layout.NCHW, 2, 8, 6, 6);
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> conv.forwardReluPool(x, new MaxPool2d(3, 1, 1)));
    assertTrue(e.getMessage().contains("unpadded pool") && e.getMessage().contains("padding=1"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> conv.forwardReluPool(x.toLayout(Layout.NHWC), new MaxPool2d(2)));
    assertTrue(e.getMessage().contains("NHWC"), e.getMessage());
  }

  @Test
  void convReluConvMatchesTheSeparateLayers() {
    // the upper convolution applies the lower ReLU's mask to its input gradient (piece by piece
    // on the Winograd path, stride 1; in one pass after, stride 2), the lower one then skips it
    for (int threads : new int[] {1, 2}) {
      Parallel.setThreads(threads);
      for (int stride : new int[] {1, 2}) {
        String what = "stride " + stride + ", " + threads + " thread(s)";
        Sequential separate = new Sequential(conv(8, 8, 1, true), new ReLU(),
            conv(8, 8, stride, true), new ReLU());
        Sequential fused = new Sequential(conv(8, 8, 1, true), new ReLU(),
            conv(8, 8, stride, true), new ReLU()).setConvReluFused(true);
        Tensor x = Tensor.randn(15, Layout.NCHW, 19, 8, 6, 6);
        Tensor ys = separate.forward(x);
        assertBitwise(ys.data(), fused.forward(x).data(), what + ": outputs");
        assertSameBackward(separate, fused, Tensor.randn(16, Layout.NCHW, ys.shape().dims()), what);
      }
    }
  }

  @Test
  void cnnTrainingStepsAreBitwiseThoseOfSeparateLayers() {
    Sequential fused = Models.create("cnn", 3);
    Sequential separate = Models.create("cnn", 3).setConvReluFused(false);
    Trainer tf = trainer(fused);
    Trainer ts = trainer(separate);
    for (int step = 0; step < 3; step++) {
      Tensor images = Tensor.uniform(20 + step, 0f, 1f, Layout.NCHW, 6, 1, 28, 28);
      int[] labels = {0, 3, 9, 3, 1, 7};
      assertEquals(ts.step(images, labels).loss(), tf.step(images, labels).loss(), 0.0,
          "step " + step + " loss");
    }
    for (Map.Entry<String, StateDict.Entry> e : separate.stateDict().entries().entrySet()) {
      assertBitwise(e.getValue().floats(), fused.stateDict().entries().get(e.getKey()).floats(),
          e.getKey());
    }
  }

  @Test
  void switchingOffTakesEffectAtTheNextForward() {
    Sequential model = new Sequential(conv(2, 3, 1, true), new ReLU()).setConvReluFused(true);
    Tensor x = Tensor.randn(9, Layout.NCHW, 2, 2, 4, 4);
    model.forward(x);
    model.setConvReluFused(false);
    // backward follows its forward: fused, so the ReLU layer (which never ran) is not asked
    Tensor dx = model.backward(Tensor.randn(10, Layout.NCHW, 2, 3, 4, 4));
    assertArrayEquals(new int[] {2, 2, 4, 4}, dx.shape().dims());
    model.forward(x);
    assertNotSame(model.output(0), model.output(1), "unfused: the convolution's own output is kept");
    assertTrue(min(model.output(0).data()) < 0, "the unfused convolution's output has negatives");
  }

  /** The backward of dy through both models: the same input gradient and parameter gradients. */
  private static void assertSameBackward(Sequential separate, Sequential fused, Tensor dy,
      String what) {
    assertBitwise(separate.backward(dy).data(), fused.backward(dy).data(), what + ": dx");
    for (Map.Entry<String, Parameter> e : separate.namedParameters().entrySet()) {
      assertBitwise(e.getValue().grad().data(),
          fused.namedParameters().get(e.getKey()).grad().data(), what + ": d" + e.getKey());
    }
  }

  /** A 3x3 convolution with padding 1, the same weights every call. */
  private static Conv2d conv(int in, int out, int stride, boolean bias) {
    return Conv2d.builder(in, out, 3).optPadding(1).optStride(stride).optBias(bias).optSeed(5)
        .build();
  }

  private static Trainer trainer(Sequential model) {
    return new Trainer(model, Sgd.builder().setLearningRate(0.05).optMomentum(0.9)
        .build(model.parameters()), x -> Models.prepareInput("cnn", x));
  }

  private static float min(float[] values) {
    float m = Float.POSITIVE_INFINITY;
    for (float v : values) {
      m = Math.min(m, v);
    }
    return m;
  }

  /** Equal values (tolerance 0; +0 and -0 count as equal: a ReLU may give either for 0). */
  private static void assertBitwise(float[] expected, float[] actual, String what) {
    AllClose.assertAllClose(actual, expected, 0, 0, what);
  }
}
