package org.normlab.norm;

/**
 * How a framework defines batch normalization's defaults and running-statistics update. Named
 * presets, never silent flips: a model moved between frameworks states which one it came from.
 *
 * <p>normlab stores a PyTorch-style momentum {@code m}: {@code r <- (1 - m)*r + m*s}. Keras
 * stores a decay {@code d} (its argument is called "momentum"): {@code r <- d*r + (1 - d)*s}.
 * The conversion is {@code m = 1 - d}: Keras' default decay 0.99 is PyTorch momentum 0.01
 * ({@link #momentumFromKerasDecay}).
 */
public enum BatchNormConvention {
  /**
   * PyTorch (the default): eps 1e-5, momentum 0.1, and the running variance fed with the
   * UNBIASED batch variance {@code var_B * m/(m-1)} (m values per channel).
   */
  PYTORCH(1e-5, 0.1, true),
  /**
   * Keras / TensorFlow: eps 1e-3, decay 0.99 (= momentum 0.01), and the running variance fed
   * with the BIASED batch variance (the one that normalized the batch).
   */
  KERAS(1e-3, 0.01, false);

  private final double defaultEps;
  private final double defaultMomentum;
  private final boolean unbiasedRunningVariance;

  BatchNormConvention(double defaultEps, double defaultMomentum, boolean unbiasedRunningVariance) {
    this.defaultEps = defaultEps;
    this.defaultMomentum = defaultMomentum;
    this.unbiasedRunningVariance = unbiasedRunningVariance;
  }

  /** eps when the builder does not set one. */
  public double defaultEps() {
    return defaultEps;
  }

  /** The PyTorch-style momentum (weight of the new batch) when the builder does not set one. */
  public double defaultMomentum() {
    return defaultMomentum;
  }

  /** Whether the running variance is fed with the unbiased (true) or biased (false) batch variance. */
  public boolean unbiasedRunningVariance() {
    return unbiasedRunningVariance;
  }

  /** Keras' decay {@code d} ("momentum" in Keras) as normlab's momentum {@code 1 - d}. */
  public static double momentumFromKerasDecay(double decay) {
    if (!(decay >= 0 && decay <= 1)) {
      throw new IllegalArgumentException("decay: expected a value in [0, 1], got " + decay);
    }
    return 1.0 - decay;
  }

  /** normlab's momentum {@code m} as Keras' decay {@code 1 - m}. */
  public static double kerasDecayFromMomentum(double momentum) {
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException("momentum: expected a value in [0, 1], got " + momentum);
    }
    return 1.0 - momentum;
  }
}
