package org.normlab.info;

/**
 * The options shared by the builders of the losses on class-index targets ({@link CrossEntropy},
 * {@link NllLoss}), with PyTorch's defaults: reduction mean, no class weights, ignore_index -100.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class IndexLossOptions<B extends IndexLossOptions<B>> {
  Reduction reduction = Reduction.MEAN;
  float[] weight;
  int ignoreIndex = CrossEntropy.DEFAULT_IGNORE_INDEX;

  IndexLossOptions() {}

  abstract B self();

  /** none, sum or mean (default mean). */
  public B optReduction(Reduction reduction) {
    this.reduction = IndexTargets.checkReduction(reduction);
    return self();
  }

  /** One weight per class, finite and >= 0 (default: all 1). Copied. */
  public B optWeight(float[] weight) {
    this.weight = IndexTargets.checkedCopy(weight);
    return self();
  }

  /** Targets equal to this value contribute nothing (default -100). */
  public B optIgnoreIndex(int ignoreIndex) {
    this.ignoreIndex = ignoreIndex;
    return self();
  }
}
