package org.normlab.lab.train;

import java.util.SplittableRandom;
import org.normlab.nn.Layer;
import org.normlab.tensor.Tensor;

/**
 * The distribution noise of Santurkar et al.'s "noisy BN" (reproductions.md, shared
 * definitions): in training mode, {@code a <- s*a + m} with, per forward pass (per layer per
 * step), mu_t ~ U(-0.5, 0.5) and sigma_t ~ U(1, 1.25), and per element m ~ U(mu_t - 0.1,
 * mu_t + 0.1) and s ~ N(sigma_t, 0.1). In evaluation mode it is the identity.
 *
 * <p>Backward: the noise is a constant of the step, so dL/da = s * dL/dy.
 */
public final class NoiseLayer implements Layer {
  private final SplittableRandom random;
  private boolean training = true;
  private float[] scale;

  /** Noise drawn from a generator seeded with {@code seed}. */
  public NoiseLayer(long seed) {
    this.random = new SplittableRandom(seed);
  }

  @Override
  public Tensor forward(Tensor x) {
    if (!training) {
      scale = null;
      return x;
    }
    double mu = random.nextDouble(-0.5, 0.5);
    double sigma = random.nextDouble(1.0, 1.25);
    float[] in = x.data();
    Tensor y = x.zerosLike();
    float[] out = y.data();
    scale = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      double m = random.nextDouble(mu - 0.1, mu + 0.1);
      double s = sigma + 0.1 * gaussian();
      scale[i] = (float) s;
      out[i] = (float) (s * in[i] + m);
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor dy) {
    if (scale == null) {
      return dy;
    }
    Tensor dx = dy.zerosLike();
    float[] g = dy.data();
    float[] d = dx.data();
    for (int i = 0; i < g.length; i++) {
      d[i] = scale[i] * g[i];
    }
    return dx;
  }

  /** A standard normal draw (Box-Muller; one of the pair is dropped, which keeps it stateless). */
  private double gaussian() {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Override
  public void setTraining(boolean training) {
    this.training = training;
  }

  @Override
  public String describe() {
    return "NoisyBNNoise(mu~U(-0.5,0.5), sigma~U(1,1.25))";
  }
}
