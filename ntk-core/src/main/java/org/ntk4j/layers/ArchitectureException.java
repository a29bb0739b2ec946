package org.ntk4j.layers;

/** An architecture that cannot be built, parsed, or applied to an input shape. The message says which layer and why. */
public class ArchitectureException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  public ArchitectureException(String message) { super(message); }
}
