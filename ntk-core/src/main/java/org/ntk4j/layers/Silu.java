package org.ntk4j.layers;

/** {@code Silu(order=48)} (swish): φ(x) = x·σ(x), φ' = σ(x)(1 + x(1 − σ(x))); kernels by quadrature ({@link NumericalNonlinearity}). */
public final class Silu extends NumericalNonlinearity {
  public Silu() { this(DEFAULT_ORDER); }

  public Silu(int order) { super(order); }

  /** The logistic sigmoid, without overflow. */
  static double sigmoid(double x) {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    double e = Math.exp(x);
    return e / (1 + e);
  }

  @Override public double phi(double x) { return x * sigmoid(x); }

  @Override public double dphi(double x) {
    double s = sigmoid(x);
    return s * (1 + x * (1 - s));
  }

  @Override public boolean equals(Object o) { return o instanceof Silu t && t.order() == order(); }

  @Override public int hashCode() { return 97 * order() + 3; }

  @Override public String toString() { return order() == DEFAULT_ORDER ? "Silu" : "Silu(" + orderSuffix() + ")"; }
}
