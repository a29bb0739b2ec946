package org.ntk4j.cli;

import picocli.CommandLine.Option;

/** {@code --threads N}: the worker threads of a command (a picocli mixin; {@link ComputeOptions} includes it). */
public final class ThreadsOption {
  @Option(names = "--threads", paramLabel = "N", converter = ComputeOptions.PositiveInt.class,
      description = "Worker threads (default: all available cores). Results do not depend on it.")
  Integer threads;

  /** The thread count: the option, or all available processors. */
  public int threads() { return threads != null ? threads : Runtime.getRuntime().availableProcessors(); }

  /** Whether {@code --threads} was given. */
  public boolean given() { return threads != null; }
}
