package org.normlab.lab.train;

import org.normlab.data.Batches;
import org.normlab.data.Dataset;
import org.normlab.tensor.Layout;
import org.normlab.tensor.Tensor;

/**
 * An endless stream of seeded, shuffled mini-batches (engine's {@link Batches}, last short batch
 * dropped, a new permutation each epoch) with the images flattened to (B, C*H*W) for the MLPs.
 */
public final class BatchStream {
  /** One mini-batch: rows (B, F) and labels. */
  public record Batch(Tensor x, int[] y) {}

  private final Batches batches;
  private int epoch;
  private int[] order;
  private int next;

  public BatchStream(Dataset data, int batchSize, long seed) {
    this.batches = new Batches(data, batchSize, true, true, seed);
  }

  public Batch next() {
    if (order == null || next == batches.count()) {
      order = batches.order(epoch++);
      next = 0;
    }
    Batches.Batch b = batches.batch(order, next++);
    Tensor images = b.images();
    return new Batch(images.reshape(Layout.NC, b.size(), images.size() / b.size()), b.labels());
  }
}
