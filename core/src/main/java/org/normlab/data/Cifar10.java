package org.normlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10's binary version: each record is one label byte (0..9) followed by 3072 pixel bytes,
 * 1024 red, 1024 green, 1024 blue, each a row-major 32x32 plane (so a record is already (C, H, W)).
 * Files: data_batch_1.bin .. data_batch_5.bin (training) and test_batch.bin.
 */
public final class Cifar10 {
  public static final int RECORD_BYTES = 1 + 3 * 32 * 32;

  private Cifar10() {}

  /** Reads one or more batch files into one dataset of (N, 3, 32, 32) images / 255. */
  public static Dataset read(String name, List<Path> files) throws IOException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("files: expected at least one CIFAR-10 batch file, got none");
    }
    List<byte[]> contents = new ArrayList<>();
    long records = 0;
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new IOException(f + ": no such file");
      }
      long size = Files.size(f);
      if (size == 0 || size % RECORD_BYTES != 0) {
        throw new IOException(f + ": size " + size + " is not a positive multiple of the "
            + RECORD_BYTES + "-byte CIFAR-10 record (truncated or not a CIFAR-10 binary batch)");
      }
      records += size / RECORD_BYTES;
      if (records * (RECORD_BYTES - 1) > org.normlab.tensor.Shape.MAX_ELEMENTS) {
        throw new IOException(f + ": too many records for one dataset (" + records + ")");
      }
      contents.add(Files.readAllBytes(f));
    }
    int n = (int) records;
    int pixels = RECORD_BYTES - 1;
    byte[] images = new byte[n * pixels];
    int[] labels = new int[n];
    int i = 0;
    for (int fi = 0; fi < contents.size(); fi++) {
      byte[] c = contents.get(fi);
      for (int off = 0; off < c.length; off += RECORD_BYTES, i++) {
        labels[i] = c[off] & 0xff;
        if (labels[i] > 9) {
          throw new IOException(files.get(fi) + ": record " + off / RECORD_BYTES + " has label "
              + labels[i] + ", expected 0..9");
        }
        System.arraycopy(c, off + 1, images, i * pixels, pixels);
      }
    }
    return new Dataset(name, Dataset.pixels(images, n, 3, 32, 32), labels, 10);
  }
}
