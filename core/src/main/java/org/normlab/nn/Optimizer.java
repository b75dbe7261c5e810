package org.normlab.nn;

import java.util.List;
import org.normlab.kernels.Parallel;

/**
 * Updates parameters from their gradients. Call {@link #zeroGrad()} before backward and
 * {@link #step()} after it; the learning rate may change between steps (schedules, warm-up).
 *
 * <p>Weight decay, when set, applies to every parameter except, with
 * {@code optExcludeNormFromDecay(true)}, normalization layers' gamma and beta
 * ({@link Parameter#isNormAffine()}).
 *
 * <p>{@link #collectState} / {@link #loadState} save and restore everything a step depends on
 * (step count and per-parameter buffers), so a resumed run continues exactly.
 */
public abstract class Optimizer {
  /** Elements per parallel piece of an update loop. */
  static final int GRAIN = 1 << 15;

  private final List<Parameter> parameters;
  private final double weightDecay;
  private final boolean excludeNormFromDecay;
  private double learningRate;
  private long steps;

  protected Optimizer(List<Parameter> parameters, BaseBuilder<?> b) {
    this(parameters, b.learningRate, b.weightDecay, b.excludeNormFromDecay);
  }

  protected Optimizer(List<Parameter> parameters, double learningRate, double weightDecay,
      boolean excludeNormFromDecay) {
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("parameters: expected at least one parameter, got none");
    }
    checkNonNegative("weight decay", weightDecay);
    this.parameters = List.copyOf(parameters);
    this.weightDecay = weightDecay;
    this.excludeNormFromDecay = excludeNormFromDecay;
    setLearningRate(learningRate);
  }

  static void checkNonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + ": expected a finite value >= 0, got " + value);
    }
  }

  static void checkUnit(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + ": expected a value in [0, 1), got " + value);
    }
  }

  public List<Parameter> parameters() {
    return parameters;
  }

  public double learningRate() {
    return learningRate;
  }

  public void setLearningRate(double learningRate) {
    checkNonNegative("learning rate", learningRate);
    this.learningRate = learningRate;
  }

  /** Steps taken so far (restored with the state). */
  public long steps() {
    return steps;
  }

  /** The weight decay that applies to {@code p}: 0 for excluded norm parameters. */
  protected final float decayOf(Parameter p) {
    return excludeNormFromDecay && p.isNormAffine() ? 0f : (float) weightDecay;
  }

  public void zeroGrad() {
    for (Parameter p : parameters) {
      p.zeroGrad();
    }
  }

  /** Applies one update to every parameter. */
  public final void step() {
    steps++;
    for (int i = 0; i < parameters.size(); i++) {
      int index = i;
      Parameter p = parameters.get(i);
      Parallel.forRange(0, p.value().size(), GRAIN,
          (from, to) -> update(index, p, steps, from, to));
    }
  }

  /** Updates elements [from, to) of parameter number {@code index}; {@code step} counts from 1. */
  protected abstract void update(int index, Parameter p, long step, int from, int to);

  /** Adds the step count and the per-parameter buffers under {@code prefix} (views, not copies). */
  public void collectState(String prefix, StateDict out) {
    out.putLongs(prefix + "step", new long[] {steps});
    collectBuffers(prefix, out);
  }

  /** Restores state written by {@link #collectState}. */
  public void loadState(String prefix, StateDict in) {
    steps = in.longValue(prefix + "step");
    loadBuffers(prefix, in);
  }

  protected abstract void collectBuffers(String prefix, StateDict out);

  protected abstract void loadBuffers(String prefix, StateDict in);

  /** Helpers for subclasses: one float buffer per parameter named {@code prefix + i + "." + name}. */
  protected final void putBuffers(String prefix, String name, float[][] buffers, StateDict out) {
    for (int i = 0; i < buffers.length; i++) {
      out.putFloats(prefix + i + "." + name, buffers[i], parameters.get(i).value().shape().dims());
    }
  }

  protected final void readBuffers(String prefix, String name, float[][] buffers, StateDict in) {
    for (int i = 0; i < buffers.length; i++) {
      in.copyFloatsInto(prefix + i + "." + name, buffers[i]);
    }
  }

  protected final float[][] newBuffers() {
    float[][] b = new float[parameters.size()][];
    for (int i = 0; i < b.length; i++) {
      b[i] = new float[parameters.get(i).value().size()];
    }
    return b;
  }

  /**
   * Options every optimizer has: {@code optWeightDecay} (default 0 unless the optimizer says
   * otherwise) and {@code optExcludeNormFromDecay} (default false: decay applies to every
   * parameter, as in PyTorch).
   *
   * @param <B> the concrete builder, returned by every option for chaining
   */
  public abstract static class BaseBuilder<B extends BaseBuilder<B>> {
    double learningRate;
    double weightDecay;
    boolean excludeNormFromDecay;

    BaseBuilder(double learningRate, double weightDecay) {
      this.learningRate = learningRate;
      this.weightDecay = weightDecay;
    }

    @SuppressWarnings("unchecked")
    final B self() {
      return (B) this;
    }

    final B learningRate(double learningRate) {
      checkNonNegative("learning rate", learningRate);
      this.learningRate = learningRate;
      return self();
    }

    public B optWeightDecay(double weightDecay) {
      checkNonNegative("weight decay", weightDecay);
      this.weightDecay = weightDecay;
      return self();
    }

    public B optExcludeNormFromDecay(boolean exclude) {
      this.excludeNormFromDecay = exclude;
      return self();
    }
  }
}
