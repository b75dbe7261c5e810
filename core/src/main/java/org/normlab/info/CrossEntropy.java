package org.normlab.info;

import org.normlab.kernels.KernelSupport;
import org.normlab.kernels.Kernels;
import org.normlab.tensor.Tensor;

/**
 * Cross-entropy from logits, as PyTorch's {@code torch.nn.functional.cross_entropy}: log-softmax
 * over the class axis and negative log-likelihood, in one fused pass per row that also writes the
 * gradient.
 *
 * <p>Inputs: logits (N, C) or (N, C, d1, ...) (see {@link ClassRows} for layouts); targets either
 * class indices (one per sample, in (n, d1, ...) order) or class probabilities (a tensor of the
 * logits' shape and layout).
 *
 * <p>With class weights w (default 1), label smoothing e (default 0) and lse_r = log sum_j exp x_rj:
 * <pre>
 *   index target t:  l_r = (1-e) * w_t * (lse_r - x_rt) + (e/C) * sum_j w_j * (lse_r - x_rj)
 *   probabilities y: l_r = -sum_j w_j y'_j (x_rj - lse_r),  y' = (1-e) y + e/C
 * </pre>
 * Rows whose index target equals ignore_index contribute nothing. Reduction MEAN divides, as
 * PyTorch 1.13 does: for index targets by sum of w_t over the non-ignored rows (their count without
 * weights; NaN when every row is ignored, as in PyTorch), both terms alike; for probability targets
 * by the number of rows N*d1*..., weights or not.
 *
 * <p>Gradient (closed form, p = softmax(x_r), g = the upstream gradient of the row's term):
 * <pre>
 *   index target:   dl_r/dx_rj = (1-e) w_t (p_j - [j = t]) + (e/C) (W p_j - w_j),  W = sum_j w_j
 *   probabilities:  dl_r/dx_rj = V p_j - v_j,  v = w * y',  V = sum_j v_j
 * </pre>
 * For index targets one kernel call per block of rows writes (1-e) w_t (p - onehot(t)) + (e/C) W p
 * and each row's nll (one exp per logit; short rows such as 10 classes run as tiles of rows with
 * lanes over rows); label smoothing then subtracts (e/C) w. Gradients are written, not accumulated.
 */
public final class CrossEntropy {
  /** PyTorch's default ignore_index. */
  public static final int DEFAULT_IGNORE_INDEX = -100;

  private static final CrossEntropy MEAN = builder().build();

  private final Reduction reduction;
  private final float[] weight;
  private final int ignoreIndex;
  private final float labelSmoothing;

  private CrossEntropy(Builder b) {
    this.reduction = b.reduction;
    this.weight = b.weight;
    this.ignoreIndex = b.ignoreIndex;
    this.labelSmoothing = b.labelSmoothing;
  }

  /** A builder with PyTorch's defaults: mean, no weights, ignore_index -100, no smoothing. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Mean cross-entropy of logits (N, C) against class indices, and its gradient: the fast path
   * the training engine uses (PyTorch's {@code cross_entropy(logits, targets)}).
   *
   * @param logits (N, C), layout NC or ROW_MAJOR
   * @param targets N class indices in [0, C)
   * @param gradLogits when not null, receives d(mean loss)/d(logits) (written, not accumulated)
   * @return the mean loss
   */
  public static double lossAndGrad(Tensor logits, int[] targets, float[] gradLogits) {
    if (logits != null && logits.rank() != 2) {
      throw new IllegalArgumentException("logits: expected shape (N, C), got " + logits.shape());
    }
    return MEAN.loss(logits, targets, gradLogits);
  }

  public Reduction reduction() {
    return reduction;
  }

  // ---- class-index targets -----------------------------------------------------------------

  /**
   * The reduced loss (SUM or MEAN) against class indices; when {@code gradLogits} is not null it
   * receives d(loss)/d(logits), in the logits' memory order.
   */
  public double loss(Tensor logits, int[] targets, float[] gradLogits) {
    requireReduced();
    return index(ClassRows.of("logits", logits), logits.size(), targets, null, gradLogits, null);
  }

  /**
   * Reduction NONE: one loss per sample, in (n, d1, ...) order. When {@code gradLogits} is not
   * null it receives the gradient of sum_r gradOutput[r] * loss[r] (gradOutput null means ones).
   */
  public float[] lossPerSample(Tensor logits, int[] targets, float[] gradOutput, float[] gradLogits) {
    requireNone();
    ClassRows x = ClassRows.of("logits", logits);
    float[] out = new float[x.rows];
    index(x, logits.size(), targets, gradOutput, gradLogits, out);
    return out;
  }

  private double index(ClassRows x, int size, int[] targets, float[] gradOutput, float[] gradLogits,
      float[] perRow) {
    int c = x.classes;
    IndexTargets.check(targets, x.rows, c, ignoreIndex);
    IndexTargets.checkWeight(weight, c);
    ClassRows.requireLength("gradLogits", gradLogits, size);
    ClassRows.requireLength("gradOutput", gradOutput, x.rows);
    float e = labelSmoothing;
    double sumWeights = IndexTargets.weightSum(targets, weight, ignoreIndex);
    double totalWeight = weight == null ? c : sumOfWeights();
    double denominator = reduction == Reduction.MEAN ? sumWeights : 1;
    float[] g = gradLogits == null ? null : x.gradBuffer(gradLogits);
    float[] w = weight;
    int ignore = ignoreIndex;
    double upConstant = 1 / denominator;
    double[] sums = Blocks.sum(x.rows, c, 2, (from, to, acc) -> {
      KernelSupport k = Kernels.get();
      int n = to - from;
      BlockRows scratch = BLOCK_ROWS.get().ensure(n);
      // g1: the gradient scale of the nll term, g2: of the smoothing term (0 for ignored rows,
      // whose gradient row is then all zeros); the softmax of a row is scaled by g1 + g2 W.
      float[] g1 = scratch.g1;
      double[] g2 = scratch.g2;
      float[] softmaxScale = scratch.softmaxScale;
      for (int i = 0; i < n; i++) {
        int t = targets[from + i];
        if (t != ignore) {
          double up = gradOutput == null ? upConstant : gradOutput[from + i] / denominator;
          double scale1 = (1 - e) * (w == null ? 1 : w[t]) * up;
          g1[i] = (float) scale1;
          g2[i] = e / c * up;
          softmaxScale[i] = (float) (scale1 + g2[i] * totalWeight);
        } else {
          g1[i] = 0;
          g2[i] = 0;
          softmaxScale[i] = 0;
        }
      }
      // nll = lse - x[t] per row; g = softmaxScale softmax - g1 onehot(t)
      float[] nll = scratch.nll;
      k.losses().indexCrossEntropyRows(g, from * c, nll, 0, x.data, from * c, targets, from, softmaxScale, g1, 0,
          n, c);
      for (int i = 0; i < n; i++) {
        int r = from + i;
        int t = targets[r];
        if (t == ignore) {
          continue;
        }
        double rowNll = (w == null ? 1 : w[t]) * (double) nll[i];
        acc[0] += rowNll;
        double smooth = 0;
        if (e != 0) {
          int off = r * c;
          double lse = x.data[off + t] + (double) nll[i];
          double wx = w == null ? k.sum(x.data, off, c) : k.dot(w, 0, x.data, off, c);
          smooth = totalWeight * lse - wx;
          acc[1] += smooth;
          if (g != null) {
            subtractWeights(k, g, off, c, (float) g2[i], w);
          }
        }
        if (perRow != null) {
          perRow[r] = (float) ((1 - e) * rowNll + e / c * smooth);
        }
      }
    });
    if (g != null) {
      x.writeBack(g, gradLogits);
    }
    return ((1 - e) * sums[0] + (e / c) * sums[1]) / denominator;
  }

  // ---- probability targets -----------------------------------------------------------------

  /** The reduced loss (SUM or MEAN) against class probabilities of the logits' shape. */
  public double loss(Tensor logits, Tensor probabilities, float[] gradLogits) {
    requireReduced();
    return probability(logits, probabilities, null, gradLogits, null);
  }

  /** Reduction NONE against class probabilities: one loss per sample, in (n, d1, ...) order. */
  public float[] lossPerSample(Tensor logits, Tensor probabilities, float[] gradOutput, float[] gradLogits) {
    requireNone();
    float[] out = new float[ClassRows.rowCount("logits", logits)];
    probability(logits, probabilities, gradOutput, gradLogits, out);
    return out;
  }

  private double probability(Tensor logits, Tensor probabilities, float[] gradOutput, float[] gradLogits,
      float[] perRow) {
    ClassRows x = ClassRows.of("logits", logits);
    if (probabilities == null) {
      throw new IllegalArgumentException("probabilities: expected a tensor, got null");
    }
    probabilities.requireSameShape("probabilities", logits);
    ClassRows y = ClassRows.of("probabilities", probabilities);
    int c = x.classes;
    IndexTargets.checkWeight(weight, c);
    ClassRows.requireLength("gradLogits", gradLogits, logits.size());
    ClassRows.requireLength("gradOutput", gradOutput, x.rows);
    float e = labelSmoothing;
    double denominator = reduction == Reduction.MEAN ? x.rows : 1;
    float[] g = gradLogits == null ? null : x.gradBuffer(gradLogits);
    float[] w = weight;
    double[] sums = Blocks.sum(x.rows, c, 1, (from, to, acc) -> {
      KernelSupport k = Kernels.get();
      float[] v = new float[c];
      for (int r = from; r < to; r++) {
        int off = r * c;
        // v = w * ((1-e) y + e/C); V = sum v; l_r = V lse - v.x
        k.scaleShift(y.data, off, v, 0, c, 1 - e, e / c);
        if (w != null) {
          k.mul(v, 0, w, 0, v, 0, c);
        }
        double sumV = k.sum(v, 0, c);
        double up = (gradOutput == null ? 1 : gradOutput[r]) / denominator;
        double lse = k.losses().logSumExpRow(g, off, x.data, off, c, (float) (up * sumV));
        double loss = sumV * lse - k.dot(v, 0, x.data, off, c);
        acc[0] += loss;
        if (perRow != null) {
          perRow[r] = (float) loss;
        }
        if (g != null) {
          k.axpy((float) -up, v, 0, g, off, c);
        }
      }
    });
    if (g != null) {
      x.writeBack(g, gradLogits);
    }
    return sums[0] / denominator;
  }

  // ---- helpers -----------------------------------------------------------------------------

  /**
   * Each thread's per-row scales and losses of one block of class-index rows, reused from call to
   * call. Allocated per block they were 1.3 MB of garbage per (65536,10) call; after the heap grew,
   * that garbage landed on untouched transparent huge pages, and whole JMH iterations at 2 threads
   * took 7.5-8.3 ms instead of about 1 ms. A block fills [0, n) of each before reading it.
   */
  private static final ThreadLocal<BlockRows> BLOCK_ROWS = ThreadLocal.withInitial(BlockRows::new);

  private static final class BlockRows {
    float[] g1 = new float[0];
    double[] g2 = new double[0];
    float[] softmaxScale = new float[0];
    float[] nll = new float[0];

    /** This, with room for at least {@code n} rows. */
    BlockRows ensure(int n) {
      if (g1.length < n) {
        g1 = new float[n];
        g2 = new double[n];
        softmaxScale = new float[n];
        nll = new float[n];
      }
      return this;
    }
  }

  /** g[off + j] -= scale * w[j] (w null means ones). */
  private static void subtractWeights(KernelSupport k, float[] g, int off, int c, float scale, float[] w) {
    if (w == null) {
      k.scaleShift(g, off, g, off, c, 1f, -scale);
    } else {
      k.axpy(-scale, w, 0, g, off, c);
    }
  }

  private double sumOfWeights() {
    double s = 0;
    for (float v : weight) {
      s += v;
    }
    return s;
  }

  private void requireReduced() {
    if (reduction == Reduction.NONE || reduction == Reduction.BATCHMEAN) {
      throw new IllegalArgumentException("reduction: expected sum or mean for loss(...), got "
          + reduction.torchName() + (reduction == Reduction.NONE ? "; call lossPerSample(...)" : ""));
    }
  }

  private void requireNone() {
    if (reduction != Reduction.NONE) {
      throw new IllegalArgumentException("reduction: expected none for lossPerSample(...), got "
          + reduction.torchName() + "; call loss(...)");
    }
  }

  /** Builder: all options are optional (optX), with PyTorch's defaults (see {@link IndexLossOptions}). */
  public static final class Builder extends IndexLossOptions<Builder> {
    private float labelSmoothing;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** Label smoothing e in [0, 1] (default 0): targets become (1-e) y + e/C. */
    public Builder optLabelSmoothing(float labelSmoothing) {
      if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
        throw new IllegalArgumentException("labelSmoothing: expected a value in [0, 1], got " + labelSmoothing);
      }
      this.labelSmoothing = labelSmoothing;
      return this;
    }

    public CrossEntropy build() {
      return new CrossEntropy(this);
    }
  }
}
