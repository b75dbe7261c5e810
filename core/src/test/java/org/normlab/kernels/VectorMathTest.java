package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VectorMath.expNonPositive against Math.exp (in double, rounded to float). */
class VectorMathTest {
  @BeforeEach
  void needsTheVectorModule() {
    assumeTrue(Kernels.vector().isPresent(), "Vector API module not present");
  }

  private static float[] exp(float[] x) {
    return FloatMathTest.lanes(VectorMath::expNonPositive, x);
  }

  @Test
  void withinTwoUlpsFromMinus86ToZero() {
    int n = 200_001;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (-86.6 * i / (n - 1));
    }
    float[] y = exp(x);
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double exact = Math.exp(x[i]);
      worst = Math.max(worst, Math.abs(y[i] - exact) / Math.ulp((float) exact));
    }
    assertTrue(worst <= 2, "worst error " + worst + " ulp");
  }

  @Test
  void specialValues() {
    float[] e = exp(new float[] {0f, -0f, -200f, Float.NEGATIVE_INFINITY, Float.NaN, -1f});
    assertEquals(1f, e[0]);
    assertEquals(1f, e[1]);
    assertTrue(e[2] > 0 && e[2] < 3e-38f, "below -86.64: 2^-125, got " + e[2]);
    assertTrue(e[3] > 0 && e[3] < 3e-38f, "-infinity: 2^-125, got " + e[3]);
    assertTrue(Float.isNaN(e[4]));
    assertEquals((float) Math.exp(-1), e[5], Math.ulp((float) Math.exp(-1)));
  }
}
