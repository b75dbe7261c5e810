package org.normlab.nn;

import org.normlab.kernels.Kernels;

/** y = 1 / (1 + exp(-x)); backward dx = dy * y * (1 - y). */
public final class Sigmoid extends Activation {
  @Override
  void apply(float[] y, float[] x, int off, int len) {
    Kernels.get().engine().sigmoid(y, x, off, len);
  }

  @Override
  void gradient(float[] dx, float[] dy, float[] y, int off, int len) {
    Kernels.get().engine().sigmoidBackward(dx, dy, y, off, len);
  }

  @Override
  public String describe() {
    return "Sigmoid()";
  }
}
