package org.normlab.lab.acceptance;

/**
 * One bar evaluated on one seed: whether it holds and what was measured, in words a reader can
 * check against the charts ("BN 0.41 vs plain 0.63").
 */
public record Check(boolean pass, String measured) {
  public static Check of(boolean pass, String measured) {
    return new Check(pass, measured);
  }
}
