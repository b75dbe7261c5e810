package org.normlab.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * A safetensors file read into memory: an 8-byte little-endian header length, a JSON header
 * mapping tensor names to dtype, shape and data_offsets (plus an optional string-to-string
 * {@code __metadata__}), then the raw little-endian tensor bytes.
 *
 * <p>Every length and offset is validated against the file size before anything is allocated,
 * so a corrupt or hostile file gives a clear error, never an out-of-memory or an index exception.
 */
public final class SafetensorsFile {
  /** Largest header accepted (the format's reference implementation uses 100 MB). */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  /** Element types this reader understands. */
  public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int bytes;

    DType(int bytes) {
      this.bytes = bytes;
    }

    public int bytes() {
      return bytes;
    }
  }

  /** One tensor's header entry; {@code begin} and {@code end} are offsets into the data section. */
  public record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    public int elementCount() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return (int) n;
    }
  }

  private final Path path;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;
  private final ByteBuffer data;

  private SafetensorsFile(Path path, Map<String, Entry> entries, Map<String, String> metadata,
      ByteBuffer data) {
    this.path = path;
    this.entries = entries;
    this.metadata = metadata;
    this.data = data;
  }

  /** Reads and validates a file. */
  public static SafetensorsFile read(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long fileSize = ch.size();
      if (fileSize < 8) {
        throw bad(path, "file is " + fileSize + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.getLong(0);
      if (headerLen < 2 || headerLen > fileSize - 8 || headerLen > MAX_HEADER_BYTES) {
        throw bad(path, "header length " + headerLen + " does not fit a file of " + fileSize + " bytes");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
      readFully(ch, headerBuf, 8);
      String headerText = new String(headerBuf.array(), StandardCharsets.UTF_8);
      long dataSize = fileSize - 8 - headerLen;
      if (dataSize > Integer.MAX_VALUE - 8) {
        throw bad(path, "data section of " + dataSize + " bytes is larger than normlab reads (2 GiB)");
      }
      Map<String, Object> header;
      try {
        header = Json.parseObject(headerText.strip());
      } catch (IllegalArgumentException e) {
        throw bad(path, "header is not valid JSON (" + e.getMessage() + ")");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, Entry> entries = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : header.entrySet()) {
        if (e.getKey().equals("__metadata__")) {
          if (!(e.getValue() instanceof Map<?, ?> meta)) {
            throw bad(path, "__metadata__ must be an object of strings");
          }
          for (Map.Entry<?, ?> m : meta.entrySet()) {
            if (!(m.getValue() instanceof String s)) {
              throw bad(path, "__metadata__." + m.getKey() + " must be a string");
            }
            metadata.put(String.valueOf(m.getKey()), s);
          }
          continue;
        }
        entries.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue(), dataSize));
      }
      ByteBuffer data = ByteBuffer.allocate((int) dataSize).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, data, 8 + headerLen);
      return new SafetensorsFile(path, Collections.unmodifiableMap(entries),
          Collections.unmodifiableMap(metadata), data);
    }
  }

  private static Entry parseEntry(Path path, String name, Object value, long dataSize)
      throws IOException {
    if (!(value instanceof Map<?, ?> m)) {
      throw bad(path, "tensor '" + name + "' must be an object");
    }
    if (!(m.get("dtype") instanceof String dtypeName)) {
      throw bad(path, "tensor '" + name + "' has no dtype");
    }
    DType dtype;
    try {
      dtype = DType.valueOf(dtypeName);
    } catch (IllegalArgumentException ex) {
      throw bad(path, "tensor '" + name + "' has unsupported dtype " + dtypeName);
    }
    if (!(m.get("shape") instanceof List<?> shapeList)) {
      throw bad(path, "tensor '" + name + "' has no shape");
    }
    int[] shape = new int[shapeList.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
        throw bad(path, "tensor '" + name + "' has a bad dimension " + shapeList.get(i));
      }
      shape[i] = (int) (long) d;
      count *= d;
      if (count > dataSize) {
        throw bad(path, "tensor '" + name + "' shape " + shapeList + " needs more bytes than the file has");
      }
    }
    if (!(m.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2
        || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)) {
      throw bad(path, "tensor '" + name + "' needs data_offsets [begin, end]");
    }
    if (begin < 0 || end < begin || end > dataSize) {
      throw bad(path, "tensor '" + name + "' data_offsets [" + begin + ", " + end
          + "] fall outside the data section of " + dataSize + " bytes");
    }
    if (end - begin != count * dtype.bytes()) {
      throw bad(path, "tensor '" + name + "' holds " + (end - begin) + " bytes, but " + dtype + " "
          + shapeList + " needs " + count * dtype.bytes());
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += n;
    }
    buf.flip();
  }

  private static IOException bad(Path path, String what) {
    return new IOException(path + ": not a valid safetensors file: " + what);
  }

  public Path path() {
    return path;
  }

  /** Tensor names in header order. */
  public Set<String> names() {
    return entries.keySet();
  }

  public boolean has(String name) {
    return entries.containsKey(name);
  }

  /** The {@code __metadata__} strings (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** A metadata value, or an error naming the missing key. */
  public String requireMetadata(String key) {
    String v = metadata.get(key);
    if (v == null) {
      throw new IllegalArgumentException(path + ": metadata '" + key + "' is missing");
    }
    return v;
  }

  public Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException(path + ": no tensor named '" + name + "' (has " + names() + ")");
    }
    return e;
  }

  public int[] shape(String name) {
    return entry(name).shape().clone();
  }

  /** The tensor's values converted to float (F32, F64, F16, BF16, integer types). */
  public float[] floats(String name) {
    double[] d = doubles(name);
    float[] out = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = (float) d[i];
    }
    return out;
  }

  /** The tensor's values converted to double. */
  public double[] doubles(String name) {
    Entry e = entry(name);
    int n = e.elementCount();
    double[] out = new double[n];
    int base = (int) e.begin();
    for (int i = 0; i < n; i++) {
      out[i] = switch (e.dtype()) {
        case F64 -> data.getDouble(base + 8 * i);
        case F32 -> data.getFloat(base + 4 * i);
        case F16 -> Float.float16ToFloat(data.getShort(base + 2 * i));
        case BF16 -> Float.intBitsToFloat((data.getShort(base + 2 * i) & 0xffff) << 16);
        case I64 -> data.getLong(base + 8 * i);
        case I32 -> data.getInt(base + 4 * i);
        case I16 -> data.getShort(base + 2 * i);
        case I8 -> data.get(base + i);
        case U8, BOOL -> data.get(base + i) & 0xff;
      };
    }
    return out;
  }

  /** The tensor's values as longs; only integer dtypes. */
  public long[] longs(String name) {
    Entry e = entry(name);
    int n = e.elementCount();
    long[] out = new long[n];
    int base = (int) e.begin();
    for (int i = 0; i < n; i++) {
      out[i] = switch (e.dtype()) {
        case I64 -> data.getLong(base + 8 * i);
        case I32 -> data.getInt(base + 4 * i);
        case I16 -> data.getShort(base + 2 * i);
        case I8 -> data.get(base + i);
        case U8, BOOL -> data.get(base + i) & 0xff;
        default -> throw new IllegalArgumentException(
            path + ": tensor '" + name + "' is " + e.dtype() + ", expected an integer dtype");
      };
    }
    return out;
  }

  /** The tensor as a float32 {@link Tensor} of the given layout (its stored dims). */
  public Tensor tensor(String name, Layout layout) {
    return Tensor.wrap(floats(name), layout, shape(name));
  }

  /** Names that are in {@code expected} but not in the file, and in the file but not expected. */
  public List<String> differences(Set<String> expected) {
    List<String> out = new ArrayList<>();
    for (String name : expected) {
      if (!has(name)) {
        out.add("missing: " + name);
      }
    }
    for (String name : names()) {
      if (!expected.contains(name)) {
        out.add("unexpected: " + name);
      }
    }
    return out;
  }
}
