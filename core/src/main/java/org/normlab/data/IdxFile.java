package org.normlab.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An IDX file (the MNIST / Fashion-MNIST format), plain or gzip-compressed (detected from the
 * content, not the name): magic {@code 0x00 0x00 0x08 ndims}, ndims big-endian int32 dimensions,
 * then unsigned bytes in row-major order. Only the unsigned-byte type (0x08) is read: it is what
 * every MNIST-family file uses.
 *
 * <p>No length field is trusted: the dimensions are checked against the bytes that are actually
 * there (decompressed as a stream, never allocated from a header value), so a corrupt file gives
 * an error naming the file and the problem, never an out-of-memory.
 */
public record IdxFile(String source, int[] dims, byte[] data) {
  private static final int MAX_DIMS = 4;

  /** Reads and validates {@code path}. */
  public static IdxFile read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IOException(path + ": no such file");
    }
    return parse(path.toString(), Files.readAllBytes(path));
  }

  /**
   * Parses the content of an IDX file, plain or gzip; {@code source} names it in errors (a path
   * or a resource name).
   */
  public static IdxFile parse(String source, byte[] raw) throws IOException {
    String path = source;
    byte[] bytes = maybeGunzip(path, raw);
    if (bytes.length < 4) {
      throw bad(path, "file has " + bytes.length + " bytes, shorter than the 4-byte magic number");
    }
    if (bytes[0] != 0 || bytes[1] != 0) {
      throw bad(path, String.format("wrong magic number 0x%02x%02x%02x%02x (an IDX file starts with 0x0000)",
          bytes[0], bytes[1], bytes[2], bytes[3]));
    }
    if (bytes[2] != 0x08) {
      throw bad(path, String.format("element type 0x%02x is not supported (expected 0x08, unsigned byte)", bytes[2]));
    }
    int ndims = bytes[3] & 0xff;
    if (ndims < 1 || ndims > MAX_DIMS) {
      throw bad(path, "expected 1 to " + MAX_DIMS + " dimensions, got " + ndims);
    }
    int header = 4 + 4 * ndims;
    if (bytes.length < header) {
      throw bad(path, "truncated header: " + ndims + " dimensions need " + header + " bytes, file has " + bytes.length);
    }
    int[] dims = new int[ndims];
    long count = 1;
    for (int i = 0; i < ndims; i++) {
      int o = 4 + 4 * i;
      long d = ((bytes[o] & 0xffL) << 24) | ((bytes[o + 1] & 0xff) << 16) | ((bytes[o + 2] & 0xff) << 8) | (bytes[o + 3] & 0xff);
      if (d > Integer.MAX_VALUE) {
        throw bad(path, "dimension " + i + " is " + d + ", larger than the file");
      }
      dims[i] = (int) d;
      // saturate at 2^62: a product that large is reported as too large, never overflowed
      count = count > (1L << 62) / Math.max(d, 1) ? (1L << 62) : count * d;
    }
    long available = bytes.length - header;
    if (count != available) {
      throw bad(path, (count > available ? "truncated: " : "unexpected trailing data: ") + "dimensions "
          + Arrays.toString(dims) + " need " + (count == (1L << 62) ? "more than 2^62" : count)
          + " bytes of data, file has " + available);
    }
    return new IdxFile(source, dims, Arrays.copyOfRange(bytes, header, bytes.length));
  }

  /** The content, decompressed when it starts with the gzip magic 1f 8b (as a stream: no header size is trusted). */
  static byte[] maybeGunzip(String path, byte[] raw) throws IOException {
    if (raw.length < 2 || (raw[0] & 0xff) != 0x1f || (raw[1] & 0xff) != 0x8b) {
      return raw;
    }
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
      in.transferTo(out);
      return out.toByteArray();
    } catch (ZipException | java.io.EOFException e) {
      throw bad(path, "corrupt or truncated gzip data (" + e.getMessage() + ")");
    }
  }

  static IOException bad(String path, String what) {
    return new IOException(path + ": " + what);
  }

  /** Number of items (the first dimension). */
  public int count() {
    return dims[0];
  }
}
