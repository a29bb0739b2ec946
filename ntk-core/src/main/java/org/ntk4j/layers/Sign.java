package org.ntk4j.layers;

/**
 * {@code Sign}: φ(x) = sign(x) (sign(0) = 0). Σ' = 1 − 2θ/π with θ = angle(u, v) (θ = π/2 at zero variance, so a
 * zero input gives 0 = sign(0)²). As in neural-tangents, Θ' = 0: φ' = 0 almost everywhere, and the finite twin
 * passes no gradient.
 */
public final class Sign extends Nonlinearity {
  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    nngp[i] = 1.0 - angle(q11, q22, q12) * (2.0 / Math.PI);
    ntk[i] = 0.0;
  }

  @Override public double phi(double x) { return Math.signum(x); }

  @Override public double dphi(double x) { return 0.0; }

  @Override public boolean equals(Object o) { return o instanceof Sign; }

  @Override public int hashCode() { return Sign.class.hashCode(); }

  @Override public String toString() { return "Sign"; }
}
