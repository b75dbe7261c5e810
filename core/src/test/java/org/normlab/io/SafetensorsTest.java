package org.normlab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/** Round trips through SafetensorsWriter and SafetensorsFile, and rejection of corrupt files. */
class SafetensorsTest {
  @TempDir
  Path dir;

  @Test
  void roundTripKeepsValuesShapesAndMetadata() throws IOException {
    Tensor x = Tensor.randn(1, Layout.NCHW, 2, 3, 4, 5);
    Path p = dir.resolve("sub/case.safetensors");
    new SafetensorsWriter()
        .metadata("op", "batch_norm")
        .metadata("eps", "1e-05")
        .put("x", x)
        .putDoubles("mean", new double[] {0.1, -0.2, Math.PI}, 3)
        .putLongs("count", new long[] {Long.MAX_VALUE, -1}, 2)
        .putFloats("scalar", new float[] {7f})
        .write(p);
    SafetensorsFile f = SafetensorsFile.read(p);
    assertEquals(List.of("x", "mean", "count", "scalar"), List.copyOf(f.names()));
    assertEquals("batch_norm", f.requireMetadata("op"));
    assertEquals("1e-05", f.metadata().get("eps"));
    Tensor y = f.tensor("x", Layout.NCHW);
    assertEquals(x.shape(), y.shape());
    assertArrayEquals(x.data(), y.data());
    assertArrayEquals(new double[] {0.1, -0.2, Math.PI}, f.doubles("mean"));
    assertArrayEquals(new long[] {Long.MAX_VALUE, -1}, f.longs("count"));
    assertArrayEquals(new int[0], f.shape("scalar"));
    assertArrayEquals(new float[] {7f}, f.floats("scalar"));
    assertEquals(List.of("missing: y", "unexpected: mean", "unexpected: count", "unexpected: scalar"),
        f.differences(Set.of("x", "y")));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> f.requireMetadata("rtol"))
        .getMessage().contains("metadata 'rtol' is missing"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> f.longs("mean"))
        .getMessage().contains("expected an integer dtype"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> f.floats("nope"))
        .getMessage().contains("no tensor named 'nope'"));
    try (var files = Files.list(p.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void headerIsPaddedToEightBytes() {
    byte[] bytes = new SafetensorsWriter().putFloats("a", new float[] {1, 2}, 2).toBytes();
    long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, headerLen % 8);
    assertEquals(8 + headerLen + 8, bytes.length);
  }

  @Test
  void writerRejectsDuplicatesReservedNamesAndWrongShapes() {
    SafetensorsWriter w = new SafetensorsWriter().putFloats("a", new float[2], 2);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> w.putFloats("a", new float[2], 2))
        .getMessage().contains("already added"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> w.putFloats("__metadata__", new float[1], 1))
        .getMessage().contains("reserved"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> w.putFloats("b", new float[5], 2, 3))
        .getMessage().contains("holds 6 elements, data has 5"));
  }

  /** Writes a file from a raw header and a data section of {@code dataBytes} bytes. */
  private Path raw(String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    Path p = Files.createTempFile(dir, "bad", ".safetensors");
    Files.write(p, b.array());
    return p;
  }

  private static String rejection(Path p) {
    IOException e = assertThrows(IOException.class, () -> SafetensorsFile.read(p));
    assertTrue(e.getMessage().contains("not a valid safetensors file"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void rejectsHeaderLengthPastTheEnd() throws IOException {
    Path p = dir.resolve("long.safetensors");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(1L << 40).putLong(0);
    Files.write(p, b.array());
    assertTrue(rejection(p).contains("header length 1099511627776 does not fit a file of 16 bytes"));
    Path negative = dir.resolve("negative.safetensors");
    b.clear();
    b.putLong(-8).putLong(0);
    Files.write(negative, b.array());
    assertTrue(rejection(negative).contains("header length -8"));
  }

  @Test
  void rejectsFilesShorterThanTheLengthField() throws IOException {
    Path p = dir.resolve("tiny.safetensors");
    Files.write(p, new byte[] {1, 2, 3});
    assertTrue(rejection(p).contains("shorter than the 8-byte header length"));
  }

  @Test
  void rejectsOffsetsOutOfRange() throws IOException {
    Path p = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 8);
    assertTrue(rejection(p).contains("data_offsets [4, 12] fall outside the data section of 8 bytes"));
    Path reversed = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 8);
    assertTrue(rejection(reversed).contains("data_offsets [4, 0]"));
  }

  @Test
  void rejectsABadDtype() throws IOException {
    Path p = raw("{\"a\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", 16);
    assertTrue(rejection(p).contains("unsupported dtype F128"));
  }

  @Test
  void rejectsTruncatedData() throws IOException {
    // The header promises 3 floats (12 bytes); the data section holds only 8.
    Path p = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", 8);
    assertTrue(rejection(p).contains("fall outside the data section of 8 bytes"));
    // A byte count that disagrees with dtype and shape.
    Path wrong = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
    assertTrue(rejection(wrong).contains("holds 8 bytes, but F32 [3] needs 12"));
    // A file cut short in the middle of a valid one.
    byte[] good = new SafetensorsWriter().putFloats("a", new float[100], 100).toBytes();
    Path cut = dir.resolve("cut.safetensors");
    Files.write(cut, java.util.Arrays.copyOf(good, good.length - 1));
    rejection(cut);
  }

  @Test
  void rejectsHostileShapesAndBadHeaders() throws IOException {
    // A shape whose element count would overflow must not allocate.
    Path huge = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536],\"data_offsets\":[0,0]}}", 0);
    assertTrue(rejection(huge).contains("needs more bytes than the file has"));
    assertTrue(rejection(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0))
        .contains("bad dimension -1"));
    assertTrue(rejection(raw("{not json}", 0)).contains("header is not valid JSON"));
    assertTrue(rejection(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4)).contains("needs data_offsets"));
    assertTrue(rejection(raw("{\"__metadata__\":{\"k\":1}}", 0)).contains("__metadata__.k must be a string"));
  }

  @Test
  void readsOtherDtypes() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(2 + 2 + 4 + 1).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort(Float.floatToFloat16(1.5f));
    data.putShort((short) (Float.floatToRawIntBits(-2.0f) >>> 16));
    data.putInt(-7);
    data.put((byte) 200);
    String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[2,4]},"
        + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]},"
        + "\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[8,9]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer file = ByteBuffer.allocate(8 + json.length + 9).order(ByteOrder.LITTLE_ENDIAN);
    file.putLong(json.length).put(json).put(data.array());
    Path p = dir.resolve("dtypes.safetensors");
    Files.write(p, file.array());
    SafetensorsFile f = SafetensorsFile.read(p);
    assertArrayEquals(new float[] {1.5f}, f.floats("h"));
    assertArrayEquals(new float[] {-2f}, f.floats("b"));
    assertArrayEquals(new long[] {-7}, f.longs("i"));
    assertArrayEquals(new long[] {200}, f.longs("u"));
  }
}
