package org.ntk4j.layers;

/** Builds a layer from its text-form arguments; see {@link LayerRegistry}. */
@FunctionalInterface
public interface LayerFactory {
  Layer create(Args args);
}
