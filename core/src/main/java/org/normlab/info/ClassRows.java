package org.normlab.info;

import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * A classification input seen as rows of class scores: (rows, classes), contiguous.
 *
 * <p>Accepts PyTorch's logical order (N, C) or (N, C, d1, ...) in a channels-first layout (NC,
 * NCL, NCHW, NCDHW) or {@link Layout#ROW_MAJOR}, and the channels-last layouts (NLC, NHWC, NDHWC),
 * whose memory already holds one row of C scores per position. Channels-first inputs with spatial
 * dimensions are transposed once to (N, d1*..., C) so that every row is contiguous; gradients
 * computed on rows are transposed back by {@link #writeBack}. Rows are ordered (n, d1, ...), the
 * order of PyTorch's target tensor of shape (N, d1, ...).
 */
final class ClassRows {
  final float[] data;
  final int rows;
  final int classes;
  final int batch;
  final int spatial;
  final boolean transposed;

  private ClassRows(float[] data, int batch, int classes, int spatial, boolean transposed) {
    this.data = data;
    this.batch = batch;
    this.classes = classes;
    this.spatial = spatial;
    this.rows = batch * spatial;
    this.transposed = transposed;
  }

  static ClassRows of(String name, Tensor t) {
    requireRows(name, t);
    int n = t.dim(0);
    if (t.layout().isChannelsLast()) {
      int c = t.dim(t.rank() - 1);
      return new ClassRows(t.data(), n, c, t.size() / Math.max(1, n * c), false);
    }
    int c = t.dim(1);
    int s = 1;
    for (int a = 2; a < t.rank(); a++) {
      s *= t.dim(a);
    }
    if (s == 1) {
      return new ClassRows(t.data(), n, c, 1, false);
    }
    float[] rows = new float[t.size()];
    transpose(rows, t.data(), n, c, s);
    return new ClassRows(rows, n, c, s, true);
  }

  /** The number of rows (N * d1 * ...) without transposing anything. */
  static int rowCount(String name, Tensor t) {
    requireRows(name, t);
    return t.size() / Math.max(1, t.layout().isChannelsLast() ? t.dim(t.rank() - 1) : t.dim(1));
  }

  private static void requireRows(String name, Tensor t) {
    if (t == null) {
      throw new IllegalArgumentException(name + ": expected a tensor, got null");
    }
    if (t.rank() < 2) {
      throw new IllegalArgumentException(name + ": expected rank >= 2 (N, C, d1, ...), got shape " + t.shape());
    }
  }

  int size() {
    return rows * classes;
  }

  /** A buffer for a per-row gradient: {@code out} itself when no transposition is needed. */
  float[] gradBuffer(float[] out) {
    return transposed ? new float[size()] : out;
  }

  /** Copies a gradient computed on rows into {@code out} in the input's memory order. */
  void writeBack(float[] rowGrad, float[] out) {
    if (transposed) {
      transpose(out, rowGrad, batch, spatial, classes);
    }
  }

  /** out (n, b, a) = in (n, a, b): swaps the two inner axes of each of the n blocks. */
  private static void transpose(float[] out, float[] in, int n, int a, int b) {
    for (int i = 0; i < n; i++) {
      int base = i * a * b;
      for (int p = 0; p < a; p++) {
        for (int q = 0; q < b; q++) {
          out[base + q * a + p] = in[base + p * b + q];
        }
      }
    }
  }

  static void requireLength(String name, float[] array, int expected) {
    if (array != null && array.length != expected) {
      throw new IllegalArgumentException(name + ": expected " + expected + " elements, got " + array.length);
    }
  }
}
