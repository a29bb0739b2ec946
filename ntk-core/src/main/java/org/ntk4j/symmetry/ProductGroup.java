package org.ntk4j.symmetry;

import org.ntk4j.Shape;

/**
 * Products of groups acting on the same inputs, written {@code TxD4xZ2}: element {@code g = (g₁, g₂, …)} in mixed
 * radix (the last factor fastest) acts as ρ(g₁)∘ρ(g₂)∘… (the last factor first). The set of these maps is a group
 * whenever the factors' actions generate each other's conjugates, e.g. translations and D4 on a periodic square lattice
 * (then it is the semidirect product T⋊D4, the identity still element 0), or Z2 with anything (sign flips commute).
 */
final class ProductGroup implements Group {
  private final Group[] factors;
  private final int order;

  ProductGroup(Group... factors) {
    this.factors = factors.clone();
    long o = 1;
    for (Group f : factors) o *= f.order();
    if (o > 1_000_000) throw new IllegalArgumentException("the product group has " + o + " elements, more than 1000000");
    this.order = (int) o;
  }

  @Override public String name() {
    StringBuilder b = new StringBuilder();
    for (Group f : factors) b.append(b.length() == 0 ? "" : "x").append(f.name());
    return b.toString();
  }

  @Override public int order() { return order; }

  @Override public boolean isExact() {
    for (Group f : factors) if (!f.isExact()) return false;
    return true;
  }

  @Override public boolean isClosed() {
    for (Group f : factors) if (!f.isClosed()) return false;
    return true;
  }

  @Override public void checkShape(Shape shape) { for (Group f : factors) f.checkShape(shape); }

  /** The factor elements of g, first factor first. */
  int[] split(int g) {
    int[] e = new int[factors.length];
    for (int f = factors.length - 1; f >= 0; f--) {
      e[f] = g % factors[f].order();
      g /= factors[f].order();
    }
    return e;
  }

  @Override public void act(int g, Shape shape, double[] src, int srcOff, double[] dst, int dstOff) {
    int[] e = split(g);
    int s = shape.size();
    double[] cur = java.util.Arrays.copyOfRange(src, srcOff, srcOff + s);
    double[] next = new double[s];
    for (int f = factors.length - 1; f >= 0; f--) {
      factors[f].act(e[f], shape, cur, 0, next, 0);
      double[] t = cur;
      cur = next;
      next = t;
    }
    System.arraycopy(cur, 0, dst, dstOff, s);
  }

  @Override public String toString() { return name(); }
}
