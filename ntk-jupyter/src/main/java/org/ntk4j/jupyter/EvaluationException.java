package org.ntk4j.jupyter;

import java.util.List;

/**
 * An exception thrown by the code of a cell. The message is {@code line N: <exception class>: <its message>}; the
 * report is the exception's stack trace with snippet frames shown as cell lines.
 */
public final class EvaluationException extends CellException {
  private static final long serialVersionUID = 1L;
  private final String exceptionClass;

  EvaluationException(String message, String exceptionClass, List<String> report) {
    super(message, report);
    this.exceptionClass = exceptionClass;
  }

  /** The fully qualified class name of the exception the cell threw. */
  public String exceptionClass() { return exceptionClass; }
}
