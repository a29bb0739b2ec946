package org.ntk4j.layers;

/**
 * ReLU, the arc-cosine kernel of degree 1: with θ = angle(u, v),
 * Σ' = √(q11 q22)·(sin θ + (π − θ) cos θ) / (2π), Σ̇ = (π − θ) / (2π). Equal in value to {@code ABRelu(0, 1)}
 * (a faster path of the same formula). φ'(0) = 1/2, the symmetric derivative (JAX's derivative of max(x, 0) at a tie),
 * consistent with θ = π/2 for a zero-variance pair.
 */
public final class Relu extends Nonlinearity {
  static final double INV_2PI = 1.0 / (2 * Math.PI);

  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    double d = q11 * q22 - q12 * q12;
    double sin = d > 0 ? Math.sqrt(d) : 0.0; // √(q11 q22) sin θ
    double theta = angleOf(sin, q12);
    // √(q11 q22) (sin θ + (π − θ) cos θ) = √(q11 q22) sin θ + (π − θ) q12
    double dot = (Math.PI - theta) * INV_2PI;
    nngp[i] = sin * INV_2PI + dot * q12;
    ntk[i] *= dot;
  }

  /** {@link #pair} over a row, the same arithmetic inlined (bitwise the same values, no call per entry). */
  @Override protected void pairRow(double q11, double[] v2, int o2, double[] nngp, double[] ntk, int base, int len) {
    for (int j = 0; j < len; j++) {
      int i = base + j;
      double q12 = nngp[i];
      double d = q11 * v2[o2 + j] - q12 * q12;
      double sin = d > 0 ? Math.sqrt(d) : 0.0;
      double dot = (Math.PI - angleOf(sin, q12)) * INV_2PI;
      nngp[i] = sin * INV_2PI + dot * q12;
      ntk[i] *= dot;
    }
  }

  @Override public double phi(double x) { return x > 0 ? x : 0.0; }

  @Override public double dphi(double x) { return x > 0 ? 1.0 : x < 0 ? 0.0 : 0.5; }

  @Override public boolean equals(Object o) { return o instanceof Relu; }

  @Override public int hashCode() { return Relu.class.hashCode(); }

  @Override public String toString() { return "Relu"; }
}
