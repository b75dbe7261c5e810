package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp on float vectors from IEEE-exact lane operations only (add, mul, fma, shifts,
 * reinterpretations), after Cephes' expf (range reduction plus a minimax polynomial; within 2 ulp
 * of the float result).
 *
 * <p>Why not {@code lanewise(EXP)}: compiled code calls a vector math library while the
 * interpreter and C1 compute each lane with {@code Math.exp}; the two differ in the last bit, so
 * losses (and training runs that resume from checkpoints) would depend on JIT timing. This gives
 * the same bits in every execution mode and on every x86 CPU, as fast. Package-private, Vector
 * API: loaded only with {@link VectorKernels}.
 */
final class VectorMath {
  private VectorMath() {}

  /** a * b + c with one rounding. */
  private static FloatVector fma(FloatVector a, float b, FloatVector c) {
    return a.fma(a.broadcast(b), c);
  }

  /** a * b + c with one rounding. */
  private static FloatVector fma(FloatVector a, FloatVector b, float c) {
    return a.fma(b, a.broadcast(c));
  }

  // x = n ln2 + r with |r| <= ln2/2, exp(x) = 2^n exp(r), exp(r) ~ 1 + r + r^2 P(r)
  private static final float LOG2E = 1.44269504088896341f;
  /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer, kept in the low mantissa bits. */
  private static final float ROUNDER = 12582912f;
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  /** Below ln(2^-125) exp is flushed to 0 (the true value is under 3e-38). */
  private static final float EXP_MIN = -86.643397569993f;

  /**
   * exp(x) for x <= 0 (softmax arguments x - max): below -86.64 it returns 2^-125 instead of a
   * smaller value (an absolute error under 3e-38); NaN gives NaN.
   */
  static FloatVector expNonPositive(FloatVector x) {
    FloatVector xc = x.max(EXP_MIN);
    FloatVector t = xc.fma(LOG2E, ROUNDER); // ROUNDER + round(x / ln2)
    return timesTwoTo(expOfReduced(xc, t.sub(ROUNDER)), t);
  }

  // The helpers stay small (well under the JIT's 325-byte inlining limit for hot calls): a vector
  // passed to a method that is not inlined is boxed, which costs 20x.

  /** exp(r) for r = x - n ln2 (Cody-Waite, |r| <= ln2/2): 1 + r + r^2 P(r). */
  private static FloatVector expOfReduced(FloatVector x, FloatVector n) {
    FloatVector r = fma(n, -LN2_HI, x);
    r = fma(n, -LN2_LO, r);
    FloatVector p = r.fma(1.9875691500E-4f, 1.3981999507E-3f);
    p = fma(p, r, 8.3334519073E-3f);
    p = fma(p, r, 4.1665795894E-2f);
    p = fma(p, r, 1.6666665459E-1f);
    p = fma(p, r, 5.0000001201E-1f);
    return p.mul(r).fma(r, r).add(1f);
  }

  /** y * 2^n where t = ROUNDER + n, n in [-125, 0]. */
  private static FloatVector timesTwoTo(FloatVector y, FloatVector t) {
    IntVector n = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDER));
    return y.mul(n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
  }
}
