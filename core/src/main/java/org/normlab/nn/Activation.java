package org.normlab.nn;

import org.normlab.kernels.Parallel;
import org.normlab.tensor.Tensor;

/**
 * An elementwise activation y = f(x) whose derivative is a function of its output, so forward
 * saves y and backward computes dx = dy * f'(y). Any shape and layout; runs in parallel pieces.
 */
abstract sealed class Activation implements Layer permits ReLU, Sigmoid, Tanh {
  /** Elements per parallel piece: large enough to amortize the fork, small enough to balance. */
  private static final int GRAIN = 1 << 15;
  /** The name in backward's shape errors, built once (getSimpleName per step showed in profiles). */
  private final String gradientName = getClass().getSimpleName() + " output gradient";
  private Tensor output;
  private final RecycledTensor outputBuffer = new RecycledTensor();
  private final RecycledTensor inputGradient = new RecycledTensor();

  /** y[off..off+len) = f(x[off..off+len)). */
  abstract void apply(float[] y, float[] x, int off, int len);

  /** dx[off..off+len) = dy * f'(y) over [off, off+len). */
  abstract void gradient(float[] dx, float[] dy, float[] y, int off, int len);

  @Override
  public Tensor forward(Tensor x) {
    // apply writes every element
    Tensor y = outputBuffer.take(x);
    Parallel.forRange(0, x.size(), GRAIN, (from, to) -> apply(y.data(), x.data(), from, to - from));
    output = y;
    return y;
  }

  @Override
  public Tensor backward(Tensor dy) {
    if (output == null) {
      throw new IllegalStateException(getClass().getSimpleName() + ": backward called before forward");
    }
    dy.requireSameShape(gradientName, output);
    // gradient writes every element
    Tensor dx = inputGradient.take(dy);
    Tensor y = output;
    Parallel.forRange(0, y.size(), GRAIN,
        (from, to) -> gradient(dx.data(), dy.data(), y.data(), from, to - from));
    return dx;
  }

  @Override
  public void recycleOutputs() {
    outputBuffer.recycle();
    inputGradient.recycle();
  }
}
