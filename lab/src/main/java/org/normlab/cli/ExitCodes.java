package org.normlab.cli;

/** The exit codes of the normlab command. */
public final class ExitCodes {
  /** The command did what was asked. */
  public static final int OK = 0;
  /** The command failed while running (an I/O error, a failed acceptance check, a bug). */
  public static final int FAILURE = 1;
  /** Bad usage or bad input: unknown option, invalid value, a file that is not what it claims. */
  public static final int BAD_INPUT = 2;

  private ExitCodes() {}
}
