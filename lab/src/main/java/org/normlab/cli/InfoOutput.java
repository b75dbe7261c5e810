package org.normlab.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.normlab.info.Unit;
import org.normlab.io.Json;

/**
 * One result of {@code normlab info}: a short line of text by default, one JSON object with
 * {@code --json}. JSON numbers are full precision; an infinite value is the string "Infinity"
 * (JSON has no infinity).
 */
final class InfoOutput {
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final StringBuilder line = new StringBuilder();
  private final Unit unit;

  InfoOutput(String measure, Unit unit) {
    this.unit = unit;
    fields.put("measure", measure);
    fields.put("unit", unit.symbol());
  }

  /** Adds an input to the JSON object. */
  InfoOutput input(String name, Object value) {
    fields.put(name, value);
    return this;
  }

  /** Adds a value in the unit: "label = 1.2040 nats" in the line, name: value in JSON. */
  InfoOutput value(String name, String label, double value) {
    return value(name, label, value, true);
  }

  /** Adds a value; withUnit false for values that have no unit (a JS distance is in sqrt(unit)). */
  InfoOutput value(String name, String label, double value, boolean withUnit) {
    fields.put(name, Double.isInfinite(value) ? "Infinity" : value);
    if (!line.isEmpty()) {
      line.append("; ");
    }
    line.append(label).append(" = ").append(format(value)).append(withUnit ? " " + unit.symbol() : "");
    return this;
  }

  /** Adds a remark at the end of the line only. */
  InfoOutput note(String text) {
    line.append(" (").append(text).append(')');
    return this;
  }

  void print(PrintWriter out, boolean json) {
    out.println(json ? Json.write(fields) : line.toString());
    out.flush();
  }

  static String format(double v) {
    return Double.isInfinite(v) ? (v > 0 ? "infinity" : "-infinity") : String.format(Locale.ROOT, "%.4f", v);
  }
}
