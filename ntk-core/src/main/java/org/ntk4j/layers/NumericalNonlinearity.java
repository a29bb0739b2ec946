package org.ntk4j.layers;

import org.ntk4j.util.GaussQuadrature;

/**
 * A nonlinearity whose kernels are computed by 2-D Gauss quadrature of Σ' = E[φ(u)φ(v)] and Σ̇ = E[φ'(u)φ'(v)]
 * (neural-tangents' {@code ElementwiseNumerical}), both from the same nodes.
 *
 * <p><b>Smooth φ</b>: tensor Gauss–Hermite of {@code order} nodes per dimension in the conditional form
 * u = √(2 q11)·x, v | u = (q12/q11)·u + √(2 (q22 − q12²/q11))·y.
 *
 * <p><b>φ with a kink or jump at 0</b> ({@code kinkAtZero}: φ or φ' smooth on each side of 0 but not across, e.g.
 * ReLU, ELU, steps): Gauss–Hermite would converge only algebraically. Instead, in polar coordinates of the whitened
 * Gaussian, u = r√q11·cos ψ and v = r√q22·cos(ψ − θ) with θ = angle(u, v); the lines u = 0 and v = 0 cut the circle
 * into four sectors [π/2, π/2 + θ], [π/2 + θ, 3π/2], ... on each of which φ(u)φ(v) is smooth. Each sector gets
 * Gauss–Legendre in ψ ({@code order/2} nodes) and a Gauss rule for the weight r·e^{−r²/2} in r ({@code order/2} nodes),
 * so the cost is order² evaluations, as for the smooth rule, and convergence is exponential again. Exact correlation
 * (θ = 0 or π) leaves two empty sectors and needs no special case; a zero variance makes A or B vanish.
 *
 * <p>Both forms order the pair so that the larger variance comes first, which makes the result bitwise symmetric in
 * the two inputs. Nodes are computed once per order and shared; no allocation per pair.
 */
public abstract class NumericalNonlinearity extends Nonlinearity {
  /** Default quadrature order (nodes per dimension). */
  public static final int DEFAULT_ORDER = 32;
  private static final double INV_PI = 1 / Math.PI;
  private static final double INV_2PI = 1 / (2 * Math.PI);

  private final int order;
  private final boolean kinkAtZero;
  private final double[] x;
  private final double[] w;
  private final double[] rNodes;
  private final double[] rWeights;

  protected NumericalNonlinearity(int order, boolean kinkAtZero) {
    if (order < 2 || order > 256) {
      throw new ArchitectureException(getClass().getSimpleName() + ": quadrature order must be in 2..256, got " + order);
    }
    this.order = order;
    this.kinkAtZero = kinkAtZero;
    if (kinkAtZero) {
      int m = Math.max(1, order / 2);
      GaussQuadrature.Rule leg = GaussQuadrature.legendre(m);
      GaussQuadrature.Rule rad = GaussQuadrature.radial(m);
      x = leg.nodes;
      w = leg.weights;
      rNodes = rad.nodes;
      rWeights = rad.weights;
    } else {
      GaussQuadrature.Rule h = GaussQuadrature.hermite(order);
      x = h.nodes;
      w = h.weights;
      rNodes = null;
      rWeights = null;
    }
  }

  public final int order() { return order; }

  public final boolean kinkAtZero() { return kinkAtZero; }

  @Override protected final void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    if (q11 < q22) { // symmetric in the two inputs: φ is the same on both sides
      double t = q11;
      q11 = q22;
      q22 = t;
    }
    if (q11 == 0) { // both variances zero: u = v = 0
      double f = phi(0.0), g = dphi(0.0);
      nngp[i] = f * f;
      ntk[i] *= g * g;
      return;
    }
    if (kinkAtZero) polar(q11, q22, q12, nngp, ntk, i);
    else hermite(q11, q22, q12, nngp, ntk, i);
  }

  private void hermite(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    double su = Math.sqrt(2 * q11);
    double slope = q12 / q11;
    double c2 = (q11 * q22 - q12 * q12) / q11;
    double sv = c2 > 0 ? Math.sqrt(2 * c2) : 0.0;
    double[] xs = x, ws = w;
    int n = xs.length;
    double s = 0, sd = 0;
    for (int a = 0; a < n; a++) {
      double u = su * xs[a];
      double mu = slope * u;
      double inner = 0, innerD = 0;
      if (sv == 0) {
        inner = Math.sqrt(Math.PI) * phi(mu);
        innerD = Math.sqrt(Math.PI) * dphi(mu);
      } else {
        for (int b = 0; b < n; b++) {
          double v = mu + sv * xs[b];
          inner += ws[b] * phi(v);
          innerD += ws[b] * dphi(v);
        }
      }
      s += ws[a] * phi(u) * inner;
      sd += ws[a] * dphi(u) * innerD;
    }
    nngp[i] = s * INV_PI;
    ntk[i] *= sd * INV_PI;
  }

  private void polar(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    double d = q11 * q22 - q12 * q12;
    double theta = angleOf(d > 0 ? Math.sqrt(d) : 0.0, q12);
    double r1 = Math.sqrt(q11), r2 = Math.sqrt(q22);
    double s = 0, sd = 0;
    // sectors [π/2, π/2 + θ], [π/2 + θ, 3π/2], [3π/2, 3π/2 + θ], [3π/2 + θ, 5π/2]
    for (int k = 0; k < 4; k++) {
      double start = (k < 2 ? HALF_PI : 3 * HALF_PI) + ((k & 1) == 0 ? 0.0 : theta);
      double len = (k & 1) == 0 ? theta : Math.PI - theta;
      if (len <= 0) continue;
      double half = 0.5 * len, mid = start + half;
      double ss = 0, ssd = 0;
      for (int a = 0; a < x.length; a++) {
        double psi = mid + half * x[a];
        double ca = r1 * Math.cos(psi);
        double cb = r2 * Math.cos(psi - theta);
        double rs = 0, rsd = 0;
        for (int b = 0; b < rNodes.length; b++) {
          double r = rNodes[b];
          double u = r * ca, v = r * cb;
          rs += rWeights[b] * phi(u) * phi(v);
          rsd += rWeights[b] * dphi(u) * dphi(v);
        }
        ss += w[a] * rs;
        ssd += w[a] * rsd;
      }
      s += half * ss;
      sd += half * ssd;
    }
    nngp[i] = s * INV_2PI;
    ntk[i] *= sd * INV_2PI;
  }

  /** ", order=N" when the order is not the default, for toString. */
  protected final String orderSuffix() { return order == DEFAULT_ORDER ? "" : "order=" + order; }
}
