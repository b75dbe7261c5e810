package org.normlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

class BatchesAndCifarTest {
  @TempDir
  Path dir;

  private static Dataset numbered(int n) {
    Tensor images = Tensor.zeros(Layout.NCHW, n, 1, 2, 2);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      Arrays.fill(images.data(), i * 4, i * 4 + 4, i);
      labels[i] = i % 10;
    }
    return new Dataset("numbered", images, labels, 10);
  }

  @Test
  void shuffledEpochsCoverEveryItemOnceAndRepeatPerSeed() {
    Dataset ds = numbered(23);
    Batches batches = new Batches(ds, 5, true, false, 7);
    assertEquals(5, batches.count());
    List<Batches.Batch> epoch = batches.epoch(0);
    boolean[] seen = new boolean[23];
    for (Batches.Batch b : epoch) {
      for (int i = 0; i < b.size(); i++) {
        int idx = b.indices()[i];
        assertFalse(seen[idx], "index " + idx + " twice");
        seen[idx] = true;
        assertEquals(idx, b.images().data()[i * 4], "the image travels with its index");
        assertEquals(idx % 10, b.labels()[i]);
      }
    }
    assertEquals(3, epoch.get(4).size(), "last batch holds the remainder");
    assertArrayEquals(batches.order(3), new Batches(ds, 5, true, false, 7).order(3), "same seed and epoch");
    assertFalse(Arrays.equals(batches.order(0), batches.order(1)), "epochs differ");
    assertFalse(Arrays.equals(batches.order(0), new Batches(ds, 5, true, false, 8).order(0)), "seeds differ");
  }

  @Test
  void dropLastAndNoShuffle() {
    Batches batches = new Batches(numbered(23), 5, false, true, 7);
    assertEquals(4, batches.count());
    assertArrayEquals(new int[] {15, 16, 17, 18, 19}, batches.batch(0, 3).indices());
    assertThrows(IllegalArgumentException.class, () -> batches.batch(0, 4));
    assertThrows(IllegalArgumentException.class, () -> new Batches(numbered(3), 5, true, true, 0));
  }

  @Test
  void cifarBinaryBatches() throws IOException {
    byte[] records = new byte[2 * Cifar10.RECORD_BYTES];
    records[0] = 7;
    records[1] = (byte) 255; // red (0,0) of image 0
    records[Cifar10.RECORD_BYTES] = 2;
    records[Cifar10.RECORD_BYTES + 1 + 1024 + 33] = (byte) 51; // green (1,1) of image 1
    Path f = dir.resolve("data_batch_1.bin");
    Files.write(f, records);
    Files.write(dir.resolve("test_batch.bin"), Arrays.copyOf(records, Cifar10.RECORD_BYTES));
    DataDirectory.Split split = DataDirectory.load(dir);
    Dataset ds = split.train();
    assertArrayEquals(new int[] {7, 2}, ds.labels());
    assertArrayEquals(new int[] {2, 3, 32, 32}, ds.images().shape().dims());
    assertEquals(1f, ds.images().get(0, 0, 0, 0));
    assertEquals(0.2f, ds.images().get(1, 1, 1, 1), 1e-7);
    assertEquals(1, split.test().size());

    Files.write(f, Arrays.copyOf(records, records.length - 1));
    IOException e = assertThrows(IOException.class, () -> Cifar10.read("x", List.of(f)));
    assertTrue(e.getMessage().contains("not a positive multiple of the 3073-byte"), e.getMessage());
    records[0] = 12;
    Files.write(f, records);
    e = assertThrows(IOException.class, () -> Cifar10.read("x", List.of(f)));
    assertTrue(e.getMessage().contains("label 12"), e.getMessage());
  }

  @Test
  void dataDirectoryExplainsWhatItLooksFor() {
    IOException e = assertThrows(IOException.class, () -> DataDirectory.load(dir));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains("test_batch.bin"),
        e.getMessage());
  }
}
