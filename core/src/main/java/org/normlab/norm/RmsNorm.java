package org.normlab.norm;

import java.util.Arrays;
import org.normlab.kernels.KernelSupport;
import org.normlab.kernels.Kernels;
import org.normlab.kernels.NormFamilyKernels;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Tensor;

/**
 * Root mean square normalization (Zhang and Sennrich 2019), as PyTorch's {@code nn.RMSNorm} over
 * the last k dims (memory order): for each row of D values,
 * <pre>
 *   r = 1 / sqrt(sum(x^2) / D + eps),   y = x * r * weight
 * </pre>
 * No centring and no bias. The default eps is float32's machine epsilon (2^-23), which is what
 * PyTorch uses when eps is None.
 *
 * <p>Backward (dr/dx = -r^3 x / D):
 * <pre>
 *   dx          = r * weight * dy - x * r^3 * sum(dy * weight * x) / D
 *   weightGrad += sum over rows of dy * x * r
 * </pre>
 */
public final class RmsNorm extends AffineNorm {
  /** PyTorch's default: torch.finfo(torch.float32).eps. */
  public static final double DEFAULT_EPS = Math.ulp(1f);

  private final int[] normalizedShape;
  private final int features;
  private final double eps;
  private final float[] weightOrOnes;

  private Tensor input;
  private float[] rstd;

  private RmsNorm(Builder b) {
    super(new AffineParams(b.elementwiseAffine, false, b.normalizedShape));
    this.normalizedShape = b.normalizedShape;
    this.features = NormShapes.product(normalizedShape);
    this.eps = NormShapes.requireEps(b.eps);
    this.weightOrOnes = params.wOrOnes(features);
  }

  public static Builder builder(int... normalizedShape) {
    return new Builder(normalizedShape);
  }

  /** Builder: normalizedShape required; eps 2^-23 and a learnable weight (ones) by default. */
  public static final class Builder {
    private final int[] normalizedShape;
    private double eps = DEFAULT_EPS;
    private boolean elementwiseAffine = true;

    private Builder(int[] normalizedShape) {
      this.normalizedShape = NormShapes.requirePositiveDims("normalizedShape", normalizedShape);
    }

    public Builder optEps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Learnable per-element weight (ones); default true. */
    public Builder optElementwiseAffine(boolean on) {
      this.elementwiseAffine = on;
      return this;
    }

    public RmsNorm build() {
      return new RmsNorm(this);
    }
  }

  /** {@link #forward(Tensor, Tensor)} into a new tensor. */
  public Tensor forward(Tensor x) {
    return forward(x, x.zerosLike());
  }

  /**
   * Normalizes each row by its root mean square; saves r per row for backward. Writes into {@code
   * out} (x's shape and layout, not x itself) and returns it.
   */
  public Tensor forward(Tensor x, Tensor out) {
    NormShapes.requireTrailingDims("RmsNorm", x, normalizedShape);
    NormShapes.requireOut("out", out, x);
    int d = features;
    int rows = x.size() / d;
    float[] xd = x.data();
    Tensor y = out;
    float[] yd = y.data();
    float[] r = new float[rows];
    float[] w = weightOrOnes;
    KernelSupport k = Kernels.get();
    NormFamilyKernels nf = k.normFamily();
    Parallel.forRange(0, rows, NormShapes.grain(d), (from, to) -> {
      for (int row = from; row < to; row++) {
        int off = row * d;
        r[row] = (float) (1.0 / Math.sqrt(k.sumOfSquares(xd, off, d) / d + eps));
        nf.normalizeAffine(yd, xd, off, d, 0f, r[row], w, null);
      }
    });
    this.input = x;
    this.rstd = r;
    return y;
  }

  /** {@link #backward(Tensor, Tensor)} into a new tensor. */
  public Tensor backward(Tensor dy) {
    return backward(dy, dy.zerosLike());
  }

  /**
   * Returns dx and adds into {@link #weightGrad()} (see the class formulas). Writes dx into {@code
   * dx} (x's shape and layout, not x itself).
   */
  public Tensor backward(Tensor dy, Tensor dx) {
    NormShapes.requireBackward("RmsNorm", input, dy);
    int d = features;
    float[] xd = input.data();
    float[] dyd = dy.data();
    NormShapes.requireOut("dx", dx, input);
    float[] dxd = dx.data();
    float[] w = weightOrOnes;
    NormFamilyKernels nf = Kernels.get().normFamily();
    float[][] grads = {params.dw()};
    GradientChunks.run(rstd.length, d, grads, (from, to, partials) -> {
      for (int row = from; row < to; row++) {
        nf.rmsNormBackward(dxd, partials[0], dyd, xd, row * d, d, w, rstd[row]);
      }
    });
    return dx;
  }

  public int[] normalizedShape() {
    return normalizedShape.clone();
  }

  public double eps() {
    return eps;
  }

  /** 1/sqrt(mean(x^2) + eps) per row from the last forward (null before). */
  public float[] savedRstd() {
    return rstd;
  }

  @Override
  public String toString() {
    return "RmsNorm(" + Arrays.toString(normalizedShape) + ", eps=" + eps + ", elementwise_affine="
        + (params.weight != null) + ")";
  }
}
