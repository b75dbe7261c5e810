package org.normlab.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The arithmetic ceiling of one core: {@link #ACCUMULATORS} independent chains of fused
 * multiply-adds on preferred-width float vectors, all in registers (no loads or stores in the
 * loop). Package-private, so that only this class touches the Vector API; {@link PeakBench}
 * drives it.
 */
final class PeakKernel {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /**
   * Chains in flight. An FMA has a latency of 4 cycles; Zen 4 retires one 512-bit FMA per cycle
   * (two 256-bit pipes) and Intel's AVX-512 cores two, so 8 chains keep either machine busy.
   */
  static final int ACCUMULATORS = 8;

  private PeakKernel() {}

  /** Floating-point operations of one loop step: ACCUMULATORS fmas of F.length() lanes, 2 each. */
  static long flopsPerStep() {
    return 2L * ACCUMULATORS * F.length();
  }

  /**
   * Runs {@code steps} steps of c = fma(c, m, a) on each accumulator (m just below 1, so every
   * chain converges to a / (1 - m) = 1 and never overflows or turns subnormal) and returns the
   * sum of all lanes, which the caller must consume.
   *
   * <p>Never inlined: inlined into the worker thread's compiled parallel loop (where the one body
   * of this benchmark makes the call monomorphic), C2's code for this loop ran 2.2x slower than
   * the standalone compile (measured 2.6 against 1.17 ms per 2^27 flop), which made the 2-thread
   * row show no scaling at all. The real kernels were checked for the same effect (LayerNorm and
   * GroupNorm at 2 threads with lambda bodies not inlined: same times).
   */
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  static float run(long steps, float seed) {
    FloatVector m = FloatVector.broadcast(F, 0.999f);
    FloatVector a = FloatVector.broadcast(F, 0.001f);
    FloatVector c0 = FloatVector.broadcast(F, seed);
    FloatVector c1 = c0.add(0.01f);
    FloatVector c2 = c0.add(0.02f);
    FloatVector c3 = c0.add(0.03f);
    FloatVector c4 = c0.add(0.04f);
    FloatVector c5 = c0.add(0.05f);
    FloatVector c6 = c0.add(0.06f);
    FloatVector c7 = c0.add(0.07f);
    for (long s = 0; s < steps; s++) {
      c0 = c0.fma(m, a);
      c1 = c1.fma(m, a);
      c2 = c2.fma(m, a);
      c3 = c3.fma(m, a);
      c4 = c4.fma(m, a);
      c5 = c5.fma(m, a);
      c6 = c6.fma(m, a);
      c7 = c7.fma(m, a);
    }
    FloatVector sum = c0.add(c1).add(c2.add(c3)).add(c4.add(c5).add(c6.add(c7)));
    float total = 0;
    for (float lane : sum.toArray()) {
      total += lane;
    }
    return total;
  }
}
