package org.normlab.info;

import java.util.Locale;

/**
 * The unit of an information measure: the base of its logarithm. Measures are computed in nats
 * (natural log) and converted: a value in base b is the value in nats divided by ln b.
 */
public enum Unit {
  /** Natural log (base e). */
  NATS("nats", Math.E),
  /** Base 2 (shannons). */
  BITS("bits", 2),
  /** Base 10 (hartleys, also called bans or dits). */
  HARTLEYS("hartleys", 10);

  private final String symbol;
  private final double base;
  private final double lnBase;

  Unit(String symbol, double base) {
    this.symbol = symbol;
    this.base = base;
    this.lnBase = base == Math.E ? 1.0 : Math.log(base);
  }

  /** "nats", "bits" or "hartleys". */
  public String symbol() {
    return symbol;
  }

  /** e, 2 or 10. */
  public double base() {
    return base;
  }

  /** A value in nats expressed in this unit: nats / ln(base). */
  public double fromNats(double nats) {
    return nats / lnBase;
  }

  /**
   * Parses a base or a unit name: "e", "nat", "nats"; "2", "bit", "bits"; "10", "hartley",
   * "hartleys", "ban", "dit" (case-insensitive).
   */
  public static Unit parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "e", "nat", "nats" -> NATS;
      case "2", "bit", "bits" -> BITS;
      case "10", "hartley", "hartleys", "ban", "bans", "dit", "dits" -> HARTLEYS;
      default -> throw new IllegalArgumentException(
          "base: expected e, 2 or 10 (or nats, bits, hartleys), got '" + text + "'");
    };
  }
}
