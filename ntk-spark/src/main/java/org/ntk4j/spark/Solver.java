package org.ntk4j.spark;

/** Matrix-free solvers for the closed-form mean prediction. */
public enum Solver {
  /** Jacobi-preconditioned conjugate gradient on (Θ + diag_reg·I)·c = Y: t = ∞ only; needs a positive-definite matrix. */
  CG,
  /**
   * Lanczos approximation of f(Θ + diag_reg·I)·Y with f(λ) = (1 − e^{−aλ})/λ, a = lr·t/N (1/λ at t = ∞), fully
   * reorthogonalised; round-off Ritz values are treated as zeros, so a singular Θ gives the pseudo-inverse limit.
   */
  LANCZOS
}
