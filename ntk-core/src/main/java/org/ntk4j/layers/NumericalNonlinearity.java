package org.ntk4j.layers;

import org.ntk4j.util.GaussQuadrature;

/**
 * A nonlinearity whose kernels are computed by 2-D Gauss quadrature of Σ' = E[φ(u)φ(v)] and Σ̇ = E[φ'(u)φ'(v)]
 * (neural-tangents' {@code ElementwiseNumerical}), both from the same nodes.
 *
 * <p><b>{@link Scheme#POLAR} (default)</b>: in polar coordinates of the whitened Gaussian, u = r√q11·cos ψ and
 * v = r√q22·cos(ψ − θ) with θ = angle(u, v). The lines u = 0 and v = 0 cut the circle into four sectors
 * [π/2, π/2 + θ], [π/2 + θ, 3π/2], [3π/2, 3π/2 + θ], [3π/2 + θ, 5π/2]; each gets Gauss–Legendre in ψ and a Gauss rule
 * for the weight r·e^{−r²/2} in r, ⌈order/2⌉ nodes each, so the cost is order² evaluations per pair. On every
 * sector φ(u)φ(v) is smooth when φ is smooth on each side of 0, so φ with a kink or jump at 0 (ReLU, ELU, steps)
 * converges exponentially, not algebraically as under Gauss–Hermite; exact correlation (θ = 0 or π) leaves two sectors
 * empty and zero variances make one factor constant, without special cases. It also converges faster than
 * Gauss–Hermite for smooth φ with nearby complex poles (tanh, erf with large arguments): at order 32 tanh is within
 * ~1e-9 relative for variances around 1–2, Gauss–Hermite ~1e-5 (see the tests). Kinks away from 0 are not aligned
 * with the sectors and converge slowly.
 *
 * <p><b>{@link Scheme#HERMITE}</b>: tensor Gauss–Hermite of {@code order} nodes per dimension in the conditional form
 * u = √(2q11)·x, v | u = (q12/q11)·u + √(2(q22 − q12²/q11))·y, as neural-tangents' {@code ElementwiseNumerical(deg)}
 * (for comparing with it at equal order).
 *
 * <p>Both order the pair so that the larger variance comes first, which makes the result bitwise symmetric in the two
 * inputs. Nodes are computed once per order and shared; no allocation per pair.
 */
public abstract class NumericalNonlinearity extends Nonlinearity {
  /** Default quadrature order (nodes per dimension). */
  public static final int DEFAULT_ORDER = 48;
  private static final double INV_PI = 1 / Math.PI;
  private static final double INV_2PI = 1 / (2 * Math.PI);

  /** The quadrature scheme. */
  public enum Scheme { POLAR, HERMITE }

  private final int order;
  private final Scheme scheme;
  private final double[] x;
  private final double[] w;
  private final double[] rNodes;
  private final double[] rWeights;

  protected NumericalNonlinearity(int order) { this(order, Scheme.POLAR); }

  protected NumericalNonlinearity(int order, Scheme scheme) {
    if (order < 2 || order > 256) {
      throw new ArchitectureException(getClass().getSimpleName() + ": quadrature order must be in 2..256, got " + order);
    }
    this.order = order;
    this.scheme = java.util.Objects.requireNonNull(scheme, "scheme");
    if (scheme == Scheme.POLAR) {
      int m = (order + 1) / 2;
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

  public final Scheme scheme() { return scheme; }

  /**
   * φ(x) as the quadrature evaluates it: {@link #phi} unless overridden by a faster form accurate to a few 1e-16
   * absolute (the kernels need absolute, not relative, accuracy), e.g. tanh through {@link Math#exp}, which the JIT
   * compiles to an intrinsic while {@link Math#tanh} calls fdlibm.
   */
  protected double quadraturePhi(double x) { return phi(x); }

  /** φ'(x) given φ(x) (override when φ' is cheaper from φ, e.g. tanh' = 1 − tanh²). */
  protected double dphi(double x, double phiX) { return dphi(x); }

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
    if (scheme == Scheme.POLAR) polar(q11, q22, q12, nngp, ntk, i);
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
        double fm = quadraturePhi(mu);
        inner = Math.sqrt(Math.PI) * fm;
        innerD = Math.sqrt(Math.PI) * dphi(mu, fm);
      } else {
        for (int b = 0; b < n; b++) {
          double v = mu + sv * xs[b];
          double fv = quadraturePhi(v);
          inner += ws[b] * fv;
          innerD += ws[b] * dphi(v, fv);
        }
      }
      double fu = quadraturePhi(u);
      s += ws[a] * fu * inner;
      sd += ws[a] * dphi(u, fu) * innerD;
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
          double fu = quadraturePhi(u), fv = quadraturePhi(v);
          double wb = rWeights[b];
          rs += wb * fu * fv;
          rsd += wb * dphi(u, fu) * dphi(v, fv);
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
