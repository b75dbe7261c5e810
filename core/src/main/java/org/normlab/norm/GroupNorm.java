package org.normlab.norm;

import org.normlab.tensor.Tensor;

/**
 * Group normalization (Wu and He 2018), as PyTorch's {@code nn.GroupNorm(G, C)}: the C channels
 * are split into G groups of C/G consecutive channels; each sample's group is normalized over its
 * channels and all positions with the biased variance, then a per-channel affine applies:
 * <pre>
 *   y[n, c, ...] = (x - mean[n, g(c)]) / sqrt(var[n, g(c)] + eps) * weight[c] + bias[c]
 * </pre>
 * Accepts every layout with channels: NC, NCL, NCHW, NCDHW and the channels-last NLC, NHWC, NDHWC
 * (same numbers, other memory order). G = 1 is LayerNorm over (C, ...) with per-channel affine;
 * G = C is {@link InstanceNorm}.
 *
 * <p>Backward: over each group, with xhat = (x - mean) * rstd and dxhat = dy * weight[c],
 * <pre>
 *   dx          = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
 *   weightGrad += sum over n and positions of dy * xhat
 *   biasGrad   += sum over n and positions of dy
 * </pre>
 * (computed in ATen's factored form, see {@code GroupStats}). Gradients accumulate.
 */
public final class GroupNorm extends AffineNorm {
  public static final double DEFAULT_EPS = 1e-5;

  private final int groups;
  private final int channels;
  private final double eps;

  private Tensor input;
  private float[] mean;
  private float[] rstd;

  private GroupNorm(Builder b) {
    super(new AffineParams(b.affine, b.affine, b.channels));
    this.groups = b.groups;
    this.channels = b.channels;
    this.eps = NormShapes.requireEps(b.eps);
  }

  /** A builder for {@code groups} groups over {@code channels} channels (channels % groups == 0). */
  public static Builder builder(int groups, int channels) {
    return new Builder(groups, channels);
  }

  /** Builder: groups and channels required; eps 1e-5 and affine on by default. */
  public static final class Builder {
    private final int groups;
    private final int channels;
    private double eps = DEFAULT_EPS;
    private boolean affine = true;

    private Builder(int groups, int channels) {
      if (groups < 1) {
        throw new IllegalArgumentException("groups: expected at least 1, got " + groups);
      }
      if (channels < 1) {
        throw new IllegalArgumentException("channels: expected at least 1, got " + channels);
      }
      if (channels % groups != 0) {
        throw new IllegalArgumentException("channels: expected a multiple of groups, got "
            + channels + " channels for " + groups + " groups (" + channels + " % " + groups
            + " = " + channels % groups + ")");
      }
      this.groups = groups;
      this.channels = channels;
    }

    /** eps added to the variance inside the square root (default 1e-5). */
    public Builder optEps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Learnable per-channel weight (ones) and bias (zeros); default true. */
    public Builder optAffine(boolean on) {
      this.affine = on;
      return this;
    }

    public GroupNorm build() {
      return new GroupNorm(this);
    }
  }

  /** {@link #forward(Tensor, Tensor)} into a new tensor. */
  public Tensor forward(Tensor x) {
    return forward(x, x.zerosLike());
  }

  /**
   * Normalizes each sample's groups; saves mean and rstd per (sample, group) for backward. Writes
   * into {@code out} (x's shape and layout, not x itself) and returns it.
   */
  public Tensor forward(Tensor x, Tensor out) {
    requireInput("GroupNorm", x, channels);
    NormShapes.requireOut("out", out, x);
    int count = x.batch() * groups;
    double[] mu = new double[count];
    double[] var = new double[count];
    float[] m = new float[count];
    float[] r = new float[count];
    Tensor y = out;
    GroupStats.forward(x, groups, eps, params.w(), params.b(), y, mu, var, m, r);
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
   * Returns dx and adds into {@link #weightGrad()} and {@link #biasGrad()}. Writes dx into {@code
   * dx} (x's shape and layout, not x itself).
   */
  public Tensor backward(Tensor dy, Tensor dx) {
    NormShapes.requireBackward("GroupNorm", input, dy);
    NormShapes.requireOut("dx", dx, input);
    GroupStats.backward(input, dy, groups, mean, rstd, params.w(), false, dx, params.dw(),
        params.db());
    return dx;
  }

  /** Throws unless x has a layout with channels and {@code channels} of them. */
  static void requireInput(String layer, Tensor x, int channels) {
    if (!x.layout().hasChannels()) {
      throw new IllegalArgumentException(layer + " input: expected a layout with channels (NC, NCL,"
          + " NLC, NCHW, NHWC, NCDHW, NDHWC), got " + x.layout());
    }
    x.requireChannels(channels);
  }

  public int groups() {
    return groups;
  }

  public int channels() {
    return channels;
  }

  public double eps() {
    return eps;
  }

  /** Means per (sample, group), indexed n * groups + g, from the last forward (null before). */
  public float[] savedMean() {
    return mean;
  }

  /** 1/sqrt(var + eps) per (sample, group) from the last forward (null before). */
  public float[] savedRstd() {
    return rstd;
  }

  @Override
  public String toString() {
    return "GroupNorm(" + groups + ", " + channels + ", eps=" + eps + ", affine=" + (params.weight != null)
        + ")";
  }
}
