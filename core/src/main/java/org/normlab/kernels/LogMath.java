package org.normlab.kernels;

/**
 * A float natural logarithm built from exact IEEE operations only (adds, multiplies, fused
 * multiply-adds and bit manipulation), after Cephes' logf, so that the scalar loss kernels and
 * their Vector API twin ({@code VectorMath.log}) give the same bits in every JIT state. (The Vector
 * API's lanewise LOG runs different code when interpreted and when compiled.) Within 0.81 ulp of
 * {@link StrictMath#log} (FloatMathTest sweeps it).
 *
 * <pre>
 *   x = 2^k m,  m in [sqrt(1/2), sqrt(2))     (exponent and mantissa bits; subnormals scaled by 2^23 first)
 *   f = m - 1                                 (exact: Sterbenz)
 *   log(m) = f - f^2/2 + f^3 P(f)             (degree-8 minimax P from Cephes)
 *   log(x) = log(m) + k ln2                   (ln2 in two parts: 0.693359375 - 2.12194440e-4)
 * </pre>
 * Special values as {@link Math#log}: log(+-0) = -infinity, log(x < 0) = NaN, log(NaN) = NaN,
 * log(+infinity) = +infinity.
 */
final class LogMath {
  /** The bits of sqrt(1/2) (rounded down): mantissas at or above it reduce to [sqrt(1/2), sqrt(2)). */
  static final int SQRT_HALF_BITS = 0x3f3504f3;
  static final int ONE_BITS = 0x3f800000;
  static final int MANTISSA_MASK = 0x007fffff;
  /** 2^23: multiplying a subnormal by it gives a normal float. */
  static final float TWO_TO_23 = 8388608f;
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  static final float Q0 = 7.0376836292e-2f;
  static final float Q1 = -1.1514610310e-1f;
  static final float Q2 = 1.1676998740e-1f;
  static final float Q3 = -1.2420140846e-1f;
  static final float Q4 = 1.4249322787e-1f;
  static final float Q5 = -1.6668057665e-1f;
  static final float Q6 = 2.0000714765e-1f;
  static final float Q7 = -2.4999993993e-1f;
  static final float Q8 = 3.3333331174e-1f;

  private LogMath() {}

  static float log(float x) {
    if (!(x > 0) || x == Float.POSITIVE_INFINITY) {
      return x == 0 ? Float.NEGATIVE_INFINITY : x > 0 ? x : Float.NaN;
    }
    int k0 = 0;
    if (x < Float.MIN_NORMAL) {
      x *= TWO_TO_23;
      k0 = -23;
    }
    // bits + (1 - sqrt(1/2)) carries into the exponent exactly when the mantissa is >= sqrt(1/2)
    int bits = Float.floatToRawIntBits(x) + (ONE_BITS - SQRT_HALF_BITS);
    float k = (bits >> 23) - 127 + k0;
    float f = Float.intBitsToFloat((bits & MANTISSA_MASK) + SQRT_HALF_BITS) - 1f;
    return logOfReduced(f, k);
  }

  /** log(1 + f) + k ln2 for f in [sqrt(1/2) - 1, sqrt(2) - 1) and an integer k. */
  private static float logOfReduced(float f, float k) {
    float z = f * f;
    float p = Math.fma(Q0, f, Q1);
    p = Math.fma(p, f, Q2);
    p = Math.fma(p, f, Q3);
    p = Math.fma(p, f, Q4);
    p = Math.fma(p, f, Q5);
    p = Math.fma(p, f, Q6);
    p = Math.fma(p, f, Q7);
    p = Math.fma(p, f, Q8);
    float y = Math.fma(k, LN2_LO, p * f * z);
    y = Math.fma(-0.5f, z, y);
    return Math.fma(k, LN2_HI, f + y);
  }
}
