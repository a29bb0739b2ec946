package org.ntk4j.layers;

/** {@code Tanh(order=48)}: φ = tanh, kernels by quadrature ({@link NumericalNonlinearity}). */
public final class Tanh extends NumericalNonlinearity {
  public Tanh() { this(DEFAULT_ORDER); }

  public Tanh(int order) { super(order); }

  @Override public double phi(double x) { return Math.tanh(x); }

  @Override public double dphi(double x) {
    double t = Math.tanh(x);
    return 1 - t * t;
  }

  @Override protected double quadraturePhi(double x) {
    double e = Math.exp(-2 * Math.abs(x));
    double t = (1 - e) / (1 + e);
    return x < 0 ? -t : t;
  }

  @Override protected double dphi(double x, double phiX) { return 1 - phiX * phiX; }

  @Override public boolean equals(Object o) { return o instanceof Tanh t && t.order() == order(); }

  @Override public int hashCode() { return 97 * order() + 1; }

  @Override public String toString() { return order() == DEFAULT_ORDER ? "Tanh" : "Tanh(" + orderSuffix() + ")"; }
}
