package org.normlab.info;

/**
 * Thrown when an input to an information measure is not a probability distribution. The
 * {@link #reason()} says what is wrong ("p sums to 0.9, not 1"); {@link #rescalable()} is true when
 * {@link Distribution#normalize} would fix it (the entries are valid but do not sum to 1).
 */
public final class NotADistributionException extends IllegalArgumentException {
  private final String reason;
  private final boolean rescalable;

  NotADistributionException(String reason, boolean rescalable) {
    super(rescalable ? reason + "; rescale it with Distribution.normalize" : reason);
    this.reason = reason;
    this.rescalable = rescalable;
  }

  /** What is wrong, without the hint. */
  public String reason() {
    return reason;
  }

  /** True when normalizing would make the input a distribution. */
  public boolean rescalable() {
    return rescalable;
  }
}
