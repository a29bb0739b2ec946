package org.ntk4j.symmetry;

import org.ntk4j.Shape;

/** {@code Z2}: x ↦ −x on every value (the Ising spin flip), on inputs of any shape. */
final class SignFlip extends SignedPermutationGroup {
  @Override public String name() { return "Z2"; }
  @Override public int order() { return 2; }
  @Override public void checkShape(Shape shape) { }

  @Override protected void fill(int g, Shape shape, int[] perm, double[] sign) {
    if (g == 1) java.util.Arrays.fill(sign, -1.0);
  }
}
