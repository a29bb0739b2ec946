package org.ntk4j.layers;

/** {@code Softplus(order=48)}: φ(x) = log(1 + eˣ), φ' = logistic sigmoid; kernels by quadrature ({@link NumericalNonlinearity}). */
public final class Softplus extends NumericalNonlinearity {
  public Softplus() { this(DEFAULT_ORDER); }

  public Softplus(int order) { super(order); }

  @Override public double phi(double x) { return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)); }

  @Override public double dphi(double x) { return Silu.sigmoid(x); }

  @Override protected double quadraturePhi(double x) { return Math.max(x, 0) + Math.log(1 + Math.exp(-Math.abs(x))); }

  /** σ(x) = 1 − e^{−softplus(x)}. */
  @Override protected double dphi(double x, double phiX) { return 1 - Math.exp(-phiX); }

  @Override public boolean equals(Object o) { return o instanceof Softplus t && t.order() == order(); }

  @Override public int hashCode() { return 97 * order() + 2; }

  @Override public String toString() { return order() == DEFAULT_ORDER ? "Softplus" : "Softplus(" + orderSuffix() + ")"; }
}
