package org.ntk4j.symmetry;

import org.ntk4j.Inputs;
import org.ntk4j.Shape;

/**
 * A finite group (or a finite set of sampled elements of a continuous group) acting on inputs by ρ_X. Elements are
 * indexed {@code 0 .. order() − 1}; element 0 is the identity. Actions are exact permutations or sign changes of the
 * input values wherever the group allows it, so that transformed inputs are bitwise reproducible.
 */
public interface Group {
  /** Text name, e.g. {@code C4}, {@code TxD4xZ2}. */
  String name();

  /** Number of elements |G|. */
  int order();

  /** False for approximate actions (image rotation by interpolation for C8, C16): not an exact group action on pixels. */
  default boolean isExact() { return true; }

  /**
   * False when the elements are a sample of a continuous group (sampled SO(2)/SO(3) rotations) or approximate actions
   * that do not compose (interpolated image rotations): then Σ_g over the elements is no group average and the
   * group-averaged fast path does not apply.
   */
  default boolean isClosed() { return true; }

  /** Throws {@link IllegalArgumentException} saying why the group cannot act on inputs of this shape. */
  void checkShape(Shape shape);

  /** Writes ρ_X(g)·x for one input of the given shape ({@code shape.size()} doubles at each offset). */
  void act(int g, Shape shape, double[] src, int srcOff, double[] dst, int dstOff);

  /** ρ_X(g) applied to every input of a batch. */
  default Inputs act(int g, Inputs x) {
    checkShape(x.shape());
    if (g < 0 || g >= order()) throw new IllegalArgumentException(name() + ": element " + g + " out of range 0.." + (order() - 1));
    int s = x.shape().size();
    double[] out = new double[x.data().length];
    for (int i = 0; i < x.n(); i++) act(g, x.shape(), x.data(), i * s, out, i * s);
    return new Inputs(x.n(), x.shape(), out);
  }
}
