package org.normlab.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

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
    double s = 0;
    for (int i = 0; i < v.length(); i++) {
      s += v.lane(i);
    }
    return s;
  }

  /** v[0] + v[1] + ... in lane order, each lane widened to double. */
  static double sum(FloatVector v) {
    double s = 0;
    for (int i = 0; i < v.length(); i++) {
      s += v.lane(i);
    }
    return s;
  }
}
