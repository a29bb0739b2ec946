package org.ntk4j.kernel;

/** The requested backend cannot run on this machine (e.g. {@code --backend gpu} without a CUDA device). */
public final class BackendUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message) { super(message); }
}
