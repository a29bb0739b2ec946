package org.ntk4j.layers;

/**
 * Shared kernel of the ABReLU family φ(x) = a·min(x, 0) + b·max(x, 0) (ABRelu, LeakyRelu, Abs):
 * with θ = angle(u, v), Σ̇ = (a² + b²)/2 − (a − b)² θ / (2π) and Σ' = (a − b)²/(2π)·√(q11 q22 − q12²) + Σ̇·q12
 * (neural-tangents' ABRelu). φ'(0) = (a + b)/2, consistent with θ = π/2 at zero variance.
 */
abstract class PiecewiseLinear extends Nonlinearity {
  final double a;
  final double b;
  private final double factor;
  private final double mean;

  PiecewiseLinear(String layer, double a, double b) {
    this.a = Num.finite(layer, "a", a);
    this.b = Num.finite(layer, "b", b);
    this.factor = (a - b) * (a - b) / (2 * Math.PI);
    this.mean = (a * a + b * b) / 2;
  }

  @Override protected final void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    double d = q11 * q22 - q12 * q12;
    double sin = d > 0 ? Math.sqrt(d) : 0.0;
    double theta = angleOf(sin, q12);
    double dot = mean - factor * theta;
    nngp[i] = factor * sin + dot * q12;
    ntk[i] *= dot;
  }

  @Override public final double phi(double x) { return x > 0 ? b * x : x < 0 ? a * x : 0.0; }

  @Override public final double dphi(double x) { return x > 0 ? b : x < 0 ? a : 0.5 * (a + b); }
}
