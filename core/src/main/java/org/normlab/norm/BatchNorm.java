package org.normlab.norm;

import org.normlab.kernels.BatchNormKernels;
import org.normlab.kernels.Kernels;
import org.normlab.norm.BatchNormPasses.Block;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Batch normalization (Ioffe and Szegedy 2015) over the channel axis of any layout with
 * channels: NC, NCL/NLC, NCHW/NHWC, NCDHW/NDHWC. Statistics are per channel over every other
 * axis (N; N*L; N*H*W; N*D*H*W); channels-last layouts normalize the same channels.
 *
 * <p><b>Forward.</b> With batch statistics (training mode, or always when running statistics are
 * not tracked), per channel over its m values:
 * <pre>
 *   mean = sum(x)/m,  var = sum((x - mean)^2)/m  (biased),  rstd = 1/sqrt(var + eps)
 *   y    = gamma*(x - mean)*rstd + beta
 * </pre>
 * With running statistics (eval mode): {@code y = gamma*(x - running_mean)/sqrt(running_var +
 * eps) + beta}. Without affine, gamma = 1 and beta = 0. With {@code optFusedRelu(true)} the
 * output is {@code max(y, 0)}, computed in the same pass.
 *
 * <p><b>Backward</b> (gradients of a loss L; dy = dL/dy; with fused ReLU, dy is first zeroed
 * where the output is 0). With batch statistics, writing xhat = (x - mean)*rstd:
 * <pre>
 *   dbeta  += sum(dy)
 *   dgamma += sum(dy*xhat)
 *   dx      = gamma*rstd/m * (m*dy - sum(dy) - xhat*sum(dy*xhat))
 * </pre>
 * (mean and var depend on x: differentiate y through xhat, mean and var and collect terms). With
 * running statistics they are constants: {@code dx = gamma*rstd*dy}, {@code dgamma += sum(dy*xhat)}
 * with xhat from the running statistics. Gradients ACCUMULATE into {@link #weightGrad()} and
 * {@link #biasGrad()}; the caller zeroes them.
 *
 * <p><b>Running statistics</b> (training mode, tracking on, updates on): {@code r <- (1-f)*r +
 * f*s} with f = momentum (default 0.1), or f = 1/num_batches_tracked with
 * {@link Builder#optCumulativeMomentum()}; the running variance receives the unbiased batch
 * variance {@code var*m/(m-1)} (PyTorch) or the biased one ({@link BatchNormConvention#KERAS}).
 * A batch whose statistics are not finite updates nothing; {@link #skippedUpdates()} counts it.
 *
 * <p><b>Batch Renormalization</b> (Ioffe 2017, {@link Builder#optRenorm}): in training, with
 * sigma = sqrt(running_var + eps) and sigma_B = sqrt(var + eps),
 * {@code r = clip(sigma_B/sigma, 1/rmax, rmax)}, {@code d = clip((mean - running_mean)/sigma,
 * -dmax, dmax)} and {@code y = gamma*(xhat*r + d) + beta}, r and d treated as constants in
 * backward: {@code dx = r * (the BN dx above)}, {@code dgamma += sum(dy*(xhat*r + d))}. The
 * running statistics are the BN ones (so inference and folding are unchanged); r and d use them
 * as they were before the step's update. {@link #setRenormLimits} changes rmax and dmax per step.
 *
 * <p><b>Ghost batch norm</b> ({@link Builder#optGhostBatchSize}): in training, the batch is cut
 * into virtual sub-batches of the given number of samples (the batch size must be a multiple);
 * each is normalized with its own statistics and updates the running statistics in turn (one
 * num_batches_tracked step per sub-batch).
 *
 * <p>Switches: {@link #setTraining} (which statistics normalize), {@link #setUpdateRunningStats}
 * (whether a training forward updates the running statistics), {@link #setTrainAffine} (whether
 * backward accumulates gamma/beta gradients). Frozen BN for fine-tuning is setTraining(false).
 *
 * <p>Not thread-safe: one layer instance per model. Forward caches what backward needs: the
 * input tensor itself (not a copy; do not modify it in place before backward), the per-channel
 * centre and rstd, and with fused ReLU the output.
 */
public final class BatchNorm {
  private final int channels;
  private final double eps;
  private final double momentum;
  private final boolean cumulativeMomentum;
  private final boolean affine;
  private final boolean trackRunningStats;
  private final BatchNormConvention convention;
  private final boolean fusedRelu;
  private final int ghostBatchSize;
  private final boolean renorm;
  private final BatchNormPasses passes;

  private final Tensor weight;
  private final Tensor bias;
  private final Tensor weightGrad;
  private final Tensor biasGrad;
  /** null when running statistics are not tracked. */
  private final RunningStats running;
  private double rmax;
  private double dmax;

  private boolean training = true;
  private boolean updateRunningStats = true;
  private boolean trainAffine = true;

  private Saved saved;

  /** What forward keeps for backward: per block, the centre, rstd and the renorm r and d. */
  /**
   * What backward needs of the last forward; with a fused ReLU, its output y and the affine
   * coefficients a, b per block (y = max(fma(x - m, a, b), 0)), from which the channels-first
   * kernels recompute the ReLU's decisions.
   */
  private record Saved(Tensor x, Tensor y, Block[] blocks, double[][] mean, double[][] rstd,
      double[][] r, double[][] d, float[][] a, float[][] b, boolean batchStats) {}

  private BatchNorm(Builder b) {
    this.channels = b.channels;
    this.convention = b.convention;
    this.eps = Double.isNaN(b.eps) ? convention.defaultEps() : b.eps;
    this.momentum = Double.isNaN(b.momentum) ? convention.defaultMomentum() : b.momentum;
    this.cumulativeMomentum = b.cumulativeMomentum;
    this.affine = b.affine;
    this.trackRunningStats = b.trackRunningStats;
    this.fusedRelu = b.fusedRelu;
    this.ghostBatchSize = b.ghostBatchSize;
    this.renorm = b.renorm;
    this.rmax = b.rmax;
    this.dmax = b.dmax;
    this.passes = new BatchNormPasses(b.kernels);
    this.weight = affine ? Tensor.filled(1f, Layout.ROW_MAJOR, channels) : null;
    this.bias = affine ? Tensor.zeros(Layout.ROW_MAJOR, channels) : null;
    this.weightGrad = affine ? Tensor.zeros(Layout.ROW_MAJOR, channels) : null;
    this.biasGrad = affine ? Tensor.zeros(Layout.ROW_MAJOR, channels) : null;
    this.running = trackRunningStats ? new RunningStats(channels, momentum, cumulativeMomentum,
        convention.unbiasedRunningVariance()) : null;
  }

  /** A builder for a batch norm over {@code channels} channels (PyTorch's num_features). */
  public static Builder builder(int channels) {
    return new Builder(channels);
  }

  // ---- forward ---------------------------------------------------------------------------

  /** Normalizes {@code x} (any layout with channels) into a new tensor of the same shape and layout. */
  public Tensor forward(Tensor x) {
    checkInput(x);
    return forward(x, x.zerosLike());
  }

  /**
   * Normalizes {@code x} into {@code out} (same shape and layout; not {@code x} itself) and
   * returns {@code out}. Caches x (and out, with fused ReLU) for {@link #backward}.
   */
  public Tensor forward(Tensor x, Tensor out) {
    return forward(x, out, fusedRelu);
  }

  /**
   * relu(forward(x)) in one pass, whatever {@code optFusedRelu} says: the ReLU is applied as the
   * normalized values are written, and {@link #backward} then differentiates relu(bn(x)) (dy masked
   * where the output is 0). Bitwise what forward followed by a separate ReLU gives, in both
   * directions, without the intermediate tensor and its two extra passes over memory.
   */
  public Tensor forwardRelu(Tensor x) {
    checkInput(x);
    return forward(x, x.zerosLike(), true);
  }

  /** {@link #forwardRelu(Tensor)} into {@code out} (same shape and layout; not {@code x} itself). */
  public Tensor forwardRelu(Tensor x, Tensor out) {
    return forward(x, out, true);
  }

  private Tensor forward(Tensor x, Tensor out, boolean relu) {
    checkInput(x);
    out.requireSameShape("out", x);
    if (out.data() == x.data()) {
      throw new IllegalArgumentException("out: expected a tensor other than the input (backward needs x)");
    }
    boolean batchStats = training || !trackRunningStats;
    Block[] blocks = blocks(x, batchStats);
    double[][] mean = new double[blocks.length][];
    double[][] rstd = new double[blocks.length][];
    double[][] r = new double[blocks.length][];
    double[][] d = new double[blocks.length][];
    float[][] a = new float[blocks.length][];
    float[][] b = new float[blocks.length][];
    for (int g = 0; g < blocks.length; g++) {
      mean[g] = new double[channels];
      rstd[g] = new double[channels];
      r[g] = ones(channels);
      d[g] = new double[channels];
      a[g] = new float[channels];
      b[g] = new float[channels];
      if (batchStats) {
        forwardBatchStats(out, x, blocks[g], mean[g], rstd[g], r[g], d[g], a[g], b[g], relu);
      } else {
        forwardRunningStats(out, x, blocks[g], mean[g], rstd[g], a[g], b[g], relu);
      }
    }
    saved = new Saved(x, relu ? out : null, blocks, mean, rstd, r, d, relu ? a : null,
        relu ? b : null, batchStats);
    return out;
  }

  private void forwardBatchStats(Tensor out, Tensor x, Block block, double[] mean, double[] rstd,
      double[] r, double[] d, float[] a, float[] b, boolean relu) {
    double[] var = new double[channels];
    float[] m = new float[channels];
    boolean useRenorm = renorm && training;
    float[] gamma = affine ? weight.data() : null;
    float[] beta = affine ? bias.data() : null;
    float[] rm = useRenorm ? running.mean().data() : null;
    float[] rv = useRenorm ? running.var().data() : null;
    // Group by group (one group unless the block is larger than the cache): the normalize pass
    // of a group reads what its statistics pass just brought into the cache.
    int group = block.groupChannels(1);
    for (int c0 = 0; c0 < channels; c0 += group) {
      int c1 = Math.min(channels, c0 + group);
      passes.meanVar(mean, var, x.data(), block, c0, c1);
      for (int ch = c0; ch < c1; ch++) {
        rstd[ch] = 1.0 / Math.sqrt(var[ch] + eps);
        if (useRenorm) {
          double sigma = Math.sqrt(rv[ch] + eps);
          double sigmaBatch = Math.sqrt(var[ch] + eps);
          r[ch] = clip(sigmaBatch / sigma, 1.0 / rmax, rmax);
          d[ch] = clip((mean[ch] - rm[ch]) / sigma, -dmax, dmax);
        }
        double g = gamma == null ? 1.0 : gamma[ch];
        m[ch] = (float) mean[ch];
        a[ch] = (float) (g * rstd[ch] * r[ch]);
        b[ch] = (float) (g * d[ch] + (beta == null ? 0.0 : beta[ch]));
      }
      passes.normalize(out.data(), x.data(), block, c0, c1, m, a, b, relu);
    }
    if (training && trackRunningStats && updateRunningStats) {
      running.update(mean, var, block.count());
    }
  }

  private void forwardRunningStats(Tensor out, Tensor x, Block block, double[] mean, double[] rstd,
      float[] a, float[] b, boolean relu) {
    float[] m = new float[channels];
    float[] rm = running.mean().data();
    float[] rv = running.var().data();
    for (int ch = 0; ch < channels; ch++) {
      mean[ch] = rm[ch];
      rstd[ch] = 1.0 / Math.sqrt(rv[ch] + eps);
      m[ch] = rm[ch];
      a[ch] = (float) (gammaOf(ch) * rstd[ch]);
      b[ch] = (float) betaOf(ch);
    }
    passes.normalize(out.data(), x.data(), block, 0, channels, m, a, b, relu);
  }

  // ---- backward --------------------------------------------------------------------------

  /** The gradient with respect to the input of the last forward; accumulates gamma/beta gradients. */
  public Tensor backward(Tensor dy) {
    Saved s = requireSaved();
    return backward(dy, s.x().zerosLike());
  }

  /**
   * Writes the gradient with respect to the input of the last forward into {@code dx} (same
   * shape and layout) and returns it; accumulates gamma/beta gradients (see the class Javadoc
   * for the closed forms).
   */
  public Tensor backward(Tensor dy, Tensor dx) {
    Saved s = requireSaved();
    dy.requireSameShape("grad_output", s.x());
    dx.requireSameShape("dx", s.x());
    float[] reluOut = s.y() == null ? null : s.y().data();
    double[] gradGamma = new double[channels];
    double[] gradBeta = new double[channels];
    for (int g = 0; g < s.blocks().length; g++) {
      backwardBlock(dx, dy, s, reluOut, g, gradGamma, gradBeta);
    }
    if (affine && trainAffine) {
      float[] wg = weightGrad.data();
      float[] bg = biasGrad.data();
      for (int ch = 0; ch < channels; ch++) {
        wg[ch] += (float) gradGamma[ch];
        bg[ch] += (float) gradBeta[ch];
      }
    }
    return dx;
  }

  private void backwardBlock(Tensor dx, Tensor dy, Saved s, float[] reluOut, int g,
      double[] gradGamma, double[] gradBeta) {
    Block block = s.blocks()[g];
    double[] mean = s.mean()[g];
    double[] rstd = s.rstd()[g];
    double[] r = s.r()[g];
    double[] d = s.d()[g];
    double count = block.count();
    double[] sumDy = new double[channels];
    double[] sumDyXmu = new double[channels];
    float[] m = new float[channels];
    float[] k1 = new float[channels];
    float[] k2 = new float[channels];
    float[] k3 = new float[channels];
    boolean batchStats = s.batchStats();
    for (int ch = 0; ch < channels; ch++) {
      m[ch] = (float) mean[ch];
    }
    float[] x = s.x().data();
    // the fused ReLU: channels-last kernels read its output, channels-first ones recompute its
    // decisions from x with the forward's coefficients
    float[] reluA = s.a() == null ? null : s.a()[g];
    float[] reluB = s.b() == null ? null : s.b()[g];
    // Group by group, as in forward: the dx pass of a group reads dy and x (and the ReLU's
    // output, channels last) from the cache.
    int group = block.groupChannels(reluOut == null || !block.channelsLast() ? 2 : 3);
    for (int c0 = 0; c0 < channels; c0 += group) {
      int c1 = Math.min(channels, c0 + group);
      passes.gradSums(sumDy, sumDyXmu, dy.data(), x, reluOut, reluA, reluB, block, c0, c1, mean,
          m);
      for (int ch = c0; ch < c1; ch++) {
        // term 1: k1*dy; term 2 (batch stats only): through var; term 3: through mean
        double scale = gammaOf(ch) * rstd[ch] * r[ch];
        k1[ch] = (float) scale;
        k2[ch] = batchStats ? (float) (-scale * rstd[ch] * rstd[ch] * sumDyXmu[ch] / count) : 0f;
        k3[ch] = batchStats ? (float) (-scale * sumDy[ch] / count) : 0f;
      }
      passes.gradInput(dx.data(), dy.data(), x, reluOut, reluA, reluB, block, c0, c1, m, k1, k2,
          k3);
    }
    for (int ch = 0; ch < channels; ch++) {
      gradGamma[ch] += r[ch] * rstd[ch] * sumDyXmu[ch] + d[ch] * sumDy[ch];
      gradBeta[ch] += sumDy[ch];
    }
  }

  private Saved requireSaved() {
    if (saved == null) {
      throw new IllegalStateException("backward: no forward pass to differentiate; call forward first");
    }
    return saved;
  }

  // ---- checks and blocks ------------------------------------------------------------------

  private void checkInput(Tensor x) {
    if (!x.layout().hasChannels()) {
      throw new IllegalArgumentException("input: expected a layout with channels (NC, NCL, NLC, NCHW,"
          + " NHWC, NCDHW, NDHWC), got " + x.layout() + " " + x.shape());
    }
    x.requireChannels(channels);
  }

  private Block[] blocks(Tensor x, boolean batchStats) {
    int n = x.batch();
    int s = x.spatialSize();
    int groups = 1;
    if (batchStats && ghostBatchSize > 0 && training) {
      if (n % ghostBatchSize != 0) {
        throw new IllegalArgumentException("ghost batch size: batch size " + n
            + " is not a multiple of the virtual batch size " + ghostBatchSize
            + " (input " + x.layout() + " " + x.shape() + ")");
      }
      groups = n / ghostBatchSize;
    }
    int perGroup = n / groups;
    if (batchStats && (long) perGroup * s <= 1) {
      throw new IllegalArgumentException("BatchNorm(" + channels + ") with batch statistics needs more"
          + " than one value per channel, got input " + x.layout() + " " + x.shape() + " ("
          + perGroup + " sample(s) x " + s + " position(s) per channel"
          + (groups > 1 ? " per ghost sub-batch" : "") + "): use eval mode (setTraining(false))"
          + " with running statistics, or GroupNorm, for batch size 1");
    }
    Block[] blocks = new Block[groups];
    for (int g = 0; g < groups; g++) {
      blocks[g] = Block.of(x, groups, g);
    }
    return blocks;
  }

  private double gammaOf(int ch) {
    return affine ? weight.data()[ch] : 1.0;
  }

  private double betaOf(int ch) {
    return affine ? bias.data()[ch] : 0.0;
  }

  private static double clip(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static double[] ones(int n) {
    double[] v = new double[n];
    java.util.Arrays.fill(v, 1.0);
    return v;
  }

  // ---- switches and state -----------------------------------------------------------------

  /** Training mode normalizes with batch statistics; eval mode (false) with running statistics. */
  public BatchNorm setTraining(boolean training) {
    this.training = training;
    return this;
  }

  public boolean isTraining() {
    return training;
  }

  /** Whether a training forward updates the running statistics (default true). */
  public BatchNorm setUpdateRunningStats(boolean update) {
    this.updateRunningStats = update;
    return this;
  }

  public boolean isUpdatingRunningStats() {
    return updateRunningStats;
  }

  /** Whether backward accumulates gamma/beta gradients (default true; false freezes them). */
  public BatchNorm setTrainAffine(boolean trainAffine) {
    this.trainAffine = trainAffine;
    return this;
  }

  public boolean isTrainingAffine() {
    return trainAffine;
  }

  /** Batch Renormalization limits for the next steps (rmax >= 1, dmax >= 0); requires optRenorm. */
  public BatchNorm setRenormLimits(double rmax, double dmax) {
    if (!renorm) {
      throw new IllegalStateException("renorm limits: this BatchNorm was built without optRenorm");
    }
    checkRenormLimits(rmax, dmax);
    this.rmax = rmax;
    this.dmax = dmax;
    return this;
  }

  public double renormRmax() {
    return rmax;
  }

  public double renormDmax() {
    return dmax;
  }

  static void checkRenormLimits(double rmax, double dmax) {
    if (!(rmax >= 1) || Double.isNaN(rmax)) {
      throw new IllegalArgumentException("rmax: expected a value >= 1, got " + rmax);
    }
    if (!(dmax >= 0) || Double.isNaN(dmax)) {
      throw new IllegalArgumentException("dmax: expected a value >= 0, got " + dmax);
    }
  }

  public int channels() {
    return channels;
  }

  public double eps() {
    return eps;
  }

  /** The momentum (weight of a new batch in the running statistics); unused when cumulative. */
  public double momentum() {
    return momentum;
  }

  public boolean isCumulativeMomentum() {
    return cumulativeMomentum;
  }

  public boolean isAffine() {
    return affine;
  }

  public boolean tracksRunningStats() {
    return trackRunningStats;
  }

  public BatchNormConvention convention() {
    return convention;
  }

  public boolean isFusedRelu() {
    return fusedRelu;
  }

  /** The virtual sub-batch size of ghost batch norm, or 0 when off. */
  public int ghostBatchSize() {
    return ghostBatchSize;
  }

  public boolean isRenorm() {
    return renorm;
  }

  /** gamma, shape (C), ROW_MAJOR, initialized to 1; null without affine. Mutable in place. */
  public Tensor weight() {
    return weight;
  }

  /** beta, shape (C), initialized to 0; null without affine. */
  public Tensor bias() {
    return bias;
  }

  /** Accumulated dL/dgamma, shape (C); null without affine. The caller zeroes it. */
  public Tensor weightGrad() {
    return weightGrad;
  }

  /** Accumulated dL/dbeta, shape (C); null without affine. */
  public Tensor biasGrad() {
    return biasGrad;
  }

  /** Running mean, shape (C), initialized to 0; null when running statistics are not tracked. */
  public Tensor runningMean() {
    return running == null ? null : running.mean();
  }

  /** Running variance, shape (C), initialized to 1; null when not tracked. */
  public Tensor runningVar() {
    return running == null ? null : running.var();
  }

  /** Training steps whose statistics entered the running statistics. */
  public long numBatchesTracked() {
    return running == null ? 0 : running.numBatchesTracked();
  }

  public BatchNorm setNumBatchesTracked(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("num_batches_tracked: expected >= 0, got " + n);
    }
    if (running != null) {
      running.setNumBatchesTracked(n);
    }
    return this;
  }

  /** Training steps whose batch statistics were not finite, so the running update was skipped. */
  public long skippedUpdates() {
    return running == null ? 0 : running.skippedUpdates();
  }

  /** Sets gradients of gamma and beta to zero. */
  public void zeroGrad() {
    if (affine) {
      java.util.Arrays.fill(weightGrad.data(), 0f);
      java.util.Arrays.fill(biasGrad.data(), 0f);
    }
  }

  @Override
  public String toString() {
    return "BatchNorm(" + channels + ", eps=" + eps + ", momentum="
        + (cumulativeMomentum ? "none" : momentum) + ", affine=" + affine
        + ", track_running_stats=" + trackRunningStats + ", convention=" + convention
        + (fusedRelu ? ", relu" : "") + (renorm ? ", renorm(rmax=" + rmax + ", dmax=" + dmax + ")" : "")
        + (ghostBatchSize > 0 ? ", ghost=" + ghostBatchSize : "") + ")";
  }

  // ---- functional forms -------------------------------------------------------------------

  /**
   * Training-mode batch norm of {@code x} with batch statistics (no running statistics):
   * {@code y = gamma*(x - mean)/sqrt(var + eps) + beta}; weight and bias may both be null.
   */
  public static Tensor trainForward(Tensor x, Tensor weight, Tensor bias, double eps) {
    BatchNorm bn = builder(x.channels()).optEps(eps).optAffine(weight != null || bias != null)
        .optTrackRunningStats(false).build();
    bn.loadAffine(weight, bias);
    return bn.forward(x);
  }

  /**
   * Eval-mode batch norm of {@code x} with given running statistics:
   * {@code y = gamma*(x - runningMean)/sqrt(runningVar + eps) + beta}; weight and bias may be null.
   */
  public static Tensor evalForward(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight,
      Tensor bias, double eps) {
    BatchNorm bn = builder(x.channels()).optEps(eps).optAffine(weight != null || bias != null).build();
    bn.setTraining(false);
    bn.loadRunningStats(runningMean, runningVar);
    bn.loadAffine(weight, bias);
    return bn.forward(x);
  }

  /** Copies gamma and beta (shape (C) each; a null one keeps its default 1 or 0). */
  public BatchNorm loadAffine(Tensor gamma, Tensor beta) {
    copyParameter("weight", gamma, weight);
    copyParameter("bias", beta, bias);
    return this;
  }

  /** Copies running mean and variance (shape (C) each). */
  public BatchNorm loadRunningStats(Tensor mean, Tensor var) {
    if (!trackRunningStats) {
      throw new IllegalStateException("running statistics: this BatchNorm does not track them");
    }
    copyParameter("running_mean", mean, running.mean());
    copyParameter("running_var", var, running.var());
    return this;
  }

  private void copyParameter(String name, Tensor from, Tensor to) {
    if (from == null) {
      return;
    }
    if (to == null) {
      throw new IllegalStateException(name + ": this BatchNorm has no " + name + " (affine off)");
    }
    if (from.size() != channels) {
      throw new IllegalArgumentException(name + ": expected " + channels + " values, got " + from.size()
          + " (shape " + from.shape() + ")");
    }
    System.arraycopy(from.data(), 0, to.data(), 0, channels);
  }

  // ---- builder -----------------------------------------------------------------------------

  /**
   * Builds a {@link BatchNorm}. Defaults (PyTorch's): eps 1e-5, momentum 0.1, affine on,
   * running statistics tracked, PyTorch convention, no fused ReLU, no renorm, no ghost batches.
   */
  public static final class Builder {
    private final int channels;
    private double eps = Double.NaN;
    private double momentum = Double.NaN;
    private boolean cumulativeMomentum;
    private boolean affine = true;
    private boolean trackRunningStats = true;
    private BatchNormConvention convention = BatchNormConvention.PYTORCH;
    private boolean fusedRelu;
    private int ghostBatchSize;
    private boolean renorm;
    private double rmax = 1;
    private double dmax = 0;
    private BatchNormKernels kernels = Kernels.get().batchNorm();

    private Builder(int channels) {
      if (channels < 1) {
        throw new IllegalArgumentException("channels: expected at least 1, got " + channels);
      }
      this.channels = channels;
    }

    /** Added to the variance inside the square root (default: the convention's, 1e-5 for PyTorch). */
    public Builder optEps(double eps) {
      if (!(eps >= 0) || Double.isInfinite(eps)) {
        throw new IllegalArgumentException("eps: expected a finite value >= 0, got " + eps);
      }
      this.eps = eps;
      return this;
    }

    /**
     * Weight of a new batch in the running statistics, in [0, 1] (default: the convention's, 0.1
     * for PyTorch). Always PyTorch's meaning, whatever the convention: convert a Keras decay with
     * {@link BatchNormConvention#momentumFromKerasDecay} (Keras 0.99 is 0.01 here).
     */
    public Builder optMomentum(double momentum) {
      if (!(momentum >= 0 && momentum <= 1)) {
        throw new IllegalArgumentException("momentum: expected a value in [0, 1], got " + momentum);
      }
      this.momentum = momentum;
      this.cumulativeMomentum = false;
      return this;
    }

    /** PyTorch's momentum=None: cumulative average, factor 1/num_batches_tracked. */
    public Builder optCumulativeMomentum() {
      this.cumulativeMomentum = true;
      return this;
    }

    /** Learnable per-channel gamma and beta (default true). */
    public Builder optAffine(boolean affine) {
      this.affine = affine;
      return this;
    }

    /** Keep running statistics (default true); off: batch statistics in training and eval. */
    public Builder optTrackRunningStats(boolean track) {
      this.trackRunningStats = track;
      return this;
    }

    /** The defaults and running-variance rule of a framework (default PYTORCH); explicit eps/momentum win. */
    public Builder optConvention(BatchNormConvention convention) {
      if (convention == null) {
        throw new IllegalArgumentException("convention: expected PYTORCH or KERAS, got null");
      }
      this.convention = convention;
      return this;
    }

    /** Fused BN + ReLU: output max(y, 0) in the same pass, and backward through both (default false). */
    public Builder optFusedRelu(boolean fusedRelu) {
      this.fusedRelu = fusedRelu;
      return this;
    }

    /** Ghost batch norm: statistics per virtual sub-batch of {@code size} samples in training. */
    public Builder optGhostBatchSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("ghost batch size: expected at least 1, got " + size);
      }
      this.ghostBatchSize = size;
      return this;
    }

    /** Batch Renormalization with limits rmax >= 1 and dmax >= 0 (rmax 1, dmax 0 is plain BN). */
    public Builder optRenorm(double rmax, double dmax) {
      checkRenormLimits(rmax, dmax);
      this.renorm = true;
      this.rmax = rmax;
      this.dmax = dmax;
      return this;
    }

    /** The kernels to run (default {@code Kernels.get().batchNorm()}; tests pin scalar or vector). */
    public Builder optKernels(BatchNormKernels kernels) {
      if (kernels == null) {
        throw new IllegalArgumentException("kernels: expected a BatchNormKernels, got null");
      }
      this.kernels = kernels;
      return this;
    }

    public BatchNorm build() {
      if (renorm && !trackRunningStats) {
        throw new IllegalArgumentException("renorm: Batch Renormalization needs running statistics"
            + " (optTrackRunningStats(true))");
      }
      return new BatchNorm(this);
    }
  }
}
