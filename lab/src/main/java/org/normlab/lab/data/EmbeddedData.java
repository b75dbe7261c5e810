package org.normlab.lab.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.normlab.data.DataDirectory;
import org.normlab.data.Dataset;
import org.normlab.data.IdxFile;

/**
 * The Fashion-MNIST data shipped inside normlab (resources under
 * {@code org/normlab/lab/data/fashion-mnist}, written by reference/make_embedded_data.py; MIT
 * licence, see the LICENSE and README.md beside the files): a class-balanced 10,000-image
 * training subset and the full 10,000-image test set. {@link #load(Path)} is what every command
 * uses: a folder given with {@code --data} replaces the embedded data.
 */
public final class EmbeddedData {
  private static final String ROOT = "/org/normlab/lab/data/fashion-mnist/";
  private static volatile DataDirectory.Split embedded;

  private EmbeddedData() {}

  /** The data in {@code dir} (MNIST-style IDX or CIFAR-10 binary), or the embedded data when null. */
  public static DataDirectory.Split load(Path dir) throws IOException {
    return dir == null ? embedded() : DataDirectory.load(dir);
  }

  /** The test set in {@code dir} (only the test files are needed), or the embedded one when null. */
  public static Dataset loadTest(Path dir) throws IOException {
    return dir == null ? embedded().test() : DataDirectory.loadTest(dir);
  }

  /** The embedded training subset and test set (read once, then shared: treat as read-only). */
  public static DataDirectory.Split embedded() {
    DataDirectory.Split s = embedded;
    if (s == null) {
      synchronized (EmbeddedData.class) {
        s = embedded;
        if (s == null) {
          try {
            s = new DataDirectory.Split(
                read("fashion-mnist train (embedded 10k subset)", "train"),
                read("fashion-mnist test", "t10k"));
          } catch (IOException e) {
            throw new UncheckedIOException("the embedded Fashion-MNIST data is damaged: " + e.getMessage(), e);
          }
          embedded = s;
        }
      }
    }
    return s;
  }

  private static Dataset read(String name, String prefix) throws IOException {
    return Dataset.fromIdx(name, resource(prefix + "-images-idx3-ubyte.gz"),
        resource(prefix + "-labels-idx1-ubyte.gz"));
  }

  private static IdxFile resource(String file) throws IOException {
    try (InputStream in = EmbeddedData.class.getResourceAsStream(ROOT + file)) {
      if (in == null) {
        throw new IOException("resource " + ROOT + file + " is missing from the normlab jar");
      }
      return IdxFile.parse("embedded " + file, in.readAllBytes());
    }
  }
}
