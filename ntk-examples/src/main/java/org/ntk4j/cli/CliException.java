package org.ntk4j.cli;

/**
 * A refused input or option: the command prints {@code ntk: error: <message>} on one line and exits with code 2.
 * Throw it from any command with a message that says what is wrong and, where it helps, how to fix it.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CliException(String message) { super(message); }

  public CliException(String message, Throwable cause) { super(message, cause); }
}
