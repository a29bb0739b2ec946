package org.ntk4j.layers;

/** {@code Abs}: φ(x) = |x|, i.e. {@code ABRelu(-1, 1)}; φ'(0) = 0. */
public final class Abs extends PiecewiseLinear {
  public Abs() { super("Abs", -1.0, 1.0); }

  @Override public boolean equals(Object o) { return o instanceof Abs; }

  @Override public int hashCode() { return Abs.class.hashCode(); }

  @Override public String toString() { return "Abs"; }
}
