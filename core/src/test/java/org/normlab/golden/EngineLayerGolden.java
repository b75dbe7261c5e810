package org.normlab.golden;

import org.normlab.nn.AvgPool2d;
import org.normlab.nn.Conv2d;
import org.normlab.nn.Layer;
import org.normlab.nn.Linear;
import org.normlab.nn.MaxPool2d;
import org.normlab.nn.Parameter;
import org.normlab.nn.ReLU;
import org.normlab.nn.Sigmoid;
import org.normlab.nn.Tanh;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Golden checks of the engine's layers against PyTorch 1.13 (reference/cases/engine.py): output,
 * input gradient and parameter gradients of sum(output * grad_output). Convolution and pooling
 * run both the NCHW and the NHWC path on the same case (the NHWC results are permuted back).
 */
final class EngineLayerGolden {
  private EngineLayerGolden() {}

  static void linear(GoldenCase c) {
    int[] ws = c.shape("weight");
    Linear layer = Linear.builder(ws[1], ws[0]).optBias(c.metaBool("bias")).build();
    load(layer.weight(), c.floats("weight"));
    if (layer.bias() != null) {
      load(layer.bias(), c.floats("bias"));
    }
    runAndCheck(c, layer, c.tensor("input", Layout.NC), Layout.NC);
  }

  static void conv2d(GoldenCase c) {
    int[] ws = c.shape("weight");
    for (Layout layout : new Layout[] {Layout.NCHW, Layout.NHWC}) {
      Conv2d layer = Conv2d.builder(ws[1], ws[0], ws[2]).optStride((int) c.metaDouble("stride"))
          .optPadding((int) c.metaDouble("padding")).optBias(c.metaBool("bias")).build();
      load(layer.weight(), c.floats("weight"));
      if (layer.bias() != null) {
        load(layer.bias(), c.floats("bias"));
      }
      runAndCheck(c, layer, c.tensor("input", Layout.NCHW).toLayout(layout), layout);
    }
  }

  static void maxPool(GoldenCase c) {
    for (Layout layout : new Layout[] {Layout.NCHW, Layout.NHWC}) {
      runAndCheck(c, new MaxPool2d(kernel(c), (int) c.metaDouble("stride"), (int) c.metaDouble("padding")),
          c.tensor("input", Layout.NCHW).toLayout(layout), layout);
    }
  }

  static void avgPool(GoldenCase c) {
    for (Layout layout : new Layout[] {Layout.NCHW, Layout.NHWC}) {
      runAndCheck(c, new AvgPool2d(kernel(c), (int) c.metaDouble("stride"), (int) c.metaDouble("padding")),
          c.tensor("input", Layout.NCHW).toLayout(layout), layout);
    }
  }

  static void activation(GoldenCase c) {
    Layer layer = switch (c.meta("fn")) {
      case "relu" -> new ReLU();
      case "sigmoid" -> new Sigmoid();
      case "tanh" -> new Tanh();
      default -> throw new AssertionError("unknown activation " + c.meta("fn"));
    };
    runAndCheck(c, layer, c.tensor("input", Layout.ROW_MAJOR), Layout.ROW_MAJOR);
  }

  private static int kernel(GoldenCase c) {
    return (int) c.metaDouble("kernel");
  }

  private static void load(Parameter p, float[] values) {
    System.arraycopy(values, 0, p.value().data(), 0, values.length);
  }

  /** Forward, backward with the stored grad_output, compare everything in channels-first order. */
  private static void runAndCheck(GoldenCase c, Layer layer, Tensor x, Layout layout) {
    Tensor y = layer.forward(x);
    Tensor go = c.tensor("grad_output", channelsFirst(layout)).toLayout(layout);
    for (Parameter p : layer.parameters()) {
      p.zeroGrad();
    }
    Tensor dx = layer.backward(go);
    c.expectClose("output", firstOrder(y).data());
    c.expectClose("grad_input", firstOrder(dx).data());
    for (Parameter p : layer.parameters()) {
      c.expectClose("grad_" + p.name(), p.grad().data());
    }
  }

  private static Layout channelsFirst(Layout layout) {
    return layout.isChannelsLast() ? layout.toChannelsFirst() : layout;
  }

  private static Tensor firstOrder(Tensor t) {
    return t.layout().isChannelsLast() ? t.toChannelsFirst() : t;
  }
}
