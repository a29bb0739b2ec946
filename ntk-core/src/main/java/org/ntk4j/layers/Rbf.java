package org.ntk4j.layers;

import java.util.Objects;

/**
 * {@code Rbf(gamma=1)}: neural-tangents' dual activation of the normalised RBF kernel, φ(x) = √2·sin(√(2γ)·x + π/4):
 * Σ' = exp(−γ(q11 + q22 − 2q12)) (= exp(−γ‖x − x'‖²/d) directly on inputs), Σ̇ = 2γ·Σ'.
 */
public final class Rbf extends Nonlinearity {
  private static final double SQRT2 = Math.sqrt(2);
  private final double gamma;
  private final double freq;

  public Rbf() { this(1.0); }

  public Rbf(double gamma) {
    this.gamma = Num.finite("Rbf", "gamma", gamma);
    if (!(gamma > 0)) throw new ArchitectureException("Rbf: gamma must be > 0, got " + gamma);
    this.freq = Math.sqrt(2 * gamma);
  }

  public double gamma() { return gamma; }

  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    double k = Math.exp(gamma * (2 * q12 - q11 - q22));
    nngp[i] = k;
    ntk[i] *= 2 * gamma * k;
  }

  @Override public double phi(double x) { return SQRT2 * Math.sin(freq * x + Math.PI / 4); }

  @Override public double dphi(double x) { return SQRT2 * freq * Math.cos(freq * x + Math.PI / 4); }

  @Override public boolean equals(Object o) { return o instanceof Rbf r && Double.compare(r.gamma, gamma) == 0; }

  @Override public int hashCode() { return Objects.hash("Rbf", gamma); }

  @Override public String toString() { return gamma == 1 ? "Rbf" : "Rbf(" + Num.fmt(gamma) + ")"; }
}
