package org.ntk4j.symmetry;

import java.util.concurrent.ConcurrentHashMap;
import org.ntk4j.Shape;

/**
 * A group acting on inputs by signed permutations of the values: {@code (ρ_X(g)x)[i] = sign[i] · x[perm[i]]}. Such
 * actions are exact in floating point (bitwise reproducible, bitwise invertible), and with order-independent summation
 * the kernels are bitwise invariant under them. Subclasses fill the tables for one input shape; tables are cached per
 * shape.
 */
public abstract class SignedPermutationGroup implements Group {
  private final ConcurrentHashMap<Shape, Tables> cache = new ConcurrentHashMap<>();

  private record Tables(int[][] perm, double[][] sign) {}

  /**
   * Fills the table of element g for inputs of this shape (already checked): {@code perm} and {@code sign} have
   * {@code shape.size()} entries, preset to the identity and +1.
   */
  protected abstract void fill(int g, Shape shape, int[] perm, double[] sign);

  private Tables tables(Shape shape) {
    Tables t = cache.get(shape);
    if (t != null) return t;
    checkShape(shape);
    int s = shape.size();
    int[][] perm = new int[order()][s];
    double[][] sign = new double[order()][s];
    for (int g = 0; g < order(); g++) {
      for (int i = 0; i < s; i++) {
        perm[g][i] = i;
        sign[g][i] = 1.0;
      }
      fill(g, shape, perm[g], sign[g]);
    }
    t = new Tables(perm, sign);
    cache.putIfAbsent(shape, t);
    return t;
  }

  /** The permutation of element g on inputs of this shape: output index i takes input index {@code perm[i]} (a copy). */
  public int[] permutation(int g, Shape shape) { return tables(shape).perm[g].clone(); }

  /** The signs of element g on inputs of this shape (a copy). */
  public double[] signs(int g, Shape shape) { return tables(shape).sign[g].clone(); }

  @Override public void act(int g, Shape shape, double[] src, int srcOff, double[] dst, int dstOff) {
    Tables t = tables(shape);
    int[] p = t.perm[g];
    double[] sg = t.sign[g];
    for (int i = 0; i < p.length; i++) dst[dstOff + i] = sg[i] * src[srcOff + p[i]];
  }

  @Override public String toString() { return name(); }
}
