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
    // lanes at constant indices (one extract each); a loop index made C2 call the generic
    // lane(i), which profiles showed at 2% of a cnn-bn training step
    int n = v.length();
    double s = 0;
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

  /** v[0] + v[1] + ... in lane order, each lane widened to double. */
  static double sum(FloatVector v) {
    int n = v.length();
    double s = 0;
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
    if (n > 8) {
      s += v.lane(8);
      s += v.lane(9);
      s += v.lane(10);
      s += v.lane(11);
      s += v.lane(12);
      s += v.lane(13);
      s += v.lane(14);
      s += v.lane(15);
    }
    for (int i = 16; i < n; i++) {
      s += v.lane(i);
    }
    return s;
  }
}
