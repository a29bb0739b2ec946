package org.ntk4j.predict;

import org.ntk4j.linalg.DenseLinalg;

/**
 * Gaussian-process inference with the infinite-width kernels, neural-tangents' {@code gp_inference}:
 * <ul>
 *   <li>{@link Dynamics#NNGP}: the exact posterior of the infinitely wide Bayesian network, mean Σ(x, X)Σ⁻¹Y and
 *       covariance Σ(x, x') − Σ(x, X)Σ⁻¹Σ(X, x');</li>
 *   <li>{@link Dynamics#NTK}: the infinite ensemble trained to convergence, mean Θ(x, X)Θ⁻¹Y and covariance
 *       Σ(x, x') + Θ(x, X)Θ⁻¹ΣΘ⁻¹Θ(X, x') − Θ(x, X)Θ⁻¹Σ(X, x') − Σ(x, X)Θ⁻¹Θ(X, x').</li>
 * </ul>
 * The regularizer is added to the kernel that is inverted (not to Σ(X, X) inside the NTK covariance), as nt. Solves
 * use a cached Cholesky factor; a kernel that is not numerically positive definite (duplicated inputs) falls back to
 * the pseudo-inverse of its eigendecomposition, the t = ∞ limit of {@link EnsemblePredictor}.
 */
public final class GpInference {
  private final int n;
  private final int outputs;
  private final double[] nngpTrain;
  private final Solver nngp;
  private final Solver ntk;

  private GpInference(int n, int outputs, double[] nngpTrain, Solver nngp, Solver ntk) {
    this.n = n;
    this.outputs = outputs;
    this.nngpTrain = nngpTrain;
    this.nngp = nngp;
    this.ntk = ntk;
  }

  /**
   * @param nngpTrain Σ(X, X) n × n (needed for NNGP and for NTK covariances; may be null otherwise)
   * @param ntkTrain Θ(X, X) n × n (needed for NTK; may be null)
   */
  public static GpInference fit(double[] nngpTrain, double[] ntkTrain, int n, double[] yTrain, int outputs, Regularization reg) {
    MsePredictor.checkTargets(yTrain, n, outputs);
    if (nngpTrain == null && ntkTrain == null) throw new IllegalArgumentException("no training kernel given");
    Regularization r = reg == null ? Regularization.none() : reg;
    Solver s = nngpTrain == null ? null : new Solver(nngpTrain, n, r, "training NNGP", yTrain, outputs);
    Solver t = ntkTrain == null ? null : new Solver(ntkTrain, n, r, "training NTK", yTrain, outputs);
    return new GpInference(n, outputs, nngpTrain, s, t);
  }

  /** Whether the kernel of this kind was not positive definite and its pseudo-inverse is used. */
  public boolean usesPseudoInverse(Dynamics kind) { return solver(kind).spectrum != null; }

  /** K⁻¹·Y for the kernel of this kind, n × outputs (a copy). */
  public double[] coefficients(Dynamics kind) { return solver(kind).kInvY.clone(); }

  /** The posterior on test inputs; the covariance when {@code test.nngpTestTest()} is given. */
  public Gaussian posterior(Dynamics kind, TestKernels test) {
    Solver s = solver(kind);
    int m = test.m();
    long mn = (long) m * n;
    DenseLinalg la = DenseLinalg.get();
    double[] kTX = kind == Dynamics.NTK ? test.require(test.ntkTestTrain(), mn, "test-train NTK")
        : test.require(test.nngpTestTrain(), mn, "test-train NNGP");
    double[] mean = new double[m * outputs];
    la.gemm(m, outputs, n, 1.0, kTX, 0, s.kInvY, 0, false, 0.0, mean, 0);
    if (test.nngpTestTest() == null) return new Gaussian(m, outputs, mean, null);
    double[] sTT = test.require(test.nngpTestTest(), (long) m * m, "test-test NNGP");
    double[] c = new double[m * m];
    if (kind == Dynamics.NNGP) {
      double[] x = KernelSpectrum.transpose(kTX, m, n); // Σ(X, x): n × m
      s.solve(x, m);
      la.gemm(m, m, n, -1.0, kTX, 0, x, 0, false, 0.0, c, 0);
    } else {
      if (nngpTrain == null) throw new IllegalArgumentException("training NNGP is needed for NTK covariances but missing");
      double[] sTX = test.require(test.nngpTestTrain(), mn, "test-train NNGP");
      double[] t1 = KernelSpectrum.transpose(kTX, m, n); // Θ(X, x), solved to Θ⁻¹Θ(X, x): n × m
      s.solve(t1, m);
      double[] t1t = KernelSpectrum.transpose(t1, n, m); // m × n
      double[] st1 = new double[n * m];
      la.gemm(n, m, n, 1.0, nngpTrain, 0, t1, 0, false, 0.0, st1, 0); // Σ·Θ⁻¹Θ(X, x)
      la.gemm(m, m, n, 1.0, t1t, 0, st1, 0, false, 0.0, c, 0);
      double[] t2 = new double[m * m];
      la.gemm(m, m, n, 1.0, t1t, 0, sTX, 0, true, 0.0, t2, 0); // (Θ⁻¹Θ(X, x))ᵀ·Σ(X, x') = Θ(x, X)Θ⁻¹Σ(X, x')
      for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) c[i * m + j] -= t2[i * m + j] + t2[j * m + i];
    }
    for (int i = 0; i < c.length; i++) c[i] += sTT[i];
    KernelSpectrum.symmetrize(c, m);
    return new Gaussian(m, outputs, mean, c);
  }

  private Solver solver(Dynamics kind) {
    Solver s = kind == Dynamics.NTK ? ntk : nngp;
    if (s == null) throw new IllegalArgumentException("no training " + kind + " kernel was given to this GP inference");
    return s;
  }

  /** K⁻¹ by a Cholesky factor, or the pseudo-inverse from the eigendecomposition when K is not positive definite. */
  private static final class Solver {
    final int n;
    final double[] factor;
    final KernelSpectrum spectrum;
    final double[] kInvY;

    Solver(double[] k, int n, Regularization reg, String what, double[] y, int outputs) {
      this.n = n;
      KernelSpectrum probe = null;
      double[] f = null;
      if (k.length != (long) n * n) throw new IllegalArgumentException(what + " has " + k.length + " values, expected n·n = " + n + "·" + n);
      for (int i = 0; i < k.length; i++) {
        if (!Double.isFinite(k[i])) throw new IllegalArgumentException(what + " has a non-finite value " + k[i] + " at [" + (i / n) + ", " + (i % n) + "]");
      }
      double add = reg.amount(k, n);
      double[] a = k.clone();
      for (int i = 0; i < n; i++) a[i * n + i] += add;
      if (DenseLinalg.get().choleskyFactor(n, a)) {
        f = a;
      } else {
        probe = KernelSpectrum.of(k, n, reg, what, null);
      }
      this.factor = f;
      this.spectrum = probe;
      double[] b = y.clone();
      solve(b, outputs);
      this.kInvY = b;
    }

    /** b (n × k) ← K⁻¹·b. */
    void solve(double[] b, int k) {
      if (factor != null) {
        DenseLinalg.get().choleskySolve(n, factor, b, k);
        return;
      }
      double[] c = spectrum.transposeTimes(b, k);
      for (int i = 0; i < n; i++) {
        double l = spectrum.value(i);
        double g = l == 0 ? 0 : 1 / l;
        for (int o = 0; o < k; o++) c[i * k + o] *= g;
      }
      System.arraycopy(spectrum.times(c, k), 0, b, 0, b.length);
    }
  }
}
