package org.ntk4j.symmetry;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.Shape;

/**
 * Exact symmetries of points in ℝ² or ℝ³ as signed permutation matrices, acting on flat inputs of dimension d·m as m
 * points (x₁, y₁, x₂, y₂, …), each point alike. In ℝ²: {@code C1}, {@code C2}, {@code C4} (counter-clockwise rotation by
 * k·90° for element k: (x, y) ↦ (−y, x) for k = 1) and {@code D1}, {@code D2}, {@code D4} (element |C| + k is rotation k
 * after the reflection (x, y) ↦ (x, −y)). In ℝ³: {@code O}, the 24 rotations by multiples of 90° about the axes (the
 * rotation group of the cube), and {@code Oh}, those with the reflections (48).
 */
final class PointSymmetries extends SignedPermutationGroup {
  private final String name;
  private final int dim;
  /** Element g maps coordinate i of a point to sign[g][i] · coordinate perm[g][i]. */
  private final int[][] perm;
  private final int[][] sign;

  private PointSymmetries(String name, int dim, List<int[]> perms, List<int[]> signs) {
    this.name = name;
    this.dim = dim;
    this.perm = perms.toArray(new int[0][]);
    this.sign = signs.toArray(new int[0][]);
  }

  /** C_k (k ∈ {1, 2, 4}) or, with reflections, D_k in the plane. */
  static PointSymmetries planar(int k, boolean reflections) {
    List<int[]> ps = new ArrayList<>();
    List<int[]> ss = new ArrayList<>();
    int step = 4 / k;
    for (int f = 0; f < (reflections ? 2 : 1); f++) {
      for (int r = 0; r < k; r++) {
        int q = (r * step) % 4;
        // rotation by q·90° applied to (x, y') with y' = ±y
        int[] p;
        int[] s;
        switch (q) {
          case 0 -> { p = new int[] {0, 1}; s = new int[] {1, 1}; }
          case 1 -> { p = new int[] {1, 0}; s = new int[] {-1, 1}; }   // (x, y) ↦ (−y, x)
          case 2 -> { p = new int[] {0, 1}; s = new int[] {-1, -1}; }
          default -> { p = new int[] {1, 0}; s = new int[] {1, -1}; }  // (x, y) ↦ (y, −x)
        }
        if (f == 1) {
          for (int i = 0; i < 2; i++) if (p[i] == 1) s[i] = -s[i];
        }
        ps.add(p);
        ss.add(s);
      }
    }
    return new PointSymmetries((reflections ? "D" : "C") + k, 2, ps, ss);
  }

  /** The 24 rotations (or with reflections, all 48 signed permutations) of ℝ³, the identity first. */
  static PointSymmetries cube(boolean reflections) {
    List<int[]> ps = new ArrayList<>();
    List<int[]> ss = new ArrayList<>();
    int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    int[] parity = {1, -1, -1, 1, 1, -1};
    for (int pi = 0; pi < perms.length; pi++) {
      for (int m = 0; m < 8; m++) {
        int[] s = {(m & 1) != 0 ? -1 : 1, (m & 2) != 0 ? -1 : 1, (m & 4) != 0 ? -1 : 1};
        int det = parity[pi] * s[0] * s[1] * s[2];
        if (det == 1 || reflections) {
          ps.add(perms[pi].clone());
          ss.add(s);
        }
      }
    }
    return new PointSymmetries(reflections ? "Oh" : "O", 3, ps, ss);
  }

  @Override public String name() { return name; }
  @Override public int order() { return perm.length; }

  @Override public void checkShape(Shape shape) {
    if (!shape.isFlat() || shape.channels() % dim != 0) {
      throw new IllegalArgumentException(name + " acts on points in ℝ" + (dim == 2 ? "²" : "³") + ": flat inputs of dimension " + dim
          + " or " + dim + "·m, not inputs of shape " + shape + (shape.isFlat() ? "" : " (for images use C4/D4 on (H, W, C))"));
    }
  }

  @Override protected void fill(int g, Shape shape, int[] p, double[] s) {
    int m = shape.channels() / dim;
    for (int pt = 0; pt < m; pt++) {
      for (int i = 0; i < dim; i++) {
        p[pt * dim + i] = pt * dim + perm[g][i];
        s[pt * dim + i] = sign[g][i];
      }
    }
  }
}
