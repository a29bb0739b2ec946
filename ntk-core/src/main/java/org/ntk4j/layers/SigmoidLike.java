package org.ntk4j.layers;

/**
 * {@code SigmoidLike}: neural-tangents' {@code Sigmoid_like}, φ(x) = 0.5·erf(x / 2.4020563531719796) + 0.5, i.e.
 * {@code Erf(a=0.5, b=1/2.4020563531719796, c=0.5)} (the constant minimises the squared distance to the logistic
 * sigmoid on [−5, 5]).
 */
public final class SigmoidLike extends Nonlinearity {
  static final double A = 0.5;
  static final double B = 1 / 2.4020563531719796;
  static final double C = 0.5;

  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    Erf.kernel(A, B, C, q11, q22, q12, nngp, ntk, i);
  }

  @Override public double phi(double x) { return A * SpecialFunctions.erf(B * x) + C; }

  @Override public double dphi(double x) {
    double y = B * x;
    return A * B * SpecialFunctions.TWO_OVER_SQRT_PI * Math.exp(-y * y);
  }

  @Override public boolean equals(Object o) { return o instanceof SigmoidLike; }

  @Override public int hashCode() { return SigmoidLike.class.hashCode(); }

  @Override public String toString() { return "SigmoidLike"; }
}
