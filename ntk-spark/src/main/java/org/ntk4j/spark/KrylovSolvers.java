package org.ntk4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.ntk4j.util.Units;

/**
 * Conjugate gradient and Lanczos over a symmetric positive semi-definite operator given only by its products, for
 * several right-hand sides at once (the columns of an {@code n × k} row-major block share every operator
 * application). The vectors live on the driver; the operator may be a distributed pass.
 */
public final class KrylovSolvers {
  private KrylovSolvers() {}

  /** A symmetric operator A on R^n, applied to k vectors at once (n × k row-major in and out). */
  public interface Operator {
    int size();

    double[] apply(double[] v, int k);

    /** The diagonal of A (for the Jacobi preconditioner). */
    double[] diagonal();
  }

  /** A solution block and how it was found. */
  public record Result(double[] x, int k, SolveReport report) {}

  /**
   * Coefficients c = f(A)·B with f(λ) = (1 − e^{−aλ})/λ ({@code infinite}: 1/λ); CG only for {@code infinite}.
   */
  public static Result flow(Operator a, double[] b, int k, double flowA, boolean infinite, SolveOptions options) {
    int n = a.size();
    if (b.length != (long) n * k) throw new IllegalArgumentException("right-hand sides have " + b.length + " values, expected n·k = " + n + "·" + k);
    for (int i = 0; i < b.length; i++) {
      if (!Double.isFinite(b[i])) throw new IllegalArgumentException("right-hand side has a non-finite value " + b[i] + " at flat index " + i);
    }
    if (options.solver() == Solver.CG) {
      if (!infinite) {
        throw new IllegalArgumentException("the CG solver computes t = infinity only (a linear solve); use LANCZOS for finite t");
      }
      return cg(a, b, k, options.tol(), options.iterationsFor(n));
    }
    if (!infinite && !(flowA >= 0 && Double.isFinite(flowA))) throw new IllegalArgumentException("flow coefficient lr·t/N must be finite and >= 0, got " + flowA);
    return lanczos(a, b, k, flowA, infinite, options.tol(), options.iterationsFor(n));
  }

  /** f(λ) = (1 − e^{−aλ})/λ via expm1, with its limit a as aλ → 0; 1/λ at t = ∞; 0 on round-off and negative λ. */
  static double flowFactor(double lambda, double a, boolean infinite, double cutoff) {
    if (lambda <= cutoff) return 0;
    if (infinite) return 1 / lambda;
    double x = a * lambda;
    if (x == 0) return a;
    return -Math.expm1(-x) / lambda;
  }

  // ---------------------------------------------------------------------------------------------------- CG

  static Result cg(Operator op, double[] b, int k, double tol, int maxIter) {
    long t0 = System.nanoTime();
    int n = op.size();
    double[] diag = op.diagonal();
    int passes = 1;
    double[] minv = new double[n];
    for (int i = 0; i < n; i++) minv[i] = diag[i] > 0 && Double.isFinite(diag[i]) ? 1 / diag[i] : 1;
    double[] bn = columnNorms(b, n, k);
    double[] x = new double[n * k];
    double[] res = new double[k];
    List<Double> history = new ArrayList<>();
    boolean[] broke = new boolean[k];
    int iterations = 0;
    String note = "";
    double[] r = b.clone();
    for (int restart = 0; ; restart++) {
      int done = cgRun(op, x, r, bn, minv, n, k, tol, maxIter - iterations, broke, history);
      passes += done;
      iterations += done;
      // the true residual b − A·x (one pass): the recursive one drifts
      double[] ax = op.apply(x, k);
      passes++;
      for (int i = 0; i < r.length; i++) r[i] = b[i] - ax[i];
      double[] rn = columnNorms(r, n, k);
      boolean all = true;
      for (int o = 0; o < k; o++) {
        res[o] = bn[o] == 0 ? 0 : rn[o] / bn[o];
        if (res[o] > tol) all = false;
      }
      boolean anyBroke = false;
      for (boolean br : broke) anyBroke |= br;
      if (all) {
        note = restart == 0 ? "true residual at tolerance" : "true residual at tolerance after " + restart + " restart(s)";
        return new Result(x, k, new SolveReport(Solver.CG, iterations, passes, res, true, toArray(history), secs(t0), note));
      }
      if (anyBroke) {
        note = "breakdown (p·Ap <= 0): the matrix is singular or not positive definite; add diag_reg > 0 or use LANCZOS";
        break;
      }
      if (iterations >= maxIter || restart >= 3) {
        note = iterations >= maxIter ? "iteration limit " + maxIter + " reached" : "no progress after 3 restarts from the true residual";
        break;
      }
    }
    return new Result(x, k, new SolveReport(Solver.CG, iterations, passes, res, false, toArray(history), secs(t0), note));
  }

  /** CG from x with residual r (updated in place); returns the number of operator applications. */
  private static int cgRun(Operator op, double[] x, double[] r, double[] bn, double[] minv, int n, int k, double tol,
                           int maxIter, boolean[] broke, List<Double> history) {
    double[] z = new double[n * k];
    for (int i = 0; i < n; i++) for (int o = 0; o < k; o++) z[i * k + o] = minv[i] * r[i * k + o];
    double[] p = z.clone();
    double[] rz = columnDots(r, z, n, k);
    boolean[] active = new boolean[k];
    double[] rn = columnNorms(r, n, k);
    int count = 0;
    for (int o = 0; o < k; o++) {
      active[o] = bn[o] > 0 && rn[o] / bn[o] > tol;
      if (!active[o]) zeroColumn(p, n, k, o);
    }
    int it = 0;
    while (it < maxIter && any(active)) {
      double[] q = op.apply(p, k);
      count++;
      it++;
      double[] pq = columnDots(p, q, n, k);
      double worst = 0;
      for (int o = 0; o < k; o++) {
        if (!active[o]) continue;
        if (!(pq[o] > 0) || !Double.isFinite(pq[o])) {
          broke[o] = true;
          active[o] = false;
          zeroColumn(p, n, k, o);
          continue;
        }
        double alpha = rz[o] / pq[o];
        double rr = 0;
        for (int i = 0; i < n; i++) {
          int j = i * k + o;
          x[j] += alpha * p[j];
          r[j] -= alpha * q[j];
          rr += r[j] * r[j];
        }
        double rel = Math.sqrt(rr) / bn[o];
        worst = Math.max(worst, rel);
        if (rel <= tol) {
          active[o] = false;
          zeroColumn(p, n, k, o);
          continue;
        }
        double rzNew = 0;
        for (int i = 0; i < n; i++) {
          int j = i * k + o;
          z[j] = minv[i] * r[j];
          rzNew += r[j] * z[j];
        }
        double beta = rzNew / rz[o];
        rz[o] = rzNew;
        for (int i = 0; i < n; i++) {
          int j = i * k + o;
          p[j] = z[j] + beta * p[j];
        }
      }
      history.add(worst);
    }
    return count;
  }

  // ----------------------------------------------------------------------------------------------- Lanczos

  static Result lanczos(Operator op, double[] b, int k, double flowA, boolean infinite, double tol, int maxIter) {
    long t0 = System.nanoTime();
    int n = op.size();
    int m = Math.min(maxIter, n);
    long basisBytes = 8L * n * (m + 1) * k;
    long free = SparkNtk.freeHeap();
    if (basisBytes > free) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "Lanczos keeps %d basis vectors of %d values per output (%d outputs): %s, but the driver heap has %s free;"
              + " lower the iteration limit, give the driver more heap, or use CG for t = infinity",
          m + 1, n, k, Units.bytes(basisBytes), Units.bytes(free)));
    }
    double[] bn = columnNorms(b, n, k);
    double[][][] basis = new double[k][m + 1][];
    double[][] alpha = new double[k][m];
    double[][] beta = new double[k][m];
    double[][] coef = new double[k][];
    double[] res = new double[k];
    double[] normEst = new double[k];
    boolean[] active = new boolean[k];
    int[] steps = new int[k];
    int[] below = new int[k];
    for (int o = 0; o < k; o++) {
      active[o] = bn[o] > 0;
      coef[o] = new double[0];
      if (!active[o]) continue;
      double[] q = new double[n];
      for (int i = 0; i < n; i++) q[i] = b[i * k + o] / bn[o];
      basis[o][0] = q;
    }
    List<Double> history = new ArrayList<>();
    int passes = 0;
    int it = 0;
    String note = "relative change at tolerance at two checks in a row";
    while (it < m && any(active)) {
      double[] v = new double[n * k];
      for (int o = 0; o < k; o++) {
        if (!active[o]) continue;
        double[] q = basis[o][it];
        for (int i = 0; i < n; i++) v[i * k + o] = q[i];
      }
      double[] w = op.apply(v, k);
      passes++;
      double worst = 0;
      for (int o = 0; o < k; o++) {
        if (!active[o]) continue;
        double[] q = basis[o][it];
        double[] u = new double[n];
        for (int i = 0; i < n; i++) u[i] = w[i * k + o];
        double a = dot(q, u);
        alpha[o][it] = a;
        axpy(-a, q, u);
        if (it > 0) axpy(-beta[o][it - 1], basis[o][it - 1], u);
        // full reorthogonalisation, twice ("twice is enough")
        for (int pass = 0; pass < 2; pass++) {
          for (int j = 0; j <= it; j++) axpy(-dot(basis[o][j], u), basis[o][j], u);
        }
        double bt = Math.sqrt(dot(u, u));
        beta[o][it] = bt;
        normEst[o] = Math.max(normEst[o], Math.abs(a) + bt + (it > 0 ? beta[o][it - 1] : 0));
        steps[o] = it + 1;
        boolean invariant = bt <= n * Math.ulp(1.0) * normEst[o] || it + 1 == n;
        boolean last = it + 1 == m;
        if (!invariant && !last && !checkAt(it + 1)) {
          double[] next = u;
          for (int i = 0; i < n; i++) next[i] /= bt;
          basis[o][it + 1] = next;
          worst = Math.max(worst, res[o]); // the change at the last check
          continue;
        }
        double[] s = ritzApply(alpha[o], beta[o], it + 1, flowA, infinite, n);
        double sn = Math.sqrt(dot(s, s));
        double change = 0;
        double[] prev = coef[o];
        for (int j = 0; j < s.length; j++) {
          double d = s[j] - (j < prev.length ? prev[j] : 0);
          change += d * d;
        }
        change = sn == 0 ? (dot(prev, prev) == 0 ? 0 : 1) : Math.sqrt(change) / sn;
        coef[o] = s;
        res[o] = invariant ? 0 : change;
        worst = Math.max(worst, res[o]);
        below[o] = it > 0 && change <= tol ? below[o] + 1 : 0;
        if (invariant || below[o] >= 2) { // two checks in a row at tolerance: no false stop on a stall
          active[o] = false;
          if (invariant) note = "Krylov space invariant (exact)";
        } else if (it + 1 < m + 1) {
          double[] next = u;
          for (int i = 0; i < n; i++) next[i] /= bt;
          basis[o][it + 1] = next;
        }
      }
      history.add(worst);
      it++;
    }
    boolean converged = !any(active);
    if (!converged) note = "iteration limit " + m + " reached";
    double[] x = new double[n * k];
    for (int o = 0; o < k; o++) {
      double[] s = coef[o];
      for (int j = 0; j < s.length; j++) {
        double c = bn[o] * s[j];
        double[] q = basis[o][j];
        for (int i = 0; i < n; i++) x[i * k + o] += c * q[i];
      }
    }
    int iterations = Arrays.stream(steps).max().orElse(0);
    return new Result(x, k, new SolveReport(Solver.LANCZOS, iterations, passes, res, converged, toArray(history), secs(t0), note));
  }

  /**
   * f(T)·e1 for the j × j tridiagonal T (diagonal alpha, off-diagonal beta), by its eigendecomposition (pure Java
   * implicit QL on the tridiagonal matrix: small, and never worth native threads).
   */
  static double[] ritzApply(double[] alpha, double[] beta, int j, double flowA, boolean infinite, int n) {
    double[] theta;
    double[][] v;
    if (j == 1) {
      theta = new double[] {alpha[0]};
      v = new double[][] {{1}};
    } else {
      EigenDecomposition e = new EigenDecomposition(Arrays.copyOf(alpha, j), Arrays.copyOf(beta, j - 1));
      theta = e.getRealEigenvalues();
      v = e.getV().getData();
    }
    double max = 0;
    for (double t : theta) max = Math.max(max, Math.abs(t));
    double cutoff = n * Math.ulp(1.0) * max; // as MsePredictor: round-off eigenvalues are exact zeros
    double[] s = new double[j];
    for (int c = 0; c < j; c++) {
      double g = flowFactor(theta[c], flowA, infinite, cutoff) * v[0][c]; // first component of Ritz vector c
      if (g == 0) continue;
      for (int i = 0; i < j; i++) s[i] += v[i][c] * g;
    }
    return s;
  }

  /** Whether to evaluate f(T) after step j (1-based): every step up to 64, then about 32 times per doubling of j. */
  static boolean checkAt(int j) {
    return j <= 64 || j % Math.max(1, j / 32) == 0;
  }

  // ------------------------------------------------------------------------------------------------ helpers

  static double[] columnNorms(double[] a, int n, int k) {
    double[] s = columnDots(a, a, n, k);
    for (int o = 0; o < k; o++) s[o] = Math.sqrt(s[o]);
    return s;
  }

  static double[] columnDots(double[] a, double[] b, int n, int k) {
    double[] s = new double[k];
    for (int i = 0; i < n; i++) for (int o = 0; o < k; o++) s[o] += a[i * k + o] * b[i * k + o];
    return s;
  }

  private static void zeroColumn(double[] a, int n, int k, int o) {
    for (int i = 0; i < n; i++) a[i * k + o] = 0;
  }

  private static boolean any(boolean[] a) {
    for (boolean v : a) if (v) return true;
    return false;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) y[i] += a * x[i];
  }

  private static double[] toArray(List<Double> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) a[i] = l.get(i);
    return a;
  }

  private static double secs(long t0) { return (System.nanoTime() - t0) * 1e-9; }
}
