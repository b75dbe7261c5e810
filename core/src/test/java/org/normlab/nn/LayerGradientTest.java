package org.normlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.normlab.tensor.AllClose;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** Finite-difference gradient checks of every engine layer (see {@link GradCheck}). */
class LayerGradientTest {

  /** Normal values pushed away from 0 by at least 0.05, so ReLU kinks are never within eps. */
  private static Tensor awayFromZero(long seed, Layout layout, int... dims) {
    Tensor t = Tensor.randn(seed, layout, dims);
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] += d[i] >= 0 ? 0.05f : -0.05f;
    }
    return t;
  }

  @Test
  void linearWithBias() {
    GradCheck.of(Linear.builder(7, 5).optSeed(3).build()).check(Tensor.randn(1, Layout.NC, 4, 7));
  }

  @Test
  void linearWithoutBias() {
    Linear layer = Linear.builder(3, 2).optBias(false).optSeed(4).build();
    assertEquals(1, layer.parameters().size());
    GradCheck.of(layer).check(Tensor.randn(2, Layout.NC, 5, 3));
  }

  @Test
  void activations() {
    Tensor x = awayFromZero(5, Layout.NCHW, 2, 3, 4, 5);
    GradCheck.of(new ReLU()).eps(1e-2).check(x);
    GradCheck.of(new Sigmoid()).check(x);
    GradCheck.of(new Tanh()).check(x);
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NCHW", "NHWC"})
  void flatten(Layout layout) {
    GradCheck.of(new Flatten()).check(Tensor.randn(6, layout, 2, 3, 4, 5));
  }

  @Test
  void flattenUsesPyTorchOrderForChannelsLast() {
    Tensor nchw = Tensor.randn(7, Layout.NCHW, 2, 3, 4, 5);
    Tensor a = new Flatten().forward(nchw);
    Tensor b = new Flatten().forward(nchw.toChannelsLast());
    AllClose.assertAllClose(b.data(), a.data(), 0, 0, "flatten NHWC vs NCHW");
    assertEquals(Layout.NC, b.layout());
    assertEquals(60, b.dim(1));
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NCHW", "NHWC"})
  void conv2dStridePaddingBias(Layout layout) {
    Conv2d conv = Conv2d.builder(3, 4, 3).optStride(2).optPadding(1).optSeed(8).build();
    GradCheck.of(conv).check(Tensor.randn(9, Layout.NCHW, 5, 3, 7, 6).toLayout(layout));
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NCHW", "NHWC"})
  void conv2dNoBiasMoreImagesThanOnePiece(Layout layout) {
    Conv2d conv = Conv2d.builder(2, 3, 3).optPadding(1).optBias(false).optSeed(10).build();
    GradCheck.of(conv).check(Tensor.randn(11, Layout.NCHW, 9, 2, 5, 5).toLayout(layout));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void conv2dWinogradPathEveryPadding(int padding) {
    // 8 -> 8 channels, 3x3, stride 1: forward and input gradient run by Winograd F(2x2, 3x3)
    // (odd sizes: half tiles at the edges); 5 images: two pieces
    Conv2d conv = Conv2d.builder(8, 8, 3).optPadding(padding).optSeed(12 + padding).build();
    GradCheck.of(conv).check(Tensor.randn(13, Layout.NCHW, 5, 8, 5, 4));
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NCHW", "NHWC"})
  void pooling(Layout layout) {
    // distinct values a grid apart, so no perturbation of eps changes which element is the max
    Tensor x = Tensor.zeros(Layout.NCHW, 2, 3, 6, 5);
    float[] d = x.data();
    java.util.List<Integer> perm = new java.util.ArrayList<>();
    for (int i = 0; i < d.length; i++) {
      perm.add(i);
    }
    java.util.Collections.shuffle(perm, new java.util.Random(12));
    for (int i = 0; i < d.length; i++) {
      d[i] = perm.get(i) * 0.1f;
    }
    Tensor in = x.toLayout(layout);
    GradCheck.of(new MaxPool2d(2)).eps(1e-2).check(in);
    GradCheck.of(new MaxPool2d(3, 2, 1)).eps(1e-2).check(in);
    GradCheck.of(new AvgPool2d(2)).check(in);
    GradCheck.of(new AvgPool2d(3, 2, 1)).check(in);
    GradCheck.of(new GlobalAvgPool()).check(in);
  }

  @Test
  void globalAvgPoolIsTheChannelMean() {
    Tensor x = Tensor.randn(13, Layout.NCHW, 2, 3, 4, 4);
    Tensor y = new GlobalAvgPool().forward(x);
    Tensor yLast = new GlobalAvgPool().forward(x.toChannelsLast());
    double mean = 0;
    for (int p = 0; p < 16; p++) {
      mean += x.data()[16 + p];
    }
    assertEquals(mean / 16, y.get(0, 1), 1e-6);
    AllClose.assertAllClose(yLast.data(), y.data(), 1e-6, 1e-7, "channels-last");
  }

  @Test
  void sequentialMlp() {
    Sequential model = new Sequential(Linear.builder(6, 5).optSeed(1).build(), new Tanh(),
        Linear.builder(5, 4).optSeed(2).build(), new Sigmoid(), Linear.builder(4, 3).optSeed(3).build());
    GradCheck.of(model).check(Tensor.randn(14, Layout.NC, 4, 6));
    assertEquals(java.util.List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
        java.util.List.copyOf(model.namedParameters().keySet()));
    assertTrue(model.output(4) != null, "outputs are kept after forward");
  }

  @Test
  void sequentialSmallCnn() {
    // average pooling: a max pool could switch its maximum under the perturbation (checked alone above)
    Sequential model = new Sequential(
        Conv2d.builder(1, 2, 3).optPadding(1).optSeed(1).build(), new Tanh(), new AvgPool2d(2),
        new Flatten(), Linear.builder(2 * 3 * 3, 3).optSeed(2).build());
    GradCheck.of(model).check(Tensor.randn(15, Layout.NCHW, 2, 1, 6, 6));
  }

  @Test
  void dropoutScalesSurvivorsAndRoutesGradients() {
    Dropout dropout = new Dropout(0.25, 42);
    Tensor x = Tensor.filled(2f, Layout.NC, 100, 100);
    Tensor y = dropout.forward(x);
    int zeros = 0;
    for (float v : y.data()) {
      if (v == 0f) {
        zeros++;
      } else {
        assertEquals(2f / 0.75f, v, 1e-6);
      }
    }
    // 10,000 Bernoulli(0.25) draws: mean 2500, sd 43
    assertTrue(zeros > 2250 && zeros < 2750, "dropped " + zeros);
    Tensor dx = dropout.backward(Tensor.filled(1f, Layout.NC, 100, 100));
    for (int i = 0; i < dx.size(); i++) {
      assertEquals(y.data()[i] / 2f, dx.data()[i], 1e-6);
    }
    Tensor again = new Dropout(0.25, 42).forward(x);
    AllClose.assertAllClose(again.data(), y.data(), 0, 0, "same seed, same mask");
    dropout.setTraining(false);
    AllClose.assertAllClose(dropout.forward(x).data(), x.data(), 0, 0, "eval is the identity");
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"NCHW", "NHWC"})
  void skippingTheInputGradientKeepsParameterGradients(Layout layout) {
    Tensor x = Tensor.randn(16, Layout.NCHW, 5, 2, 6, 6).toLayout(layout);
    Conv2d a = Conv2d.builder(2, 3, 3).optPadding(1).optSeed(1).build();
    Conv2d b = Conv2d.builder(2, 3, 3).optPadding(1).optSeed(1).build();
    b.setInputGradientNeeded(false);
    Tensor dy = Tensor.randn(17, a.forward(x).layout(), a.forward(x).shape().dims());
    a.backward(dy);
    b.forward(x);
    assertEquals(null, b.backward(dy), "no input gradient when not needed");
    AllClose.assertAllClose(b.weight().grad().data(), a.weight().grad().data(), 0, 0, "weight gradient");
    AllClose.assertAllClose(b.bias().grad().data(), a.bias().grad().data(), 0, 0, "bias gradient");
    Linear l = Linear.builder(3, 2).build();
    l.setInputGradientNeeded(false);
    l.forward(Tensor.randn(18, Layout.NC, 4, 3));
    assertEquals(null, l.backward(Tensor.randn(19, Layout.NC, 4, 2)));
  }

  @Test
  void badInputsNameTheProblem() {
    Linear linear = Linear.builder(4, 2).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> linear.forward(Tensor.zeros(Layout.NC, 3, 5)));
    assertTrue(e.getMessage().contains("expected shape (N, 4)"), e.getMessage());
    Conv2d conv = Conv2d.builder(3, 2, 3).build();
    e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(Layout.NCHW, 1, 2, 5, 5)));
    assertTrue(e.getMessage().contains("channels: expected 3, got 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(Layout.NCHW, 1, 3, 2, 2)));
    assertTrue(e.getMessage().contains("kernel 3x3 is larger"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0, 0));
  }
}
