package org.normlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a training and a test set in a folder: MNIST or Fashion-MNIST IDX files
 * ({@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 * {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}) or CIFAR-10's binary
 * batches ({@code data_batch_1.bin} .. {@code data_batch_5.bin} and {@code test_batch.bin}, also
 * inside a {@code cifar-10-batches-bin} subfolder).
 */
public final class DataDirectory {
  /** A training and a test set. */
  public record Split(Dataset train, Dataset test) {}

  private DataDirectory() {}

  public static Split load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + ": not a folder (--data expects a folder with MNIST-style IDX files or CIFAR-10 batches)");
    }
    Path trainImages = find(dir, "train-images-idx3-ubyte");
    if (trainImages != null) {
      String name = dir.getFileName() == null ? "idx" : dir.getFileName().toString();
      return new Split(
          Dataset.fromIdx(name + " train", trainImages, require(dir, "train-labels-idx1-ubyte")),
          Dataset.fromIdx(name + " test", require(dir, "t10k-images-idx3-ubyte"),
              require(dir, "t10k-labels-idx1-ubyte")));
    }
    Path cifar = Files.isDirectory(dir.resolve("cifar-10-batches-bin")) ? dir.resolve("cifar-10-batches-bin") : dir;
    if (Files.isRegularFile(cifar.resolve("test_batch.bin"))) {
      List<Path> train = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        Path f = cifar.resolve("data_batch_" + i + ".bin");
        if (Files.isRegularFile(f)) {
          train.add(f);
        }
      }
      if (train.isEmpty()) {
        throw new IOException(cifar + ": has test_batch.bin but no data_batch_N.bin training files");
      }
      return new Split(Cifar10.read("cifar-10 train", train),
          Cifar10.read("cifar-10 test", List.of(cifar.resolve("test_batch.bin"))));
    }
    throw new IOException(dir + ": found neither train-images-idx3-ubyte[.gz] (MNIST, Fashion-MNIST)"
        + " nor test_batch.bin (CIFAR-10 binary)");
  }

  /**
   * Only the test set of {@code dir} (t10k IDX files, or CIFAR-10's test_batch.bin): what
   * evaluation needs, so a folder without training files will do.
   */
  public static Dataset loadTest(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + ": not a folder (--data expects a folder with MNIST-style IDX files or CIFAR-10 batches)");
    }
    Path images = find(dir, "t10k-images-idx3-ubyte");
    if (images != null) {
      String name = dir.getFileName() == null ? "idx" : dir.getFileName().toString();
      return Dataset.fromIdx(name + " test", images, require(dir, "t10k-labels-idx1-ubyte"));
    }
    Path cifar = Files.isDirectory(dir.resolve("cifar-10-batches-bin")) ? dir.resolve("cifar-10-batches-bin") : dir;
    if (Files.isRegularFile(cifar.resolve("test_batch.bin"))) {
      return Cifar10.read("cifar-10 test", List.of(cifar.resolve("test_batch.bin")));
    }
    throw new IOException(dir + ": found neither t10k-images-idx3-ubyte[.gz] (MNIST, Fashion-MNIST)"
        + " nor test_batch.bin (CIFAR-10 binary)");
  }

  private static Path find(Path dir, String base) {
    for (String name : new String[] {base, base + ".gz"}) {
      if (Files.isRegularFile(dir.resolve(name))) {
        return dir.resolve(name);
      }
    }
    return null;
  }

  private static Path require(Path dir, String base) throws IOException {
    Path p = find(dir, base);
    if (p == null) {
      throw new IOException(dir + ": missing " + base + " (or " + base + ".gz)");
    }
    return p;
  }
}
