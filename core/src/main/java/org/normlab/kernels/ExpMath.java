package org.normlab.kernels;

/**
 * A float exp built from adds, multiplies and fused multiply-adds only (Cephes' expf), so that
 * the scalar code and its Vector API mirror give bit-identical results in every JIT state. (The
 * Vector API's lanewise EXP is computed by different code when interpreted and when compiled, so
 * a training run would not repeat exactly.) Accuracy: within 2 ulp of the exact value on the
 * clamped range; below -87.3 it returns about 1e-38 rather than denormals or 0, above 88.7 it
 * saturates at about 3.4e38.
 *
 * <pre>
 *   n = round(x * log2(e)),  r = x - n * ln2 (two-step Cody-Waite reduction)
 *   exp(r) = 1 + r + r^2 * P(r)      (degree-5 minimax P from Cephes)
 *   exp(x) = exp(r) * 2^n            (2^n built from the exponent bits)
 * </pre>
 */
final class ExpMath {
  static final float LOW = -87.3f;
  static final float HIGH = 88.7f;
  static final float LOG2E = 1.44269504088896341f;
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  /** 1.5 * 2^23: adding it rounds a float in (-2^22, 2^22) to an integer in its low mantissa bits. */
  static final float ROUND = 12582912f;
  static final float P0 = 1.9875691500e-4f;
  static final float P1 = 1.3981999507e-3f;
  static final float P2 = 8.3334519073e-3f;
  static final float P3 = 4.1665795894e-2f;
  static final float P4 = 1.6666665459e-1f;
  static final float P5 = 5.0000001201e-1f;

  private ExpMath() {}

  static float exp(float x) {
    float v = Math.min(Math.max(x, LOW), HIGH);
    float t = Math.fma(v, LOG2E, ROUND);
    float e = expOfReduced(v, t - ROUND);
    int bits = (Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUND) + 127) << 23;
    return e * Float.intBitsToFloat(bits);
  }

  /** exp(v - n ln2) for the integer n = round(v / ln2): 1 + r + r^2 P(r), r = v - n ln2 in two steps. */
  private static float expOfReduced(float v, float n) {
    float r = Math.fma(n, -LN2_HI, v);
    r = Math.fma(n, -LN2_LO, r);
    float p = Math.fma(P0, r, P1);
    p = Math.fma(p, r, P2);
    p = Math.fma(p, r, P3);
    p = Math.fma(p, r, P4);
    p = Math.fma(p, r, P5);
    return Math.fma(p, r * r, r) + 1f;
  }

  /** Below this exp rounds to 0 (exp(-104) = 6.8e-46 is under half the smallest subnormal). */
  static final float FULL_LOW = -104f;
  /** Above this exp overflows to +infinity (ln(Float.MAX_VALUE) = 88.72). */
  static final float FULL_HIGH = 89f;

  /**
   * exp(x) over the whole float range, within 1.02 ulp of {@link StrictMath#exp} (including
   * subnormal results; FloatMathTest's sweep): +infinity above 88.72, 0 below -103.97, NaN for NaN. The same
   * reduction and polynomial as {@link #exp}; 2^n is applied as 2^(n - n/2) 2^(n/2), two normal
   * powers of two, so the single rounding of the last product gives subnormal results correctly.
   * {@code VectorMath.exp} is its lane-by-lane twin (the same operations, the same bits).
   */
  static float expFullRange(float x) {
    float v = Math.min(Math.max(x, FULL_LOW), FULL_HIGH);
    float t = Math.fma(v, LOG2E, ROUND);
    float e = expOfReduced(v, t - ROUND);
    int n = Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUND);
    int half = n >> 1;
    return e * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((n - half + 127) << 23);
  }

  /** 1 / (1 + exp(-x)). */
  static float sigmoid(float x) {
    return 1f / (1f + exp(-x));
  }

  /** tanh(x) = sign(x) * (1 - e) / (1 + e) with e = exp(-2|x|) (no overflow for any x). */
  static float tanh(float x) {
    float e = exp(-2f * Math.abs(x));
    return Math.copySign((1f - e) / (1f + e), x);
  }
}
