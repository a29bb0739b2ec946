package org.ntk4j.layers;

/** {@code Tanh(order=32)}: φ = tanh, kernels by Gauss–Hermite quadrature ({@link NumericalNonlinearity}). */
public final class Tanh extends NumericalNonlinearity {
  public Tanh() { this(DEFAULT_ORDER); }

  public Tanh(int order) { super(order, false); }

  @Override public double phi(double x) { return Math.tanh(x); }

  @Override public double dphi(double x) {
    double t = Math.tanh(x);
    return 1 - t * t;
  }

  @Override public boolean equals(Object o) { return o instanceof Tanh t && t.order() == order(); }

  @Override public int hashCode() { return 97 * order() + 1; }

  @Override public String toString() { return order() == DEFAULT_ORDER ? "Tanh" : "Tanh(" + orderSuffix() + ")"; }
}
