package org.normlab.norm;

import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Instance normalization (Ulyanov, Vedaldi and Lempitsky 2016), as PyTorch's
 * {@code nn.InstanceNorm1d/2d/3d}: each sample's channel is normalized over its positions,
 * <pre>
 *   y[n, c, ...] = (x - mean[n, c]) / sqrt(var[n, c] + eps) * weight[c] + bias[c]
 * </pre>
 * that is {@link GroupNorm} with one group per channel (same backward). Defaults as PyTorch:
 * affine off, no running statistics, eps 1e-5, momentum 0.1.
 *
 * <p>With running statistics tracked, training updates, per channel,
 * {@code running = (1 - momentum) * running + momentum * s}, where s is the mean over the batch of
 * the per-instance means, and of the per-instance UNBIASED variances (PyTorch's convention);
 * evaluation then normalizes with the running statistics, and backward is
 * dx = dy * weight[c] / sqrt(runningVar[c] + eps). Without tracking, evaluation uses instance
 * statistics like training. Instance statistics need more than one position per channel.
 */
public final class InstanceNorm extends AffineNorm {
  public static final double DEFAULT_EPS = 1e-5;
  public static final double DEFAULT_MOMENTUM = 0.1;

  private final int channels;
  private final double eps;
  private final double momentum;
  private final Tensor runningMean;
  private final Tensor runningVar;
  private boolean training = true;

  private Tensor input;
  private float[] mean;
  private float[] rstd;
  private boolean fixedStats;

  private InstanceNorm(Builder b) {
    super(new AffineParams(b.affine, b.affine, b.channels));
    this.channels = b.channels;
    this.eps = NormShapes.requireEps(b.eps);
    this.momentum = NormShapes.requireMomentum(b.momentum);
    this.runningMean = b.trackRunningStats ? Tensor.zeros(Layout.ROW_MAJOR, channels) : null;
    this.runningVar = b.trackRunningStats ? Tensor.filled(1f, Layout.ROW_MAJOR, channels) : null;
  }

  /** A builder for {@code channels} channels. */
  public static Builder builder(int channels) {
    return new Builder(channels);
  }

  /**
   * Builder: channels required; eps 1e-5, momentum 0.1, affine off, running statistics off by
   * default (PyTorch's defaults).
   */
  public static final class Builder {
    private final int channels;
    private double eps = DEFAULT_EPS;
    private double momentum = DEFAULT_MOMENTUM;
    private boolean affine;
    private boolean trackRunningStats;

    private Builder(int channels) {
      if (channels < 1) {
        throw new IllegalArgumentException("channels: expected at least 1, got " + channels);
      }
      this.channels = channels;
    }

    public Builder optEps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Weight of the newest statistics in the running averages (default 0.1). */
    public Builder optMomentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    /** Learnable per-channel weight (ones) and bias (zeros); default false. */
    public Builder optAffine(boolean on) {
      this.affine = on;
      return this;
    }

    /** Keep running mean (zeros) and variance (ones) for evaluation; default false. */
    public Builder optTrackRunningStats(boolean on) {
      this.trackRunningStats = on;
      return this;
    }

    public InstanceNorm build() {
      return new InstanceNorm(this);
    }
  }

  /** Training (instance statistics, running statistics updated) or evaluation mode. */
  public void setTraining(boolean training) {
    this.training = training;
  }

  public boolean isTraining() {
    return training;
  }

  /** {@link #forward(Tensor, Tensor)} into a new tensor. */
  public Tensor forward(Tensor x) {
    return forward(x, x.zerosLike());
  }

  /** Writes into {@code out} (x's shape and layout, not x itself) and returns it. */
  public Tensor forward(Tensor x, Tensor out) {
    GroupNorm.requireInput("InstanceNorm", x, channels);
    NormShapes.requireOut("out", out, x);
    int n = x.batch();
    int count = n * channels;
    float[] m = new float[count];
    float[] r = new float[count];
    boolean useRunning = !training && runningMean != null;
    if (useRunning) {
      for (int i = 0; i < count; i++) {
        m[i] = runningMean.data()[i % channels];
        r[i] = (float) (1.0 / Math.sqrt(runningVar.data()[i % channels] + eps));
      }
      GroupStats.apply(x, channels, m, r, params.w(), params.b(), out);
    } else {
      int s = x.spatialSize();
      if (s < 2) {
        throw new IllegalArgumentException("InstanceNorm input: expected more than 1 position per"
            + " channel to compute instance statistics, got " + x.layout() + " " + x.shape()
            + " (use GroupNorm or LayerNorm for NC input)");
      }
      double[] mu = new double[count];
      double[] var = new double[count];
      GroupStats.forward(x, channels, eps, params.w(), params.b(), out, mu, var, m, r);
      if (training && runningMean != null) {
        updateRunning(mu, var, n, s);
      }
    }
    this.input = x;
    this.mean = m;
    this.rstd = r;
    this.fixedStats = useRunning;
    return out;
  }

  private void updateRunning(double[] mu, double[] var, int n, int s) {
    float[] rm = runningMean.data();
    float[] rv = runningVar.data();
    double unbias = (double) s / (s - 1);
    for (int ch = 0; ch < channels; ch++) {
      double sm = 0;
      double sv = 0;
      for (int i = 0; i < n; i++) {
        sm += mu[i * channels + ch];
        sv += var[i * channels + ch] * unbias;
      }
      rm[ch] = (float) ((1 - momentum) * rm[ch] + momentum * sm / n);
      rv[ch] = (float) ((1 - momentum) * rv[ch] + momentum * sv / n);
    }
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
    NormShapes.requireBackward("InstanceNorm", input, dy);
    NormShapes.requireOut("dx", dx, input);
    GroupStats.backward(input, dy, channels, mean, rstd, params.w(), fixedStats, dx,
        params.dw(), params.db());
    return dx;
  }

  public int channels() {
    return channels;
  }

  public double eps() {
    return eps;
  }

  public double momentum() {
    return momentum;
  }

  /** Running mean per channel, or null when running statistics are off. */
  public Tensor runningMean() {
    return runningMean;
  }

  /** Running (unbiased) variance per channel, or null when running statistics are off. */
  public Tensor runningVar() {
    return runningVar;
  }

  @Override
  public String toString() {
    return "InstanceNorm(" + channels + ", eps=" + eps + ", momentum=" + momentum + ", affine="
        + (params.weight != null) + ", track_running_stats=" + (runningMean != null) + ")";
  }
}
