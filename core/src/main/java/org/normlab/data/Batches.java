package org.normlab.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.normlab.tensor.Tensor;

/**
 * Mini-batches of a {@link Dataset}, PyTorch DataLoader style: per epoch a permutation (when
 * shuffling) that depends only on the seed and the epoch number, so epoch e is the same batches
 * whether a run starts at epoch 0 or resumes at e; consecutive batches of {@code batchSize}; the
 * last, shorter batch dropped with {@code dropLast}.
 */
public final class Batches {
  /** One batch: images (B, C, H, W) copied out of the dataset, labels, and the dataset indices. */
  public record Batch(Tensor images, int[] labels, int[] indices) {
    public int size() {
      return labels.length;
    }
  }

  private final Dataset dataset;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean dropLast;
  private final long seed;

  public Batches(Dataset dataset, int batchSize, boolean shuffle, boolean dropLast, long seed) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size: expected >= 1, got " + batchSize);
    }
    if (dropLast && batchSize > dataset.size()) {
      throw new IllegalArgumentException("batch size: " + batchSize + " is larger than the "
          + dataset.size() + " items of " + dataset.name() + " and the last batch is dropped");
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = seed;
  }

  /** Batches per epoch. */
  public int count() {
    int n = dataset.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /** The order of dataset indices in {@code epoch}: a seeded Fisher-Yates shuffle, or 0..N-1. */
  public int[] order(int epoch) {
    int n = dataset.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** Batch {@code b} (0-based) of {@code epoch}. */
  public Batch batch(int epoch, int b) {
    return batch(order(epoch), b);
  }

  /** Batch {@code b} for a precomputed {@link #order(int)}. */
  public Batch batch(int[] order, int b) {
    if (b < 0 || b >= count()) {
      throw new IllegalArgumentException("batch: expected 0.." + (count() - 1) + ", got " + b);
    }
    int from = b * batchSize;
    int size = Math.min(batchSize, order.length - from);
    int per = dataset.imageSize();
    int[] dims = dataset.images().shape().dims();
    dims[0] = size;
    Tensor images = Tensor.zeros(dataset.images().layout(), dims);
    int[] labels = new int[size];
    int[] indices = new int[size];
    for (int i = 0; i < size; i++) {
      int idx = order[from + i];
      indices[i] = idx;
      labels[i] = dataset.labels()[idx];
      System.arraycopy(dataset.images().data(), idx * per, images.data(), i * per, per);
    }
    return new Batch(images, labels, indices);
  }

  /** All batches of {@code epoch} in order. */
  public List<Batch> epoch(int epoch) {
    int[] order = order(epoch);
    List<Batch> out = new ArrayList<>(count());
    for (int b = 0; b < count(); b++) {
      out.add(batch(order, b));
    }
    return out;
  }
}
