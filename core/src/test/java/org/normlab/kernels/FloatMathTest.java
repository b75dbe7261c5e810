package org.normlab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The deterministic float exp ({@link ExpMath#expFullRange}) and log ({@link LogMath#log}) against
 * StrictMath (in double, the error measured in ulps of the float result), over a dense sweep of
 * bit patterns and the special values; and their Vector API twins in {@link VectorMath} give the
 * same bits lane for lane.
 */
class FloatMathTest {
  /** Every STRIDE-th positive float bit pattern, plus its negation: about 4 million values each way. */
  private static final int STRIDE = 509;

  private static final float[] SPECIAL = {
      0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MIN_NORMAL / 3, Float.MAX_VALUE,
      -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f, -1f, 2f, 0.5f,
      (float) Math.E, 0.70710677f, 0.7071068f, 1.4142135f, 1.4142137f, 1 + Math.ulp(1f), 1 - Math.ulp(1f) / 2,
      88.72283f, 88.72284f, -87.33654f, -103.2789f, -103.97208f, -104f, -150f, 1e-30f, -1e-30f};

  /** |f - exact| in ulps of the float nearest the exact value (the ulp of the smallest subnormal below that). */
  private static double ulps(float f, double exact) {
    if (Double.isNaN(exact) || Double.isInfinite(exact)) {
      return f == exact || (Float.isNaN(f) && Double.isNaN(exact)) ? 0 : Double.POSITIVE_INFINITY;
    }
    float nearest = (float) exact;
    if (Float.isInfinite(nearest)) {
      return f == nearest ? 0 : Double.POSITIVE_INFINITY;
    }
    return Math.abs(f - exact) / Math.ulp(nearest);
  }

  private static double worstUlps(UnaryOperator<Float> f, java.util.function.DoubleUnaryOperator exact, float from,
      float to) {
    double worst = 0;
    for (int sign : new int[] {1, -1}) {
      for (long bits = 0; bits < 0x7f800000L; bits += STRIDE) {
        float x = sign * Float.intBitsToFloat((int) bits);
        if (x >= from && x <= to) {
          double e = ulps(f.apply(x), exact.applyAsDouble(x));
          if (e > worst) {
            worst = e;
          }
        }
      }
    }
    return worst;
  }

  // Worst errors found by a sweep of every 7th bit pattern (305 million values): log 0.80 ulp at
  // 1.3977865, exp 1.0103 ulp at -5.8778844 (the only value above 1 ulp).

  @Test
  void logIsWithinPoint81UlpOfStrictMath() {
    double worst = worstUlps(LogMath::log, StrictMath::log, 0f, Float.MAX_VALUE);
    assertTrue(worst <= 0.81, "log: worst error " + worst + " ulp");
    assertTrue(ulps(LogMath.log(1.3977865f), StrictMath.log(1.3977865f)) <= 0.81, "log's worst known case");
  }

  @Test
  void expIsWithin1Point02UlpOfStrictMath() {
    // the whole range where exp is neither 0 nor infinite, subnormal results included
    double worst = worstUlps(ExpMath::expFullRange, StrictMath::exp, -104f, 89f);
    assertTrue(worst <= 1.02, "exp: worst error " + worst + " ulp");
    assertTrue(ulps(ExpMath.expFullRange(-5.8778844f), StrictMath.exp(-5.8778844f)) <= 1.02, "exp's worst known case");
  }

  @Test
  void specialValuesAsMath() {
    for (float x : SPECIAL) {
      assertTrue(ulps(LogMath.log(x), StrictMath.log(x)) <= 1, "log(" + x + ") = " + LogMath.log(x));
      assertTrue(ulps(ExpMath.expFullRange(x), StrictMath.exp(x)) <= 1, "exp(" + x + ") = " + ExpMath.expFullRange(x));
    }
    assertEquals(Float.NEGATIVE_INFINITY, LogMath.log(0f));
    assertEquals(Float.NEGATIVE_INFINITY, LogMath.log(-0f));
    assertTrue(Float.isNaN(LogMath.log(-1f)) && Float.isNaN(LogMath.log(Float.NaN))
        && Float.isNaN(LogMath.log(Float.NEGATIVE_INFINITY)), "log of negatives and NaN is NaN");
    assertEquals(Float.POSITIVE_INFINITY, LogMath.log(Float.POSITIVE_INFINITY));
    assertEquals(0f, LogMath.log(1f));
    assertEquals((float) Math.log(Float.MIN_VALUE), LogMath.log(Float.MIN_VALUE), 0f, "smallest subnormal");
    assertEquals(0f, ExpMath.expFullRange(Float.NEGATIVE_INFINITY));
    assertEquals(0f, ExpMath.expFullRange(-200f));
    assertEquals(Float.MIN_VALUE, ExpMath.expFullRange(-103.28f), 0f, "exp(-103.28) is the smallest subnormal");
    assertEquals(Float.POSITIVE_INFINITY, ExpMath.expFullRange(88.73f));
    assertEquals(Float.POSITIVE_INFINITY, ExpMath.expFullRange(Float.POSITIVE_INFINITY));
    assertTrue(Float.isNaN(ExpMath.expFullRange(Float.NaN)));
    assertEquals(1f, ExpMath.expFullRange(0f));
    assertEquals(1f, ExpMath.expFullRange(-0f));
  }

  /** Runs the vector function over x (padded to whole vectors) and returns one result per x. */
  static float[] lanes(UnaryOperator<FloatVector> f, float[] x) {
    int n = VectorKernels.F.length();
    float[] padded = new float[(x.length + n - 1) / n * n];
    System.arraycopy(x, 0, padded, 0, x.length);
    float[] out = new float[padded.length];
    for (int i = 0; i < padded.length; i += n) {
      f.apply(FloatVector.fromArray(VectorKernels.F, padded, i)).intoArray(out, i);
    }
    return out;
  }

  private static void assertSameBits(UnaryOperator<Float> scalar, UnaryOperator<FloatVector> vector, String what) {
    // specials, a sweep of bit patterns of both signs, and the awkward counts of a row
    int sweep = 1 << 18;
    float[] x = new float[SPECIAL.length + 2 * sweep];
    System.arraycopy(SPECIAL, 0, x, 0, SPECIAL.length);
    for (int i = 0; i < sweep; i++) {
      float v = Float.intBitsToFloat((int) ((long) i * 0x7f800000L / sweep));
      x[SPECIAL.length + 2 * i] = v;
      x[SPECIAL.length + 2 * i + 1] = -v;
    }
    float[] y = lanes(vector, x);
    for (int i = 0; i < x.length; i++) {
      float expected = scalar.apply(x[i]);
      if (Float.floatToIntBits(expected) != Float.floatToIntBits(y[i])) {
        throw new AssertionError(what + "(" + x[i] + "): scalar " + expected + ", vector " + y[i]);
      }
    }
  }

  @Test
  void vectorTwinsGiveTheScalarBits() {
    LossKernelsTest.vector(); // skips without the Vector API module
    assertSameBits(LogMath::log, VectorMath::log, "log");
    assertSameBits(ExpMath::expFullRange, VectorMath::exp, "exp");
  }
}
