package org.ntk4j.jupyter;

import java.util.List;

/** A failed cell: what failed and where, plus the lines shown as the Jupyter traceback. */
public abstract class CellException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> report;

  CellException(String message, List<String> report) {
    super(message, null, false, false);
    this.report = List.copyOf(report);
  }

  /** Traceback lines (no newlines inside). */
  public List<String> report() { return report; }
}
