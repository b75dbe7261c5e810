package org.normlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
  @TempDir
  Path dir;

  static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  @Test
  void readsPlainAndGzip() throws IOException {
    byte[] pixels = new byte[2 * 3 * 4];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 10);
    }
    byte[] raw = idx(new int[] {2, 3, 4}, pixels);
    IdxFile plain = IdxFile.read(write("plain", raw));
    IdxFile gz = IdxFile.read(write("packed.gz", gzip(raw)));
    assertArrayEquals(new int[] {2, 3, 4}, plain.dims());
    assertArrayEquals(pixels, plain.data());
    assertArrayEquals(pixels, gz.data());
    assertEquals(2, gz.count());
  }

  @Test
  void datasetScalesPixelsAndChecksCounts() throws IOException {
    byte[] pixels = new byte[2 * 2 * 2];
    pixels[0] = (byte) 255;
    pixels[5] = (byte) 51;
    Path images = write("images", idx(new int[] {2, 2, 2}, pixels));
    Path labels = write("labels", idx(new int[] {2}, new byte[] {3, 9}));
    Dataset ds = Dataset.fromIdx("tiny", images, labels);
    assertEquals(1f, ds.images().data()[0]);
    assertEquals(0.2f, ds.images().data()[5], 1e-7);
    assertArrayEquals(new int[] {3, 9}, ds.labels());
    assertArrayEquals(new int[] {2, 1, 2, 2}, ds.images().shape().dims());

    Path threeLabels = write("labels3", idx(new int[] {3}, new byte[] {1, 2, 3}));
    IOException e = assertThrows(IOException.class, () -> Dataset.fromIdx("x", images, threeLabels));
    assertTrue(e.getMessage().contains("holds 2 images but") && e.getMessage().contains("3 labels"), e.getMessage());
    Path badLabel = write("labels10", idx(new int[] {2}, new byte[] {1, 10}));
    e = assertThrows(IOException.class, () -> Dataset.fromIdx("x", images, badLabel));
    assertTrue(e.getMessage().contains("label 1 is 10"), e.getMessage());
  }

  @Test
  void wrongMagicNamesTheFile() throws IOException {
    Path p = write("notidx", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(p));
    assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("wrong magic number"), e.getMessage());
  }

  @Test
  void truncatedDataIsReported() throws IOException {
    byte[] raw = idx(new int[] {10, 28, 28}, new byte[100]);
    Path p = write("short.gz", gzip(raw));
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(p));
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("7840"), e.getMessage());
  }

  @Test
  void hugeDimensionsNeverAllocate() throws IOException {
    // claims 2^31-1 x 2^31-1 x 255 bytes: must fail on the size check, not run out of memory
    byte[] raw = idx(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 255}, new byte[16]);
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(write("huge", raw)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void truncatedGzipStreamIsReported() throws IOException {
    byte[] gz = gzip(idx(new int[] {50, 28, 28}, new byte[50 * 784]));
    Path p = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(p));
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
  }

  @Test
  void trailingBytesAndBadHeaderAreReported() throws IOException {
    byte[] raw = idx(new int[] {2}, new byte[] {1, 2, 3});
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(write("long", raw)));
    assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    IOException e2 = assertThrows(IOException.class,
        () -> IdxFile.read(write("hdr", new byte[] {0, 0, 8, 3, 0, 0})));
    assertTrue(e2.getMessage().contains("truncated header"), e2.getMessage());
    IOException e3 = assertThrows(IOException.class, () -> IdxFile.read(dir.resolve("missing")));
    assertTrue(e3.getMessage().contains("no such file"), e3.getMessage());
  }
}
