package org.normlab.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.normlab.norm.GroupNorm;
import org.normlab.norm.InstanceNorm;
import org.normlab.norm.LayerNorm;
import org.normlab.norm.LpNorm;
import org.normlab.norm.RmsNorm;
import org.normlab.tensor.Tensor;

/**
 * The normalization family (LayerNorm, GroupNorm, InstanceNorm, RMSNorm, Lp norm) as
 * {@link Layer}s, so that they sit in a {@link Sequential} like {@link BatchNormLayer}: forward
 * and backward (and their closed forms) are the wrapped norm's; gamma and beta are exposed as
 * parameters sharing its buffers ({@link Parameter#wrap}, marked as norm parameters so weight
 * decay can skip them), running statistics as state-dict entries named as PyTorch names them.
 */
public final class NormLayer implements Layer {
  private final String description;
  private final UnaryOperator<Tensor> forward;
  private final UnaryOperator<Tensor> backward;
  private final Consumer<Boolean> training;
  private final List<Parameter> parameters = new ArrayList<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();

  /** A layer from a norm's forward, backward and train/eval switch; add its state with the methods below. */
  public NormLayer(String description, UnaryOperator<Tensor> forward, UnaryOperator<Tensor> backward,
      Consumer<Boolean> training) {
    this.description = description;
    this.forward = forward;
    this.backward = backward;
    this.training = training;
  }

  /** LayerNorm: state {@code weight}, {@code bias} when affine. */
  public static NormLayer of(LayerNorm ln) {
    return new NormLayer(ln.toString(), ln::forward, ln::backward, on -> { })
        .affine(ln.weight(), ln.weightGrad(), ln.bias(), ln.biasGrad());
  }

  /** GroupNorm: state {@code weight}, {@code bias} when affine. */
  public static NormLayer of(GroupNorm gn) {
    return new NormLayer(gn.toString(), gn::forward, gn::backward, on -> { })
        .affine(gn.weight(), gn.weightGrad(), gn.bias(), gn.biasGrad());
  }

  /** InstanceNorm: state {@code weight}, {@code bias} when affine; running statistics when tracked. */
  public static NormLayer of(InstanceNorm in) {
    return new NormLayer(in.toString(), in::forward, in::backward, in::setTraining)
        .affine(in.weight(), in.weightGrad(), in.bias(), in.biasGrad())
        .buffer("running_mean", in.runningMean())
        .buffer("running_var", in.runningVar());
  }

  /** RMSNorm: state {@code weight} when affine (RMSNorm has no bias). */
  public static NormLayer of(RmsNorm rms) {
    return new NormLayer(rms.toString(), rms::forward, rms::backward, on -> { })
        .affine(rms.weight(), rms.weightGrad(), null, null);
  }

  /** Santurkar's Lp normalization: state {@code weight}, {@code bias}, {@code running_mean}, {@code running_scale}. */
  public static NormLayer of(LpNorm lp) {
    return new NormLayer(lp.toString(), lp::forward, lp::backward, lp::setTraining)
        .affine(lp.weight(), lp.weightGrad(), lp.bias(), lp.biasGrad())
        .buffer("running_mean", lp.runningMean())
        .buffer("running_scale", lp.runningScale());
  }

  /** Adds gamma and beta (skipped when null: a norm without affine step). */
  public NormLayer affine(Tensor weight, Tensor weightGrad, Tensor bias, Tensor biasGrad) {
    if (weight != null) {
      parameters.add(Parameter.wrap("weight", weight, weightGrad, true));
    }
    if (bias != null) {
      parameters.add(Parameter.wrap("bias", bias, biasGrad, true));
    }
    return this;
  }

  /** Adds a buffer (e.g. running_mean) to the layer's state. */
  public NormLayer buffer(String name, Tensor value) {
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
