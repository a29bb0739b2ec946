package org.ntk4j.finite;

import org.ntk4j.Shape;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.OutputAction;

/** Small exact groups for the tests: sign flip, cyclic shift of features, 90° rotation of points in ℝ². */
final class TestGroups {
  private TestGroups() {}

  /** Z2 acting on flat inputs by x ↦ −x. */
  static Group signFlip() {
    return new Group() {
      @Override public String name() { return "Z2"; }
      @Override public int order() { return 2; }
      @Override public void checkShape(Shape s) { if (!s.isFlat()) throw new IllegalArgumentException("Z2 test group: flat inputs only"); }
      @Override public void act(int g, Shape s, double[] src, int so, double[] dst, int dOff) {
        for (int i = 0; i < s.size(); i++) dst[dOff + i] = g == 0 ? src[so + i] : -src[so + i];
      }
    };
  }

  /** C_d acting on flat inputs of dimension d by cyclic shifts of the features: (ρ(g)x)_i = x_{(i + g) mod d}. */
  static Group cyclicShift(int d) {
    return new Group() {
      @Override public String name() { return "C" + d + "shift"; }
      @Override public int order() { return d; }
      @Override public void checkShape(Shape s) {
        if (!s.isFlat() || s.channels() != d) throw new IllegalArgumentException("cyclic shift: needs flat inputs of dimension " + d);
      }
      @Override public void act(int g, Shape s, double[] src, int so, double[] dst, int dOff) {
        for (int i = 0; i < d; i++) dst[dOff + i] = src[so + (i + g) % d];
      }
    };
  }

  /** C4 acting on points of ℝ² by rotations of 90°·g: (a, b) ↦ (−b, a) per quarter turn. */
  static Group rotation90() {
    return new Group() {
      @Override public String name() { return "C4"; }
      @Override public int order() { return 4; }
      @Override public void checkShape(Shape s) {
        if (!s.isFlat() || s.channels() != 2) throw new IllegalArgumentException("C4 test group: points of R^2 only");
      }
      @Override public void act(int g, Shape s, double[] src, int so, double[] dst, int dOff) { rotate(g, src, so, dst, dOff); }
    };
  }

  /** The same rotations on 2-dimensional outputs (equivariant vector-valued targets). */
  static OutputAction rotation90Outputs() {
    return (g, k, src, so, dst, dOff) -> rotate(g, src, so, dst, dOff);
  }

  static void rotate(int g, double[] src, int so, double[] dst, int dOff) {
    double a = src[so], b = src[so + 1];
    for (int q = 0; q < g; q++) {
      double t = a;
      a = -b;
      b = t;
    }
    dst[dOff] = a;
    dst[dOff + 1] = b;
  }
}
