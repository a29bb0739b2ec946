package org.ntk4j.layers;

/** A layer with trainable weights and an output width (Dense, Conv). */
public interface Parametric extends Layer {
  /** The stated output width (channels), or 0 when not stated (infinite width in the kernel). */
  int width();

  /** The same layer with the given output width. */
  Parametric withWidth(int width);
}
