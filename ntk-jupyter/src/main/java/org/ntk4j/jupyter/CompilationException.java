package org.ntk4j.jupyter;

import java.util.List;

/** Java code in a cell that does not compile; the message names the cell line, the report shows it. */
public final class CompilationException extends CellException {
  private static final long serialVersionUID = 1L;

  CompilationException(String message, List<String> report) { super(message, report); }
}
