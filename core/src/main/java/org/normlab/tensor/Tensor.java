package org.normlab.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dense float32 tensor: a flat array in row-major memory order, a {@link Shape} (memory order)
 * and a {@link Layout} that says which axis holds channels.
 *
 * <p>Kernels work on {@link #data()} directly; the public operations validate shapes first and
 * then trust their kernels. A tensor is mutable (layers write into preallocated outputs), but
 * shape and layout never change: {@link #reshape} returns a new view over the same array.
 */
public final class Tensor {
  private final float[] data;
  private final Shape shape;
  private final Layout layout;

  private Tensor(float[] data, Shape shape, Layout layout) {
    checkLayout(layout, shape);
    if (data.length != shape.size()) {
      throw new IllegalArgumentException(
          "data: expected " + shape.size() + " elements for shape " + shape + ", got " + data.length);
    }
    this.data = data;
    this.shape = shape;
    this.layout = layout;
  }

  private static void checkLayout(Layout layout, Shape shape) {
    if (layout == null) {
      throw new IllegalArgumentException("layout: expected a Layout, got null");
    }
    if (layout.rank() >= 0 && layout.rank() != shape.rank()) {
      throw new IllegalArgumentException("rank: layout " + layout + " expects rank " + layout.rank()
          + ", got shape " + shape + " of rank " + shape.rank());
    }
  }

  // ---- creation -------------------------------------------------------------------------

  public static Tensor zeros(Layout layout, int... dims) {
    Shape shape = Shape.of(dims);
    return new Tensor(new float[shape.size()], shape, layout);
  }

  public static Tensor filled(float value, Layout layout, int... dims) {
    Tensor t = zeros(layout, dims);
    Arrays.fill(t.data, value);
    return t;
  }

  /** Wraps {@code data} (not copied) as a tensor of the given layout and memory-order dims. */
  public static Tensor wrap(float[] data, Layout layout, int... dims) {
    return new Tensor(data, Shape.of(dims), layout);
  }

  /** Copies {@code data} into a new tensor of the given layout and memory-order dims. */
  public static Tensor of(float[] data, Layout layout, int... dims) {
    return new Tensor(data.clone(), Shape.of(dims), layout);
  }

  /** A 1-D tensor (ROW_MAJOR) holding a copy of {@code values}. */
  public static Tensor vector(float... values) {
    return new Tensor(values.clone(), Shape.of(values.length), Layout.ROW_MAJOR);
  }

  /** Normal(mean, std) values from a seeded generator: the same seed gives the same tensor. */
  public static Tensor randn(long seed, float mean, float std, Layout layout, int... dims) {
    Tensor t = zeros(layout, dims);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < t.data.length; i++) {
      t.data[i] = (float) (mean + std * random.nextGaussian());
    }
    return t;
  }

  /** Standard normal values from a seeded generator. */
  public static Tensor randn(long seed, Layout layout, int... dims) {
    return randn(seed, 0f, 1f, layout, dims);
  }

  /** Uniform values in [low, high) from a seeded generator. */
  public static Tensor uniform(long seed, float low, float high, Layout layout, int... dims) {
    if (!(low < high)) {
      throw new IllegalArgumentException("uniform: expected low < high, got low " + low + ", high " + high);
    }
    Tensor t = zeros(layout, dims);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < t.data.length; i++) {
      t.data[i] = (float) (low + (high - low) * random.nextDouble());
    }
    return t;
  }

  // ---- accessors -------------------------------------------------------------------------

  /** The backing array (memory order). Kernels and tests read and write it directly. */
  public float[] data() {
    return data;
  }

  public Shape shape() {
    return shape;
  }

  public Layout layout() {
    return layout;
  }

  public int rank() {
    return shape.rank();
  }

  public int size() {
    return shape.size();
  }

  public int dim(int axis) {
    return shape.dim(axis);
  }

  /** Number of channels (the size of the layout's channel axis). */
  public int channels() {
    requireChannelLayout();
    return shape.dim(layout.channelAxis());
  }

  /** Batch size N (axis 0). */
  public int batch() {
    requireChannelLayout();
    return shape.dim(0);
  }

  /** Number of positions per sample and channel: L, H*W or D*H*W (1 for NC). */
  public int spatialSize() {
    requireChannelLayout();
    return layout.isChannelsLast() ? shape.product(1, rank() - 1) : shape.product(2, rank());
  }

  /** Spatial dims in order (L), (H, W) or (D, H, W); empty for NC. */
  public int[] spatialDims() {
    requireChannelLayout();
    int[] dims = shape.dims();
    return layout.isChannelsLast()
        ? Arrays.copyOfRange(dims, 1, dims.length - 1)
        : Arrays.copyOfRange(dims, 2, dims.length);
  }

  private void requireChannelLayout() {
    if (!layout.hasChannels()) {
      throw new IllegalStateException("layout: expected a layout with a channel axis, got " + layout);
    }
  }

  /** Element at a memory-order index. */
  public float get(int... index) {
    return data[shape.offset(index)];
  }

  /** Sets the element at a memory-order index. */
  public void set(float value, int... index) {
    data[shape.offset(index)] = value;
  }

  // ---- checks ----------------------------------------------------------------------------

  /** Throws unless this tensor has {@code expected} channels ("channels: expected 64, got 32"). */
  public Tensor requireChannels(int expected) {
    int actual = channels();
    if (actual != expected) {
      throw new IllegalArgumentException("channels: expected " + expected + ", got " + actual
          + " (input " + layout + " " + shape + ")");
    }
    return this;
  }

  /** Throws unless this tensor has exactly the given shape. */
  public Tensor requireShape(String name, Shape expected) {
    if (!shape.equals(expected)) {
      throw new IllegalArgumentException(name + ": expected shape " + expected + ", got " + shape);
    }
    return this;
  }

  /** Throws unless shape and layout equal {@code other}'s. */
  public Tensor requireSameShape(String name, Tensor other) {
    if (!shape.equals(other.shape) || layout != other.layout) {
      throw new IllegalArgumentException(name + ": expected " + other.layout + " " + other.shape
          + ", got " + layout + " " + shape);
    }
    return this;
  }

  // ---- copies and views ------------------------------------------------------------------

  public Tensor copy() {
    return new Tensor(data.clone(), shape, layout);
  }

  /** A tensor of the same shape and layout, all zeros. */
  public Tensor zerosLike() {
    return new Tensor(new float[data.length], shape, layout);
  }

  /** A view with new dims over the same data; the element count must match. */
  public Tensor reshape(Layout newLayout, int... dims) {
    Shape newShape = Shape.of(dims);
    if (newShape.size() != shape.size()) {
      throw new IllegalArgumentException("reshape: " + shape + " has " + shape.size()
          + " elements, " + newShape + " has " + newShape.size());
    }
    return new Tensor(data, newShape, newLayout);
  }

  /** A copy in the channels-last layout of the same rank (NCHW to NHWC, ...); NC is copied. */
  public Tensor toChannelsLast() {
    requireChannelLayout();
    if (layout.isChannelsLast() || layout == Layout.NC) {
      return copy();
    }
    int n = shape.dim(0);
    int c = shape.dim(1);
    int s = shape.product(2, rank());
    float[] out = new float[data.length];
    for (int i = 0; i < n; i++) {
      int base = i * c * s;
      for (int ch = 0; ch < c; ch++) {
        for (int p = 0; p < s; p++) {
          out[base + p * c + ch] = data[base + ch * s + p];
        }
      }
    }
    int[] dims = new int[rank()];
    dims[0] = n;
    System.arraycopy(shape.dims(), 2, dims, 1, rank() - 2);
    dims[rank() - 1] = c;
    return new Tensor(out, Shape.of(dims), layout.toChannelsLast());
  }

  /** A copy in the channels-first layout of the same rank (NHWC to NCHW, ...); NC is copied. */
  public Tensor toChannelsFirst() {
    requireChannelLayout();
    if (!layout.isChannelsLast()) {
      return copy();
    }
    int n = shape.dim(0);
    int c = shape.dim(rank() - 1);
    int s = shape.product(1, rank() - 1);
    float[] out = new float[data.length];
    for (int i = 0; i < n; i++) {
      int base = i * c * s;
      for (int p = 0; p < s; p++) {
        for (int ch = 0; ch < c; ch++) {
          out[base + ch * s + p] = data[base + p * c + ch];
        }
      }
    }
    int[] dims = new int[rank()];
    dims[0] = n;
    dims[1] = c;
    System.arraycopy(shape.dims(), 1, dims, 2, rank() - 2);
    return new Tensor(out, Shape.of(dims), layout.toChannelsFirst());
  }

  /** A copy in {@code target} layout, which must have the same rank and channel semantics. */
  public Tensor toLayout(Layout target) {
    if (target == layout) {
      return copy();
    }
    if (target.isChannelsLast() && target.toChannelsFirst() == layout) {
      return toChannelsLast();
    }
    if (layout.isChannelsLast() && layout.toChannelsFirst() == target) {
      return toChannelsFirst();
    }
    throw new IllegalArgumentException("layout: cannot convert " + layout + " to " + target);
  }

  /** A short summary: layout, shape, mean, std, min, max and the first values. */
  @Override
  public String toString() {
    double sum = 0;
    double sumSq = 0;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : data) {
      sum += v;
      sumSq += (double) v * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    int n = data.length;
    double mean = n == 0 ? 0 : sum / n;
    double std = n == 0 ? 0 : Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    StringBuilder sb = new StringBuilder();
    sb.append("Tensor[").append(layout).append(' ').append(shape).append(" float32");
    if (n > 0) {
      sb.append(String.format(" mean=%.4g std=%.4g min=%.4g max=%.4g [", mean, std, min, max));
      for (int i = 0; i < Math.min(n, 6); i++) {
        sb.append(i == 0 ? "" : ", ").append(String.format("%.4g", data[i]));
      }
      sb.append(n > 6 ? ", ...]" : "]");
    }
    return sb.append(']').toString();
  }
}
