package org.normlab.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Named tensors in order, as PyTorch's {@code state_dict()}: float tensors (parameters, running
 * statistics, optimizer buffers) and integer tensors ({@code num_batches_tracked}, step counts).
 *
 * <p>A state dict collected from a live model holds views of its arrays (no copies), so reading
 * a model file is: collect the expected state, check names and shapes, copy values in.
 */
public final class StateDict {
  /** One tensor: dims in PyTorch's logical order and either float or long values. */
  public record Entry(int[] shape, float[] floats, long[] longs) {
    public Entry {
      if ((floats == null) == (longs == null)) {
        throw new IllegalArgumentException("entry: expected either floats or longs");
      }
      long count = 1;
      for (int d : shape) {
        count *= d;
      }
      int length = floats != null ? floats.length : longs.length;
      if (count != length) {
        throw new IllegalArgumentException("entry: shape " + Arrays.toString(shape) + " holds "
            + count + " values, got " + length);
      }
    }

    public boolean isInteger() {
      return longs != null;
    }

    /** "F32 [64, 1, 3, 3]" or "I64 []": for error messages. */
    public String describe() {
      return (isInteger() ? "I64 " : "F32 ") + Arrays.toString(shape);
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  public StateDict putFloats(String name, float[] values, int... shape) {
    return put(name, new Entry(shape.clone(), values, null));
  }

  public StateDict putLongs(String name, long[] values, int... shape) {
    return put(name, new Entry(shape.clone(), null, values));
  }

  public StateDict put(String name, Entry entry) {
    if (entries.putIfAbsent(name, entry) != null) {
      throw new IllegalArgumentException("state: '" + name + "' appears twice");
    }
    return this;
  }

  public Set<String> names() {
    return entries.keySet();
  }

  public Map<String, Entry> entries() {
    return entries;
  }

  public boolean has(String name) {
    return entries.containsKey(name);
  }

  public Entry get(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException("state: no tensor named '" + name + "' (has " + names() + ")");
    }
    return e;
  }

  /** Copies the float values of {@code name} into {@code target}, which must have the same length. */
  public void copyFloatsInto(String name, float[] target) {
    Entry e = get(name);
    if (e.isInteger() || e.floats().length != target.length) {
      throw new IllegalArgumentException("state '" + name + "': expected F32 with " + target.length
          + " values, got " + e.describe());
    }
    System.arraycopy(e.floats(), 0, target, 0, target.length);
  }

  /** The single integer value of {@code name} (a counter). */
  public long longValue(String name) {
    Entry e = get(name);
    if (!e.isInteger() || e.longs().length != 1) {
      throw new IllegalArgumentException("state '" + name + "': expected one I64 value, got " + e.describe());
    }
    return e.longs()[0];
  }
}
