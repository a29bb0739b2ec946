package org.ntk4j.layers;

import java.util.Map;

/** Text-form names of the nonlinearities (lower case). */
final class NonlinearityRegistry {
  private NonlinearityRegistry() {}

  static void register(Map<String, LayerFactory> m) {
    // filled in with every nonlinearity
  }
}
