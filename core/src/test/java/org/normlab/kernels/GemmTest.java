package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SGEMM against a naive product in double. Tolerance per element: the float accumulation error
 * bound (k + 2) * 2^-24 * (|alpha| * sum_p |a_ip * b_pj| + |beta * c_ij|), doubled for margin.
 */
class GemmTest {
  private static final double EPS = Math.ulp(1f) / 2; // 2^-24, float's unit roundoff
  private final int savedThreads = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(savedThreads);
  }

  /** One SGEMM problem with its stored matrices (leading dimensions may exceed the widths). */
  record Problem(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

    static Problem random(long seed, boolean transA, boolean transB, int m, int n, int k,
        float alpha, float beta, int pad, int off) {
      SplittableRandom r = new SplittableRandom(seed);
      int aRows = transA ? k : m;
      int aCols = transA ? m : k;
      int bRows = transB ? n : k;
      int bCols = transB ? k : n;
      int lda = aCols + pad;
      int ldb = bCols + pad;
      int ldc = n + pad;
      return new Problem(transA, transB, m, n, k, alpha, beta,
          fill(r, off + aRows * lda + 3), off, Math.max(1, lda),
          fill(r, off + 1 + bRows * ldb + 3), off + 1, Math.max(1, ldb),
          fill(r, off + 2 + m * ldc + 3), off + 2, Math.max(1, ldc));
    }

    private static float[] fill(SplittableRandom r, int n) {
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = (float) r.nextDouble(-1, 1);
      }
      return x;
    }

    float opA(int i, int p) {
      return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    float opB(int p, int j) {
      return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    float[] run(GemmKernels kernel) {
      float[] out = c.clone();
      if (kernel == null) {
        Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
      } else {
        Gemm.multiply(kernel, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
      }
      return out;
    }

    /** Checks {@code out} against the double product, and that nothing outside C changed. */
    void check(float[] out) {
      boolean[] inside = new boolean[c.length];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          double abs = 0;
          for (int p = 0; p < k; p++) {
            double prod = (double) opA(i, p) * opB(p, j);
            s += prod;
            abs += Math.abs(prod);
          }
          int idx = cOff + i * ldc + j;
          inside[idx] = true;
          double old = beta == 0f ? 0 : (double) beta * c[idx];
          // BLAS: alpha = 0 means A and B are not read (NaN there must not leak into C).
          double product = alpha == 0f ? 0 : alpha * s;
          double tol = 2 * (k + 2) * EPS * ((alpha == 0f ? 0 : Math.abs(alpha) * abs) + Math.abs(old)) + 1e-30;
          double expected = product + old;
          if (!(Math.abs(out[idx] - expected) <= tol)) {
            fail(this + ": C[" + i + "][" + j + "] = " + out[idx] + ", expected " + expected
                + " (tolerance " + tol + ")");
          }
        }
      }
      for (int idx = 0; idx < c.length; idx++) {
        if (!inside[idx] && Float.floatToRawIntBits(out[idx]) != Float.floatToRawIntBits(c[idx])) {
          fail(this + ": wrote outside C at array index " + idx);
        }
      }
    }

    @Override
    public String toString() {
      return String.format("sgemm(%s%s, m %d, n %d, k %d, alpha %s, beta %s, lda %d, ldb %d, ldc %d)",
          transA ? "T" : "N", transB ? "T" : "N", m, n, k, alpha, beta, lda, ldb, ldc);
    }
  }

  @ParameterizedTest(name = "{0}x{1}x{2}")
  @CsvSource({"1,1,1", "17,33,5", "1000,3,7", "3,1000,7", "7,3,1000", "2,2,300", "33,31,17",
      "130,70,513", "64,200,256", "9,129,257"})
  void allTransposesAgainstADoubleProduct(int m, int n, int k) {
    long seed = 1000L * m + 10L * n + k;
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        Problem plain = Problem.random(seed, ta, tb, m, n, k, 1f, 0f, 0, 0);
        plain.check(plain.run(null));
        Problem scaled = Problem.random(seed + 1, ta, tb, m, n, k, -0.75f, 0.5f, 3, 5);
        scaled.check(scaled.run(null));
      }
    }
  }

  @Test
  void betaOneAccumulatesAndLargeLeadingDimensions() {
    Problem p = Problem.random(5, false, true, 45, 37, 300, 2f, 1f, 17, 11);
    p.check(p.run(null));
  }

  @Test
  void betaZeroOverwritesNaNInC() {
    Problem p = Problem.random(6, false, false, 20, 35, 9, 1f, 0f, 2, 0);
    java.util.Arrays.fill(p.c(), Float.NaN);
    float[] out = p.run(null);
    for (int i = 0; i < p.m(); i++) {
      for (int j = 0; j < p.n(); j++) {
        assertTrue(Float.isFinite(out[p.cOff() + i * p.ldc() + j]), "C[" + i + "][" + j + "]");
      }
    }
    p.check(out);
  }

  @Test
  void alphaZeroOrKZeroScalesCWithoutReadingAB() {
    Problem p = Problem.random(7, false, false, 5, 6, 4, 0f, 0.5f, 0, 0);
    java.util.Arrays.fill(p.a(), Float.NaN);
    p.check(p.run(null));
    float[] c = {1, 2, 3, 4};
    Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 3f, c, 0, 2);
    assertArrayEquals(new float[] {3, 6, 9, 12}, c);
    Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
    assertArrayEquals(new float[4], c);
  }

  @Test
  void smallExactProduct() {
    // [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
    float[] c = new float[4];
    Gemm.sgemm(false, false, 2, 2, 2, 1f, new float[] {1, 2, 3, 4}, 0, 2, new float[] {5, 6, 7, 8}, 0, 2, 0f, c, 0, 2);
    assertArrayEquals(new float[] {19, 22, 43, 50}, c);
    // A^T x B^T with A = [[1, 3], [2, 4]] stored, B = [[5, 7], [6, 8]] stored: the same product.
    Gemm.sgemm(true, true, 2, 2, 2, 1f, new float[] {1, 3, 2, 4}, 0, 2, new float[] {5, 7, 6, 8}, 0, 2, 0f, c, 0, 2);
    assertArrayEquals(new float[] {19, 22, 43, 50}, c);
  }

  @Test
  void oneAndTwoThreadsGiveTheSameBits() {
    for (boolean ta : new boolean[] {false, true}) {
      Problem p = Problem.random(8, ta, !ta, 300, 190, 600, 1.5f, 0.25f, 1, 2);
      Parallel.setThreads(1);
      float[] one = p.run(null);
      Parallel.setThreads(2);
      float[] two = p.run(null);
      assertArrayEquals(one, two, p.toString());
      p.check(two);
      // A small m with many columns splits columns across threads instead of rows.
      Problem wide = Problem.random(9, ta, ta, 8, 1500, 100, 1f, 0f, 0, 0);
      Parallel.setThreads(1);
      float[] wideOne = wide.run(null);
      Parallel.setThreads(2);
      assertArrayEquals(wideOne, wide.run(null), wide.toString());
      // Large enough for two parts: 8 x 3000 is cut by columns, 3000 x 8 by rows.
      for (Problem big : new Problem[] {
          Problem.random(12, ta, !ta, 8, 3000, 200, 1f, 0.5f, 0, 0),
          Problem.random(13, !ta, ta, 3000, 8, 200, 1f, 0f, 2, 1)}) {
        Parallel.setThreads(1);
        float[] bigOne = big.run(null);
        Parallel.setThreads(3);
        assertArrayEquals(bigOne, big.run(null), big.toString());
        big.check(bigOne);
      }
    }
  }

  @Test
  void productsAreCutIntoOnePartPerThreadWithEnoughWorkEach() {
    assertEquals(1, Gemm.parts(2, 60L * 100 * 100, 8), "60x100x100 stays on one thread");
    assertEquals(2, Gemm.parts(2, 60L * 100 * 784, 8), "60x100x784 uses both threads");
    assertEquals(2, Gemm.parts(2, 512L * 512 * 512, 64));
    assertEquals(3, Gemm.parts(4, 3L * Gemm.PART_WORK, 64), "every part gets PART_WORK");
    assertEquals(2, Gemm.parts(8, 1L << 30, 2), "never more parts than panels");
    assertEquals(1, Gemm.parts(1, 1L << 30, 64));
  }

  @Test
  void scalarAndVectorTileKernelsAgreeBitwise() {
    GemmKernels vector = Kernels.vector().orElseThrow().gemm();
    GemmKernels scalar = new ScalarGemmKernels(vector.mr(), vector.nr());
    int[] sizes = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100};
    for (int m : sizes) {
      for (int n : sizes) {
        Problem p = Problem.random(m * 131L + n, m % 2 == 0, n % 3 == 0, m, n, 1 + (m + n) % 23, 1.25f,
            n % 2 == 0 ? 0f : -1f, 1, 1);
        float[] s = p.run(scalar);
        assertArrayEquals(s, p.run(vector), p.toString());
      }
    }
    Problem deep = Problem.random(10, false, false, 33, 47, 1023, 1f, 0f, 0, 0);
    float[] s = deep.run(scalar);
    assertArrayEquals(s, deep.run(vector), deep.toString());
    deep.check(s);
  }

  @Test
  void vectorPanelTransposeCopiesEveryElement() {
    GemmKernels vector = Kernels.vector().orElseThrow().gemm();
    for (int width : new int[] {8, 32}) {
      for (int rows : new int[] {32, 28, 17, 16, 8, 5, 1}) {
        if (rows > width) {
          continue;
        }
        for (int kc : new int[] {1, 7, 8, 15, 16, 17, 31, 32, 33, 47, 383, 384}) {
          int ld = kc + 5;
          float[] src = new float[3 + rows * ld];
          for (int i = 0; i < src.length; i++) {
            src[i] = i * 0.5f - 7f;
          }
          float[] expected = new float[2 + kc * width + 4];
          float[] actual = new float[expected.length];
          java.util.Arrays.fill(expected, Float.NaN);
          java.util.Arrays.fill(actual, Float.NaN);
          for (int p = 0; p < kc; p++) {
            for (int r = 0; r < rows; r++) {
              expected[2 + p * width + r] = src[3 + r * ld + p];
            }
          }
          vector.interleaveRows(actual, 2, width, src, 3, ld, rows, kc);
          assertArrayEquals(expected, actual, "width " + width + ", rows " + rows + ", kc " + kc
              + " (NaN: not written)");
        }
      }
    }
  }

  @Test
  void theDefaultScalarKernelIsCorrect() {
    Problem p = Problem.random(11, true, false, 37, 29, 300, 1f, 0.5f, 2, 1);
    p.check(p.run(ScalarGemmKernels.INSTANCE));
  }

  private static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void badArgumentsAreNamed() {
    float[] a = new float[6];
    float[] b = new float[6];
    float[] c = new float[4];
    assertEquals("m: expected >= 0, got -1",
        error(() -> Gemm.sgemm(false, false, -1, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2)));
    assertEquals("lda: expected at least 3 (the columns of A), got 2",
        error(() -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2)));
    assertEquals("ldb: expected at least 3 (the columns of B (transposed, n x k)), got 2",
        error(() -> Gemm.sgemm(false, true, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2)));
    assertEquals("a: expected at least 7 elements for A of 2 x 3 with lda 3 from offset 1, got 6",
        error(() -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, b, 0, 2, 0f, c, 0, 2)));
    assertEquals("c: expected at least 5 elements for C of 2 x 2 with ldc 3 from offset 0, got 4",
        error(() -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 3)));
    assertEquals("b offset: expected >= 0, got -1",
        error(() -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, -1, 2, 0f, c, 0, 2)));
  }
}
