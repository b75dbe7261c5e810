package org.normlab.lab.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.normlab.nn.Layer;
import org.normlab.nn.Parameter;
import org.normlab.nn.StateDict;
import org.normlab.tensor.Tensor;

/**
 * Glue that lets the core normalization classes (BatchNorm, LayerNorm, GroupNorm, ...), which
 * keep their own gamma/beta and gradient buffers, sit in a {@link org.normlab.nn.Sequential}: the
 * forward and backward are theirs; gamma and beta are exposed as parameters sharing their
 * buffers ({@link Parameter#wrap}), running statistics as state entries.
 */
final class NormLayer implements Layer {
  private final String description;
  private final UnaryOperator<Tensor> forward;
  private final UnaryOperator<Tensor> backward;
  private final Consumer<Boolean> training;
  private final List<Parameter> parameters = new ArrayList<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();

  NormLayer(String description, UnaryOperator<Tensor> forward, UnaryOperator<Tensor> backward,
      Consumer<Boolean> training) {
    this.description = description;
    this.forward = forward;
    this.backward = backward;
    this.training = training;
  }

  /** Adds gamma and beta (skipped when null: a norm without affine step). */
  NormLayer affine(Tensor weight, Tensor weightGrad, Tensor bias, Tensor biasGrad) {
    if (weight != null) {
      parameters.add(Parameter.wrap("weight", weight, weightGrad, true));
    }
    if (bias != null) {
      parameters.add(Parameter.wrap("bias", bias, biasGrad, true));
    }
    return this;
  }

  /** Adds a buffer (e.g. running_mean) to the layer's state. */
  NormLayer buffer(String name, Tensor value) {
    if (value != null) {
      buffers.put(name, value);
    }
    return this;
  }

  @Override
  public Tensor forward(Tensor x) {
    return forward.apply(x);
  }

  @Override
  public Tensor backward(Tensor dy) {
    return backward.apply(dy);
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  @Override
  public void setTraining(boolean on) {
    training.accept(on);
  }

  @Override
  public void collectState(String prefix, StateDict out) {
    Layer.super.collectState(prefix, out);
    for (Map.Entry<String, Tensor> b : buffers.entrySet()) {
      out.putFloats(prefix + b.getKey(), b.getValue().data(), b.getValue().shape().dims());
    }
  }

  @Override
  public void loadState(String prefix, StateDict in) {
    Layer.super.loadState(prefix, in);
    for (Map.Entry<String, Tensor> b : buffers.entrySet()) {
      in.copyFloatsInto(prefix + b.getKey(), b.getValue().data());
    }
  }

  @Override
  public String describe() {
    return description;
  }
}
