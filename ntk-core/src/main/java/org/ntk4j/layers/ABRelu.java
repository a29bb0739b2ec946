package org.ntk4j.layers;

import java.util.Objects;

/** {@code ABRelu(a, b)}: φ(x) = a·min(x, 0) + b·max(x, 0); kernel in {@link PiecewiseLinear}. */
public final class ABRelu extends PiecewiseLinear {
  public ABRelu(double a, double b) { super("ABRelu", a, b); }

  public double a() { return a; }
  public double b() { return b; }

  @Override public boolean equals(Object o) {
    return o instanceof ABRelu r && Double.compare(r.a, a) == 0 && Double.compare(r.b, b) == 0;
  }

  @Override public int hashCode() { return Objects.hash("ABRelu", a, b); }

  @Override public String toString() { return "ABRelu(" + Num.fmt(a) + ", " + Num.fmt(b) + ")"; }
}
