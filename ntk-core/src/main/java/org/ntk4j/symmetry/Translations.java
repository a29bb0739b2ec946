package org.ntk4j.symmetry;

import org.ntk4j.Shape;

/**
 * Cyclic translations of a periodic lattice: {@code (L, C)} inputs (order L) or {@code (H, W, C)} inputs (order H·W).
 * Element {@code g = s₀·W + s₁} shifts by (s₀, s₁): output position (i, j) takes input position ((i − s₀) mod H,
 * (j − s₁) mod W), like {@code numpy.roll(x, (s₀, s₁), axis=(0, 1))}.
 */
final class Translations extends SignedPermutationGroup {
  private final int[] dims;
  private final int order;

  Translations(Shape shape) {
    checkRank(shape);
    this.dims = shape.spatialDims();
    int o = 1;
    for (int d : dims) o *= d;
    this.order = o;
  }

  private static void checkRank(Shape shape) {
    if (shape.isFlat() || shape.spatialRank() > 2) {
      throw new IllegalArgumentException("T (cyclic translations) acts on periodic lattices of shape (L, C) or (H, W, C), not on inputs of shape " + shape);
    }
  }

  @Override public String name() { return "T"; }
  @Override public int order() { return order; }

  @Override public void checkShape(Shape shape) {
    checkRank(shape);
    if (!java.util.Arrays.equals(shape.spatialDims(), dims)) {
      throw new IllegalArgumentException("T was built for lattices of size " + java.util.Arrays.toString(dims)
          + ", not for inputs of shape " + shape);
    }
  }

  @Override protected void fill(int g, Shape shape, int[] perm, double[] sign) {
    int c = shape.channels();
    if (dims.length == 1) {
      int l = dims[0];
      for (int i = 0; i < l; i++) {
        int from = Math.floorMod(i - g, l);
        for (int ch = 0; ch < c; ch++) perm[i * c + ch] = from * c + ch;
      }
    } else {
      int h = dims[0], w = dims[1];
      int s0 = g / w, s1 = g % w;
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          int from = Math.floorMod(i - s0, h) * w + Math.floorMod(j - s1, w);
          for (int ch = 0; ch < c; ch++) perm[(i * w + j) * c + ch] = from * c + ch;
        }
      }
    }
  }
}
