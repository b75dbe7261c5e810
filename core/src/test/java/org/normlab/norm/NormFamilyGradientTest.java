package org.normlab.norm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Finite-difference checks of every backward pass of the normalization family: dx and each
 * parameter gradient against central differences of L = sum(forward(x) * dy) (see
 * {@link FiniteDifferences}). Weights and biases are random, not ones and zeros, so every term of
 * each formula matters.
 */
class NormFamilyGradientTest {

  /** Checks dx and the named parameter gradients of one layer at x. */
  static void check(String layer, UnaryOperator<Tensor> forward, UnaryOperator<Tensor> backward,
      Tensor x, Map<String, float[][]> params) {
    Tensor dy = Tensor.randn(99, x.layout(), x.shape().dims());
    forward.apply(x);
    float[] dx = backward.apply(dy).data().clone();
    Map<String, float[]> grads = new LinkedHashMap<>();
    params.forEach((name, valueAndGrad) -> grads.put(name, valueAndGrad[1].clone()));
    FiniteDifferences.assertGradient(layer + " dx", dx, x.data(),
        () -> FiniteDifferences.loss(forward, x, dy));
    params.forEach((name, valueAndGrad) -> FiniteDifferences.assertGradient(layer + " " + name,
        grads.get(name), valueAndGrad[0], () -> FiniteDifferences.loss(forward, x, dy)));
  }

  static void randomize(Tensor t, long seed, float mean, float std) {
    System.arraycopy(Tensor.randn(seed, mean, std, t.layout(), t.shape().dims()).data(), 0,
        t.data(), 0, t.size());
  }

  static Tensor input(long seed, Layout layout, int... dims) {
    return Tensor.randn(seed, 0.5f, 2f, layout, dims);
  }

  @Test
  void layerNormAffineOverTwoDims() {
    LayerNorm ln = LayerNorm.builder(4, 5).build();
    randomize(ln.weight(), 1, 1f, 0.5f);
    randomize(ln.bias(), 2, 0f, 0.3f);
    check("LayerNorm", ln::forward, ln::backward, input(3, Layout.ROW_MAJOR, 3, 4, 5),
        Map.of("weight", new float[][] {ln.weight().data(), ln.weightGrad().data()},
            "bias", new float[][] {ln.bias().data(), ln.biasGrad().data()}));
  }

  @Test
  void layerNormWithoutAffine() {
    LayerNorm ln = LayerNorm.builder(17).optElementwiseAffine(false).build();
    check("LayerNorm", ln::forward, ln::backward, input(4, Layout.ROW_MAJOR, 3, 17), Map.of());
  }

  @Test
  void layerNormWeightWithoutBias() {
    LayerNorm ln = LayerNorm.builder(6).optBias(false).build();
    randomize(ln.weight(), 5, 1f, 0.5f);
    check("LayerNorm", ln::forward, ln::backward, input(6, Layout.ROW_MAJOR, 4, 6),
        Map.of("weight", new float[][] {ln.weight().data(), ln.weightGrad().data()}));
  }

  private static void groupNorm(Layout layout, int groups, int... dims) {
    Tensor x = input(7, layout, dims);
    GroupNorm gn = GroupNorm.builder(groups, x.channels()).build();
    randomize(gn.weight(), 8, 1f, 0.5f);
    randomize(gn.bias(), 9, 0f, 0.3f);
    check("GroupNorm " + layout, gn::forward, gn::backward, x,
        Map.of("weight", new float[][] {gn.weight().data(), gn.weightGrad().data()},
            "bias", new float[][] {gn.bias().data(), gn.biasGrad().data()}));
  }

  @Test
  void groupNormChannelsFirst() {
    groupNorm(Layout.NCHW, 2, 2, 4, 3, 3);
    groupNorm(Layout.NC, 3, 3, 6);
  }

  @Test
  void groupNormChannelsLast() {
    groupNorm(Layout.NHWC, 2, 2, 3, 3, 4);
    groupNorm(Layout.NLC, 1, 2, 5, 3);
  }

  @Test
  void instanceNormTraining() {
    InstanceNorm in = InstanceNorm.builder(3).optAffine(true).optTrackRunningStats(true).build();
    randomize(in.weight(), 10, 1f, 0.5f);
    randomize(in.bias(), 11, 0f, 0.3f);
    check("InstanceNorm", in::forward, in::backward, input(12, Layout.NCL, 2, 3, 6),
        Map.of("weight", new float[][] {in.weight().data(), in.weightGrad().data()},
            "bias", new float[][] {in.bias().data(), in.biasGrad().data()}));
  }

  @Test
  void instanceNormEvaluationWithRunningStatistics() {
    InstanceNorm in = InstanceNorm.builder(3).optAffine(true).optTrackRunningStats(true).build();
    randomize(in.weight(), 13, 1f, 0.5f);
    randomize(in.runningMean(), 14, 0f, 0.5f);
    in.setTraining(false);
    check("InstanceNorm eval", in::forward, in::backward, input(15, Layout.NHWC, 2, 2, 3, 3),
        Map.of("weight", new float[][] {in.weight().data(), in.weightGrad().data()},
            "bias", new float[][] {in.bias().data(), in.biasGrad().data()}));
  }

  @Test
  void rmsNorm() {
    RmsNorm rms = RmsNorm.builder(9).build();
    randomize(rms.weight(), 16, 1f, 0.5f);
    check("RmsNorm", rms::forward, rms::backward, input(17, Layout.ROW_MAJOR, 4, 9),
        Map.of("weight", new float[][] {rms.weight().data(), rms.weightGrad().data()}));
  }

  @Test
  void rmsNormWithoutWeight() {
    RmsNorm rms = RmsNorm.builder(2, 5).optElementwiseAffine(false).build();
    check("RmsNorm", rms::forward, rms::backward, input(18, Layout.ROW_MAJOR, 3, 2, 5), Map.of());
  }
}
