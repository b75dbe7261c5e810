package org.normlab.norm;

import java.util.Arrays;
import org.normlab.tensor.Tensor;

/** Argument checks shared by the normalization layers; messages name the argument and both values. */
final class NormShapes {
  private NormShapes() {}

  static double requireEps(double eps) {
    if (!(eps > 0) || Double.isInfinite(eps)) {
      throw new IllegalArgumentException("eps: expected a finite value > 0, got " + eps);
    }
    return eps;
  }

  static double requireMomentum(double momentum) {
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException("momentum: expected a value in [0, 1], got " + momentum);
    }
    return momentum;
  }

  static int[] requirePositiveDims(String name, int[] dims) {
    if (dims == null || dims.length == 0) {
      throw new IllegalArgumentException(name + ": expected at least one dimension, got none");
    }
    for (int d : dims) {
      if (d < 1) {
        throw new IllegalArgumentException(name + ": expected positive dimensions, got "
            + Arrays.toString(dims));
      }
    }
    return dims.clone();
  }

  static int product(int[] dims) {
    long p = 1;
    for (int d : dims) {
      p *= d;
    }
    if (p > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("dims " + Arrays.toString(dims) + ": too many elements");
    }
    return (int) p;
  }

  /** Throws unless the last dims of x (memory order) equal {@code normalizedShape}. */
  static void requireTrailingDims(String layer, Tensor x, int[] normalizedShape) {
    int[] dims = x.shape().dims();
    int k = normalizedShape.length;
    boolean ok = dims.length >= k
        && Arrays.equals(Arrays.copyOfRange(dims, dims.length - k, dims.length), normalizedShape);
    if (!ok) {
      throw new IllegalArgumentException(layer + " input: expected the last " + k + " dims to be "
          + Arrays.toString(normalizedShape) + ", got shape " + Arrays.toString(dims));
    }
  }

  /** About this many values per parallel piece: enough work to pay for handing it to a thread. */
  static final int VALUES_PER_PIECE = 16384;

  /** A parallel grain (items per piece) for items of {@code valuesPerItem} values each. */
  static int grain(long valuesPerItem) {
    return (int) Math.max(1, VALUES_PER_PIECE / Math.max(1, valuesPerItem));
  }

  /**
   * A parallel grain for pipelined loops (each piece restarts its pipeline: its first item is read
   * from memory without overlap), four times {@link #grain}'s values per piece: 64K values, still
   * hundreds of pieces for the large shapes that need them.
   */
  static int pipelineGrain(long valuesPerItem) {
    return (int) Math.max(1, 4L * VALUES_PER_PIECE / Math.max(1, valuesPerItem));
  }

  /** Throws unless {@code out} (an output buffer) has x's shape and layout and is not x itself. */
  static Tensor requireOut(String name, Tensor out, Tensor x) {
    out.requireSameShape(name, x);
    if (out.data() == x.data()) {
      throw new IllegalArgumentException(name + ": expected a tensor other than the input"
          + " (backward needs x)");
    }
    return out;
  }

  /** Throws unless forward ran, and dy has the input's shape and layout. */
  static void requireBackward(String layer, Tensor input, Tensor dy) {
    if (input == null) {
      throw new IllegalStateException(layer + ": backward called before forward");
    }
    dy.requireSameShape(layer + " grad_output", input);
  }
}
