package org.ntk4j.layers;

import java.util.Objects;

/**
 * {@code Elu(alpha=1, order=48)}: φ(x) = x for x > 0, alpha·(eˣ − 1) otherwise; φ'(0) = alpha (JAX's elu). φ' jumps
 * at 0 unless alpha = 1; the polar quadrature of {@link NumericalNonlinearity} splits the integration there.
 */
public final class Elu extends NumericalNonlinearity {
  private final double alpha;

  public Elu() { this(1.0, DEFAULT_ORDER); }

  public Elu(double alpha) { this(alpha, DEFAULT_ORDER); }

  public Elu(double alpha, int order) {
    super(order);
    this.alpha = Num.finite("Elu", "alpha", alpha);
  }

  public double alpha() { return alpha; }

  @Override public double phi(double x) { return x > 0 ? x : alpha * Math.expm1(x); }

  @Override public double dphi(double x) { return x > 0 ? 1.0 : alpha * Math.exp(x); }

  @Override protected double dphi(double x, double phiX) { return x > 0 ? 1.0 : phiX + alpha; }

  @Override public boolean equals(Object o) {
    return o instanceof Elu e && Double.compare(e.alpha, alpha) == 0 && e.order() == order();
  }

  @Override public int hashCode() { return Objects.hash("Elu", alpha, order()); }

  @Override public String toString() {
    String args = alpha == 1 ? "" : Num.fmt(alpha);
    String o = orderSuffix();
    if (!o.isEmpty()) args = args.isEmpty() ? o : args + ", " + o;
    return args.isEmpty() ? "Elu" : "Elu(" + args + ")";
  }
}
