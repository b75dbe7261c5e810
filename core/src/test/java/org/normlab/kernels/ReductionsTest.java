package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** Deterministic reductions: the same bits with 1 and 2 threads, and the right value. */
class ReductionsTest {
  private final int savedThreads = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(savedThreads);
  }

  /** Runs {@code r} with 1 and with 2 threads and returns both results' bits. */
  private static long[] bitsWith1And2Threads(java.util.function.DoubleSupplier r) {
    Parallel.setThreads(1);
    long one = Double.doubleToRawLongBits(r.getAsDouble());
    Parallel.setThreads(2);
    long two = Double.doubleToRawLongBits(r.getAsDouble());
    return new long[] {one, two};
  }

  @Test
  void sameBitsWithOneAndTwoThreads() {
    // 37.5 chunks, an offset that is not chunk-aligned, values with a large dynamic range so
    // that a different order of additions would change the low bits.
    int n = Reductions.CHUNK * 37 + Reductions.CHUNK / 2 + 3;
    float[] x = Tensor.randn(1, 1f, 100f, Layout.ROW_MAJOR, n + 5).data();
    float[] y = Tensor.randn(2, Layout.ROW_MAJOR, n + 5).data();
    for (int i = 0; i < x.length; i += 97) {
      x[i] *= 1e6f;
    }
    // Several rounds: the first calls run interpreted, later ones compiled; the bits must not
    // change with the JIT either (a reduceLanes(ADD) in a kernel once made them change).
    long[] first = null;
    for (int round = 0; round < 4; round++) {
      long[] sum = bitsWith1And2Threads(() -> Reductions.sum(x, 5, n));
      long[] sq = bitsWith1And2Threads(() -> Reductions.sumOfSquares(x, 5, n));
      long[] dot = bitsWith1And2Threads(() -> Reductions.dot(x, 5, y, 2, n));
      long[] mean = bitsWith1And2Threads(() -> Reductions.mean(x, 0, n));
      long[] all = {sum[0], sum[1], sq[0], sq[1], dot[0], dot[1], mean[0], mean[1]};
      assertEquals(sum[0], sum[1], "sum, round " + round);
      assertEquals(sq[0], sq[1], "sumOfSquares, round " + round);
      assertEquals(dot[0], dot[1], "dot, round " + round);
      assertEquals(mean[0], mean[1], "mean, round " + round);
      if (first == null) {
        first = all;
      }
      org.junit.jupiter.api.Assertions.assertArrayEquals(first, all, "round " + round + " against round 0");
    }
  }

  @Test
  void valuesMatchAPlainDoubleSum() {
    int n = Reductions.CHUNK * 5 + 11;
    float[] x = Tensor.uniform(3, -1f, 2f, Layout.ROW_MAJOR, n).data();
    float[] y = Tensor.uniform(4, -1f, 1f, Layout.ROW_MAJOR, n).data();
    double sum = 0;
    double sq = 0;
    double dot = 0;
    for (int i = 0; i < n; i++) {
      sum += x[i];
      sq += (double) x[i] * x[i];
      dot += (double) x[i] * y[i];
    }
    Parallel.setThreads(2);
    assertEquals(sum, Reductions.sum(x, 0, n), 1e-9 * n);
    assertEquals(sq, Reductions.sumOfSquares(x, 0, n), 1e-9 * n);
    assertEquals(dot, Reductions.dot(x, 0, y, 0, n), 1e-9 * n);
    assertEquals(sum / n, Reductions.mean(x, 0, n), 1e-12);
    // Short arrays (one chunk) and empty ones.
    assertEquals(x[0] + x[1], Reductions.sum(x, 0, 2), 0.0);
    assertEquals(0.0, Reductions.sum(x, 0, 0), 0.0);
  }

  @Test
  void badLengthsNameTheArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Reductions.sum(new float[3], 0, -1));
    assertEquals("len: expected >= 0, got -1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Reductions.mean(new float[3], 0, 0));
    assertTrue(e.getMessage().startsWith("len: expected > 0"), e.getMessage());
  }
}
