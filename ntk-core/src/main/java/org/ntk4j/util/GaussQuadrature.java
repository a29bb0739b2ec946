package org.ntk4j.util;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Gauss quadrature rules computed once per order (Golub–Welsch: eigenvalues and first eigenvector components of the
 * Jacobi matrix of the weight's three-term recurrence) and cached. Rules are immutable; callers must not modify the
 * returned arrays.
 *
 * <ul>
 *   <li>{@link #hermite}: weight e^{−x²} on ℝ (physicists'), Σw = √π;</li>
 *   <li>{@link #legendre}: weight 1 on [−1, 1], Σw = 2;</li>
 *   <li>{@link #radial}: weight r·e^{−r²/2} on [0, ∞) (the radius of a standard 2-D Gaussian), Σw = 1. Its recurrence
 *       comes from a discretised Stieltjes procedure on a fine Gauss–Legendre grid over [0, 14].</li>
 * </ul>
 */
public final class GaussQuadrature {
  /** Nodes and weights of one rule. */
  public static final class Rule {
    public final double[] nodes;
    public final double[] weights;

    Rule(double[] nodes, double[] weights) {
      this.nodes = nodes;
      this.weights = weights;
    }

    public int size() { return nodes.length; }
  }

  private static final int MAX_ORDER = 512;
  private static final ConcurrentHashMap<Integer, Rule> HERMITE = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Integer, Rule> LEGENDRE = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Integer, Rule> RADIAL = new ConcurrentHashMap<>();

  private GaussQuadrature() {}

  private static void check(int n) {
    if (n < 1 || n > MAX_ORDER) throw new IllegalArgumentException("quadrature order must be in 1.." + MAX_ORDER + ", got " + n);
  }

  /** Gauss–Hermite rule of {@code n} nodes for ∫ f(x) e^{−x²} dx. */
  public static Rule hermite(int n) {
    check(n);
    return HERMITE.computeIfAbsent(n, k -> {
      double[] a = new double[k];
      double[] b = new double[k];
      for (int i = 1; i < k; i++) b[i] = Math.sqrt(i / 2.0);
      return golubWelsch(a, b, Math.sqrt(Math.PI), true);
    });
  }

  /** Gauss–Legendre rule of {@code n} nodes for ∫_{−1}^{1} f(x) dx. */
  public static Rule legendre(int n) {
    check(n);
    return LEGENDRE.computeIfAbsent(n, k -> {
      double[] a = new double[k];
      double[] b = new double[k];
      for (int i = 1; i < k; i++) b[i] = i / Math.sqrt(4.0 * i * i - 1.0);
      return golubWelsch(a, b, 2.0, true);
    });
  }

  /** Gauss rule of {@code n} nodes for ∫_0^∞ f(r) r e^{−r²/2} dr. */
  public static Rule radial(int n) {
    check(n);
    return RADIAL.computeIfAbsent(n, GaussQuadrature::buildRadial);
  }

  private static Rule buildRadial(int n) {
    // discretise the weight on [0, R] (the weight beyond R = 14 is below 1e-40) with a fine Legendre rule
    Rule leg = legendre(Math.min(MAX_ORDER, 160 + 4 * n));
    int m = leg.size();
    double half = 7.0;
    double[] x = new double[m];
    double[] w = new double[m];
    for (int i = 0; i < m; i++) {
      x[i] = half * (leg.nodes[i] + 1.0);
      w[i] = half * leg.weights[i] * x[i] * Math.exp(-0.5 * x[i] * x[i]);
    }
    // Stieltjes: monic orthogonal polynomials evaluated on the grid
    double[] a = new double[n];
    double[] b = new double[n]; // b[k] = sqrt(beta_k), beta_k = ||p_k||² / ||p_{k-1}||²
    double[] pPrev = new double[m];
    double[] p = new double[m];
    java.util.Arrays.fill(p, 1.0);
    double normPrev = 0;
    for (int k = 0; k < n; k++) {
      double norm = 0, xn = 0;
      for (int i = 0; i < m; i++) {
        double pw = p[i] * p[i] * w[i];
        norm += pw;
        xn += x[i] * pw;
      }
      a[k] = xn / norm;
      if (k > 0) b[k] = Math.sqrt(norm / normPrev);
      if (k == n - 1) break;
      double beta = k > 0 ? norm / normPrev : 0.0;
      double[] next = new double[m];
      for (int i = 0; i < m; i++) next[i] = (x[i] - a[k]) * p[i] - beta * pPrev[i];
      pPrev = p;
      p = next;
      normPrev = norm;
    }
    return golubWelsch(a, b, 1.0, false);
  }

  /**
   * Nodes and weights from the symmetric tridiagonal Jacobi matrix (diagonal {@code a}, off-diagonal {@code b[1..n-1]})
   * by the implicit QL algorithm, tracking only the first components of the eigenvectors.
   */
  static Rule golubWelsch(double[] a, double[] b, double mu0, boolean symmetric) {
    int n = a.length;
    double[] d = a.clone();
    double[] e = new double[n];
    for (int i = 0; i < n - 1; i++) e[i] = b[i + 1];
    double[] z = new double[n];
    z[0] = 1.0;
    for (int l = 0; l < n; l++) {
      int iter = 0;
      int m;
      do {
        for (m = l; m < n - 1; m++) {
          double dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
          if (Math.abs(e[m]) + dd == dd) break;
        }
        if (m != l) {
          if (iter++ == 200) throw new IllegalStateException("quadrature: QL did not converge");
          double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
          double r = Math.hypot(g, 1.0);
          g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
          double s = 1.0, c = 1.0, p = 0.0;
          int i;
          for (i = m - 1; i >= l; i--) {
            double f = s * e[i];
            double bb = c * e[i];
            r = Math.hypot(f, g);
            e[i + 1] = r;
            if (r == 0.0) {
              d[i + 1] -= p;
              e[m] = 0.0;
              break;
            }
            s = f / r;
            c = g / r;
            g = d[i + 1] - p;
            r = (d[i] - g) * s + 2.0 * c * bb;
            p = s * r;
            d[i + 1] = g + p;
            g = c * r - bb;
            double zf = z[i + 1];
            z[i + 1] = s * z[i] + c * zf;
            z[i] = c * z[i] - s * zf;
          }
          if (r == 0.0 && i >= l) continue;
          d[l] -= p;
          e[l] = g;
          e[m] = 0.0;
        }
      } while (m != l);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    java.util.Arrays.sort(order, (i, j) -> Double.compare(d[i], d[j]));
    double[] nodes = new double[n];
    double[] weights = new double[n];
    for (int k = 0; k < n; k++) {
      nodes[k] = d[order[k]];
      weights[k] = mu0 * z[order[k]] * z[order[k]];
    }
    if (symmetric) { // exact symmetry of the rule about 0
      for (int k = 0; k < n / 2; k++) {
        double x = 0.5 * (nodes[n - 1 - k] - nodes[k]);
        double w = 0.5 * (weights[k] + weights[n - 1 - k]);
        nodes[k] = -x;
        nodes[n - 1 - k] = x;
        weights[k] = w;
        weights[n - 1 - k] = w;
      }
      if (n % 2 == 1) nodes[n / 2] = 0.0;
    }
    return new Rule(nodes, weights);
  }
}
