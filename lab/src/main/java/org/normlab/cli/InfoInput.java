package org.normlab.cli;

import java.util.List;
import java.util.Locale;
import org.normlab.info.Distribution;
import org.normlab.info.NotADistributionException;

/** Parses probabilities typed by the user (0.25, 1/4 or 25%) and checks or rescales distributions. */
final class InfoInput {
  private InfoInput() {}

  /** One probability: a decimal, a fraction a/b or a percentage. */
  static double number(String name, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("%")) {
        return Double.parseDouble(t.substring(0, t.length() - 1)) / 100;
      }
      int slash = t.indexOf('/');
      if (slash > 0) {
        double den = Double.parseDouble(t.substring(slash + 1));
        if (den == 0) {
          throw new BadInputException(name + ": '" + text + "' divides by zero");
        }
        return Double.parseDouble(t.substring(0, slash)) / den;
      }
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new BadInputException(name + ": expected a number such as 0.25, 1/4 or 25%, got '" + text + "'");
    }
  }

  /** A distribution: checked, or rescaled when --normalize was given. */
  static double[] distribution(String name, List<String> values, boolean normalize) {
    if (values == null || values.isEmpty()) {
      throw new BadInputException(name + ": expected at least one probability, got none");
    }
    double[] p = new double[values.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = number(name + "[" + i + "]", values.get(i));
    }
    try {
      return normalize ? Distribution.normalize(name, p) : Distribution.require(name, p);
    } catch (NotADistributionException e) {
      throw badInput(e);
    }
  }

  /** The library's reason, with the command-line fix when rescaling would help. */
  static BadInputException badInput(NotADistributionException e) {
    return new BadInputException(e.reason() + (e.rescalable() ? "; pass --normalize to rescale" : ""), e);
  }
}
