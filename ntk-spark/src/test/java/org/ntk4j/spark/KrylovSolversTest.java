package org.ntk4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The solvers on operators with a spectrum chosen by hand, A = Q·diag(λ)·Qᵀ with a random orthogonal Q, so that the
 * reference f(A)·b = Q·diag(f(λ))·Qᵀ·b is known in closed form (no solver, no eigendecomposition).
 */
class KrylovSolversTest {
  /** A = Q diag(lambda) Qᵀ as a local operator; counts applications. */
  static final class Spectral implements KrylovSolvers.Operator {
    final int n;
    final double[] q;
    final double[] lambda;
    final double[] a;
    int applications;

    Spectral(double[] lambda, long seed) {
      this.n = lambda.length;
      this.lambda = lambda;
      this.q = orthogonal(n, seed);
      this.a = new double[n * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int l = 0; l < n; l++) s += q[i * n + l] * lambda[l] * q[j * n + l];
          a[i * n + j] = s;
        }
      }
      for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) a[i * n + j] = a[j * n + i]; // exactly symmetric
    }

    @Override public int size() { return n; }

    @Override public double[] apply(double[] v, int k) {
      applications++;
      double[] out = new double[n * k];
      for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (int o = 0; o < k; o++) out[i * k + o] += a[i * n + j] * v[j * k + o];
      return out;
    }

    @Override public double[] diagonal() {
      double[] d = new double[n];
      for (int i = 0; i < n; i++) d[i] = a[i * n + i];
      return d;
    }

    /** Q·diag(g(λ))·Qᵀ·b. */
    double[] reference(double[] b, int k, java.util.function.DoubleUnaryOperator g) {
      double[] c = new double[n * k];
      for (int l = 0; l < n; l++) {
        double gl = g.applyAsDouble(lambda[l]);
        for (int o = 0; o < k; o++) {
          double p = 0;
          for (int i = 0; i < n; i++) p += q[i * n + l] * b[i * k + o];
          for (int i = 0; i < n; i++) c[i * k + o] += q[i * n + l] * gl * p;
        }
      }
      return c;
    }
  }

  /** Modified Gram–Schmidt, twice, on a Gaussian matrix: columns of Q orthonormal to round-off. */
  static double[] orthogonal(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] m = new double[n * n];
    for (int i = 0; i < m.length; i++) m[i] = r.nextGaussian();
    for (int pass = 0; pass < 2; pass++) {
      for (int c = 0; c < n; c++) {
        for (int p = 0; p < c; p++) {
          double d = 0;
          for (int i = 0; i < n; i++) d += m[i * n + p] * m[i * n + c];
          for (int i = 0; i < n; i++) m[i * n + c] -= d * m[i * n + p];
        }
        double s = 0;
        for (int i = 0; i < n; i++) s += m[i * n + c] * m[i * n + c];
        s = Math.sqrt(s);
        for (int i = 0; i < n; i++) m[i * n + c] /= s;
      }
    }
    return m;
  }

  static double[] gaussian(int len, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[len];
    for (int i = 0; i < len; i++) v[i] = r.nextGaussian();
    return v;
  }

  static double relError(double[] want, double[] got) {
    double d = 0, s = 0;
    for (int i = 0; i < want.length; i++) {
      d = Math.max(d, Math.abs(want[i] - got[i]));
      s = Math.max(s, Math.abs(want[i]));
    }
    return d / s;
  }

  static double[] spread(int n, double lo, double hi) {
    double[] l = new double[n];
    for (int i = 0; i < n; i++) l[i] = lo * Math.pow(hi / lo, i / (n - 1.0));
    return l;
  }

  @Test void cgSolvesToTheRequestedTrueResidual() {
    Spectral a = new Spectral(spread(40, 0.05, 20), 1);
    double[] b = gaussian(40 * 2, 2);
    KrylovSolvers.Result r = KrylovSolvers.flow(a, b, 2, 0, true, SolveOptions.of(Solver.CG, 1e-12));
    SolveReport rep = r.report();
    assertTrue(rep.converged(), rep::toString);
    assertTrue(rep.maxResidual() <= 1e-12, rep::toString);
    assertTrue(rep.iterations() > 5 && rep.iterations() <= 120, rep::toString);
    assertEquals(a.applications + 1, rep.passes(), "passes counted: products + the diagonal");
    // error ≤ cond · residual = 400 · 1e-12
    assertTrue(relError(a.reference(b, 2, l -> 1 / l), r.x()) < 1e-9, () -> "error " + relError(a.reference(b, 2, l -> 1 / l), r.x()));
    double[] h = rep.history();
    assertTrue(h[h.length - 1] < h[0], "residual history decreases");
  }

  @Test void krylovMethodsStopAfterAsManyIterationsAsDistinctEigenvalues() {
    // three distinct eigenvalues: the Krylov space of any b has dimension 3
    double[] l = new double[30];
    for (int i = 0; i < l.length; i++) l[i] = new double[] {1, 2, 5}[i % 3];
    Spectral a = new Spectral(l, 3);
    double[] b = gaussian(30, 4);
    // (CG is Jacobi-preconditioned, which does not keep the three eigenvalues: it only has to converge)
    KrylovSolvers.Result cg = KrylovSolvers.flow(a, b, 1, 0, true, SolveOptions.of(Solver.CG, 1e-12));
    assertTrue(cg.report().converged(), cg.report()::toString);
    assertTrue(relError(a.reference(b, 1, v -> 1 / v), cg.x()) < 1e-11);
    KrylovSolvers.Result lz = KrylovSolvers.flow(a, b, 1, 0.3, false, SolveOptions.of(Solver.LANCZOS, 1e-13));
    assertEquals(3, lz.report().iterations(), lz.report()::toString);
    assertTrue(lz.report().converged());
    assertTrue(relError(a.reference(b, 1, v -> -Math.expm1(-0.3 * v) / v), lz.x()) < 1e-13);
  }

  @Test void lanczosMatchesTheSpectralFormulaForFiniteAndInfiniteTime() {
    Spectral a = new Spectral(spread(50, 0.02, 30), 5);
    double[] b = gaussian(50 * 3, 6);
    for (double flowA : new double[] {0.01, 1.0, 40.0}) {
      KrylovSolvers.Result r = KrylovSolvers.flow(a, b, 3, flowA, false, SolveOptions.of(Solver.LANCZOS, 1e-13));
      double err = relError(a.reference(b, 3, v -> -Math.expm1(-flowA * v) / v), r.x());
      assertTrue(r.report().converged(), r.report()::toString);
      assertTrue(err < 1e-11, () -> "a = " + flowA + ": error " + err + "; " + r.report());
    }
    KrylovSolvers.Result inf = KrylovSolvers.flow(a, b, 3, 0, true, SolveOptions.of(Solver.LANCZOS, 1e-13));
    assertTrue(relError(a.reference(b, 3, v -> 1 / v), inf.x()) < 1e-10, inf.report()::toString);
    // small a·t: the factor tends to a, and few iterations suffice (f is nearly constant)
    KrylovSolvers.Result tiny = KrylovSolvers.flow(a, b, 3, 1e-6, false, SolveOptions.of(Solver.LANCZOS, 1e-13));
    assertTrue(tiny.report().iterations() <= 8, tiny.report()::toString);
    assertTrue(relError(a.reference(b, 3, v -> -Math.expm1(-1e-6 * v) / v), tiny.x()) < 1e-12);
  }

  @Test void singularOperatorGivesThePseudoInverseWithLanczosAndABreakdownReportWithCg() {
    double[] l = spread(36, 0.1, 10);
    for (int i = 0; i < 6; i++) l[i] = 0; // a 6-dimensional null space
    Spectral a = new Spectral(l, 7);
    double[] b = gaussian(36, 8); // has components in the null space: A·c = b has no solution
    KrylovSolvers.Result r = KrylovSolvers.flow(a, b, 1, 0, true, SolveOptions.of(Solver.LANCZOS, 1e-12));
    double[] pinv = a.reference(b, 1, v -> v == 0 ? 0 : 1 / v);
        assertTrue(relError(pinv, r.x()) < 1e-8, () -> "error " + relError(pinv, r.x()) + "; " + r.report());
    // finite t: the coefficients are arbitrary on the null space (f → a there, MsePredictor takes 0); what a
    // prediction sees is A·c = Q·diag(1 − e^{−aλ})·Qᵀ·b, which is unique
    KrylovSolvers.Result fin = KrylovSolvers.flow(a, b, 1, 2.0, false, SolveOptions.of(Solver.LANCZOS, 1e-12));
    double[] seen = a.apply(fin.x(), 1);
    assertTrue(relError(a.reference(b, 1, v -> -Math.expm1(-2 * v)), seen) < 1e-10, fin.report()::toString);
    KrylovSolvers.Result cg = KrylovSolvers.flow(a, b, 1, 0, true, new SolveOptions(Solver.CG, 1e-12, 200));
    assertFalse(cg.report().converged(), cg.report()::toString);
    for (double v : cg.x()) assertTrue(Double.isFinite(v), "no NaN or infinity from a failed CG");
  }

  @Test void flowFactorLimitsAndAccuracy() {
    assertEquals(2.0, KrylovSolvers.flowFactor(1e-320, 2.0, false, 0), 0.0, "limit a as a·λ underflows");
    // −expm1(−x)/λ with x = 1e-10: a·(1 − x/2 + x²/6), not the cancellation of 1 − exp(−x)
    assertEquals(1 - 0.5e-10 + 1e-20 / 6, KrylovSolvers.flowFactor(1e-10, 1.0, false, 0), 1e-16);
    assertEquals((1 - Math.exp(-6.0)) / 3.0, KrylovSolvers.flowFactor(3.0, 2.0, false, 0), 1e-16);
    assertEquals(0.25, KrylovSolvers.flowFactor(4.0, 0, true, 0), 0.0);
    assertEquals(0.0, KrylovSolvers.flowFactor(1e-15, 1, true, 1e-14), 0.0, "round-off eigenvalue treated as zero");
    assertEquals(0.0, KrylovSolvers.flowFactor(-0.5, 1, false, 1e-14), 0.0, "negative eigenvalue clipped");
  }

  @Test void refusals() {
    Spectral a = new Spectral(spread(5, 1, 2), 9);
    assertThrows(IllegalArgumentException.class, () -> KrylovSolvers.flow(a, new double[5], 1, 0.5, false, SolveOptions.of(Solver.CG, 1e-8)),
        "CG for finite t");
    assertThrows(IllegalArgumentException.class, () -> KrylovSolvers.flow(a, new double[4], 1, 0, true, SolveOptions.of(Solver.CG, 1e-8)));
    double[] nan = new double[5];
    nan[2] = Double.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KrylovSolvers.flow(a, nan, 1, 0, true, SolveOptions.of(Solver.LANCZOS, 1e-8)));
    assertTrue(e.getMessage().contains("flat index 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SolveOptions.of(Solver.CG, 0));
    assertThrows(IllegalArgumentException.class, () -> new SolveOptions(Solver.CG, 1e-8, -1));
    KrylovSolvers.Result zero = KrylovSolvers.flow(a, new double[5], 1, 0, true, SolveOptions.of(Solver.CG, 1e-8));
    assertTrue(zero.report().converged());
    for (double v : zero.x()) assertEquals(0.0, v, 0.0);
  }
}
