package org.ntk4j.jupyter;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs JShell snippets in the kernel's own JVM (so that {@link Display#display} reaches the kernel), each on a fresh
 * thread that an interrupt can stop, and keeps the value of each snippet as an object rather than a string, so that an
 * image returned by the last expression of a cell is shown as an image. The "value string" JShell receives is a key into
 * {@link #results}.
 */
final class NotebookExecutionControl extends DirectExecutionControl {
  static final String KEY_PREFIX = "\u0000ntk-result-";

  private final Map<String, Object> results = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();
  private final ThreadGroup group = new ThreadGroup("notebook cells");
  private volatile Thread running;
  private volatile boolean stopRequested;

  @Override
  protected String invoke(Method doit) throws Exception {
    if (stopRequested) throw new ExecutionControl.StoppedException(); // interrupted between two snippets of a cell
    Object[] value = new Object[1];
    Throwable[] thrown = new Throwable[1];
    Thread t = new Thread(group, () -> {
      try {
        value[0] = doit.invoke(null);
      } catch (InvocationTargetException e) {
        thrown[0] = e.getCause();
      } catch (Throwable e) {
        thrown[0] = e;
      }
    }, "notebook-cell");
    t.setContextClassLoader(doit.getDeclaringClass().getClassLoader());
    running = t;
    try {
      t.start();
      t.join();
    } finally {
      running = null;
    }
    if (thrown[0] instanceof ThreadDeath) throw new ExecutionControl.StoppedException();
    if (thrown[0] != null) throw new InvocationTargetException(thrown[0]);
    String key = KEY_PREFIX + counter.incrementAndGet();
    if (value[0] != null) results.put(key, value[0]);
    return key;
  }

  /** The object a snippet evaluated to, given the value string JShell reported for it; removed from the store. */
  Object take(String valueString) {
    if (valueString == null || !valueString.startsWith(KEY_PREFIX)) return null;
    return results.remove(valueString);
  }

  /** Whether an interrupt arrived since the cell started (JShell reports a stopped snippet as if it had completed). */
  boolean stopRequested() { return stopRequested; }

  /** Called before each cell: an interrupt only stops the cell it was sent to. */
  void newCell() { stopRequested = false; }

  /** Forgets every stored value (called after each cell, so that values not shown are not kept alive). */
  void clearResults() { results.clear(); }

  @Override
  @SuppressWarnings({"deprecation", "removal"})
  public void stop() {
    stopRequested = true;
    Thread t = running;
    if (t != null) {
      t.interrupt();
      try {
        t.stop(); // what JShell's own LocalExecutionControl does: user code need not check for interrupts
      } catch (UnsupportedOperationException e) {
        // JDK 20+: Thread.stop is gone; code that checks Thread.interrupted() (or blocks) still stops
      }
    }
  }

  /** Hands JShell this (single) execution control. */
  static final class Provider implements ExecutionControlProvider {
    private final NotebookExecutionControl control;

    Provider(NotebookExecutionControl control) { this.control = control; }

    @Override public String name() { return "ntk-notebook"; }

    @Override public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) { return control; }
  }
}
