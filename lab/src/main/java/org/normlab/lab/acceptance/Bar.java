package org.normlab.lab.acceptance;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.normlab.lab.RunLog;

/**
 * One acceptance bar of shared/docs/reproductions.md, as code: the bar's text as written there,
 * and a rule evaluated per seed on the run log alone.
 *
 * <p>Seeds: a bar passes when it holds on at least ceil(2K/3) of the K seeds in the log (2 of 3,
 * as reproductions.md asks for orderings; 1 of 1). A seed whose data are missing (an interrupted
 * run) counts as not holding; with no data for any seed the bar is {@link Status#NOT_MEASURED}.
 */
public final class Bar {
  /** Evaluates the bar on one seed; null when the log lacks the data. */
  @FunctionalInterface
  public interface Rule {
    Check check(RunLog log, long seed);
  }

  private final String id;
  private final String text;
  private final Rule rule;
  private final boolean reportOnly;

  private Bar(String id, String text, Rule rule, boolean reportOnly) {
    this.id = Objects.requireNonNull(id, "id");
    this.text = Objects.requireNonNull(text, "text");
    this.rule = Objects.requireNonNull(rule, "rule");
    this.reportOnly = reportOnly;
  }

  /** A judged bar. */
  public static Bar of(String id, String text, Rule rule) {
    return new Bar(id, text, rule, false);
  }

  /** A measurement that is reported but not judged (e.g. ghost BN in E7). */
  public static Bar reportOnly(String id, String text, Rule rule) {
    return new Bar(id, text, rule, true);
  }

  public String id() {
    return id;
  }

  public String text() {
    return text;
  }

  /** The number of seeds out of {@code k} on which a bar must hold: ceil(2k/3). */
  public static int required(int k) {
    return (2 * k + 2) / 3;
  }

  /** Evaluates the bar on every seed of the log. */
  public Verdict evaluate(RunLog log) {
    List<Long> seeds = log.seeds();
    List<String> parts = new ArrayList<>();
    int held = 0;
    int measured = 0;
    for (long seed : seeds) {
      Check c;
      try {
        c = rule.check(log, seed);
      } catch (RuntimeException e) {
        c = null; // a partial log (interrupted run) may lack what the rule reads
      }
      String prefix = seeds.size() > 1 ? "seed " + seed + ": " : "";
      if (c == null) {
        parts.add(prefix + "no data");
        continue;
      }
      measured++;
      if (c.pass()) {
        held++;
      }
      parts.add(prefix + c.measured() + (seeds.size() > 1 && !reportOnly ? (c.pass() ? " (holds)" : " (fails)") : ""));
    }
    String text = parts.isEmpty() ? "no data" : String.join("; ", parts);
    Status status;
    if (measured == 0) {
      status = Status.NOT_MEASURED;
    } else if (reportOnly) {
      status = Status.REPORT;
    } else {
      status = held >= required(seeds.size()) ? Status.PASS : Status.FAIL;
    }
    return new Verdict(id, this.text, text, status);
  }
}
