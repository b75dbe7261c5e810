package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scalar and Vector API implementations of {@link KernelSupport} on the same inputs over awkward
 * sizes and offsets. Elementwise kernels must agree bitwise (both use the same float operations,
 * FMA included); double reductions agree to double rounding (the order of additions differs).
 * Elements outside [off, off + len) must be left alone.
 */
class KernelEquivalenceTest {
  static final int[] SIZES = {0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1023, 4097};
  /** Offsets that put the first element off any vector boundary. */
  static final int[] OFFSETS = {0, 3};
  private static final double REDUCTION_RTOL = 1e-12;

  static final KernelSupport SCALAR = Kernels.scalar();
  static final KernelSupport VECTOR = Kernels.vector().orElseThrow(
      () -> new AssertionError("tests run with --add-modules jdk.incubator.vector; the vector kernels must load"));

  static IntStream sizes() {
    return IntStream.of(SIZES);
  }

  /** Values in [-4, 4) with a non-zero mean, plus a few exact zeros and negatives near zero. */
  static float[] data(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextDouble(-4, 4) + 0.5);
      if (i % 13 == 5) {
        x[i] = 0f;
      }
    }
    return x;
  }

  private static void assertReduction(double expected, double actual, String what) {
    double tol = REDUCTION_RTOL * Math.max(1.0, Math.abs(expected));
    assertEquals(expected, actual, tol, what);
  }

  @Test
  void vectorImplementationIsChosenWhenTheModuleIsPresent() {
    assertTrue(VECTOR.name().startsWith("vector("), VECTOR.name());
    assertEquals("scalar", SCALAR.name());
    assertEquals(VECTOR.name(), Kernels.get().name());
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void reductionsAgree(int n) {
    for (int off : OFFSETS) {
      float[] x = data(n * 31L + off, off + n + 5);
      float[] y = data(n * 17L + off, off + n + 9);
      String at = " (n " + n + ", off " + off + ")";
      assertReduction(SCALAR.sum(x, off, n), VECTOR.sum(x, off, n), "sum" + at);
      assertReduction(SCALAR.sumOfSquares(x, off, n), VECTOR.sumOfSquares(x, off, n), "sumOfSquares" + at);
      assertReduction(SCALAR.sumOfSquaredDeviations(x, off, n, 0.37),
          VECTOR.sumOfSquaredDeviations(x, off, n, 0.37), "sumOfSquaredDeviations" + at);
      assertReduction(SCALAR.dot(x, off, y, off + 2, n), VECTOR.dot(x, off, y, off + 2, n), "dot" + at);
    }
  }

  @Test
  void reductionsMatchAnExactSum() {
    // Integers up to 2^10 in float: every partial sum in double is exact, so both must be exact.
    int n = 4097;
    float[] x = new float[n];
    long sum = 0;
    long sumSq = 0;
    for (int i = 0; i < n; i++) {
      x[i] = (i * 37) % 1024 - 500;
      sum += (long) x[i];
      sumSq += (long) x[i] * (long) x[i];
    }
    for (KernelSupport k : new KernelSupport[] {SCALAR, VECTOR}) {
      assertEquals(sum, k.sum(x, 0, n), 0.0, k.name());
      assertEquals(sumSq, k.sumOfSquares(x, 0, n), 0.0, k.name());
      assertEquals(sumSq, k.dot(x, 0, x, 0, n), 0.0, k.name());
      assertEquals(sumSq, k.sumOfSquaredDeviations(x, 0, n, 0.0), 0.0, k.name());
    }
  }

  /** One elementwise kernel writing into {@code out} (which may also be an input). */
  @FunctionalInterface
  interface Elementwise {
    void run(KernelSupport k, float[] a, float[] b, float[] out, int off, int len);
  }

  private static void assertElementwiseAgree(String name, Elementwise op) {
    for (int n : SIZES) {
      for (int off : OFFSETS) {
        float[] a = data(n + 101L * off, off + n + 4);
        float[] b = data(n + 7L + off, off + n + 4);
        float[] outScalar = data(99, off + n + 4);
        float[] outVector = outScalar.clone();
        float[] untouched = outScalar.clone();
        op.run(SCALAR, a.clone(), b.clone(), outScalar, off, n);
        op.run(VECTOR, a.clone(), b.clone(), outVector, off, n);
        String at = name + " (n " + n + ", off " + off + ")";
        assertArrayEquals(outScalar, outVector, at);
        for (int i = 0; i < off; i++) {
          assertEquals(untouched[i], outVector[i], at + ": wrote before the range at " + i);
        }
        for (int i = off + n; i < outVector.length; i++) {
          assertEquals(untouched[i], outVector[i], at + ": wrote past the range at " + i);
        }
      }
    }
  }

  @Test
  void scaleShiftAgrees() {
    assertElementwiseAgree("scaleShift", (k, a, b, out, off, n) -> k.scaleShift(a, off, out, off, n, 1.7f, -0.3f));
  }

  @Test
  void scaleShiftInPlaceAgrees() {
    assertElementwiseAgree("scaleShift in place",
        (k, a, b, out, off, n) -> k.scaleShift(out, off, out, off, n, -2.5f, 0.125f));
  }

  @Test
  void axpyAgrees() {
    assertElementwiseAgree("axpy", (k, a, b, out, off, n) -> k.axpy(0.3f, a, off, out, off, n));
  }

  @Test
  void scaleAgrees() {
    assertElementwiseAgree("scale", (k, a, b, out, off, n) -> k.scale(out, off, n, -1.3f));
  }

  @Test
  void addAgrees() {
    assertElementwiseAgree("add", (k, a, b, out, off, n) -> k.add(a, off, b, off, out, off, n));
  }

  @Test
  void mulAgrees() {
    assertElementwiseAgree("mul", (k, a, b, out, off, n) -> k.mul(a, off, b, off, out, off, n));
  }

  @Test
  void reluAgrees() {
    assertElementwiseAgree("relu", (k, a, b, out, off, n) -> k.relu(a, off, out, off, n));
  }

  @Test
  void elementwiseValuesAreRight() {
    float[] x = {-2f, -0f, 0.5f, 3f};
    for (KernelSupport k : new KernelSupport[] {SCALAR, VECTOR}) {
      float[] y = new float[4];
      k.relu(x, 0, y, 0, 4);
      assertArrayEquals(new float[] {0f, 0f, 0.5f, 3f}, y, k.name());
      k.scaleShift(x, 0, y, 0, 4, 2f, 1f);
      assertArrayEquals(new float[] {-3f, 1f, 2f, 7f}, y, k.name());
      float[] z = {1f, 1f, 1f, 1f};
      k.axpy(2f, x, 0, z, 0, 4);
      assertArrayEquals(new float[] {-3f, 1f, 2f, 7f}, z, k.name());
      k.add(x, 0, z, 0, y, 0, 4);
      assertArrayEquals(new float[] {-5f, 1f, 2.5f, 10f}, y, k.name());
      k.mul(x, 0, z, 0, y, 0, 4);
      assertArrayEquals(new float[] {6f, -0f, 1f, 21f}, y, k.name());
      k.scale(y, 1, 2, 0.5f);
      assertArrayEquals(new float[] {6f, -0f, 0.5f, 21f}, y, k.name());
    }
  }
}
