package org.ntk4j.layers;

import java.util.Objects;

/**
 * {@code Erf(a=1, b=1, c=0)}: φ(x) = a·erf(b·x) + c (neural-tangents' Erf). With p_i = 1 + 2b²q_ii and
 * D = p_1 p_2 − 4b⁴q12² (always ≥ 1 + 2b²(q11 + q22) > 0):
 * Σ' = a²·(2/π)·atan2(2b²q12, √D) + c², Σ̇ = a²b²·(4/π)/√D.
 */
public final class Erf extends Nonlinearity {
  private final double a;
  private final double b;
  private final double c;

  public Erf() { this(1, 1, 0); }

  public Erf(double a, double b, double c) {
    this.a = Num.finite("Erf", "a", a);
    this.b = Num.finite("Erf", "b", b);
    this.c = Num.finite("Erf", "c", c);
  }

  public double a() { return a; }
  public double b() { return b; }
  public double c() { return c; }

  static void kernel(double a, double b, double c, double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    double b2 = b * b;
    double p = (1 + 2 * b2 * q11) * (1 + 2 * b2 * q22);
    double t = 2 * b2 * q12;
    double d = p - t * t;
    double root = Math.sqrt(d > 0 ? d : 0.0);
    nngp[i] = a * a * (2 / Math.PI) * Math.atan2(t, root) + c * c;
    ntk[i] *= a * a * b2 * (4 / Math.PI) / root;
  }

  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    kernel(a, b, c, q11, q22, q12, nngp, ntk, i);
  }

  @Override public double phi(double x) { return a * SpecialFunctions.erf(b * x) + c; }

  @Override public double dphi(double x) {
    double y = b * x;
    return a * b * SpecialFunctions.TWO_OVER_SQRT_PI * Math.exp(-y * y);
  }

  @Override public boolean equals(Object o) {
    return o instanceof Erf e && Double.compare(e.a, a) == 0 && Double.compare(e.b, b) == 0 && Double.compare(e.c, c) == 0;
  }

  @Override public int hashCode() { return Objects.hash("Erf", a, b, c); }

  @Override public String toString() {
    if (a == 1 && b == 1 && c == 0) return "Erf";
    return "Erf(a=" + Num.fmt(a) + ", b=" + Num.fmt(b) + ", c=" + Num.fmt(c) + ")";
  }
}
