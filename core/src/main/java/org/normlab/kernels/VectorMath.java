package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp and log on float vectors from IEEE-exact lane operations only (add, mul, fma, shifts,
 * reinterpretations), after Cephes' expf and logf (range reduction plus a minimax polynomial).
 * {@link #exp} and {@link #log} are the lane-by-lane twins of {@link ExpMath#expFullRange} and
 * {@link LogMath#log}: the same operations in the same order, so scalar tails and scalar kernels
 * give the same bits as the vector loops.
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

  // ---- twins of the scalar ExpMath.expFullRange and LogMath.log ----------------------------

  /** exp(x) over the whole float range: {@link ExpMath#expFullRange} on every lane, bit for bit. */
  static FloatVector exp(FloatVector x) {
    FloatVector v = x.max(ExpMath.FULL_LOW).min(ExpMath.FULL_HIGH);
    FloatVector t = v.fma(ExpMath.LOG2E, ExpMath.ROUND);
    FloatVector e = expOfReducedTwin(v, t.sub(ExpMath.ROUND));
    IntVector n = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ExpMath.ROUND));
    IntVector half = n.lanewise(VectorOperators.ASHR, 1);
    return e.mul(powerOfTwo(half)).mul(powerOfTwo(n.sub(half)));
  }

  /** ExpMath's polynomial: 1 + r + r^2 P(r) for r = v - n ln2, the same fma order. */
  private static FloatVector expOfReducedTwin(FloatVector v, FloatVector n) {
    FloatVector r = fma(n, -ExpMath.LN2_HI, v);
    r = fma(n, -ExpMath.LN2_LO, r);
    FloatVector p = r.fma(ExpMath.P0, ExpMath.P1);
    p = fma(p, r, ExpMath.P2);
    p = fma(p, r, ExpMath.P3);
    p = fma(p, r, ExpMath.P4);
    p = fma(p, r, ExpMath.P5);
    return p.fma(r.mul(r), r).add(1f);
  }

  /** 2^n for integers n in [-126, 127]. */
  private static FloatVector powerOfTwo(IntVector n) {
    return n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
  }

  /**
   * a[off .. off + L) = log of itself, L = {@link VectorKernels#F}'s length: {@link #log} through
   * an array, for callers so large that C2 may refuse to inline log into them
   * (NodeCountInliningCutoff). A refused call that takes a vector boxes it; one that takes an
   * array is only a call, and compiled on its own, log's helpers all inline.
   */
  static void logInPlace(float[] a, int off) {
    log(FloatVector.fromArray(VectorKernels.F, a, off)).intoArray(a, off);
  }

  /** log(x): {@link LogMath#log} on every lane, bit for bit (special values included). */
  static FloatVector log(FloatVector x) {
    VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
    FloatVector xs = x.blend(x.mul(LogMath.TWO_TO_23), subnormal);
    IntVector bits = xs.reinterpretAsInts().add(LogMath.ONE_BITS - LogMath.SQRT_HALF_BITS);
    IntVector k = bits.lanewise(VectorOperators.ASHR, 23).sub(127)
        .add(IntVector.zero(bits.species()).blend(-23, subnormal.cast(bits.species())));
    FloatVector f = bits.and(LogMath.MANTISSA_MASK).add(LogMath.SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
    FloatVector y = logOfReduced(f, (FloatVector) k.convert(VectorOperators.I2F, 0));
    return logSpecialValues(x, y);
  }

  /** LogMath's polynomial: log(1 + f) + k ln2, the same fma order. */
  private static FloatVector logOfReduced(FloatVector f, FloatVector k) {
    FloatVector z = f.mul(f);
    FloatVector p = f.fma(LogMath.Q0, LogMath.Q1);
    p = fma(p, f, LogMath.Q2);
    p = fma(p, f, LogMath.Q3);
    p = fma(p, f, LogMath.Q4);
    p = fma(p, f, LogMath.Q5);
    p = fma(p, f, LogMath.Q6);
    p = fma(p, f, LogMath.Q7);
    p = fma(p, f, LogMath.Q8);
    FloatVector y = fma(k, LogMath.LN2_LO, p.mul(f).mul(z));
    y = fma(z, -0.5f, y);
    return fma(k, LogMath.LN2_HI, f.add(y));
  }

  /** log(+-0) = -infinity, log(+infinity) = +infinity, log(x < 0 or NaN) = NaN; y elsewhere. */
  private static FloatVector logSpecialValues(FloatVector x, FloatVector y) {
    return y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY))
        .blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f))
        .blend(Float.NaN, x.compare(VectorOperators.GE, 0f).not());
  }
}
