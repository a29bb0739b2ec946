package org.ntk4j.layers;

import java.util.Arrays;

/**
 * {@code Polynomial(c0, c1, ..., cn)}: φ(x) = c0 + c1·x + … + cn·xⁿ (neural-tangents' Polynomial; coefficients in
 * increasing degree, as numpy.polynomial). Σ' = E[φ(u)φ(v)] and Σ̇ = E[φ'(u)φ'(v)] exactly (see {@link PolynomialKernel});
 * neural-tangents computes the same expectation through a Hermite expansion.
 */
public final class Polynomial extends Nonlinearity {
  private final double[] coef;
  private final double[] dcoef;
  private final PolynomialKernel sigma;
  private final PolynomialKernel dot;

  public Polynomial(double... coefficients) {
    if (coefficients.length == 0) throw new ArchitectureException("Polynomial: needs at least one coefficient, e.g. Polynomial(0, 1, 0.5)");
    if (coefficients.length > 21) throw new ArchitectureException("Polynomial: degree at most 20, got " + (coefficients.length - 1));
    coef = new double[coefficients.length];
    for (int i = 0; i < coef.length; i++) coef[i] = Num.finite("Polynomial", "coefficient " + i, coefficients[i]);
    dcoef = PolynomialKernel.derivative(coef);
    sigma = new PolynomialKernel(coef);
    dot = new PolynomialKernel(dcoef);
  }

  public double[] coefficients() { return coef.clone(); }

  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    nngp[i] = sigma.expectation(q11, q22, q12);
    ntk[i] *= dot.expectation(q11, q22, q12);
  }

  @Override public double phi(double x) { return PolynomialKernel.evaluate(coef, x); }

  @Override public double dphi(double x) { return PolynomialKernel.evaluate(dcoef, x); }

  @Override public boolean equals(Object o) { return o instanceof Polynomial p && Arrays.equals(p.coef, coef); }

  @Override public int hashCode() { return 31 * Arrays.hashCode(coef) + 7; }

  @Override public String toString() {
    StringBuilder sb = new StringBuilder("Polynomial(");
    for (int i = 0; i < coef.length; i++) sb.append(i == 0 ? "" : ", ").append(Num.fmt(coef[i]));
    return sb.append(')').toString();
  }
}
