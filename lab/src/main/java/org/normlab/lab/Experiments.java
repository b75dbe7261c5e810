package org.normlab.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The registry of experiments, in the order {@code normlab lab list} shows them. */
public final class Experiments {
  private Experiments() {}

  /** Every experiment. */
  public static List<Experiment> all() {
    return List.of(
        // experiments are listed here in order E0..E8
    );
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
