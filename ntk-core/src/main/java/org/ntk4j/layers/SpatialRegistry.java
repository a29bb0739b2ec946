package org.ntk4j.layers;

import java.util.Map;

/** Text-form names of the spatial layers (lower case). */
final class SpatialRegistry {
  private SpatialRegistry() {}

  static void register(Map<String, LayerFactory> m) {
    // filled in with Conv, AvgPool, GlobalAvgPool, Flatten, LayerNorm
  }
}
