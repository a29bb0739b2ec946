package org.ntk4j.layers;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Layer names of the architecture text form (case-insensitive) and their factories. */
public final class LayerRegistry {
  private static final Map<String, LayerFactory> FACTORIES = build();

  private LayerRegistry() {}

  private static Map<String, LayerFactory> build() {
    Map<String, LayerFactory> m = new TreeMap<>();
    m.put("dense", a -> {
      int width = 0;
      Args.Value first = a.peekPositional();
      if (first != null && !first.isArchitecture()) width = a.parseInt(a.nextPositional(), "width");
      double w = a.number("W_std", false, 1.0);
      double b = a.number("b_std", false, Double.NaN);
      return new Dense(width, w, b);
    });
    m.put("relu", a -> new Relu());
    m.put("parallelsum", a -> {
      java.util.List<Layer> branches = new java.util.ArrayList<>();
      Args.Value v;
      while ((v = a.nextPositional()) != null) {
        if (!v.isArchitecture()) throw a.fail(v, "expects architectures, e.g. ParallelSum(Dense -> Relu -> Dense, Identity)");
        branches.add(v.architecture());
      }
      return new ParallelSum(branches);
    });
    m.put("residual", a -> {
      Args.Value v = a.nextPositional();
      if (v == null || !v.isArchitecture()) throw a.fail(v, "expects an architecture, e.g. Residual(Dense(W_std=1) -> Relu)");
      return new Residual(v.architecture());
    });
    NonlinearityRegistry.register(m);
    SpatialRegistry.register(m);
    return Collections.unmodifiableMap(m);
  }

  /** The factory for a layer name, or null. */
  public static LayerFactory get(String name) { return FACTORIES.get(name.toLowerCase(Locale.ROOT)); }

  /** All known names, sorted. */
  public static java.util.Set<String> names() { return FACTORIES.keySet(); }
}
