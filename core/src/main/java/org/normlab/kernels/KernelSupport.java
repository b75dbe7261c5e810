package org.normlab.kernels;

/**
 * The hot loops of normlab, on flat float arrays with offsets and lengths; never on tensors.
 *
 * <p>Two implementations exist: {@link ScalarKernels} (plain Java, the reference) and a Vector
 * API one (package-private, loaded only when {@code jdk.incubator.vector} is present).
 * {@link Kernels#get()} picks one once at start-up. Every method has the same contract in both
 * implementations, and tests run both on the same inputs over awkward sizes. Reductions return
 * double and accumulate in double; callers split long arrays into fixed chunks (see
 * {@link Reductions}) so that results do not depend on the thread count.
 */
public interface KernelSupport {

  /** A short name for logs and benchmark tables: "scalar" or "vector(512 bit)". */
  String name();

  /** sum of x[off .. off+len), accumulated in double. */
  double sum(float[] x, int off, int len);

  /** sum of x^2 over x[off .. off+len), accumulated in double. */
  double sumOfSquares(float[] x, int off, int len);

  /** sum of (x - mean)^2 over x[off .. off+len), accumulated in double (the second pass of a two-pass variance). */
  double sumOfSquaredDeviations(float[] x, int off, int len, double mean);

  /** sum of a[aOff + i] * b[bOff + i], accumulated in double. */
  double dot(float[] a, int aOff, float[] b, int bOff, int len);

  /** y[yOff + i] = x[xOff + i] * scale + shift. x and y may be the same array at the same offset. */
  void scaleShift(float[] x, int xOff, float[] y, int yOff, int len, float scale, float shift);

  /** y[yOff + i] += alpha * x[xOff + i]. */
  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len);

  /** x[off + i] *= alpha. */
  void scale(float[] x, int off, int len, float alpha);

  /** out[oOff + i] = a[aOff + i] + b[bOff + i]. */
  void add(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int len);

  /** out[oOff + i] = a[aOff + i] * b[bOff + i]. */
  void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int len);

  /** y[yOff + i] = max(x[xOff + i], 0). */
  void relu(float[] x, int xOff, float[] y, int yOff, int len);

  // ---- Area kernels ---------------------------------------------------------------------
  // Each area keeps its loops in its own interface (XxxKernels) with a scalar and a vector
  // implementation in their own files; KernelSupport hands them out, so one choice at start-up
  // covers all. Add your accessor under your area's marker only (keeps merges clean).

  // [gemm]
  /** The SGEMM tile kernel used by {@link Gemm}. */
  GemmKernels gemm();

  // [batch norm]
  /** Batch normalization loops (channels-first and channels-last). */
  BatchNormKernels batchNorm();

  // [norm family]
  /** Layer, group, instance and RMS normalization loops. */
  NormFamilyKernels normFamily();

  // [losses]
  /** The loss loops (cross-entropy, mse, bce, kl_div). */
  LossKernels losses();

  // [engine]
  /** Activations, bias terms, im2col and pooling of the training engine. */
  EngineKernels engine();
}
