package org.ntk4j.layers;

/** Test helper: one application of a nonlinearity's kernel rule to a single pair. */
final class K {
  private K() {}

  /** {Σ', Σ̇} for variances q11, q22 and covariance q12 (Θ = 1 on entry, so ntk' = Σ̇). */
  static double[] pair(Nonlinearity f, double q11, double q22, double q12) {
    double[] nngp = {q12};
    double[] ntk = {1.0};
    f.pair(q11, q22, q12, nngp, ntk, 0);
    return new double[] {nngp[0], ntk[0]};
  }

  static double rel(double got, double want) {
    return Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);
  }
}
