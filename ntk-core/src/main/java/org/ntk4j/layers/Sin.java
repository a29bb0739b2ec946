package org.ntk4j.layers;

import java.util.Objects;

/**
 * {@code Sin(a=1, b=1, c=0)}: φ(x) = a·sin(b·x + c) (neural-tangents' Sin). With s± = exp(−b²(q11 + q22 ∓ 2q12)/2):
 * Σ' = a²/2·(s₊ − cos(2c)·s₋), Σ̇ = a²b²/2·(s₊ + cos(2c)·s₋).
 */
public final class Sin extends Nonlinearity {
  private final double a;
  private final double b;
  private final double c;
  private final double cos2c;

  public Sin() { this(1, 1, 0); }

  public Sin(double a, double b, double c) {
    this.a = Num.finite("Sin", "a", a);
    this.b = Num.finite("Sin", "b", b);
    this.c = Num.finite("Sin", "c", c);
    this.cos2c = Math.cos(2 * c);
  }

  public double a() { return a; }
  public double b() { return b; }
  public double c() { return c; }

  /** E[a sin(bu + c)·a sin(bv + c)] with the given cos(2c) (Cos passes −cos(2c)). */
  static void kernel(double a, double b, double cos2c, double q11, double q22, double q12, double[] nngp, double[] ntk,
                     int i) {
    double b2 = b * b;
    double half = -0.5 * b2 * (q11 + q22);
    double s1 = Math.exp(half + b2 * q12);
    double s2 = Math.exp(half - b2 * q12) * cos2c;
    double ha2 = 0.5 * a * a;
    nngp[i] = ha2 * (s1 - s2);
    ntk[i] *= ha2 * b2 * (s1 + s2);
  }

  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    kernel(a, b, cos2c, q11, q22, q12, nngp, ntk, i);
  }

  @Override public double phi(double x) { return a * Math.sin(b * x + c); }

  @Override public double dphi(double x) { return a * b * Math.cos(b * x + c); }

  @Override public boolean equals(Object o) {
    return o instanceof Sin e && Double.compare(e.a, a) == 0 && Double.compare(e.b, b) == 0 && Double.compare(e.c, c) == 0;
  }

  @Override public int hashCode() { return Objects.hash("Sin", a, b, c); }

  @Override public String toString() {
    if (a == 1 && b == 1 && c == 0) return "Sin";
    return "Sin(a=" + Num.fmt(a) + ", b=" + Num.fmt(b) + ", c=" + Num.fmt(c) + ")";
  }
}
