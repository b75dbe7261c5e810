package org.normlab.data;

import java.io.IOException;
import java.nio.file.Path;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * Labelled images in memory: {@code images} (N, C, H, W) NCHW holding pixels / 255 and
 * {@code labels} in [0, classes).
 */
public record Dataset(String name, Tensor images, int[] labels, int classes) {

  public Dataset {
    if (images.layout() != Layout.NCHW) {
      throw new IllegalArgumentException("images: expected NCHW, got " + images.layout());
    }
    if (images.dim(0) != labels.length) {
      throw new IllegalArgumentException(name + ": image and label counts differ: "
          + images.dim(0) + " images, " + labels.length + " labels");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(name + ": label " + i + " is " + labels[i]
            + ", expected 0.." + (classes - 1));
      }
    }
  }

  public int size() {
    return labels.length;
  }

  /** Elements per image (C*H*W). */
  public int imageSize() {
    return images.size() / Math.max(labels.length, 1);
  }

  /**
   * Reads an IDX image file (N, H, W) and label file (N) as a 10-class dataset of (N, 1, H, W)
   * images scaled to [0, 1]; a count mismatch is an error naming both files.
   */
  public static Dataset fromIdx(String name, Path imagesFile, Path labelsFile) throws IOException {
    return fromIdx(name, IdxFile.read(imagesFile), IdxFile.read(labelsFile));
  }

  /** As {@link #fromIdx(String, Path, Path)} for files already parsed. */
  public static Dataset fromIdx(String name, IdxFile images, IdxFile labels) throws IOException {
    String imagesFile = images.source();
    String labelsFile = labels.source();
    if (images.dims().length != 3) {
      throw new IOException(imagesFile + ": expected image dimensions (N, H, W), got "
          + java.util.Arrays.toString(images.dims()));
    }
    if (labels.dims().length != 1) {
      throw new IOException(labelsFile + ": expected label dimensions (N), got "
          + java.util.Arrays.toString(labels.dims()));
    }
    if (images.count() != labels.count()) {
      throw new IOException(imagesFile + " holds " + images.count() + " images but " + labelsFile
          + " holds " + labels.count() + " labels");
    }
    int[] y = new int[labels.count()];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels.data()[i] & 0xff;
      if (y[i] >= 10) {
        throw new IOException(labelsFile + ": label " + i + " is " + y[i] + ", expected 0..9");
      }
    }
    int n = images.dims()[0];
    return new Dataset(name, pixels(images.data(), n, 1, images.dims()[1], images.dims()[2]), y, 10);
  }

  /** Unsigned bytes as floats / 255 in an (n, c, h, w) NCHW tensor. */
  static Tensor pixels(byte[] bytes, int n, int c, int h, int w) {
    Tensor t = Tensor.zeros(Layout.NCHW, n, c, h, w);
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (bytes[i] & 0xff) / 255f;
    }
    return t;
  }

  /** The first {@code count} items (a view of the same images). */
  public Dataset head(int count) {
    if (count < 0 || count > size()) {
      throw new IllegalArgumentException("count: expected 0.." + size() + ", got " + count);
    }
    int[] dims = images.shape().dims();
    int per = imageSize();
    float[] data = java.util.Arrays.copyOf(images.data(), count * per);
    dims[0] = count;
    return new Dataset(name, Tensor.wrap(data, Layout.NCHW, dims), java.util.Arrays.copyOf(labels, count), classes);
  }
}
