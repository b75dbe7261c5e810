package org.normlab.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transposing copy of {@link GemmKernels#interleaveRows} by groups of eight rows, as an 8 x L
 * register transpose: L steps of eight rows become L * 8 floats, eight per step. Three rounds of
 * two-vector shuffles, each interleaving units twice as wide as the round before (1, 2, then 4
 * floats), turn rows r0..r7 into {@code [r0..r7 at p, r0..r7 at p + 1, ...]}: the last round's
 * units are the quads r0..r3 and r4..r7 of one step. In a panel eight wide (the vector kernel's
 * A panels) the steps are contiguous; in a wider one (its B panels, 32 wide, packed from a
 * transposed B such as a linear layer's input) each step's eight floats go to their own row of
 * the panel, as 256-bit stores.
 *
 * <p>Each call of {@link #half} holds at most twelve vectors (C1 fails on methods holding many
 * more, see {@link VectorWinograd}) and takes or returns none.
 */
final class VectorPacking {
  private static final VectorSpecies<Float> F = VectorKernels.F;
  private static final int L = F.length();
  /** Eight floats: one step of a group, stored into a panel wider than eight. */
  private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
  /** Rows per group of the transpose, and the width of the panels it fills contiguously. */
  static final int WIDTH = 8;
  private static final VectorShuffle<Float> LOW1 = VectorShuffles.INTERLEAVE_LOW;
  private static final VectorShuffle<Float> HIGH1 = VectorShuffles.INTERLEAVE_HIGH;
  private static final VectorShuffle<Float> LOW2 = VectorShuffles.PAIRS_LOW;
  private static final VectorShuffle<Float> HIGH2 = VectorShuffles.PAIRS_HIGH;
  private static final VectorShuffle<Float> LOW4 = VectorShuffles.interleave(4, 0);
  private static final VectorShuffle<Float> HIGH4 = VectorShuffles.interleave(4, L / 2);

  private VectorPacking() {}

  /** Whether this machine's vectors suit the transpose (8 or 16 floats). */
  static boolean applies() {
    return L == 8 || L == 16;
  }

  /**
   * {@code dst[dstOff + p * width + r] = src[srcOff + r * ld + p]} for r &lt; 8, p &lt; kc, into
   * a panel {@code width} floats wide (a multiple of 8); steps past the last whole vector run the
   * plain Java copy.
   */
  static void interleave8(float[] dst, int dstOff, int width, float[] src, int srcOff, int ld,
      int kc) {
    int p = 0;
    for (; p + L <= kc; p += L) {
      half(dst, dstOff + p * width, width, src, srcOff + p, ld, true);
      half(dst, dstOff + (p + L / 2) * width, width, src, srcOff + p, ld, false);
    }
    GemmPacking.interleaveRows(dst, dstOff + p * width, width, src, srcOff + p, ld, WIDTH, kc - p);
  }

  /**
   * Steps [0, L/2) (low) or [L/2, L) (high) of the L steps of eight rows starting at
   * src[srcOff + r * ld]: eight floats per step at dst[dstOff + step * width ..].
   */
  private static void half(float[] dst, int dstOff, int width, float[] src, int srcOff, int ld,
      boolean low) {
    VectorShuffle<Float> first = low ? LOW1 : HIGH1;
    // round 1: r0 r1 interleaved float by float, and r2 r3, r4 r5, r6 r7
    FloatVector t01 = FloatVector.fromArray(F, src, srcOff).rearrange(first,
        FloatVector.fromArray(F, src, srcOff + ld));
    FloatVector t23 = FloatVector.fromArray(F, src, srcOff + 2 * ld).rearrange(first,
        FloatVector.fromArray(F, src, srcOff + 3 * ld));
    FloatVector t45 = FloatVector.fromArray(F, src, srcOff + 4 * ld).rearrange(first,
        FloatVector.fromArray(F, src, srcOff + 5 * ld));
    FloatVector t67 = FloatVector.fromArray(F, src, srcOff + 6 * ld).rearrange(first,
        FloatVector.fromArray(F, src, srcOff + 7 * ld));
    // round 2: pairs, giving the quads r0..r3 and r4..r7 of each step
    FloatVector s0123Low = t01.rearrange(LOW2, t23);
    FloatVector s0123High = t01.rearrange(HIGH2, t23);
    FloatVector s4567Low = t45.rearrange(LOW2, t67);
    FloatVector s4567High = t45.rearrange(HIGH2, t67);
    // round 3: quads, giving r0..r7 of each step, L / 8 steps per vector
    FloatVector v0 = s0123Low.rearrange(LOW4, s4567Low);
    FloatVector v1 = s0123Low.rearrange(HIGH4, s4567Low);
    FloatVector v2 = s0123High.rearrange(LOW4, s4567High);
    FloatVector v3 = s0123High.rearrange(HIGH4, s4567High);
    if (width == WIDTH || L == WIDTH) {
      // whole vectors: contiguous steps (eight wide), or one step per vector (L = 8)
      int stride = L / WIDTH * width;
      v0.intoArray(dst, dstOff);
      v1.intoArray(dst, dstOff + stride);
      v2.intoArray(dst, dstOff + 2 * stride);
      v3.intoArray(dst, dstOff + 3 * stride);
    } else {
      // two steps per vector (L = 16), each into its own row of the wider panel
      ((FloatVector) v0.reinterpretShape(F8, 0)).intoArray(dst, dstOff);
      ((FloatVector) v0.reinterpretShape(F8, 1)).intoArray(dst, dstOff + width);
      ((FloatVector) v1.reinterpretShape(F8, 0)).intoArray(dst, dstOff + 2 * width);
      ((FloatVector) v1.reinterpretShape(F8, 1)).intoArray(dst, dstOff + 3 * width);
      ((FloatVector) v2.reinterpretShape(F8, 0)).intoArray(dst, dstOff + 4 * width);
      ((FloatVector) v2.reinterpretShape(F8, 1)).intoArray(dst, dstOff + 5 * width);
      ((FloatVector) v3.reinterpretShape(F8, 0)).intoArray(dst, dstOff + 6 * width);
      ((FloatVector) v3.reinterpretShape(F8, 1)).intoArray(dst, dstOff + 7 * width);
    }
  }
}
