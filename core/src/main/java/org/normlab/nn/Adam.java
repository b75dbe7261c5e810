package org.normlab.nn;

import java.util.List;

/**
 * Adam (Kingma and Ba 2015) as PyTorch's torch.optim.Adam and, with decoupled weight decay, AdamW
 * (Loshchilov and Hutter 2019), step t counting from 1:
 * <pre>
 *   AdamW only: p = p * (1 - lr * wd)          Adam only: g = grad + wd * p
 *   m = b1 * m + (1 - b1) * g
 *   v = b2 * v + (1 - b2) * g^2
 *   p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * <p>{@code Adam.builder()} / {@code Adam.adamW()}: options {@code optLearningRate} (default
 * 1e-3), {@code optBetas} (0.9, 0.999), {@code optEps} (1e-8), {@code optWeightDecay} (0 for
 * Adam, 0.01 for AdamW), {@code optExcludeNormFromDecay} (false). {@link AdamW} is this class
 * built with decoupled decay.
 */
public class Adam extends Optimizer {
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final boolean decoupled;
  private final float[][] expAvg;
  private final float[][] expAvgSq;

  Adam(Builder b, List<Parameter> parameters) {
    super(parameters, b);
    this.beta1 = (float) b.beta1;
    this.beta2 = (float) b.beta2;
    this.eps = (float) b.eps;
    this.decoupled = b.decoupled;
    this.expAvg = newBuffers();
    this.expAvgSq = newBuffers();
  }

  /** Adam with L2 weight decay added to the gradient (PyTorch's Adam). */
  public static Builder builder() {
    return new Builder(false, 0.0);
  }

  @Override
  protected void update(int index, Parameter p, long step, int from, int to) {
    float[] w = p.value().data();
    float[] grad = p.grad().data();
    float[] m = expAvg[index];
    float[] v = expAvgSq[index];
    float lr = (float) learningRate();
    float wd = decayOf(p);
    float stepSize = (float) (lr / (1 - Math.pow(beta1, step)));
    float rootCorrection = (float) Math.sqrt(1 - Math.pow(beta2, step));
    float shrink = decoupled ? 1f - lr * wd : 1f;
    float l2 = decoupled ? 0f : wd;
    for (int i = from; i < to; i++) {
      float g = grad[i] + l2 * w[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      float denom = (float) Math.sqrt(v[i]) / rootCorrection + eps;
      w[i] = w[i] * shrink - stepSize * m[i] / denom;
    }
  }

  @Override
  protected void collectBuffers(String prefix, StateDict out) {
    putBuffers(prefix, "exp_avg", expAvg, out);
    putBuffers(prefix, "exp_avg_sq", expAvgSq, out);
  }

  @Override
  protected void loadBuffers(String prefix, StateDict in) {
    readBuffers(prefix, "exp_avg", expAvg, in);
    readBuffers(prefix, "exp_avg_sq", expAvgSq, in);
  }

  /** Builder with PyTorch's defaults; every setting optional. */
  public static final class Builder extends BaseBuilder<Builder> {
    private final boolean decoupled;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;

    Builder(boolean decoupled, double weightDecay) {
      super(1e-3, weightDecay);
      this.decoupled = decoupled;
    }

    public Builder optLearningRate(double learningRate) {
      return learningRate(learningRate);
    }

    public Builder optBetas(double beta1, double beta2) {
      checkUnit("beta1", beta1);
      checkUnit("beta2", beta2);
      this.beta1 = beta1;
      this.beta2 = beta2;
      return this;
    }

    public Builder optEps(double eps) {
      if (!(eps > 0)) {
        throw new IllegalArgumentException("eps: expected > 0, got " + eps);
      }
      this.eps = eps;
      return this;
    }

    public Adam build(List<Parameter> parameters) {
      return decoupled ? new AdamW(this, parameters) : new Adam(this, parameters);
    }
  }
}
