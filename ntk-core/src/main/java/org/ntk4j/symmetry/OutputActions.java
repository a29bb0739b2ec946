package org.ntk4j.symmetry;

import org.ntk4j.Shape;

/** Representations ρ_Y on outputs, besides {@link OutputAction#invariant()}. All are orthogonal. */
public final class OutputActions {
  private OutputActions() {}

  /**
   * ρ_Y(g) = the group's own action on flat vectors of the output dimension: e.g. C4 or D4 rotating 2-D vector
   * outputs like the 2-D input points, or feature permutations permuting outputs. Checked when first used on k.
   */
  public static OutputAction sameAsInputs(Group group) {
    return new OutputAction() {
      @Override public void act(int g, int k, double[] src, int srcOff, double[] dst, int dstOff) {
        group.act(g, Shape.flat(k), src, srcOff, dst, dstOff);
      }

      @Override public String toString() { return "as-inputs(" + group.name() + ")"; }
    };
  }

  /** Throws {@link IllegalArgumentException} unless ρ_Y can act on outputs of dimension k for every element. */
  public static void check(OutputAction rho, Group group, int k) {
    double[][][] m = matrices(rho, group.order(), k);
    for (int g = 0; g < m.length; g++) {
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          double d = 0;
          for (int c = 0; c < k; c++) d += m[g][a][c] * m[g][b][c];
          if (Math.abs(d - (a == b ? 1 : 0)) > 1e-12) {
            throw new IllegalArgumentException("output action " + rho + " is not orthogonal at element " + g);
          }
        }
      }
    }
  }

  /** ρ_Y(g) as k × k matrices: {@code [g][a][b]}, found by acting on the unit vectors. */
  public static double[][][] matrices(OutputAction rho, int order, int k) {
    double[][][] m = new double[order][k][k];
    double[] e = new double[k];
    double[] col = new double[k];
    for (int g = 0; g < order; g++) {
      for (int b = 0; b < k; b++) {
        java.util.Arrays.fill(e, 0);
        e[b] = 1;
        rho.act(g, k, e, 0, col, 0);
        for (int a = 0; a < k; a++) m[g][a][b] = col[a];
      }
    }
    return m;
  }

  /** ρ_Y(g) given as k × k matrices {@code rho[g][a][b]} (must be orthogonal, element 0 the identity). */
  public static OutputAction ofMatrices(String name, double[][][] rho) {
    int k = rho[0].length;
    double[][][] m = new double[rho.length][][];
    for (int g = 0; g < rho.length; g++) {
      if (rho[g].length != k) throw new IllegalArgumentException(name + ": matrix " + g + " is not " + k + " × " + k);
      m[g] = new double[k][];
      for (int a = 0; a < k; a++) {
        if (rho[g][a].length != k) throw new IllegalArgumentException(name + ": matrix " + g + " is not " + k + " × " + k);
        m[g][a] = rho[g][a].clone();
      }
    }
    return new OutputAction() {
      @Override public void act(int g, int kk, double[] src, int srcOff, double[] dst, int dstOff) {
        if (kk != k) throw new IllegalArgumentException(name + " acts on outputs of dimension " + k + ", not " + kk);
        for (int a = 0; a < k; a++) {
          double v = 0;
          for (int b = 0; b < k; b++) v += m[g][a][b] * src[srcOff + b];
          dst[dstOff + a] = v;
        }
      }

      @Override public String toString() { return name; }
    };
  }
}
