package org.ntk4j.layers;

/**
 * {@code RectifiedMonomial(n)}: φ(x) = (x ≥ 0)·xⁿ (neural-tangents' RectifiedMonomial), the arc-cosine kernel of degree
 * n: Σ' = (q11 q22)^{n/2}·J_n(θ)/(2π). Computed here from the moments M(a, b) = E[u₊^a v₊^b] of unit-variance (u, v)
 * with correlation ρ by Stein's identity, M(a, b) = (a − 1)·M(a − 2, b) + ρ·b·M(a − 1, b − 1), whose boundary terms
 * E[δ(u)·v₊^b] = σ^b·E[z₊^b]/√(2π) (σ = sin θ) need no division — finite and exact at correlation ±1.
 * Σ̇ = n²·(the same kernel of degree n − 1) (Price's theorem; the derivative of neural-tangents' closed form), and
 * Σ̇ = 0 for n = 0 as in neural-tangents (φ' = 0 almost everywhere). A zero-variance side is taken literally:
 * u ≡ 0 gives φ(0)·E[φ(v)] with φ(0) = [n = 0].
 */
public final class RectifiedMonomial extends Nonlinearity {
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
  private final int degree;
  private final double[] halfMoments; // E[z₊^k]
  private final ThreadLocal<double[]> scratch;

  public RectifiedMonomial(int degree) {
    if (degree < 0 || degree > 20) throw new ArchitectureException("RectifiedMonomial: degree must be in 0..20, got " + degree);
    this.degree = degree;
    halfMoments = new double[degree + 1];
    for (int k = 0; k <= degree; k++) halfMoments[k] = k == 0 ? 0.5 : k == 1 ? INV_SQRT_2PI : (k - 1) * halfMoments[k - 2];
    int n1 = degree + 1;
    scratch = ThreadLocal.withInitial(() -> new double[n1 * n1 + n1]);
  }

  public int degree() { return degree; }

  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    int n = degree;
    if (q11 == 0 || q22 == 0) {
      nngp[i] = degenerate(n, q11, q22);
      ntk[i] *= n == 0 ? 0.0 : (double) n * n * degenerate(n - 1, q11, q22);
      return;
    }
    double s = Math.sqrt(q11 * q22);
    double d = q11 * q22 - q12 * q12;
    double sin = d > 0 ? Math.sqrt(d) / s : 0.0;
    double rho = Math.max(-1.0, Math.min(1.0, q12 / s));
    double theta = angleOf(sin, rho);
    int w = n + 1;
    double[] t = scratch.get();
    double[] m = t; // m[a * w + b]
    int dOff = w * w; // D[b] = E[δ(u) v₊^b]
    double sp = 1;
    for (int b = 0; b <= n; b++) {
      t[dOff + b] = INV_SQRT_2PI * sp * halfMoments[b];
      sp *= sin;
    }
    m[0] = (Math.PI - theta) / (2 * Math.PI);
    for (int a = 1; a <= n; a++) {
      m[a * w] = (a >= 2 ? (a - 1) * m[(a - 2) * w] : t[dOff]) + rho * t[dOff + a - 1];
    }
    for (int b = 1; b <= n; b++) m[b] = m[b * w];
    for (int a = 1; a <= n; a++) {
      for (int b = 1; b <= n; b++) {
        m[a * w + b] = (a >= 2 ? (a - 1) * m[(a - 2) * w + b] : t[dOff + b]) + rho * b * m[(a - 1) * w + b - 1];
      }
    }
    nngp[i] = Math.pow(s, n) * m[n * w + n];
    ntk[i] *= n == 0 ? 0.0 : (double) n * n * Math.pow(s, n - 1) * m[(n - 1) * w + n - 1];
  }

  /** E[φ_k(u) φ_k(v)] when a side has zero variance (φ_k(0) = [k = 0]). */
  private double degenerate(int k, double q11, double q22) {
    if (k > 0) return 0.0;
    return (q11 == 0 ? 1.0 : 0.5) * (q22 == 0 ? 1.0 : 0.5);
  }

  @Override public double phi(double x) { return x >= 0 ? Monomial.pow(x, degree) : 0.0; }

  @Override public double dphi(double x) {
    if (degree == 0) return 0.0;
    return x >= 0 ? degree * Monomial.pow(x, degree - 1) : 0.0;
  }

  @Override public boolean equals(Object o) { return o instanceof RectifiedMonomial m && m.degree == degree; }

  @Override public int hashCode() { return 43 * degree + 5; }

  @Override public String toString() { return "RectifiedMonomial(" + degree + ")"; }
}
