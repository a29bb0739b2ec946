package org.ntk4j.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ntk4j.kernel.KernelFunction;

/**
 * A progress bar on stderr, shown only when the process runs on a terminal ({@code System.console() != null});
 * otherwise it does nothing. Thread-safe: {@link #advance} may be called from worker threads.
 */
public final class ProgressReporter implements KernelFunction.Progress, AutoCloseable {
  private final String task;
  private final String unit;
  private final PrintStream stream;
  private volatile ProgressBar bar;

  private ProgressReporter(String task, String unit, PrintStream stream) {
    this.task = task;
    this.unit = unit;
    this.stream = stream;
  }

  /** A bar on stderr when on a terminal, else a silent reporter. */
  public static ProgressReporter open(String task, String unit) {
    return new ProgressReporter(task, unit, System.console() != null ? System.err : null);
  }

  /** A bar on the given stream (null: silent). */
  public static ProgressReporter on(PrintStream stream, String task, String unit) {
    return new ProgressReporter(task, unit, stream);
  }

  public boolean enabled() { return stream != null; }

  @Override public synchronized void start(long total) {
    if (stream == null || bar != null) return;
    bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setUnit(" " + unit, 1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setConsumer(new ConsoleProgressBarConsumer(stream))
        .clearDisplayOnFinish()
        .build();
  }

  @Override public void advance(long n) {
    ProgressBar b = bar;
    if (b != null) b.stepBy(n);
  }

  @Override public synchronized void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
