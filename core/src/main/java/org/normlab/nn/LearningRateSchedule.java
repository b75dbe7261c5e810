package org.normlab.nn;

import java.util.Arrays;

/**
 * A learning rate as a function of a step counter (epochs or iterations: the caller chooses the
 * unit and calls {@code optimizer.setLearningRate(schedule.at(t))}). The formulas are PyTorch's
 * lr_scheduler closed forms, t counting from 0.
 */
@FunctionalInterface
public interface LearningRateSchedule {

  double at(long t);

  /** The same rate at every t. */
  static LearningRateSchedule constant(double lr) {
    checkRate(lr);
    return t -> lr;
  }

  /** StepLR: lr * gamma^floor(t / stepSize). */
  static LearningRateSchedule step(double lr, long stepSize, double gamma) {
    checkRate(lr);
    if (stepSize < 1) {
      throw new IllegalArgumentException("step size: expected >= 1, got " + stepSize);
    }
    return t -> lr * Math.pow(gamma, Math.floorDiv(t, stepSize));
  }

  /** MultiStepLR: lr * gamma^(number of milestones <= t); milestones increasing. */
  static LearningRateSchedule multiStep(double lr, long[] milestones, double gamma) {
    checkRate(lr);
    long[] sorted = milestones.clone();
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] <= sorted[i - 1]) {
        throw new IllegalArgumentException("milestones: expected increasing values, got "
            + Arrays.toString(milestones));
      }
    }
    return t -> {
      int passed = 0;
      for (long m : sorted) {
        if (t >= m) {
          passed++;
        }
      }
      return lr * Math.pow(gamma, passed);
    };
  }

  /**
   * CosineAnnealingLR: minLr + (lr - minLr) * (1 + cos(pi * t / total)) / 2 for t in [0, total],
   * minLr after.
   */
  static LearningRateSchedule cosine(double lr, long total, double minLr) {
    checkRate(lr);
    checkRate(minLr);
    if (total < 1) {
      throw new IllegalArgumentException("total: expected >= 1, got " + total);
    }
    return t -> t >= total ? minLr : minLr + (lr - minLr) * (1 + Math.cos(Math.PI * t / total)) / 2;
  }

  /**
   * Linear warm-up (LinearLR then the inner schedule): the rate rises linearly from
   * startFactor * inner.at(0) to inner.at(warmup) over the first {@code warmup} values of t,
   * then follows {@code inner} shifted by {@code warmup}.
   */
  static LearningRateSchedule linearWarmup(LearningRateSchedule inner, long warmup, double startFactor) {
    if (warmup < 0) {
      throw new IllegalArgumentException("warm-up: expected >= 0, got " + warmup);
    }
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new IllegalArgumentException("start factor: expected a value in (0, 1], got " + startFactor);
    }
    return t -> {
      if (t >= warmup) {
        return inner.at(t - warmup);
      }
      double factor = startFactor + (1 - startFactor) * t / warmup;
      return inner.at(0) * factor;
    };
  }

  private static void checkRate(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate: expected a finite value >= 0, got " + lr);
    }
  }
}
