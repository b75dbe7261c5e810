package org.normlab.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Weight initializers, seeded: the same seed gives the same values. fanIn and fanOut are
 * PyTorch's: for a weight (out, in, k...) fanIn = in * prod(k), fanOut = out * prod(k).
 *
 * <ul>
 *   <li>{@link #glorotUniform()}: U(-a, a), a = sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio 2010).
 *   <li>{@link #glorotNormal()}: N(0, 2 / (fanIn + fanOut)).
 *   <li>{@link #heUniform()}: U(-a, a), a = sqrt(6 / fanIn) (He et al. 2015, gain sqrt 2).
 *   <li>{@link #heNormal()}: N(0, 2 / fanIn).
 *   <li>{@link #pytorchDefault()}: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), what PyTorch's Linear and
 *       Conv2d use for weight and bias (kaiming_uniform with a = sqrt 5).
 *   <li>{@link #normal(double)}, {@link #uniform(double)}, {@link #zeros()}, {@link #ones()}.
 * </ul>
 */
public final class Init {
  private Init() {}

  /** Fills {@code data} given the fans of the tensor it belongs to. */
  @FunctionalInterface
  public interface Initializer {
    void fill(float[] data, int fanIn, int fanOut, SplittableRandom random);
  }

  public static Initializer glorotUniform() {
    return (data, fanIn, fanOut, random) ->
        fillUniform(data, Math.sqrt(6.0 / (fanIn + fanOut)), random);
  }

  public static Initializer glorotNormal() {
    return (data, fanIn, fanOut, random) ->
        fillNormal(data, Math.sqrt(2.0 / (fanIn + fanOut)), random);
  }

  public static Initializer heUniform() {
    return (data, fanIn, fanOut, random) -> fillUniform(data, Math.sqrt(6.0 / fanIn), random);
  }

  public static Initializer heNormal() {
    return (data, fanIn, fanOut, random) -> fillNormal(data, Math.sqrt(2.0 / fanIn), random);
  }

  public static Initializer pytorchDefault() {
    return (data, fanIn, fanOut, random) -> fillUniform(data, 1.0 / Math.sqrt(fanIn), random);
  }

  /** N(0, std^2). */
  public static Initializer normal(double std) {
    if (!(std >= 0)) {
      throw new IllegalArgumentException("std: expected >= 0, got " + std);
    }
    return (data, fanIn, fanOut, random) -> fillNormal(data, std, random);
  }

  /** U(-bound, bound). */
  public static Initializer uniform(double bound) {
    if (!(bound > 0)) {
      throw new IllegalArgumentException("bound: expected > 0, got " + bound);
    }
    return (data, fanIn, fanOut, random) -> fillUniform(data, bound, random);
  }

  public static Initializer zeros() {
    return (data, fanIn, fanOut, random) -> Arrays.fill(data, 0f);
  }

  public static Initializer ones() {
    return (data, fanIn, fanOut, random) -> Arrays.fill(data, 1f);
  }

  private static void fillUniform(float[] data, double bound, SplittableRandom random) {
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) ((2 * random.nextDouble() - 1) * bound);
    }
  }

  private static void fillNormal(float[] data, double std, SplittableRandom random) {
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (std * random.nextGaussian());
    }
  }
}
