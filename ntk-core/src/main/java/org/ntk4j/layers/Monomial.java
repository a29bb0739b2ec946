package org.ntk4j.layers;

/**
 * {@code Monomial(n)}: φ(x) = xⁿ (x⁰ = 1). Σ' = E[uⁿvⁿ] (for n ≤ 5 the polynomials of neural-tangents' Monomial, e.g.
 * 2q12² + q11q22 for n = 2; any n ≤ 20 here) and Σ̇ = n²·E[u^{n−1}v^{n−1}] (0 for n = 0).
 */
public final class Monomial extends Nonlinearity {
  private final int degree;
  private final PolynomialKernel sigma;
  private final PolynomialKernel dot;

  public Monomial(int degree) {
    if (degree < 0 || degree > 20) throw new ArchitectureException("Monomial: degree must be in 0..20, got " + degree);
    this.degree = degree;
    double[] c = new double[degree + 1];
    c[degree] = 1;
    sigma = new PolynomialKernel(c);
    dot = new PolynomialKernel(PolynomialKernel.derivative(c));
  }

  public int degree() { return degree; }

  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    nngp[i] = sigma.expectation(q11, q22, q12);
    ntk[i] *= dot.expectation(q11, q22, q12);
  }

  @Override public double phi(double x) { return pow(x, degree); }

  @Override public double dphi(double x) { return degree == 0 ? 0.0 : degree * pow(x, degree - 1); }

  static double pow(double x, int n) {
    double r = 1;
    for (int k = 0; k < n; k++) r *= x;
    return r;
  }

  @Override public boolean equals(Object o) { return o instanceof Monomial m && m.degree == degree; }

  @Override public int hashCode() { return 41 * degree + 3; }

  @Override public String toString() { return "Monomial(" + degree + ")"; }
}
