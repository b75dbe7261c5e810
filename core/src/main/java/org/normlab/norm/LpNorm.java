package org.normlab.norm;

import org.normlab.kernels.Parallel;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Lp normalization as in Santurkar, Tsipras, Ilyas and Madry 2018 ("How does batch normalization
 * help optimization?", section 3.3): batch normalization with the standard deviation replaced by
 * an Lp size of the activations. Per channel, over the batch and all positions (like BN, on every
 * layout with channels), with m values:
 * <pre>
 *   mean = sum(x) / m
 *   s    = mean(|x|) + eps             (L1)
 *        = sqrt(mean(x^2) + eps)       (L2)
 *        = max(|x|) + eps              (LINF)
 *   y    = (x - mean) / s * weight + bias
 * </pre>
 * The size s is taken of x BEFORE centring, as in the paper.
 *
 * <p>Backward, with xhat = (x - mean) / s, dxhat = dy * weight and T = sum(dxhat * xhat):
 * <pre>
 *   dx          = (dxhat - mean(dxhat)) / s - (T / s) * ds/dx
 *   ds/dx_i     = sign(x_i) / m   (L1),   x_i / (m s)   (L2),   sign(x_k) at the first k with
 *                 |x_k| = max |x| and 0 elsewhere   (LINF, a subgradient)
 *   weightGrad += sum(dy * xhat),   biasGrad += sum(dy)
 * </pre>
 * Running statistics (momentum 0.1, PyTorch's rule r = (1 - momentum) r + momentum * batch) keep the
 * mean and s; evaluation mode normalizes with them, and then dx = dy * weight / s.
 */
public final class LpNorm extends AffineNorm {
  /** Which size divides the centred activations. */
  public enum Kind {
    /** The mean absolute value. */
    L1,
    /** The root mean square. */
    L2,
    /** The largest absolute value. */
    LINF
  }

  public static final double DEFAULT_EPS = 1e-5;
  public static final double DEFAULT_MOMENTUM = 0.1;

  private final int channels;
  private final Kind kind;
  private final double eps;
  private final double momentum;
  private final Tensor runningMean;
  private final Tensor runningScale;
  private boolean training = true;

  private Tensor input;
  private double[] mean;
  private double[] scale;
  private boolean fixedStats;

  private LpNorm(Builder b) {
    super(new AffineParams(b.affine, b.affine, b.channels));
    this.channels = b.channels;
    this.kind = b.kind;
    this.eps = NormShapes.requireEps(b.eps);
    this.momentum = NormShapes.requireMomentum(b.momentum);
    this.runningMean = b.trackRunningStats ? Tensor.zeros(Layout.ROW_MAJOR, channels) : null;
    this.runningScale = b.trackRunningStats ? Tensor.filled(1f, Layout.ROW_MAJOR, channels) : null;
  }

  /** A builder for {@code channels} channels normalized by the given size. */
  public static Builder builder(int channels, Kind kind) {
    return new Builder(channels, kind);
  }

  /**
   * Builder: channels and kind required; eps 1e-5, momentum 0.1, affine on and running statistics
   * on by default (as BatchNorm).
   */
  public static final class Builder {
    private final int channels;
    private final Kind kind;
    private double eps = DEFAULT_EPS;
    private double momentum = DEFAULT_MOMENTUM;
    private boolean affine = true;
    private boolean trackRunningStats = true;

    private Builder(int channels, Kind kind) {
      if (channels < 1) {
        throw new IllegalArgumentException("channels: expected at least 1, got " + channels);
      }
      if (kind == null) {
        throw new IllegalArgumentException("kind: expected L1, L2 or LINF, got null");
      }
      this.channels = channels;
      this.kind = kind;
    }

    public Builder optEps(double eps) {
      this.eps = eps;
      return this;
    }

    public Builder optMomentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    /** Learnable per-channel weight (ones) and bias (zeros); default true. */
    public Builder optAffine(boolean on) {
      this.affine = on;
      return this;
    }

    /** Keep running mean (zeros) and running size s (ones) for evaluation; default true. */
    public Builder optTrackRunningStats(boolean on) {
      this.trackRunningStats = on;
      return this;
    }

    public LpNorm build() {
      return new LpNorm(this);
    }
  }

  /** Where channel c of sample n at position p lives, for either memory order. */
  private record Index(int c, int s, boolean last) {
    int at(int n, int ch, int p) {
      return last ? (n * s + p) * c + ch : (n * c + ch) * s + p;
    }
  }

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
    GroupNorm.requireInput("LpNorm", x, channels);
    NormShapes.requireOut("out", out, x);
    int n = x.batch();
    int s = x.spatialSize();
    Index ix = new Index(channels, s, x.layout().isChannelsLast());
    float[] xd = x.data();
    boolean useRunning = !training && runningMean != null;
    double[] mu = new double[channels];
    double[] sc = new double[channels];
    if (useRunning) {
      for (int ch = 0; ch < channels; ch++) {
        mu[ch] = runningMean.data()[ch];
        sc[ch] = runningScale.data()[ch];
      }
    } else {
      long m = (long) n * s;
      if (m < 2) {
        throw new IllegalArgumentException("LpNorm: training needs more than one value per channel,"
            + " got input " + x.layout() + " " + x.shape() + " (use evaluation mode with running"
            + " statistics, or GroupNorm, for batch size 1)");
      }
      Parallel.forRange(0, channels, NormShapes.grain((long) n * s), (from, to) -> {
        for (int ch = from; ch < to; ch++) {
          batchStats(xd, ix, n, ch, mu, sc);
        }
      });
      if (runningMean != null) {
        updateRunning(mu, sc);
      }
    }
    Tensor y = out;
    float[] yd = y.data();
    float[] w = params.w();
    float[] b = params.b();
    Parallel.forRange(0, channels, NormShapes.grain((long) n * s), (from, to) -> {
      for (int ch = from; ch < to; ch++) {
        float a = (float) ((w == null ? 1 : w[ch]) / sc[ch]);
        float shift = (float) ((b == null ? 0 : b[ch]) - mu[ch] * a);
        for (int i = 0; i < n; i++) {
          for (int p = 0; p < s; p++) {
            int at = ix.at(i, ch, p);
            yd[at] = Math.fma(xd[at], a, shift);
          }
        }
      }
    });
    this.input = x;
    this.mean = mu;
    this.scale = sc;
    this.fixedStats = useRunning;
    return y;
  }

  private void batchStats(float[] xd, Index ix, int n, int ch, double[] mu, double[] sc) {
    int s = ix.s();
    double sum = 0;
    double size = 0;
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < s; p++) {
        double v = xd[ix.at(i, ch, p)];
        sum += v;
        size = switch (kind) {
          case L1 -> size + Math.abs(v);
          case L2 -> size + v * v;
          case LINF -> Math.max(size, Math.abs(v));
        };
      }
    }
    double m = (double) n * s;
    mu[ch] = sum / m;
    sc[ch] = switch (kind) {
      case L1 -> size / m + eps;
      case L2 -> Math.sqrt(size / m + eps);
      case LINF -> size + eps;
    };
  }

  private void updateRunning(double[] mu, double[] sc) {
    float[] rm = runningMean.data();
    float[] rs = runningScale.data();
    for (int ch = 0; ch < channels; ch++) {
      rm[ch] = (float) ((1 - momentum) * rm[ch] + momentum * mu[ch]);
      rs[ch] = (float) ((1 - momentum) * rs[ch] + momentum * sc[ch]);
    }
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
    NormShapes.requireBackward("LpNorm", input, dy);
    int n = input.batch();
    int s = input.spatialSize();
    Index ix = new Index(channels, s, input.layout().isChannelsLast());
    float[] xd = input.data();
    float[] dyd = dy.data();
    NormShapes.requireOut("dx", dx, input);
    float[] dxd = dx.data();
    float[] w = params.w();
    float[] dw = params.dw();
    float[] db = params.db();
    double m = (double) n * s;
    Parallel.forRange(0, channels, NormShapes.grain((long) n * s), (from, to) -> {
      for (int ch = from; ch < to; ch++) {
        double wc = w == null ? 1 : w[ch];
        double mu = mean[ch];
        double sc = scale[ch];
        // Sums over the channel: sum(dy), sum(dy * xhat), and LINF's first arg max of |x|.
        double sumDy = 0;
        double sumDyXhat = 0;
        int argMax = -1;
        double max = -1;
        for (int i = 0; i < n; i++) {
          for (int p = 0; p < s; p++) {
            int at = ix.at(i, ch, p);
            sumDy += dyd[at];
            sumDyXhat += dyd[at] * (xd[at] - mu) / sc;
            if (Math.abs(xd[at]) > max) {
              max = Math.abs(xd[at]);
              argMax = at;
            }
          }
        }
        if (dw != null) {
          dw[ch] += (float) sumDyXhat;
          db[ch] += (float) sumDy;
        }
        double meanDxhat = fixedStats ? 0 : wc * sumDy / m;
        double t = fixedStats ? 0 : wc * sumDyXhat;
        for (int i = 0; i < n; i++) {
          for (int p = 0; p < s; p++) {
            int at = ix.at(i, ch, p);
            double v = xd[at];
            // term 1: (dxhat - mean(dxhat)) / s; term 2: - (T / s) * ds/dx
            double dsdx = switch (kind) {
              case L1 -> Math.signum(v) / m;
              case L2 -> v / (m * sc);
              case LINF -> at == argMax ? Math.signum(v) : 0;
            };
            dxd[at] = (float) ((wc * dyd[at] - meanDxhat) / sc - t / sc * dsdx);
          }
        }
      }
    });
    return dx;
  }

  public int channels() {
    return channels;
  }

  public Kind kind() {
    return kind;
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

  /** Running size s per channel (eps included), or null when running statistics are off. */
  public Tensor runningScale() {
    return runningScale;
  }

  @Override
  public String toString() {
    return "LpNorm(" + channels + ", " + kind + ", eps=" + eps + ", momentum=" + momentum
        + ", affine=" + (params.weight != null) + ", track_running_stats=" + (runningMean != null)
        + ")";
  }
}
