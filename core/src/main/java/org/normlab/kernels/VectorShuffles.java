package org.normlab.kernels;

import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two-vector shuffles the vector kernels share, for {@code a.rearrange(shuffle, b)}: lanes
 * with an index in [0, L) come from a, exceptional (negative) indices i from b at i + L.
 */
final class VectorShuffles {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final int L = F.length();
  /** a and b interleaved float by float from their first halves: a0 b0 a1 b1 ... */
  static final VectorShuffle<Float> INTERLEAVE_LOW = interleave(1, 0);
  /** The same from their second halves: a[L/2] b[L/2] a[L/2+1] ... */
  static final VectorShuffle<Float> INTERLEAVE_HIGH = interleave(1, L / 2);
  /** Pairs of floats taken alternately from a and b, from their first halves: a0 a1 b0 b1 a2 ... */
  static final VectorShuffle<Float> PAIRS_LOW = interleave(2, 0);
  /** The same from their second halves. */
  static final VectorShuffle<Float> PAIRS_HIGH = interleave(2, L / 2);
  /** The even floats of a then b: a0 a2 ... b0 b2 ... (element 2i of their concatenation). */
  static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F,
      i -> 2 * i < L ? 2 * i : 2 * i - 2 * L);
  /** The odd floats of a then b: a1 a3 ... b1 b3 ... */
  static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(F,
      i -> 2 * i + 1 < L ? 2 * i + 1 : 2 * i + 1 - 2 * L);

  /** For {@code a.rearrange(shuffle)}: the even floats of a, twice: a0 a2 ... a0 a2 ... */
  static final VectorShuffle<Float> EVEN_OF_ONE = VectorShuffle.fromOp(F, i -> 2 * i % L);
  /** The odd floats of a, twice: a1 a3 ... a1 a3 ... */
  static final VectorShuffle<Float> ODD_OF_ONE = VectorShuffle.fromOp(F, i -> (2 * i + 1) % L);

  private VectorShuffles() {}

  /**
   * Units of {@code unit} floats taken alternately from a and b, starting at float {@code from}
   * of each: a[from..], b[from..], a[from + unit..], ...
   */
  static VectorShuffle<Float> interleave(int unit, int from) {
    return VectorShuffle.fromOp(F, i -> {
      int u = i / unit;
      int source = from + (u / 2) * unit + i % unit;
      return u % 2 == 0 ? source : source - L;
    });
  }
}
