package org.normlab.lab;

import java.util.Collections;
import java.util.Map;

/**
 * One line of a run log: a JSON object with at least {@code run}, {@code seed}, {@code kind} and
 * {@code step}, plus the measured fields. A number written as JSON null (NaN or infinity, as
 * after a divergence) reads back as NaN.
 */
public record LogRecord(Map<String, Object> fields) {
  public LogRecord {
    fields = Collections.unmodifiableMap(fields);
  }

  public String run() {
    return text("run");
  }

  public long seed() {
    return (long) num("seed");
  }

  public String kind() {
    return text("kind");
  }

  public long step() {
    return (long) num("step");
  }

  public boolean has(String key) {
    return fields.containsKey(key);
  }

  /** The field as a number; NaN when it is missing, null or not a number. */
  public double num(String key) {
    return fields.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** The field as text; empty when missing. */
  public String text(String key) {
    Object v = fields.get(key);
    return v == null ? "" : v.toString();
  }
}
