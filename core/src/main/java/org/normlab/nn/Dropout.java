package org.normlab.nn;

import java.util.SplittableRandom;
import org.normlab.tensor.Tensor;

/**
 * Inverted dropout, PyTorch's nn.Dropout: in training each element is zeroed with probability p
 * and the survivors are scaled by 1/(1-p), so evaluation is the identity. Masks come from a
 * generator seeded at construction: the same seed and call sequence give the same masks.
 * Backward: dx = dy * mask / (1-p).
 */
public final class Dropout implements Layer {
  private final float p;
  private final SplittableRandom random;
  private boolean training = true;
  private float[] scaledMask;

  /** Dropout with probability {@code p} in [0, 1) and a mask generator seeded with {@code seed}. */
  public Dropout(double p, long seed) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("p: expected a probability in [0, 1), got " + p);
    }
    this.p = (float) p;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = x.copy();
    if (!training || p == 0f) {
      scaledMask = null;
      return y;
    }
    float keep = 1f / (1f - p);
    float[] mask = new float[x.size()];
    float[] yd = y.data();
    for (int i = 0; i < mask.length; i++) {
      mask[i] = random.nextDouble() < p ? 0f : keep;
      yd[i] *= mask[i];
    }
    scaledMask = mask;
    return y;
  }

  @Override
  public Tensor backward(Tensor dy) {
    Tensor dx = dy.copy();
    if (scaledMask != null) {
      if (scaledMask.length != dy.size()) {
        throw new IllegalArgumentException("Dropout output gradient: expected " + scaledMask.length
            + " elements, got " + dy.size());
      }
      float[] d = dx.data();
      for (int i = 0; i < d.length; i++) {
        d[i] *= scaledMask[i];
      }
    }
    return dx;
  }

  @Override
  public void setTraining(boolean training) {
    this.training = training;
  }

  @Override
  public String describe() {
    return "Dropout(p=" + p + ", inplace=False)";
  }
}
