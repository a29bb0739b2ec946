package org.ntk4j.layers;

/** {@code Identity}: φ(x) = x; Σ and Θ pass unchanged. */
public final class Identity extends Nonlinearity {
  @Override protected void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i) {
    // Σ' = q12 (already in place), Θ' = Θ·1
  }

  @Override public void applyKernel(org.ntk4j.kernel.KernelState s, org.ntk4j.kernel.KernelContext ctx) {}

  @Override public double phi(double x) { return x; }

  @Override public double dphi(double x) { return 1.0; }

  @Override public boolean equals(Object o) { return o instanceof Identity; }

  @Override public int hashCode() { return Identity.class.hashCode(); }

  @Override public String toString() { return "Identity"; }
}
