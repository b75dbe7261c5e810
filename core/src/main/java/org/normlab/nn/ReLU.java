package org.normlab.nn;

import org.normlab.kernels.Kernels;

/** y = max(x, 0); backward dx = dy where y > 0, else 0 (PyTorch's choice of 0 at x = 0). */
public final class ReLU extends Activation {
  @Override
  void apply(float[] y, float[] x, int off, int len) {
    Kernels.get().relu(x, off, y, off, len);
  }

  @Override
  void gradient(float[] dx, float[] dy, float[] y, int off, int len) {
    Kernels.get().engine().reluBackward(dx, dy, y, off, len);
  }

  @Override
  public String describe() {
    return "ReLU()";
  }
}
