package org.normlab.tensor;

import java.util.Arrays;

/**
 * An immutable list of dimension sizes in memory order (row-major: the last dimension is
 * contiguous). The element count must fit one Java array; larger shapes are rejected, never
 * overflowed.
 */
public final class Shape {
  /** The largest element count a float[] can hold on HotSpot. */
  public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private final int[] dims;
  private final int size;

  private Shape(int[] dims) {
    this.dims = dims;
    long count = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new IllegalArgumentException(
            "shape: dimension " + i + " must be >= 0, got " + dims[i] + " in " + Arrays.toString(dims));
      }
      count *= dims[i];
      if (count > MAX_ELEMENTS) {
        throw new IllegalArgumentException("shape: " + Arrays.toString(dims)
            + " has more elements than one array holds (max " + MAX_ELEMENTS + ")");
      }
    }
    this.size = (int) count;
  }

  public static Shape of(int... dims) {
    return new Shape(dims.clone());
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int axis) {
    if (axis < 0 || axis >= dims.length) {
      throw new IllegalArgumentException(
          "axis: expected 0.." + (dims.length - 1) + " for shape " + this + ", got " + axis);
    }
    return dims[axis];
  }

  /** A copy of the dimensions. */
  public int[] dims() {
    return dims.clone();
  }

  /** Number of elements. */
  public int size() {
    return size;
  }

  /** Row-major strides in elements. */
  public int[] strides() {
    int[] strides = new int[dims.length];
    int stride = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      strides[i] = stride;
      stride *= dims[i];
    }
    return strides;
  }

  /** Product of the dimensions in [from, to). */
  public int product(int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= dims[i];
    }
    return p;
  }

  /** Flat row-major offset of an index, with each coordinate checked. */
  public int offset(int... index) {
    if (index.length != dims.length) {
      throw new IllegalArgumentException(
          "index: expected " + dims.length + " coordinates for shape " + this + ", got " + index.length);
    }
    int offset = 0;
    for (int i = 0; i < dims.length; i++) {
      if (index[i] < 0 || index[i] >= dims[i]) {
        throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is outside shape "
            + this + " at axis " + i);
      }
      offset = offset * dims[i] + index[i];
    }
    return offset;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape other && Arrays.equals(dims, other.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(dims[i]);
    }
    return sb.append(dims.length == 1 ? ",)" : ")").toString();
  }
}
