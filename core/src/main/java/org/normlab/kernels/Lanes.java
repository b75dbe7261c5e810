package org.normlab.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Horizontal sums in a fixed order for the Vector API kernels.
 *
 * <p>Not {@code reduceLanes(ADD)}: its floating-point order is unspecified and differs between
 * the interpreter and compiled code, so a result would depend on when the JIT compiled the
 * kernel. Adding the lanes one by one, in lane order, gives the same bits every time.
 *
 * <p>Lanes are read with {@code lane(i)}, not {@code toArray()}: C2 compiles the former to lane
 * extracts, while the latter allocates an array per call and makes the vector escape into a box,
 * which costs more than the loop it ends (a 1024-float row sum ran 3x slower).
 */
final class Lanes {
  private Lanes() {}

  /** v[0] + v[1] + ... in lane order, in double. */
  static double sum(DoubleVector v) {
    return addLanes(0, v);
  }

  /**
   * v[0] + v[1] + ... in lane order, each lane widened to double: the two halves widened exactly
   * into double vectors (F2D parts 0 and 1) and added on. For vectors of {@link VectorKernels#F}.
   */
  static double sum(FloatVector v) {
    double s = addLanes(0, (DoubleVector) v.convertShape(VectorOperators.F2D, VectorKernels.D, 0));
    return addLanes(s, (DoubleVector) v.convertShape(VectorOperators.F2D, VectorKernels.D, 1));
  }

  /**
   * s + v[0] + v[1] + ..., added in lane order. The lanes are read at constant indices (one
   * extract each): a loop index made C2 call the generic lane(i), which profiles showed at 2% of
   * a cnn-bn training step, in the batch norm row sums.
   */
  private static double addLanes(double s, DoubleVector v) {
    int n = v.length();
    s += v.lane(0);
    if (n > 1) {
      s += v.lane(1);
    }
    if (n > 2) {
      s += v.lane(2);
      s += v.lane(3);
    }
    if (n > 4) {
      s += v.lane(4);
      s += v.lane(5);
      s += v.lane(6);
      s += v.lane(7);
    }
    for (int i = 8; i < n; i++) {
      s += v.lane(i);
    }
    return s;
  }
}
