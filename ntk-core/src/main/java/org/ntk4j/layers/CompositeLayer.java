package org.ntk4j.layers;

/** A layer made of other layers; it keeps the self-variances in sync itself (see {@link Layers#apply}). */
public interface CompositeLayer extends Layer {}
