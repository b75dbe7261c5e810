package org.normlab.lab.acceptance;

/** The outcome of an acceptance bar. */
public enum Status {
  /** Holds on enough seeds. */
  PASS,
  /** Measured, and does not hold on enough seeds. */
  FAIL,
  /** The log has no data for it (an interrupted or tiny run). */
  NOT_MEASURED,
  /** Reported, not judged (the bar says "report only"). */
  REPORT
}
