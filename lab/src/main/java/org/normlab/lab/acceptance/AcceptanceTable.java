package org.normlab.lab.acceptance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.normlab.lab.RunLog;

/** The acceptance bars of one experiment evaluated on one run log. */
public record AcceptanceTable(List<Verdict> rows) {
  public AcceptanceTable {
    rows = List.copyOf(rows);
  }

  public static AcceptanceTable evaluate(List<Bar> bars, RunLog log) {
    List<Verdict> rows = new ArrayList<>();
    for (Bar bar : bars) {
      rows.add(bar.evaluate(log));
    }
    return new AcceptanceTable(rows);
  }

  public long count(Status status) {
    return rows.stream().filter(r -> r.status() == status).count();
  }

  /** Counts per status, for summary.json and the index page. */
  public Map<String, Object> counts() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Status s : Status.values()) {
      m.put(s.name().toLowerCase(java.util.Locale.ROOT), count(s));
    }
    return m;
  }

  /** The table as plain text for the console: one bar per block, the outcome first. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    for (Verdict v : rows) {
      sb.append(String.format("  %-12s %-4s %s%n", v.status(), v.id(), v.bar()));
      sb.append(String.format("  %-12s      measured: %s%n", "", v.measured()));
    }
    return sb.toString();
  }
}
