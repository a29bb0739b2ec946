package org.ntk4j.layers;

import java.util.Objects;

/** {@code LeakyRelu(alpha)}: φ(x) = alpha·min(x, 0) + max(x, 0), i.e. {@code ABRelu(alpha, 1)}. */
public final class LeakyRelu extends PiecewiseLinear {
  public LeakyRelu(double alpha) { super("LeakyRelu", alpha, 1.0); }

  public double alpha() { return a; }

  @Override public boolean equals(Object o) { return o instanceof LeakyRelu r && Double.compare(r.a, a) == 0; }

  @Override public int hashCode() { return Objects.hash("LeakyRelu", a); }

  @Override public String toString() { return "LeakyRelu(" + Num.fmt(a) + ")"; }
}
