package org.normlab.norm;

import java.util.Arrays;
import org.normlab.kernels.Kernels;
import org.normlab.kernels.NormFamilyKernels;
import org.normlab.kernels.Parallel;
import org.normlab.tensor.Tensor;

/**
 * Layer normalization (Ba, Kiros and Hinton 2016) over the last k dims, as PyTorch's
 * {@code nn.LayerNorm}: for each row of D = prod(normalizedShape) values,
 * <pre>
 *   mean = sum(x) / D,   var = sum((x - mean)^2) / D   (biased)
 *   y    = (x - mean) / sqrt(var + eps) * weight + bias
 * </pre>
 * "Last k dims" are the last dims in memory order: for a channels-last tensor (NHWC) with
 * normalizedShape (C) this normalizes over the channels of each position.
 *
 * <p>Backward, with xhat = (x - mean) * rstd, dxhat = dy * weight and means over the row:
 * <pre>
 *   dx          = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
 *   weightGrad += sum over rows of dy * xhat
 *   biasGrad   += sum over rows of dy
 * </pre>
 * Gradients accumulate; the caller zeroes them.
 */
public final class LayerNorm extends AffineNorm {
  /** The default eps, as PyTorch. */
  public static final double DEFAULT_EPS = 1e-5;

  /** The dy and x bytes one backward first pass reads for the dx pass after it to find cached. */
  private static final long BACKWARD_PASS_BYTES = 64 * 1024;

  private final int[] normalizedShape;
  private final int features;
  private final double eps;
  private final float[] weightOrOnes;

  private Tensor input;
  private float[] mean;
  private float[] rstd;

  private LayerNorm(Builder b) {
    super(new AffineParams(b.elementwiseAffine, b.elementwiseAffine && b.bias, b.normalizedShape));
    this.normalizedShape = b.normalizedShape;
    this.features = NormShapes.product(normalizedShape);
    this.eps = NormShapes.requireEps(b.eps);
    this.weightOrOnes = params.wOrOnes(features);
  }

  /** A builder normalizing over the last dims {@code normalizedShape} (required, all positive). */
  public static Builder builder(int... normalizedShape) {
    return new Builder(normalizedShape);
  }

  /** Builder: normalizedShape required; eps 1e-5, elementwise affine on, bias on by default. */
  public static final class Builder {
    private final int[] normalizedShape;
    private double eps = DEFAULT_EPS;
    private boolean elementwiseAffine = true;
    private boolean bias = true;

    private Builder(int[] normalizedShape) {
      this.normalizedShape = NormShapes.requirePositiveDims("normalizedShape", normalizedShape);
    }

    /** eps added to the variance inside the square root (default 1e-5). */
    public Builder optEps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Learnable per-element weight (ones) and bias (zeros); default true. */
    public Builder optElementwiseAffine(boolean on) {
      this.elementwiseAffine = on;
      return this;
    }

    /** With elementwise affine, whether to learn a bias too (default true). */
    public Builder optBias(boolean on) {
      this.bias = on;
      return this;
    }

    public LayerNorm build() {
      return new LayerNorm(this);
    }
  }

  /** {@link #forward(Tensor, Tensor)} into a new tensor. */
  public Tensor forward(Tensor x) {
    return forward(x, x.zerosLike());
  }

  /**
   * Normalizes every row of the last dims; saves mean and rstd per row for backward. Writes into
   * {@code out} (x's shape and layout, not x itself) and returns it.
   */
  public Tensor forward(Tensor x, Tensor out) {
    NormShapes.requireTrailingDims("LayerNorm", x, normalizedShape);
    NormShapes.requireOut("out", out, x);
    int d = features;
    int rows = x.size() / d;
    float[] xd = x.data();
    Tensor y = out;
    float[] yd = y.data();
    float[] m = new float[rows];
    float[] r = new float[rows];
    float[] w = weightOrOnes;
    float[] b = params.b();
    NormFamilyKernels nf = Kernels.get().normFamily();
    // Pipelined: the pass that normalizes a row also makes the shifted sums (ShiftedMoments:
    // about its first value) of the next one, so x streams from memory while the cache-resident
    // normalization runs.
    Parallel.forRange(0, rows, NormShapes.pipelineGrain(d), (from, to) -> {
      double[] sums = new double[2];
      double[] moments = new double[2];
      float centre = xd[from * d];
      nf.shiftedSums(sums, xd, from * d, d, centre);
      for (int row = from; row < to; row++) {
        int off = row * d;
        ShiftedMoments.finish(moments, sums, centre, xd, off, d, nf);
        m[row] = (float) moments[0];
        r[row] = (float) (1.0 / Math.sqrt(moments[1] + eps));
        if (row + 1 < to) {
          centre = xd[off + d];
          nf.normalizeAffineAndShiftedSums(yd, xd, off, d, m[row], r[row], w, b, off + d, centre,
              sums);
        } else {
          nf.normalizeAffine(yd, xd, off, d, m[row], r[row], w, b);
        }
      }
    });
    this.input = x;
    this.mean = m;
    this.rstd = r;
    return y;
  }

  /** {@link #backward(Tensor, Tensor)} into a new tensor. */
  public Tensor backward(Tensor dy) {
    return backward(dy, dy.zerosLike());
  }

  /**
   * Returns dx and adds into {@link #weightGrad()} and {@link #biasGrad()} (see the class
   * formulas). Writes dx into {@code dx} (x's shape and layout, not x itself).
   */
  public Tensor backward(Tensor dy, Tensor dx) {
    NormShapes.requireBackward("LayerNorm", input, dy);
    int d = features;
    int rows = mean.length;
    float[] xd = input.data();
    float[] dyd = dy.data();
    NormShapes.requireOut("dx", dx, input);
    float[] dxd = dx.data();
    float[] w = weightOrOnes;
    NormFamilyKernels nf = Kernels.get().normFamily();
    float[][] grads = {params.dw(), params.db()};
    // A few rows at a time: one pass over them (from memory) makes their sums and adds their
    // dw and db, then each row's dx is written from cache.
    int group = rowsPerBackwardPass(d);
    GradientChunks.run(rows, d, grads, (from, to, partials) -> {
      double[] sums = new double[2 * group];
      for (int row = from; row < to; row += group) {
        int n = Math.min(group, to - row);
        nf.layerNormBackwardSums(sums, partials[0], partials[1], dyd, xd, row * d, d, n, w, mean,
            rstd, row);
        for (int q = 0; q < n; q++) {
          int r = row + q;
          nf.layerNormBackwardDx(dxd, dyd, xd, r * d, d, w, mean[r], rstd[r], sums[2 * q],
              sums[2 * q + 1]);
        }
      }
    });
    return dx;
  }

  /**
   * Rows per first pass of the backward: four (the vector kernel's block), as long as their dy and
   * x (32 KiB at 1024 features) stay in a core's cache for the dx pass that follows; fewer for
   * wider rows. Results do not depend on it (see NormFamilyKernels.layerNormBackwardSums).
   */
  static int rowsPerBackwardPass(int features) {
    return (int) Math.max(1, Math.min(4, BACKWARD_PASS_BYTES / (2L * Float.BYTES * features)));
  }

  public int[] normalizedShape() {
    return normalizedShape.clone();
  }

  public double eps() {
    return eps;
  }

  /** The per-row means saved by the last forward (null before). */
  public float[] savedMean() {
    return mean;
  }

  /** The per-row 1/sqrt(var + eps) saved by the last forward (null before). */
  public float[] savedRstd() {
    return rstd;
  }

  @Override
  public String toString() {
    return "LayerNorm(" + Arrays.toString(normalizedShape) + ", eps=" + eps
        + ", elementwise_affine=" + (params.weight != null) + ", bias=" + (params.bias != null) + ")";
  }
}
