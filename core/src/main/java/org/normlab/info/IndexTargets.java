package org.normlab.info;

/** Checks and sums shared by the losses on class-index targets (cross_entropy, nll_loss). */
final class IndexTargets {
  private IndexTargets() {}

  /** Throws unless there are {@code rows} targets, each a class in [0, classes) or ignoreIndex. */
  static void check(int[] targets, int rows, int classes, int ignoreIndex) {
    if (targets == null) {
      throw new IllegalArgumentException("targets: expected " + rows + " class indices, got null");
    }
    if (targets.length != rows) {
      throw new IllegalArgumentException("targets: expected " + rows + " class indices, got " + targets.length);
    }
    for (int i = 0; i < rows; i++) {
      int t = targets[i];
      if ((t < 0 || t >= classes) && t != ignoreIndex) {
        throw new IllegalArgumentException("targets[" + i + "]: expected a class in [0, " + classes
            + ") or ignore_index " + ignoreIndex + ", got " + t);
      }
    }
  }

  /** Throws unless {@code weight} is null or holds one weight per class. */
  static void checkWeight(float[] weight, int classes) {
    if (weight != null && weight.length != classes) {
      throw new IllegalArgumentException("weight: expected " + classes + " class weights, got " + weight.length);
    }
  }

  /** sum of w[t] over the targets that are not ignored (the count when weight is null): MEAN's denominator. */
  static double weightSum(int[] targets, float[] weight, int ignoreIndex) {
    double s = 0;
    for (int t : targets) {
      s += t == ignoreIndex ? 0 : (weight == null ? 1 : weight[t]);
    }
    return s;
  }

  /** A copy of class weights after checking that each is finite and >= 0 (null stays null). */
  static float[] checkedCopy(float[] weight) {
    if (weight == null) {
      return null;
    }
    for (int i = 0; i < weight.length; i++) {
      if (!(weight[i] >= 0) || Float.isInfinite(weight[i])) {
        throw new IllegalArgumentException("weight[" + i + "]: expected a finite value >= 0, got " + weight[i]);
      }
    }
    return weight.clone();
  }

  /** Throws unless reduction is none, sum or mean. */
  static Reduction checkReduction(Reduction reduction) {
    if (reduction == null || reduction == Reduction.BATCHMEAN) {
      throw new IllegalArgumentException("reduction: expected none, sum or mean, got " + reduction);
    }
    return reduction;
  }
}
