package org.ntk4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The accelerator backends on the class path ({@code META-INF/services/org.ntk4j.kernel.KernelBackend}), loaded once.
 * Loading one must not touch native code: detection happens in {@link KernelBackend#unavailable}.
 */
public final class Backends {
  private Backends() {}

  private static volatile List<KernelBackend> accelerators;

  /** The registered accelerator backends (the CPU backend is not among them). */
  public static List<KernelBackend> accelerators() {
    List<KernelBackend> a = accelerators;
    if (a == null) {
      synchronized (Backends.class) {
        a = accelerators;
        if (a == null) {
          List<KernelBackend> found = new ArrayList<>();
          for (KernelBackend b : ServiceLoader.load(KernelBackend.class, Backends.class.getClassLoader())) found.add(b);
          accelerators = a = List.copyOf(found);
        }
      }
    }
    return a;
  }

  /** The registered backend of this name ({@code gpu}), or null. */
  public static KernelBackend accelerator(String name) {
    for (KernelBackend b : accelerators()) if (b.name().equals(name)) return b;
    return null;
  }

  /** The backend chosen for a computation, and why the preferred one was not used (null when it was). */
  public record Selection(KernelBackend backend, String note) {}
}
