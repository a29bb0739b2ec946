package org.ntk4j.layers;

/**
 * E[p(u)·p(v)] for a polynomial p(x) = Σ c_k x^k and centred Gaussian (u, v), exactly, by Isserlis' theorem in the
 * Hermite form: E[p(u)p(v)] = Σ_m m!·q12^m·R_m(q11)·R_m(q22), R_m(q) = Σ_a c_{m+2a}·C(m+2a, m)·(2a−1)!!·q^a.
 * No division: finite at zero variance.
 */
final class PolynomialKernel {
  private final int degree;
  /** alpha[m][a] = m!^(1/2)-free coefficient c_{m+2a}·C(m+2a, m)·(2a−1)!!. */
  private final double[][] alpha;
  private final double[] mFactorial;

  PolynomialKernel(double[] c) {
    int d = c.length - 1;
    while (d > 0 && c[d] == 0) d--;
    this.degree = Math.max(d, 0);
    alpha = new double[degree + 1][];
    mFactorial = new double[degree + 1];
    double f = 1;
    for (int m = 0; m <= degree; m++) {
      if (m > 0) f *= m;
      mFactorial[m] = f;
      int na = (degree - m) / 2 + 1;
      alpha[m] = new double[na];
      double dfact = 1; // (2a−1)!!
      for (int a = 0; a < na; a++) {
        if (a > 0) dfact *= 2 * a - 1;
        int k = m + 2 * a;
        alpha[m][a] = (k < c.length ? c[k] : 0.0) * binomial(k, m) * dfact;
      }
    }
  }

  static double binomial(int n, int k) {
    double r = 1;
    for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
    return r;
  }

  /** Coefficients of p'. */
  static double[] derivative(double[] c) {
    if (c.length <= 1) return new double[] {0.0};
    double[] d = new double[c.length - 1];
    for (int k = 1; k < c.length; k++) d[k - 1] = k * c[k];
    return d;
  }

  double expectation(double q11, double q22, double q12) {
    double sum = 0, pow = 1;
    for (int m = 0; m <= degree; m++) {
      double[] al = alpha[m];
      double r1 = 0, r2 = 0;
      for (int a = al.length - 1; a >= 0; a--) {
        r1 = r1 * q11 + al[a];
        r2 = r2 * q22 + al[a];
      }
      sum += mFactorial[m] * pow * (r1 * r2); // r1·r2 first: bitwise symmetric in the two inputs
      pow *= q12;
    }
    return sum;
  }

  static double evaluate(double[] c, double x) {
    double r = 0;
    for (int k = c.length - 1; k >= 0; k--) r = r * x + c[k];
    return r;
  }
}
