package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * L x L blocks of floats transposed in vectors (L the vector length), for the Winograd output
 * gradients, whose lanes run over channels while dy holds each channel's rows contiguously:
 * L channels' rows are loaded as one vector each ({@link #loadRows}) and transposed
 * ({@link #transpose}), so that each vector holds one output position of the L channels. On
 * Zen 5 a gather across the channel planes (one per position) cost about 40 cycles; a
 * transpose costs log2(L) * L two-vector shuffles for L*L values.
 */
final class VectorTranspose {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final int L = F.length();

  private VectorTranspose() {}

  /**
   * rows[c*L ..] = the L floats at src[at + c*stride ..], those from column {@code columns} on
   * zero (all of them when columns &lt;= 0, with nothing read), c &lt; L.
   */
  static void loadRows(float[] src, int at, int stride, int columns, float[] rows) {
    if (columns <= 0) {
      java.util.Arrays.fill(rows, 0, L * L, 0f);
      return;
    }
    VectorMask<Float> inside = F.indexInRange(0, columns);
    for (int c = 0; c < L; c++) {
      FloatVector.fromArray(F, src, at + c * stride, inside).intoArray(rows, c * L);
    }
  }

  /**
   * Column j of the L x L block rows (row c at rows[c*L ..]) to dst[off + j*stride ..], j &lt; L:
   * log2(L) rounds of pairing vector i with vector i + L/2 and interleaving them (a perfect
   * shuffle of the elements: log2(L) of them transpose), through swap; rows and swap are
   * overwritten.
   */
  static void transpose(float[] rows, float[] swap, float[] dst, int off, int stride) {
    float[] src = rows;
    float[] next = swap;
    for (int round = L; round > 2; round /= 2) {
      zipRound(src, next, 0, L);
      float[] t = src;
      src = next;
      next = t;
    }
    zipRound(src, dst, off, stride);
  }

  /**
   * dst[off + 2i*stride ..] = src vectors i and i + L/2 interleaved from their first halves,
   * dst[off + (2i + 1)*stride ..] from their second halves, i &lt; L/2.
   */
  private static void zipRound(float[] src, float[] dst, int off, int stride) {
    for (int i = 0; i < L / 2; i++) {
      FloatVector a = FloatVector.fromArray(F, src, i * L);
      FloatVector b = FloatVector.fromArray(F, src, (i + L / 2) * L);
      a.rearrange(VectorShuffles.INTERLEAVE_LOW, b).intoArray(dst, off + 2 * i * stride);
      a.rearrange(VectorShuffles.INTERLEAVE_HIGH, b).intoArray(dst, off + (2 * i + 1) * stride);
    }
  }
}
