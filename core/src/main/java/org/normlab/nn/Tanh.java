package org.normlab.nn;

import org.normlab.kernels.Kernels;

/** y = tanh(x); backward dx = dy * (1 - y^2). */
public final class Tanh extends Activation {
  @Override
  void apply(float[] y, float[] x, int off, int len) {
    Kernels.get().engine().tanh(y, x, off, len);
  }

  @Override
  void gradient(float[] dx, float[] dy, float[] y, int off, int len) {
    Kernels.get().engine().tanhBackward(dx, dy, y, off, len);
  }

  @Override
  public String describe() {
    return "Tanh()";
  }
}
