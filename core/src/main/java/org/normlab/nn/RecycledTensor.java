package org.normlab.nn;

import java.util.Arrays;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Shape;
import org.normlab.tensor.Tensor;

/**
 * One of a layer's outputs (its forward output, or its input gradient), kept for reuse after
 * {@link Layer#recycleOutputs}: the next request of the same shape and layout gets the tensor
 * handed out before the recycle back instead of a new one. A new tensor costs more than its
 * kernel's pass over it: the JVM zeroes tens of MB per training step in memory the caches no
 * longer hold, and collects them later (in the cnn-bn step, reusing the convolutions' 64 MB
 * alone saved 5-8 ms of 190).
 */
final class RecycledTensor {
  /** The tensor handed out since the last recycle (null when none). */
  private Tensor issued;
  /** A tensor handed out before the last recycle, free to overwrite (null when none). */
  private Tensor spare;

  /**
   * A tensor of {@code dims} in {@code layout} whose every element the caller overwrites: the
   * spare one when it matches (holding its old values), else new zeros.
   */
  Tensor take(Layout layout, int... dims) {
    Tensor t = spare != null && spare.layout() == layout && spare.shape().equals(Shape.of(dims))
        ? spare : Tensor.zeros(layout, dims);
    spare = null;
    issued = t;
    return t;
  }

  /** {@link #take} of like's shape and layout. */
  Tensor take(Tensor like) {
    return take(like.layout(), like.shape().dims());
  }

  /** {@link #take} with every element zero (for outputs the caller accumulates into). */
  Tensor takeZeroed(Layout layout, int... dims) {
    Tensor previous = spare;
    Tensor t = take(layout, dims);
    if (t == previous) {
      // a reused tensor holds its last values; a new one is zero already
      Arrays.fill(t.data(), 0f);
    }
    return t;
  }

  /** {@link #takeZeroed} of like's shape and layout. */
  Tensor takeZeroed(Tensor like) {
    return takeZeroed(like.layout(), like.shape().dims());
  }

  /** Makes the tensor handed out last the spare: its holder is done with it. */
  void recycle() {
    if (issued != null) {
      spare = issued;
      issued = null;
    }
  }
}
