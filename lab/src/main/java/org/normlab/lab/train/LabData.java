package org.normlab.lab.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.normlab.data.Dataset;
import org.normlab.data.IdxFile;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The images the experiments train on, flattened for the MLPs: training and test rows (N, 784)
 * of pixels / 255 and their labels. By default the Fashion-MNIST subset embedded in the CLI
 * (10,000 class-balanced training images, the full 10,000-image test set); with {@code --data
 * DIR} the IDX files in DIR (plain or gzip), e.g. the full 60,000-image training set.
 */
public record LabData(String source, Dataset train, Dataset test) {
  static final String RESOURCES = "/org/normlab/lab/data/fashion-mnist/";
  static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  private static LabData embedded;

  /** The embedded subset (loaded once per JVM) or the files in {@code dir}. */
  public static LabData load(Optional<Path> dir) throws IOException {
    if (dir.isPresent()) {
      Path d = dir.get();
      return of("Fashion-MNIST from " + d,
          Dataset.fromIdx("train", find(d, TRAIN_IMAGES), find(d, TRAIN_LABELS)),
          Dataset.fromIdx("test", find(d, TEST_IMAGES), find(d, TEST_LABELS)));
    }
    synchronized (LabData.class) {
      if (embedded == null) {
        embedded = of("embedded Fashion-MNIST subset",
            Dataset.fromIdx("train", resource(TRAIN_IMAGES + ".gz"), resource(TRAIN_LABELS + ".gz")),
            Dataset.fromIdx("test", resource(TEST_IMAGES + ".gz"), resource(TEST_LABELS + ".gz")));
      }
      return embedded;
    }
  }

  static LabData of(String source, Dataset train, Dataset test) {
    return new LabData(source, train, test);
  }

  /** The images of {@code d} as (N, C*H*W) rows (a view, not a copy). */
  public static Tensor flatten(Dataset d) {
    return Tensor.wrap(d.images().data(), Layout.NC, d.size(), d.imageSize());
  }

  public Tensor trainX() {
    return flatten(train);
  }

  public int[] trainY() {
    return train.labels();
  }

  public Tensor testX() {
    return flatten(test);
  }

  public int[] testY() {
    return test.labels();
  }

  private static Path find(Path dir, String name) throws IOException {
    for (String candidate : new String[] {name, name + ".gz"}) {
      Path p = dir.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new IOException("--data: expected " + name + " or " + name + ".gz in " + dir + ", found neither");
  }

  private static IdxFile resource(String name) throws IOException {
    try (InputStream in = LabData.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("embedded data: resource " + RESOURCES + name + " is missing from the build");
      }
      return IdxFile.parse(RESOURCES + name, in.readAllBytes());
    }
  }

  public int inputs() {
    return train.imageSize();
  }

  public int trainSize() {
    return train.size();
  }

  public int testSize() {
    return test.size();
  }

  /** The first {@code n} training images (all when n >= the size). */
  public LabData headTrain(int n) {
    int m = Math.min(n, trainSize());
    return new LabData(source + ", first " + m + " training images", train.head(m), test);
  }

  /** The first {@code n} test images (all when n >= the size). */
  public LabData headTest(int n) {
    return new LabData(source, train, test.head(Math.min(n, testSize())));
  }

  /** Rows [from, from+count) of an (N, F) tensor, copied. */
  public static Tensor rows(Tensor x, int from, int count) {
    int f = x.dim(1);
    float[] out = new float[count * f];
    System.arraycopy(x.data(), from * f, out, 0, count * f);
    return Tensor.wrap(out, Layout.NC, count, f);
  }

  /** The rows {@code index} of an (N, F) tensor, copied in that order. */
  public static Tensor gather(Tensor x, int[] index) {
    int f = x.dim(1);
    float[] out = new float[index.length * f];
    for (int i = 0; i < index.length; i++) {
      System.arraycopy(x.data(), index[i] * f, out, i * f, f);
    }
    return Tensor.wrap(out, Layout.NC, index.length, f);
  }

  /** {@code labels[index[i]]}. */
  public static int[] gather(int[] labels, int[] index) {
    int[] out = new int[index.length];
    for (int i = 0; i < index.length; i++) {
      out[i] = labels[index[i]];
    }
    return out;
  }
}
