package org.normlab.lab.experiments;

import java.util.Locale;
import org.normlab.lab.RunLog;
import org.normlab.lab.Series;

/** Small helpers shared by the acceptance rules of the experiments. */
final class Bars {
  private Bars() {}

  /** A number for a measured-value column: 3 significant digits, "diverged" for NaN/infinity. */
  static String num(double v) {
    if (!Double.isFinite(v)) {
      return "diverged";
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-3 || a >= 1e5)) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    return String.format(Locale.ROOT, a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", v);
  }

  /**
   * a / b where a non-finite numerator (a probe or run that diverged) counts as +infinity; NaN
   * when b is not a positive finite number.
   */
  static double ratio(double a, double b) {
    if (!(b > 0) || !Double.isFinite(b)) {
      return Double.NaN;
    }
    return Double.isFinite(a) ? a / b : Double.POSITIVE_INFINITY;
  }

  /** Test accuracy (%) over steps of one run. */
  static Series testAccuracy(RunLog log, String run, long seed) {
    return log.series(run, seed, "eval", "test_acc");
  }

  /** The (smoothed) training loss of one run. */
  static Series trainLoss(RunLog log, String run, long seed) {
    return log.series(run, seed, "train", "loss");
  }

  /** True when a run's training loss went non-finite. */
  static boolean diverged(RunLog log, String run, long seed) {
    return trainLoss(log, run, seed).diverged();
  }
}
