package org.ntk4j.layers;

/** {@code Softplus(order=32)}: φ(x) = log(1 + eˣ), φ' = logistic sigmoid; kernels by Gauss–Hermite quadrature. */
public final class Softplus extends NumericalNonlinearity {
  public Softplus() { this(DEFAULT_ORDER); }

  public Softplus(int order) { super(order, false); }

  @Override public double phi(double x) { return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)); }

  @Override public double dphi(double x) { return Silu.sigmoid(x); }

  @Override public boolean equals(Object o) { return o instanceof Softplus t && t.order() == order(); }

  @Override public int hashCode() { return 97 * order() + 2; }

  @Override public String toString() { return order() == DEFAULT_ORDER ? "Softplus" : "Softplus(" + orderSuffix() + ")"; }
}
