package org.normlab.nn;

import java.util.List;

/**
 * Stochastic gradient descent with momentum, Nesterov momentum and weight decay, exactly as
 * PyTorch's torch.optim.SGD (dampening 0):
 * <pre>
 *   g = grad + wd * p
 *   b = g                  at the first step, else b = momentum * b + g
 *   d = g + momentum * b   (Nesterov) or d = b   (momentum 0: d = g)
 *   p = p - lr * d
 * </pre>
 *
 * <p>{@code Sgd.builder().setLearningRate(lr)} is required; options {@code optMomentum}
 * (default 0), {@code optNesterov} (default false; needs momentum > 0), {@code optWeightDecay}
 * (default 0), {@code optExcludeNormFromDecay} (default false).
 */
public final class Sgd extends Optimizer {
  private final float momentum;
  private final boolean nesterov;
  private final float[][] momentumBuffers;

  private Sgd(Builder b, List<Parameter> parameters) {
    super(parameters, b);
    this.momentum = (float) b.momentum;
    this.nesterov = b.nesterov;
    this.momentumBuffers = momentum != 0f ? newBuffers() : new float[0][];
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected void update(int index, Parameter p, long step, int from, int to) {
    float[] w = p.value().data();
    float[] grad = p.grad().data();
    float wd = decayOf(p);
    float lr = (float) learningRate();
    if (momentum == 0f) {
      for (int i = from; i < to; i++) {
        w[i] -= lr * (grad[i] + wd * w[i]);
      }
      return;
    }
    float[] buf = momentumBuffers[index];
    for (int i = from; i < to; i++) {
      float g = grad[i] + wd * w[i];
      float b = step == 1 ? g : momentum * buf[i] + g;
      buf[i] = b;
      w[i] -= lr * (nesterov ? g + momentum * b : b);
    }
  }

  @Override
  protected void collectBuffers(String prefix, StateDict out) {
    putBuffers(prefix, "momentum_buffer", momentumBuffers, out);
  }

  @Override
  protected void loadBuffers(String prefix, StateDict in) {
    readBuffers(prefix, "momentum_buffer", momentumBuffers, in);
  }

  /** Builder: learning rate required; momentum, Nesterov, weight decay optional. */
  public static final class Builder extends BaseBuilder<Builder> {
    private double momentum;
    private boolean nesterov;

    private Builder() {
      super(Double.NaN, 0);
    }

    public Builder setLearningRate(double learningRate) {
      return learningRate(learningRate);
    }

    public Builder optMomentum(double momentum) {
      checkUnit("momentum", momentum);
      this.momentum = momentum;
      return this;
    }

    public Builder optNesterov(boolean nesterov) {
      this.nesterov = nesterov;
      return this;
    }

    public Sgd build(List<Parameter> parameters) {
      if (Double.isNaN(learningRate)) {
        throw new IllegalArgumentException("learning rate: required, call setLearningRate");
      }
      if (nesterov && momentum == 0) {
        throw new IllegalArgumentException("nesterov: needs momentum > 0, got momentum 0");
      }
      return new Sgd(this, parameters);
    }
  }
}
