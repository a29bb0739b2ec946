package org.ntk4j.layers;

import java.util.Objects;

/**
 * {@code Cos(a=1, b=1, c=0)}: φ(x) = a·cos(b·x + c) = a·sin(b·x + c + π/2) (neural-tangents' Cos); the Sin kernel with
 * cos(2c + π) = −cos(2c), taken exactly.
 */
public final class Cos extends Nonlinearity {
  private final double a;
  private final double b;
  private final double c;
  private final double cos2c;

  public Cos() { this(1, 1, 0); }

  public Cos(double a, double b, double c) {
    this.a = Num.finite("Cos", "a", a);
    this.b = Num.finite("Cos", "b", b);
    this.c = Num.finite("Cos", "c", c);
    this.cos2c = Math.cos(2 * c);
  }

  public double a() { return a; }
  public double b() { return b; }
  public double c() { return c; }

  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    Sin.kernel(a, b, -cos2c, q11, q22, q12, nngp, ntk, i);
  }

  @Override public double phi(double x) { return a * Math.cos(b * x + c); }

  @Override public double dphi(double x) { return -a * b * Math.sin(b * x + c); }

  @Override public boolean equals(Object o) {
    return o instanceof Cos e && Double.compare(e.a, a) == 0 && Double.compare(e.b, b) == 0 && Double.compare(e.c, c) == 0;
  }

  @Override public int hashCode() { return Objects.hash("Cos", a, b, c); }

  @Override public String toString() {
    if (a == 1 && b == 1 && c == 0) return "Cos";
    return "Cos(a=" + Num.fmt(a) + ", b=" + Num.fmt(b) + ", c=" + Num.fmt(c) + ")";
  }
}
