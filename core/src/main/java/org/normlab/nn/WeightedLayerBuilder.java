package org.normlab.nn;

import java.util.SplittableRandom;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The options of layers with a weight and an optional bias ({@link Linear}, {@link Conv2d}):
 * {@code optBias} (default true), {@code optWeightInit} and {@code optBiasInit} (default
 * {@link Init#pytorchDefault()}, PyTorch's initialization) and {@code optSeed} (default 0).
 *
 * @param <B> the concrete builder, returned by every option for chaining
 */
public abstract class WeightedLayerBuilder<B extends WeightedLayerBuilder<B>> {
  private boolean bias = true;
  private Init.Initializer weightInit = Init.pytorchDefault();
  private Init.Initializer biasInit = Init.pytorchDefault();
  private long seed;

  WeightedLayerBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  public B optBias(boolean bias) {
    this.bias = bias;
    return self();
  }

  public B optWeightInit(Init.Initializer init) {
    this.weightInit = init;
    return self();
  }

  public B optBiasInit(Init.Initializer init) {
    this.biasInit = init;
    return self();
  }

  public B optSeed(long seed) {
    this.seed = seed;
    return self();
  }

  /** The weight (PyTorch's layout {@code weightDims}) then the bias (out) or null, initialized. */
  final Parameter[] createParameters(int[] weightDims, int fanIn, int fanOut) {
    SplittableRandom random = new SplittableRandom(seed);
    Tensor w = Tensor.zeros(Layout.ROW_MAJOR, weightDims);
    weightInit.fill(w.data(), fanIn, fanOut, random);
    Parameter b = null;
    if (bias) {
      Tensor bv = Tensor.zeros(Layout.ROW_MAJOR, weightDims[0]);
      biasInit.fill(bv.data(), fanIn, fanOut, random);
      b = new Parameter("bias", bv);
    }
    return new Parameter[] {new Parameter("weight", w), b};
  }

  /** [weight] or [weight, bias]: the parameters in state-dict order. */
  static java.util.List<Parameter> weightAndBias(Parameter weight, Parameter bias) {
    return bias == null ? java.util.List.of(weight) : java.util.List.of(weight, bias);
  }
}
