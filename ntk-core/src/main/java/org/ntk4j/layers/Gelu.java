package org.ntk4j.layers;

/**
 * {@code Gelu}: the exact φ(x) = x·Φ(x) (neural-tangents' Gelu with {@code approximate=False}). With P = q11 q22,
 * P₁ = (1 + q11)(1 + q22), Δ = √(P₁ − q12²) (≥ 1) and α = atan2(q12, Δ):
 * Σ' = q12/4 + ((q12² + P Δ²)/(P₁ Δ) + q12 α)/(2π),
 * Σ̇ = 1/4 + α/(2π) + q12/(2πΔ)·(1/Δ² + (1 − P)/P₁ + 1).
 */
public final class Gelu extends Nonlinearity {
  private static final double INV_2PI = 1 / (2 * Math.PI);

  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    double prod = q11 * q22;
    double prod1 = (1 + q11) * (1 + q22);
    double delta2 = prod1 - q12 * q12;
    double delta = Math.sqrt(delta2);
    double alpha = Math.atan2(q12, delta);
    nngp[i] = 0.25 * q12 + ((q12 * q12 + prod * delta2) / (prod1 * delta) + q12 * alpha) * INV_2PI;
    double first = (1 / delta2 + (1 - prod) / prod1 + 1) * q12 / delta * INV_2PI;
    ntk[i] *= first + 0.25 + alpha * INV_2PI;
  }

  @Override public double phi(double x) { return x * SpecialFunctions.normalCdf(x); }

  @Override public double dphi(double x) { return SpecialFunctions.normalCdf(x) + x * SpecialFunctions.normalPdf(x); }

  @Override public boolean equals(Object o) { return o instanceof Gelu; }

  @Override public int hashCode() { return Gelu.class.hashCode(); }

  @Override public String toString() { return "Gelu"; }
}
