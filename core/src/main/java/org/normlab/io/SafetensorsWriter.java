package org.normlab.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.normlab.tensor.Tensor;

/**
 * Builds a safetensors file (tensors in the order added, header padded with spaces to a multiple
 * of 8 bytes) and writes it atomically.
 */
public final class SafetensorsWriter {
  private record Item(String name, String dtype, int[] shape, byte[] bytes) {}

  private final List<Item> items = new ArrayList<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  private void add(String name, String dtype, int[] shape, long count, ByteBuffer bytes) {
    if (name.equals("__metadata__")) {
      throw new IllegalArgumentException("name: '__metadata__' is reserved");
    }
    for (Item it : items) {
      if (it.name.equals(name)) {
        throw new IllegalArgumentException("name: tensor '" + name + "' was already added");
      }
    }
    long expected = 1;
    for (int d : shape) {
      expected *= d;
    }
    if (expected != count) {
      throw new IllegalArgumentException("tensor '" + name + "': shape " + java.util.Arrays.toString(shape)
          + " holds " + expected + " elements, data has " + count);
    }
    items.add(new Item(name, dtype, shape.clone(), bytes.array()));
  }

  public SafetensorsWriter putFloats(String name, float[] values, int... shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    add(name, "F32", shape, values.length, b);
    return this;
  }

  public SafetensorsWriter putDoubles(String name, double[] values, int... shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    add(name, "F64", shape, values.length, b);
    return this;
  }

  public SafetensorsWriter putLongs(String name, long[] values, int... shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    add(name, "I64", shape, values.length, b);
    return this;
  }

  /** Adds a tensor with its stored (memory-order) dims. */
  public SafetensorsWriter put(String name, Tensor t) {
    return putFloats(name, t.data(), t.shape().dims());
  }

  /** The complete file as bytes. */
  public byte[] toBytes() {
    Map<String, Object> header = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      header.put("__metadata__", metadata);
    }
    long offset = 0;
    for (Item it : items) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("dtype", it.dtype);
      e.put("shape", it.shape);
      e.put("data_offsets", new long[] {offset, offset + it.bytes.length});
      header.put(it.name, e);
      offset += it.bytes.length;
    }
    byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded);
    out.put(json);
    for (int i = json.length; i < padded; i++) {
      out.put((byte) ' ');
    }
    for (Item it : items) {
      out.put(it.bytes);
    }
    return out.array();
  }

  /** Writes the file atomically (temporary file, then rename). */
  public void write(Path path) throws IOException {
    AtomicFiles.writeBytes(path, toBytes());
  }
}
