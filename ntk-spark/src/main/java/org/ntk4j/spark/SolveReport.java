package org.ntk4j.spark;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a solve did.
 *
 * @param solver the method
 * @param iterations Krylov iterations (the largest over the outputs)
 * @param passes operator applications, i.e. distributed passes over the tiles (including the diagonal and the final
 *     residual check)
 * @param residuals per output: CG the true relative residual ‖Y − A·c‖/‖Y‖; LANCZOS the relative change of the
 *     last iteration (0 when the Krylov space became invariant: exact)
 * @param converged whether every output reached the tolerance
 * @param history the largest residual over the outputs after each iteration
 * @param seconds wall time
 * @param note why it stopped, in words
 */
public record SolveReport(Solver solver, int iterations, int passes, double[] residuals, boolean converged, double[] history,
                          double seconds, String note) {
  public double maxResidual() { return Arrays.stream(residuals).max().orElse(0); }

  @Override public String toString() {
    return String.format(Locale.ROOT, "%s: %d iterations, %d passes, max residual %.3g, %s in %.2f s (%s)", solver,
        iterations, passes, maxResidual(), converged ? "converged" : "NOT converged", seconds, note);
  }
}
