package org.ntk4j.symmetry;

import org.ntk4j.Shape;

/**
 * Rotations by multiples of 90° ({@code C4}, {@code C2}) and the dihedral group with flips ({@code D4}) of
 * {@code (H, W, C)} images, exact pixel permutations. Element k < 4 is {@code numpy.rot90(x, k)} (counter-clockwise,
 * axes (0, 1)); in D4 element 4 + k is {@code numpy.rot90(numpy.fliplr(x), k)}. C4 and D4 need square images; C2
 * (rotation by 180°) acts on any H × W.
 */
final class SquareSymmetries extends SignedPermutationGroup {
  private final String name;
  private final int order;
  private final int step; // rotation by step·90° per element index (1 for C4/D4, 2 for C2)

  private SquareSymmetries(String name, int order, int step) {
    this.name = name;
    this.order = order;
    this.step = step;
  }

  static SquareSymmetries c4() { return new SquareSymmetries("C4", 4, 1); }
  static SquareSymmetries c2() { return new SquareSymmetries("C2", 2, 2); }
  static SquareSymmetries d4() { return new SquareSymmetries("D4", 8, 1); }

  @Override public String name() { return name; }
  @Override public int order() { return order; }

  @Override public void checkShape(Shape shape) {
    if (shape.spatialRank() != 2) {
      throw new IllegalArgumentException(name + " on images acts on inputs of shape (H, W, C), not " + shape);
    }
    if (step == 1 && shape.spatial(0) != shape.spatial(1)) {
      throw new IllegalArgumentException(name + " needs square images (H = W) but the inputs have shape " + shape);
    }
  }

  @Override protected void fill(int g, Shape shape, int[] perm, double[] sign) {
    int h = shape.spatial(0), w = shape.spatial(1), c = shape.channels();
    boolean flip = g >= 4;
    int k = ((g % 4) * step) % 4;
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        // output (i, j) of rot90^k(y) reads y at (a, b); y = fliplr(x) reads x at (a, W − 1 − b)
        int a, b;
        switch (k) {
          case 0 -> { a = i; b = j; }
          case 1 -> { a = j; b = w - 1 - i; }          // rot90(m)[i, j] = m[j, W − 1 − i]
          case 2 -> { a = h - 1 - i; b = w - 1 - j; }
          default -> { a = h - 1 - j; b = i; }         // rot90(m, 3)[i, j] = m[H − 1 − j, i]
        }
        if (flip) b = w - 1 - b;
        int from = a * w + b;
        for (int ch = 0; ch < c; ch++) perm[(i * w + j) * c + ch] = from * c + ch;
      }
    }
  }
}
