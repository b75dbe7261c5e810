package org.normlab.lab.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.normlab.data.Dataset;
import org.normlab.lab.data.EmbeddedData;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * The images the experiments train on: by default the Fashion-MNIST subset embedded in the CLI
 * (10,000 class-balanced training images, the full 10,000-image test set); with {@code --data
 * DIR} the files in DIR (e.g. the full 60,000-image training set). The MLPs see them flattened to
 * rows (N, C*H*W) of pixels / 255.
 */
public record LabData(String source, Dataset train, Dataset test) {

  /** The embedded subset or the data in {@code dir}. */
  public static LabData load(Optional<Path> dir) throws IOException {
    var split = EmbeddedData.load(dir.orElse(null));
    return new LabData(dir.map(d -> "data from " + d).orElse("embedded Fashion-MNIST subset"), split.train(),
        split.test());
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
