package org.normlab.kernels;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LossKernels} on the Vector API.
 *
 * <p>No lanewise EXP or LOG: their bits differ between interpreted and compiled code, so losses
 * would depend on JIT timing. Softmax (cross-entropy) uses {@link VectorMath#expNonPositive} and
 * {@link VectorMath#log}; the elementwise losses (bce, bce with logits, kl_div) use
 * {@link VectorMath#exp} and {@link VectorMath#log}, twins of the scalar ExpMath.expFullRange and
 * LogMath.log that {@link ScalarLossKernels} uses in the same order of operations, so scalar and
 * vector kernels give the same loss and gradient bits for every element. Package-private: loaded
 * only through {@link VectorKernels}. The scalar math of each loop is the comment above it; row
 * tails use masked vectors so that long rows stay vectorized to the end.
 */
final class VectorLossKernels implements LossKernels {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final int FL = F.length();
  private static final VectorSpecies<Double> D = VectorKernels.D;
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  private static final ScalarLossKernels TAIL = ScalarLossKernels.INSTANCE;

  @Override
  public double logSumExpRow(float[] p, int pOff, float[] x, int xOff, int len, float scale) {
    // Three methods that pass no vectors between them. As one method it outgrew C2's node budget
    // (NodeCountInliningCutoff), and the calls C2 then left in it (an exp, Lanes.sum) boxed their
    // vectors: 1.2 MB of garbage per (4096,1000) cross entropy, 9 KB now. A call that takes only
    // arrays and scalars costs a call, not an allocation, where it is not inlined. Results are
    // bitwise those of the single method.
    float m = rowMax(x, xOff, len);
    double s = expAndSum(p, pOff, x, xOff, len, m);
    if (p != null) {
      scaleRow(p, pOff, len, (float) (scale / s));
    }
    return m + Math.log(s);
  }

  /** max_j x[xOff + j]. */
  private static float rowMax(float[] x, int xOff, int len) {
    int bound = F.loopBound(len);
    FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    int j = 0;
    for (; j < bound; j += FL) {
      vmax = vmax.max(FloatVector.fromArray(F, x, xOff + j));
    }
    if (j < len) {
      VectorMask<Float> tail = F.indexInRange(j, len);
      vmax = vmax.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, x, xOff + j, tail), tail);
    }
    return vmax.reduceLanes(VectorOperators.MAX);
  }

  /**
   * e = exp(x[j] - m); p[j] = e (p may be null); returns the sum of e: a float sum per lane, the
   * lanes then added in lane order in double. The last, partial vector runs in the same loop
   * under its mask: a second inlined copy of the exp for it kept this method over C2's node
   * budget too.
   */
  private static double expAndSum(float[] p, int pOff, float[] x, int xOff, int len, float m) {
    FloatVector vs = FloatVector.zero(F);
    for (int j = 0; j < len; j += FL) {
      VectorMask<Float> in = F.indexInRange(j, len);
      FloatVector e = VectorMath.expNonPositive(FloatVector.fromArray(F, x, xOff + j, in).sub(m));
      vs = vs.add(e, in);
      if (p != null) {
        e.intoArray(p, pOff + j, in);
      }
    }
    // Lanes.sum(vs), written out: C2 is over its node budget here and would not inline that call
    // (its generic lane(l) costs about 1 ns a lane, once per row)
    double s = 0;
    for (int l = 0; l < FL; l++) {
      s += vs.lane(l);
    }
    return s;
  }

  /** p[j] *= factor. */
  private static void scaleRow(float[] p, int pOff, int len, float factor) {
    int bound = F.loopBound(len);
    int j = 0;
    for (; j < bound; j += FL) {
      FloatVector.fromArray(F, p, pOff + j).mul(factor).intoArray(p, pOff + j);
    }
    if (j < len) {
      VectorMask<Float> tail = F.indexInRange(j, len);
      FloatVector.fromArray(F, p, pOff + j, tail).mul(factor).intoArray(p, pOff + j, tail);
    }
  }

  @Override
  public void indexCrossEntropyRows(float[] grad, int gOff, float[] nll, int nllOff, float[] x, int xOff,
      int[] targets, int tOff, float[] softmaxScale, float[] targetScale, int scaleOff, int rows, int len) {
    int lanes = F.length();
    if (len >= lanes) {
      LossKernels.super.indexCrossEntropyRows(grad, gOff, nll, nllOff, x, xOff, targets, tOff, softmaxScale,
          targetScale, scaleOff, rows, len);
      return;
    }
    // Short rows (10 classes): tiles of as many rows as a vector has lanes, transposed so that
    // lane r holds row r; full tiles are read in place, the last partial tile from a padded copy
    // (padding rows: logits 0, target -1, scales 0).
    ShortRows tile = new ShortRows(len);
    int full = rows / lanes * lanes;
    for (int r = 0; r < full; r += lanes) {
      tile.run(grad, gOff + r * len, nll, nllOff + r, x, xOff + r * len, targets, tOff + r, softmaxScale,
          targetScale, scaleOff + r);
    }
    if (full < rows) {
      tile.runPartial(rows - full, grad, gOff + full * len, nll, nllOff + full, x, xOff + full * len, targets,
          tOff + full, softmaxScale, targetScale, scaleOff + full);
    }
  }

  /**
   * {@link #indexCrossEntropyRows} for one tile of L = F.length() rows of len < L logits, with
   * lanes running over rows: column j of the tile is gathered into t[j], so the row maximum, the
   * row sum, the log and the target terms are lanewise and every exp runs on full vectors.
   * <pre>
   *   m_r = max_j x_rj;  e_rj = exp(x_rj - m_r);  s_r = sum_j e_rj (float, j in order)
   *   nll_r = (m_r - x_rt) + log(s_r)
   *   grad_rj = e_rj * (softmaxScale_r / s_r) - targetScale_r [j = t_r]
   * </pre>
   * The gradient is written back row-major by gathering from the transposed tile.
   */
  private static final class ShortRows {
    private final int len;
    /** Column j of the tile at t[j * L .. (j + 1) * L). */
    private final float[] t;
    /** Lane r of a column gathers x[r * len + j]: rowStart[r] = r * len. */
    private final int[] rowStart;
    /** Row-major position q = r * len + j of the tile is t[j * L + r]. */
    private final int[] rowMajor;
    /** The positions r * len + t_r of the targets (r * len for targets out of range). */
    private final int[] targetAt = new int[F.length()];
    /** Lane r: log of row r's sum of exp(x - max). */
    private final float[] logSum = new float[F.length()];

    ShortRows(int len) {
      int lanes = F.length();
      this.len = len;
      this.t = new float[lanes * len];
      this.rowStart = new int[lanes];
      this.rowMajor = new int[lanes * len];
      for (int r = 0; r < lanes; r++) {
        rowStart[r] = r * len;
      }
      for (int q = 0; q < lanes * len; q++) {
        rowMajor[q] = q % len * lanes + q / len;
      }
    }

    /** The first {@code rows} (< L) rows of a tile, run as a whole tile on a padded copy. */
    void runPartial(int rows, float[] grad, int gOff, float[] nll, int nllOff, float[] x, int xOff, int[] targets,
        int tOff, float[] softmaxScale, float[] targetScale, int scaleOff) {
      int lanes = F.length();
      float[] xs = new float[lanes * len];
      int[] ts = new int[lanes];
      float[] ss = new float[lanes];
      float[] tss = new float[lanes];
      float[] ns = new float[lanes];
      float[] gs = grad == null ? null : new float[lanes * len];
      System.arraycopy(x, xOff, xs, 0, rows * len);
      Arrays.fill(ts, -1);
      System.arraycopy(targets, tOff, ts, 0, rows);
      System.arraycopy(softmaxScale, scaleOff, ss, 0, rows);
      System.arraycopy(targetScale, scaleOff, tss, 0, rows);
      run(gs, 0, ns, 0, xs, 0, ts, 0, ss, tss, 0);
      System.arraycopy(ns, 0, nll, nllOff, rows);
      if (grad != null) {
        System.arraycopy(gs, 0, grad, gOff, rows * len);
      }
    }

    void run(float[] grad, int gOff, float[] nll, int nllOff, float[] x, int xOff, int[] targets, int tOff,
        float[] softmaxScale, float[] targetScale, int scaleOff) {
      int lanes = F.length();
      // m = max_j x[j]; t[j] = x[j]
      FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
      for (int j = 0; j < len; j++) {
        FloatVector v = FloatVector.fromArray(F, x, xOff + j, rowStart, 0);
        m = m.max(v);
        v.intoArray(t, j * lanes);
      }
      // t[j] = exp(t[j] - m); s += t[j]
      FloatVector s = FloatVector.zero(F);
      for (int j = 0; j < len; j++) {
        FloatVector e = VectorMath.expNonPositive(FloatVector.fromArray(F, t, j * lanes).sub(m));
        s = s.add(e);
        e.intoArray(t, j * lanes);
      }
      // nll = (m - x[target]) + log(s), 0 for targets out of range
      IntVector target = IntVector.fromArray(I, targets, tOff);
      VectorMask<Integer> inRange = target.compare(VectorOperators.GE, 0)
          .and(target.compare(VectorOperators.LT, len));
      IntVector.fromArray(I, rowStart, 0).add(target, inRange).intoArray(targetAt, 0);
      FloatVector xt = FloatVector.fromArray(F, x, xOff, targetAt, 0);
      // log(s) through the tile's array: this method is over C2's node budget, and a refused
      // VectorMath.log call boxed its vectors (0.9 MB per (65536,10) cross entropy)
      s.intoArray(logSum, 0);
      VectorMath.logInPlace(logSum, 0);
      m.sub(xt).add(FloatVector.fromArray(F, logSum, 0)).blend(0f, inRange.not().cast(F))
          .intoArray(nll, nllOff);
      if (grad == null) {
        return;
      }
      // t[j] = t[j] * (softmaxScale / s) - (j == target ? targetScale : 0); grad (row-major) = t
      FloatVector factor = FloatVector.fromArray(F, softmaxScale, scaleOff).div(s);
      FloatVector targetTerm = FloatVector.fromArray(F, targetScale, scaleOff);
      for (int j = 0; j < len; j++) {
        VectorMask<Float> isTarget = target.compare(VectorOperators.EQ, j).cast(F);
        FloatVector.fromArray(F, t, j * lanes).mul(factor).lanewise(VectorOperators.SUB, targetTerm, isTarget)
            .intoArray(t, j * lanes);
      }
      for (int q = 0; q < lanes * len; q += lanes) {
        FloatVector.fromArray(F, t, 0, rowMajor, q).intoArray(grad, gOff + q);
      }
    }
  }

  @Override
  public double squaredError(float[] loss, float[] grad, float[] pred, float[] target, int off, int len,
      float gradScale) {
    // d = pred[i] - target[i]; s += d*d (double); loss[i] = d*d; grad[i] = 2*gradScale*d
    DoubleVector acc0 = DoubleVector.zero(D);
    DoubleVector acc1 = DoubleVector.zero(D);
    float twoScale = 2 * gradScale;
    int bound = F.loopBound(len);
    int i = 0;
    for (; i < bound; i += F.length()) {
      FloatVector d = FloatVector.fromArray(F, pred, off + i).sub(FloatVector.fromArray(F, target, off + i));
      DoubleVector dLo = lo(d);
      DoubleVector dHi = hi(d);
      acc0 = dLo.fma(dLo, acc0);
      acc1 = dHi.fma(dHi, acc1);
      if (loss != null) {
        d.mul(d).intoArray(loss, off + i);
      }
      if (grad != null) {
        d.mul(twoScale).intoArray(grad, off + i);
      }
    }
    return Lanes.sum(acc0.add(acc1))
        + TAIL.squaredError(loss, grad, pred, target, off + i, len - i, gradScale);
  }

  /** Stores the losses l at loss[at..] (when loss != null) and returns acc + l, widened to double. */
  private static DoubleVector accumulate(DoubleVector acc, FloatVector l, float[] loss, int at) {
    if (loss != null) {
      l.intoArray(loss, at);
    }
    return acc.add(lo(l)).add(hi(l));
  }

  private static DoubleVector lo(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
  }

  private static DoubleVector hi(FloatVector v) {
    return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
  }

  // The elementwise losses run in chunks of CHUNK elements, in passes: first the exponentials or
  // logarithms of the chunk into scratch arrays (one VectorMath call per loop: a loop with several
  // inlined exp/log exceeds the JIT's inlining budget, and vectors that are not inlined are boxed,
  // 20x slower), then one loop that combines them. Same operations as ScalarLossKernels, same bits.

  /** Elements per chunk: the scratch arrays (4 KiB each) stay in L1. */
  private static final int CHUNK = 1024;

  /** out[i] = exp(-|x[at + i]|) for i in [0, n), n a multiple of the vector length. */
  private static void expOfMinusAbs(float[] out, float[] x, int at, int n) {
    for (int i = 0; i < n; i += F.length()) {
      VectorMath.exp(FloatVector.fromArray(F, x, at + i).abs().neg()).intoArray(out, i);
    }
  }

  /** out[i] = exp(x[at + i]) for i in [0, n), n a multiple of the vector length. */
  private static void expOf(float[] out, float[] x, int at, int n) {
    for (int i = 0; i < n; i += F.length()) {
      VectorMath.exp(FloatVector.fromArray(F, x, at + i)).intoArray(out, i);
    }
  }

  /** out[i] = log(a + sign * x[at + i]) for i in [0, n), n a multiple of the vector length. */
  private static void logOf(float[] out, float a, float sign, float[] x, int at, int n) {
    for (int i = 0; i < n; i += F.length()) {
      VectorMath.log(FloatVector.fromArray(F, x, at + i).fma(sign, a)).intoArray(out, i);
    }
  }

  @Override
  public double bceWithLogits(float[] loss, float[] grad, float[] x, float[] y, float[] w, float[] pw, int off,
      int len, float gradScale) {
    int bound = F.loopBound(len);
    float[] e = new float[Math.min(bound, CHUNK)];
    float[] log1pE = new float[e.length];
    double s = 0;
    for (int c = 0; c < bound; c += CHUNK) {
      int n = Math.min(CHUNK, bound - c);
      // e = exp(-|x|); log1pE = log(1 + e)
      expOfMinusAbs(e, x, off + c, n);
      logOf(log1pE, 1f, 1f, e, 0, n);
      s += bceWithLogitsChunk(loss, grad, x, y, w, pw, off + c, n, gradScale, e, log1pE);
    }
    return s + TAIL.bceWithLogits(loss, grad, x, y, w, pw, off + bound, len - bound, gradScale);
  }

  private static double bceWithLogitsChunk(float[] loss, float[] grad, float[] x, float[] y, float[] w, float[] pw,
      int off, int n, float gradScale, float[] e, float[] log1pE) {
    // softplus(-x) = log1pE + max(-x, 0); lw = 1 + (pw - 1) y
    // l = ((1 - y) x + lw softplus(-x)) w; sigmoid(x) = x >= 0 ? 1/(1+e) : e/(1+e)
    // grad = (lw sigmoid(x) - lw + 1 - y) w gradScale
    FloatVector one = FloatVector.broadcast(F, 1f);
    DoubleVector acc = DoubleVector.zero(D);
    for (int i = 0; i < n; i += F.length()) {
      int at = off + i;
      FloatVector xv = FloatVector.fromArray(F, x, at);
      FloatVector yv = FloatVector.fromArray(F, y, at);
      FloatVector ev = FloatVector.fromArray(F, e, i);
      FloatVector softplus = FloatVector.fromArray(F, log1pE, i).add(xv.neg().max(0f));
      FloatVector lw = pw == null ? one : FloatVector.fromArray(F, pw, at).sub(1f).fma(yv, one);
      FloatVector wv = w == null ? one : FloatVector.fromArray(F, w, at);
      FloatVector oneMinusY = one.sub(yv);
      FloatVector l = oneMinusY.mul(xv).add(lw.mul(softplus)).mul(wv);
      acc = accumulate(acc, l, loss, at);
      if (grad != null) {
        FloatVector r = one.div(one.add(ev));
        FloatVector sigmoid = r.mul(ev).blend(r, xv.compare(VectorOperators.GE, 0f));
        lw.mul(sigmoid).sub(lw).add(oneMinusY).mul(wv).mul(gradScale).intoArray(grad, at);
      }
    }
    return Lanes.sum(acc);
  }

  @Override
  public double binaryCrossEntropy(float[] loss, float[] grad, float[] p, float[] y, float[] w, int off, int len,
      float gradScale) {
    int bound = F.loopBound(len);
    float[] logP = new float[Math.min(bound, CHUNK)];
    float[] log1mP = new float[logP.length];
    double s = 0;
    for (int c = 0; c < bound; c += CHUNK) {
      int n = Math.min(CHUNK, bound - c);
      // logP = log(p); log1mP = log(1 - p)
      logOf(logP, 0f, 1f, p, off + c, n);
      logOf(log1mP, 1f, -1f, p, off + c, n);
      s += binaryCrossEntropyChunk(loss, grad, p, y, w, off + c, n, gradScale, logP, log1mP);
    }
    return s + TAIL.binaryCrossEntropy(loss, grad, p, y, w, off + bound, len - bound, gradScale);
  }

  private static double binaryCrossEntropyChunk(float[] loss, float[] grad, float[] p, float[] y, float[] w,
      int off, int n, float gradScale, float[] logP, float[] log1mP) {
    // l = -((y max(log p, -100) + (1 - y) max(log(1 - p), -100)) w)
    // grad = (p - y) w gradScale / max(p (1 - p), 1e-12)
    FloatVector one = FloatVector.broadcast(F, 1f);
    DoubleVector acc = DoubleVector.zero(D);
    for (int i = 0; i < n; i += F.length()) {
      int at = off + i;
      FloatVector pv = FloatVector.fromArray(F, p, at);
      FloatVector yv = FloatVector.fromArray(F, y, at);
      FloatVector wv = w == null ? one : FloatVector.fromArray(F, w, at);
      FloatVector lp = FloatVector.fromArray(F, logP, i).max(-100f);
      FloatVector l1mp = FloatVector.fromArray(F, log1mP, i).max(-100f);
      FloatVector l = yv.mul(lp).add(one.sub(yv).mul(l1mp)).mul(wv).neg();
      acc = accumulate(acc, l, loss, at);
      if (grad != null) {
        pv.sub(yv).mul(wv).mul(gradScale).div(pv.mul(one.sub(pv)).max(1e-12f)).intoArray(grad, at);
      }
    }
    return Lanes.sum(acc);
  }

  @Override
  public double klDiv(float[] loss, float[] grad, float[] x, float[] t, boolean logTarget, int off, int len,
      float gradScale) {
    int bound = F.loopBound(len);
    float[] f = new float[Math.min(bound, CHUNK)];
    double s = 0;
    for (int c = 0; c < bound; c += CHUNK) {
      int n = Math.min(CHUNK, bound - c);
      // f = exp(t) (t = log p) or log(t) (t = p)
      if (logTarget) {
        expOf(f, t, off + c, n);
      } else {
        logOf(f, 0f, 1f, t, off + c, n);
      }
      s += klDivChunk(loss, grad, x, t, logTarget, off + c, n, gradScale, f);
    }
    return s + TAIL.klDiv(loss, grad, x, t, logTarget, off + bound, len - bound, gradScale);
  }

  private static double klDivChunk(float[] loss, float[] grad, float[] x, float[] t, boolean logTarget, int off,
      int n, float gradScale, float[] f) {
    // t = log p:  p = f = exp(t);  l = p (t - x)
    // t = p:      p = t, f = log(t);  l = p (f - x), 0 where p = 0
    // grad = p (-gradScale)
    DoubleVector acc = DoubleVector.zero(D);
    float minusScale = -gradScale;
    for (int i = 0; i < n; i += F.length()) {
      int at = off + i;
      FloatVector tv = FloatVector.fromArray(F, t, at);
      FloatVector xv = FloatVector.fromArray(F, x, at);
      FloatVector fv = FloatVector.fromArray(F, f, i);
      FloatVector pv;
      FloatVector l;
      if (logTarget) {
        pv = fv;
        l = pv.mul(tv.sub(xv));
      } else {
        pv = tv;
        l = pv.mul(fv.sub(xv)).blend(0f, tv.compare(VectorOperators.EQ, 0f));
      }
      acc = accumulate(acc, l, loss, at);
      if (grad != null) {
        pv.mul(minusScale).intoArray(grad, at);
      }
    }
    return Lanes.sum(acc);
  }
}
