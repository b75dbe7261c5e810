package org.normlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.normlab.lab.experiments.E0CovariateShift;
import org.normlab.lab.experiments.E1ActivationsOverTime;
import org.normlab.lab.experiments.E2HigherLearningRates;
import org.normlab.lab.experiments.E3NoisyBatchNorm;
import org.normlab.lab.experiments.E4GradientIcs;
import org.normlab.lab.experiments.E5Landscape;
import org.normlab.lab.experiments.E6LpNormalization;
import org.normlab.lab.experiments.E7SmallBatches;
import org.normlab.lab.experiments.E8Generalization;

/** The registry of experiments, in the order {@code normlab lab list} shows them. */
public final class Experiments {
  private Experiments() {}

  /** Every experiment. */
  public static List<Experiment> all() {
    return List.of(
        new E0CovariateShift(),
        new E1ActivationsOverTime(),
        new E2HigherLearningRates(),
        new E3NoisyBatchNorm(),
        new E4GradientIcs(),
        new E5Landscape(),
        new E6LpNormalization(),
        new E7SmallBatches(),
        new E8Generalization());
  }

  /** The default suite that {@code normlab lab} runs: E1, E3 and E5. */
  public static List<Experiment> defaultSuite() {
    return List.of(byName("E1"), byName("E3"), byName("E5"));
  }

  /** Looks an experiment up by name, case-insensitively. */
  public static Experiment byName(String name) {
    for (Experiment e : all()) {
      if (e.name().equalsIgnoreCase(name)) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    all().forEach(e -> names.add(e.name()));
    throw new IllegalArgumentException("experiment: expected one of " + String.join(", ", names) + ", got '"
        + name.toUpperCase(Locale.ROOT) + "'");
  }
}
