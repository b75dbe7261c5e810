package org.normlab.cli;

/** Input the user can fix (a value out of range, a malformed file): exit code 2, one-line message. */
public class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
