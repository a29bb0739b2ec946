package org.ntk4j.spark;

import java.util.Objects;

/**
 * @param solver CG (t = ∞) or LANCZOS (any t)
 * @param tol relative tolerance per output: CG stops at ‖Y − A·c‖/‖Y‖ ≤ tol (true residual, checked with one extra
 *     pass); LANCZOS at a relative change of the solution ≤ tol at two checks (iterations) in a row
 * @param maxIter largest number of iterations (each one distributed pass); 0: automatic (2n, at least 100 and at most 5000, for CG; up to 1000
 *     for LANCZOS, which keeps its basis of maxIter vectors per output on the driver)
 */
public record SolveOptions(Solver solver, double tol, int maxIter) {
  public SolveOptions {
    Objects.requireNonNull(solver, "solver");
    if (!(tol > 0) || !(tol < 1)) throw new IllegalArgumentException("solver tolerance must be in (0, 1), got " + tol);
    if (maxIter < 0) throw new IllegalArgumentException("maximum iterations must be >= 0 (0: automatic), got " + maxIter);
  }

  public static SolveOptions of(Solver solver, double tol) { return new SolveOptions(solver, tol, 0); }

  int iterationsFor(int n) {
    if (maxIter > 0) return maxIter;
    return solver == Solver.CG ? Math.min(Math.max(100, 2 * n), 5000) : Math.min(n, 1000);
  }
}
