package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API tile kernel: {@value #MR} rows by two vectors of columns (32 columns with 512-bit
 * vectors), {@code 2 * MR} accumulator registers, one broadcast of A per row and two loads of B
 * per step. Package-private; handed out by {@link VectorKernels#gemm()}.
 *
 * <p>The accumulators never leave this method as objects (no vector is passed to a call that
 * might not be inlined): an escaping vector would be boxed at every step of the loop and run
 * ten times slower. Full tiles are stored with vector operations; edge tiles go through a small
 * array and scalar code with the same arithmetic.
 */
final class VectorGemmKernels implements GemmKernels {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int MR = 8;
  static final int L = F.length();
  static final int NR = 2 * L;
  static final VectorGemmKernels INSTANCE = new VectorGemmKernels();
  /**
   * Per thread: an edge tile's accumulators (overwritten by each edge tile). A new array per
   * edge tile was the largest allocation of an mlp-sigmoid-bn training step in steady state (87%
   * of the bytes JFR's allocation samples weighed: batch 60, whose products' 60- and 100-wide
   * edges are mostly edge tiles).
   */
  private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[MR * NR]);

  @Override
  public int mr() {
    return MR;
  }

  @Override
  public int nr() {
    return NR;
  }

  @Override
  public void tile(float[] c, int cOff, int ldc, int rows, int cols,
      float[] a, int aOff, float[] b, int bOff, int kc, float alpha, float beta) {
    if (rows == MR && cols == NR) {
      fullTile(c, cOff, ldc, a, aOff, b, bOff, kc, alpha, beta);
      return;
    }
    // the edge of C: the whole tile into a small array (alpha 1, beta 0: the accumulators
    // exactly), then its rows x cols part with alpha and beta
    float[] t = EDGE.get();
    fullTile(t, 0, NR, a, aOff, b, bOff, kc, 1f, 0f);
    storeEdge(c, cOff, ldc, rows, cols, t, alpha, beta);
  }

  /**
   * A whole MR x NR tile of C: c = alpha * acc (beta 0, C not read) or fma(beta, c, alpha * acc).
   * The accumulation loop lives in this method alone, with no edge path beside it: with the edge
   * handling in the same method, C2 compiled the loop about 40% slower in some JVM runs (after
   * 30 cnn training steps, 36 tile calls of K = 32 on data in L1 ran at 63-65 GFLOP/s in 2 of 5
   * runs and 104-106 in the others, a 256 x 128 x 3136 product at 60-61 against 93-96; the cnn
   * step took 150-160 ms instead of 115-125). With this split: 99-107 and 92-96 GFLOP/s in 6
   * runs of 6.
   */
  private static void fullTile(float[] c, int cOff, int ldc, float[] a, int aOff, float[] b,
      int bOff, int kc, float alpha, float beta) {
    // for p < kc: for i < MR: for j < NR: acc[i][j] = fma(a[p*MR + i], b[p*NR + j], acc[i][j])
    // Each accumulator is its own local so that the JIT keeps all of them in registers.
    FloatVector z = FloatVector.zero(F);
    FloatVector c00 = z;
    FloatVector c01 = z;
    FloatVector c10 = z;
    FloatVector c11 = z;
    FloatVector c20 = z;
    FloatVector c21 = z;
    FloatVector c30 = z;
    FloatVector c31 = z;
    FloatVector c40 = z;
    FloatVector c41 = z;
    FloatVector c50 = z;
    FloatVector c51 = z;
    FloatVector c60 = z;
    FloatVector c61 = z;
    FloatVector c70 = z;
    FloatVector c71 = z;
    // Two steps of p per iteration, then the odd step if any (each accumulator's fmas in the
    // same order, so the same bits). Unrolled by hand, because the products of the Winograd
    // convolutions have K = a channel count (32 or 64), and C2 left the loop overhead in each
    // step: 36 tiles in L1 ran at 107 -> 110 GFLOP/s (kc 32) and 113 -> 115 (kc 64), the same at
    // kc 256; the cnn training step at 1 thread, minimum of 64-80 steps interleaved with the
    // previous kernel in one JVM, 5 runs: 114.1 -> 111.3, 117.3 -> 113.1, 113.7 -> 112.9,
    // 111.9 -> 111.9, 112.8 -> 111.5 ms. (Checking p + 1 < kc inside one loop, for a single copy
    // of the step, ran the step at 119-124 ms.)
    int p = 0;
    for (; p + 1 < kc; p += 2) {
      int ap = aOff + p * MR;
      int bp = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, b, bp);
      FloatVector b1 = FloatVector.fromArray(F, b, bp + L);
      FloatVector a0 = FloatVector.broadcast(F, a[ap + 0]);
      c00 = b0.fma(a0, c00);
      c01 = b1.fma(a0, c01);
      FloatVector a1 = FloatVector.broadcast(F, a[ap + 1]);
      c10 = b0.fma(a1, c10);
      c11 = b1.fma(a1, c11);
      FloatVector a2 = FloatVector.broadcast(F, a[ap + 2]);
      c20 = b0.fma(a2, c20);
      c21 = b1.fma(a2, c21);
      FloatVector a3 = FloatVector.broadcast(F, a[ap + 3]);
      c30 = b0.fma(a3, c30);
      c31 = b1.fma(a3, c31);
      FloatVector a4 = FloatVector.broadcast(F, a[ap + 4]);
      c40 = b0.fma(a4, c40);
      c41 = b1.fma(a4, c41);
      FloatVector a5 = FloatVector.broadcast(F, a[ap + 5]);
      c50 = b0.fma(a5, c50);
      c51 = b1.fma(a5, c51);
      FloatVector a6 = FloatVector.broadcast(F, a[ap + 6]);
      c60 = b0.fma(a6, c60);
      c61 = b1.fma(a6, c61);
      FloatVector a7 = FloatVector.broadcast(F, a[ap + 7]);
      c70 = b0.fma(a7, c70);
      c71 = b1.fma(a7, c71);
      ap += MR;
      bp += NR;
      b0 = FloatVector.fromArray(F, b, bp);
      b1 = FloatVector.fromArray(F, b, bp + L);
      a0 = FloatVector.broadcast(F, a[ap + 0]);
      c00 = b0.fma(a0, c00);
      c01 = b1.fma(a0, c01);
      a1 = FloatVector.broadcast(F, a[ap + 1]);
      c10 = b0.fma(a1, c10);
      c11 = b1.fma(a1, c11);
      a2 = FloatVector.broadcast(F, a[ap + 2]);
      c20 = b0.fma(a2, c20);
      c21 = b1.fma(a2, c21);
      a3 = FloatVector.broadcast(F, a[ap + 3]);
      c30 = b0.fma(a3, c30);
      c31 = b1.fma(a3, c31);
      a4 = FloatVector.broadcast(F, a[ap + 4]);
      c40 = b0.fma(a4, c40);
      c41 = b1.fma(a4, c41);
      a5 = FloatVector.broadcast(F, a[ap + 5]);
      c50 = b0.fma(a5, c50);
      c51 = b1.fma(a5, c51);
      a6 = FloatVector.broadcast(F, a[ap + 6]);
      c60 = b0.fma(a6, c60);
      c61 = b1.fma(a6, c61);
      a7 = FloatVector.broadcast(F, a[ap + 7]);
      c70 = b0.fma(a7, c70);
      c71 = b1.fma(a7, c71);
    }
    if (p < kc) {
      int ap = aOff + p * MR;
      int bp = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, b, bp);
      FloatVector b1 = FloatVector.fromArray(F, b, bp + L);
      FloatVector a0 = FloatVector.broadcast(F, a[ap + 0]);
      c00 = b0.fma(a0, c00);
      c01 = b1.fma(a0, c01);
      FloatVector a1 = FloatVector.broadcast(F, a[ap + 1]);
      c10 = b0.fma(a1, c10);
      c11 = b1.fma(a1, c11);
      FloatVector a2 = FloatVector.broadcast(F, a[ap + 2]);
      c20 = b0.fma(a2, c20);
      c21 = b1.fma(a2, c21);
      FloatVector a3 = FloatVector.broadcast(F, a[ap + 3]);
      c30 = b0.fma(a3, c30);
      c31 = b1.fma(a3, c31);
      FloatVector a4 = FloatVector.broadcast(F, a[ap + 4]);
      c40 = b0.fma(a4, c40);
      c41 = b1.fma(a4, c41);
      FloatVector a5 = FloatVector.broadcast(F, a[ap + 5]);
      c50 = b0.fma(a5, c50);
      c51 = b1.fma(a5, c51);
      FloatVector a6 = FloatVector.broadcast(F, a[ap + 6]);
      c60 = b0.fma(a6, c60);
      c61 = b1.fma(a6, c61);
      FloatVector a7 = FloatVector.broadcast(F, a[ap + 7]);
      c70 = b0.fma(a7, c70);
      c71 = b1.fma(a7, c71);
    }
    FloatVector va = FloatVector.broadcast(F, alpha);
    if (beta == 0f && alpha == 1f) {
      // c[i][j] = acc[i][j]: the Winograd convolutions' products (x * 1 is x, so the same
      // bits as the path below). Sixteen multiplies fewer per tile of K = 32: the cnn step at
      // 1 thread, minimum of 64 steps interleaved with the multiplying kernel in one JVM, 3 runs:
      // 112.1 -> 109.4, 111.2 -> 109.0, 108.9 -> 109.2 ms
      c00.intoArray(c, cOff);
      c01.intoArray(c, cOff + L);
      c10.intoArray(c, cOff + 1 * ldc);
      c11.intoArray(c, cOff + 1 * ldc + L);
      c20.intoArray(c, cOff + 2 * ldc);
      c21.intoArray(c, cOff + 2 * ldc + L);
      c30.intoArray(c, cOff + 3 * ldc);
      c31.intoArray(c, cOff + 3 * ldc + L);
      c40.intoArray(c, cOff + 4 * ldc);
      c41.intoArray(c, cOff + 4 * ldc + L);
      c50.intoArray(c, cOff + 5 * ldc);
      c51.intoArray(c, cOff + 5 * ldc + L);
      c60.intoArray(c, cOff + 6 * ldc);
      c61.intoArray(c, cOff + 6 * ldc + L);
      c70.intoArray(c, cOff + 7 * ldc);
      c71.intoArray(c, cOff + 7 * ldc + L);
    } else if (beta == 0f) {
      // c[i][j] = alpha * acc[i][j] (C not read)
      c00.mul(va).intoArray(c, cOff);
      c01.mul(va).intoArray(c, cOff + L);
      c10.mul(va).intoArray(c, cOff + 1 * ldc);
      c11.mul(va).intoArray(c, cOff + 1 * ldc + L);
      c20.mul(va).intoArray(c, cOff + 2 * ldc);
      c21.mul(va).intoArray(c, cOff + 2 * ldc + L);
      c30.mul(va).intoArray(c, cOff + 3 * ldc);
      c31.mul(va).intoArray(c, cOff + 3 * ldc + L);
      c40.mul(va).intoArray(c, cOff + 4 * ldc);
      c41.mul(va).intoArray(c, cOff + 4 * ldc + L);
      c50.mul(va).intoArray(c, cOff + 5 * ldc);
      c51.mul(va).intoArray(c, cOff + 5 * ldc + L);
      c60.mul(va).intoArray(c, cOff + 6 * ldc);
      c61.mul(va).intoArray(c, cOff + 6 * ldc + L);
      c70.mul(va).intoArray(c, cOff + 7 * ldc);
      c71.mul(va).intoArray(c, cOff + 7 * ldc + L);
    } else {
      // c[i][j] = fma(beta, c[i][j], alpha * acc[i][j])
      FloatVector vb = FloatVector.broadcast(F, beta);
      FloatVector.fromArray(F, c, cOff).fma(vb, c00.mul(va)).intoArray(c, cOff);
      FloatVector.fromArray(F, c, cOff + L).fma(vb, c01.mul(va)).intoArray(c, cOff + L);
      FloatVector.fromArray(F, c, cOff + 1 * ldc).fma(vb, c10.mul(va)).intoArray(c, cOff + 1 * ldc);
      FloatVector.fromArray(F, c, cOff + 1 * ldc + L).fma(vb, c11.mul(va)).intoArray(c, cOff + 1 * ldc + L);
      FloatVector.fromArray(F, c, cOff + 2 * ldc).fma(vb, c20.mul(va)).intoArray(c, cOff + 2 * ldc);
      FloatVector.fromArray(F, c, cOff + 2 * ldc + L).fma(vb, c21.mul(va)).intoArray(c, cOff + 2 * ldc + L);
      FloatVector.fromArray(F, c, cOff + 3 * ldc).fma(vb, c30.mul(va)).intoArray(c, cOff + 3 * ldc);
      FloatVector.fromArray(F, c, cOff + 3 * ldc + L).fma(vb, c31.mul(va)).intoArray(c, cOff + 3 * ldc + L);
      FloatVector.fromArray(F, c, cOff + 4 * ldc).fma(vb, c40.mul(va)).intoArray(c, cOff + 4 * ldc);
      FloatVector.fromArray(F, c, cOff + 4 * ldc + L).fma(vb, c41.mul(va)).intoArray(c, cOff + 4 * ldc + L);
      FloatVector.fromArray(F, c, cOff + 5 * ldc).fma(vb, c50.mul(va)).intoArray(c, cOff + 5 * ldc);
      FloatVector.fromArray(F, c, cOff + 5 * ldc + L).fma(vb, c51.mul(va)).intoArray(c, cOff + 5 * ldc + L);
      FloatVector.fromArray(F, c, cOff + 6 * ldc).fma(vb, c60.mul(va)).intoArray(c, cOff + 6 * ldc);
      FloatVector.fromArray(F, c, cOff + 6 * ldc + L).fma(vb, c61.mul(va)).intoArray(c, cOff + 6 * ldc + L);
      FloatVector.fromArray(F, c, cOff + 7 * ldc).fma(vb, c70.mul(va)).intoArray(c, cOff + 7 * ldc);
      FloatVector.fromArray(F, c, cOff + 7 * ldc + L).fma(vb, c71.mul(va)).intoArray(c, cOff + 7 * ldc + L);
    }
  }

  /**
   * Groups of eight rows by {@link VectorPacking}'s register transpose: this kernel's A panels (8
   * wide) and the B panels (32 wide) of a transposed B; the rows past the last group run the plain
   * Java copy.
   */
  @Override
  public void interleaveRows(float[] dst, int dstOff, int width, float[] src, int srcOff, int ld,
      int rows, int kc) {
    int group = VectorPacking.WIDTH;
    int r = 0;
    if (width % group == 0 && VectorPacking.applies()) {
      for (; r + group <= rows; r += group) {
        VectorPacking.interleave8(dst, dstOff + r, width, src, srcOff + r * ld, ld, kc);
      }
    }
    if (r < rows) {
      GemmPacking.interleaveRows(dst, dstOff + r, width, src, srcOff + r * ld, ld, rows - r, kc);
    }
  }

  /** The edge of C: c[i][j] = alpha * t[i][j] (beta 0) or fma(beta, c[i][j], alpha * t[i][j]). */
  private static void storeEdge(float[] c, int cOff, int ldc, int rows, int cols, float[] t,
      float alpha, float beta) {
    for (int i = 0; i < rows; i++) {
      int row = cOff + i * ldc;
      for (int j = 0; j < cols; j++) {
        float ab = alpha * t[i * NR + j];
        c[row + j] = beta == 0f ? ab : Math.fma(beta, c[row + j], ab);
      }
    }
  }
}
