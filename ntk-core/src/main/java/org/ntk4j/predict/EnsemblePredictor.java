package org.ntk4j.predict;

import java.util.function.Consumer;
import org.ntk4j.linalg.DenseLinalg;

/**
 * The Gaussian of the outputs of an infinite ensemble of infinitely wide networks trained on ½·mean((f − y)²) from
 * their random initialisation, neural-tangents' {@code gradient_descent_mse_ensemble}. With the training kernel K
 * (Θ for {@link Dynamics#NTK}, Σ for {@link Dynamics#NNGP}), the residual R = r(K) of a {@link SpectralFunction} and
 * G = K⁻¹(I − R):
 * <ul>
 *   <li>mean μ(x) = K(x, X)·G·Y;</li>
 *   <li>NNGP covariance Σ(x, x') − Σ(x, X)·Σ⁻¹(I − R²)·Σ(X, x');</li>
 *   <li>NTK covariance Σ(x, x') + Θ(x, X)·G·Σ(X, X)·G·Θ(X, x') − Θ(x, X)·G·Σ(X, x') − Σ(x, X)·G·Θ(X, x').</li>
 * </ul>
 * At t = ∞ these are the {@link GpInference} posteriors. One eigendecomposition of K (and, for NTK covariances, one
 * Vᵀ·Σ·V) is cached; each test set costs one product with V, each time only small products.
 */
public final class EnsemblePredictor {
  private final Dynamics dynamics;
  private final MsePredictor mse;
  private final KernelSpectrum spectrum;
  private final int n;
  private final int outputs;
  /** Σ(X, X), needed for NTK covariances (null otherwise or when not given). */
  private final double[] nngpTrain;
  private double[] vtSigmaV;

  private EnsemblePredictor(Dynamics dynamics, MsePredictor mse, double[] nngpTrain) {
    this.dynamics = dynamics;
    this.mse = mse;
    this.spectrum = mse.spectrum();
    this.n = spectrum.n();
    this.outputs = mse.outputs();
    this.nngpTrain = nngpTrain;
  }

  /**
   * @param nngpTrain Σ(X, X), n × n (the training kernel of NNGP dynamics; needed for NTK covariances, else may be null)
   * @param ntkTrain Θ(X, X), n × n (the training kernel of NTK dynamics; ignored for NNGP)
   * @param reg added to the training kernel that is decomposed (as nt: Σ for NNGP, Θ for NTK; not to Σ in NTK covariances)
   * @param warnings receives a warning when the training kernel is not positive semi-definite (may be null)
   */
  public static EnsemblePredictor fit(Dynamics dynamics, double[] nngpTrain, double[] ntkTrain, int n, double[] yTrain,
                                      int outputs, double lr, Regularization reg, Consumer<String> warnings) {
    if (dynamics == null) throw new IllegalArgumentException("dynamics (NTK or NNGP) is missing");
    MsePredictor.checkLr(lr);
    MsePredictor.checkTargets(yTrain, n, outputs);
    double[] k = dynamics == Dynamics.NTK ? ntkTrain : nngpTrain;
    String what = dynamics == Dynamics.NTK ? "training NTK" : "training NNGP";
    if (k == null) throw new IllegalArgumentException(what + " is needed for " + dynamics + " dynamics but missing");
    if (dynamics == Dynamics.NTK && nngpTrain != null) {
      if (nngpTrain.length != (long) n * n) {
        throw new IllegalArgumentException("training NNGP has " + nngpTrain.length + " values, expected n·n = " + n + "·" + n);
      }
      for (int i = 0; i < nngpTrain.length; i++) {
        if (!Double.isFinite(nngpTrain[i])) {
          throw new IllegalArgumentException("training NNGP has a non-finite value " + nngpTrain[i] + " at [" + (i / n) + ", " + (i % n) + "]");
        }
      }
    }
    KernelSpectrum s = KernelSpectrum.of(k, n, reg, what, warnings);
    return new EnsemblePredictor(dynamics, MsePredictor.of(s, yTrain, outputs, lr), dynamics == Dynamics.NTK ? nngpTrain : null);
  }

  public Dynamics dynamics() { return dynamics; }
  public KernelSpectrum spectrum() { return spectrum; }
  /** The mean-only predictor on the same decomposition. */
  public MsePredictor meanPredictor() { return mse; }
  public SpectralFunction flow(double t) { return mse.flow(t); }
  public SpectralFunction steps(long k) { return mse.steps(k); }

  /** Gaussians after gradient-flow times t ∈ [0, ∞]; covariances when {@code test.nngpTestTest()} is given. */
  public Gaussian[] predictFlow(TestKernels test, double... times) { return predict(test, mse.flows(times)); }

  /** Gaussians after discrete gradient-descent step counts. */
  public Gaussian[] predictSteps(TestKernels test, long... steps) { return predict(test, mse.stepsOf(steps)); }

  /** One Gaussian per spectral function on the test inputs. */
  public Gaussian[] predict(TestKernels test, SpectralFunction... fs) {
    int m = test.m();
    long mn = (long) m * n;
    double[] kTrainKind = dynamics == Dynamics.NTK
        ? test.require(test.ntkTestTrain(), mn, "test-train NTK")
        : test.require(test.nngpTestTrain(), mn, "test-train NNGP");
    double[][] means = mse.mean(kTrainKind, m, fs);
    Gaussian[] out = new Gaussian[fs.length];
    boolean cov = test.nngpTestTest() != null;
    if (!cov) {
      for (int i = 0; i < fs.length; i++) out[i] = new Gaussian(m, outputs, means[i], null);
      return out;
    }
    double[] sTT = test.require(test.nngpTestTest(), (long) m * m, "test-test NNGP");
    double[] a = spectrum.leftTimes(kTrainKind, m); // K(x, X)·V
    double[] as = null, svs = null;
    if (dynamics == Dynamics.NTK) {
      if (nngpTrain == null) throw new IllegalArgumentException("training NNGP is needed for NTK covariances but missing");
      as = spectrum.leftTimes(test.require(test.nngpTestTrain(), mn, "test-train NNGP"), m); // Σ(x, X)·V
      svs = vtSigmaV();
    }
    DenseLinalg la = DenseLinalg.get();
    double[] b = new double[m * n];
    for (int ti = 0; ti < fs.length; ti++) {
      double[] c = new double[m * m];
      if (dynamics == Dynamics.NNGP) {
        SpectralFunction f2 = fs[ti].squared();
        scaleColumns(a, m, f2, b);
        la.gemm(m, m, n, -1.0, b, 0, a, 0, true, 0.0, c, 0);
      } else {
        scaleColumns(a, m, fs[ti], b); // B = Θ(x, X)·V·diag(g), so that Θ(x, X)·G = B·Vᵀ
        double[] bs = new double[m * n];
        la.gemm(m, n, n, 1.0, b, 0, svs, 0, false, 0.0, bs, 0);
        la.gemm(m, m, n, 1.0, bs, 0, b, 0, true, 0.0, c, 0); // B·VᵀΣV·Bᵀ
        double[] t2 = new double[m * m];
        la.gemm(m, m, n, 1.0, b, 0, as, 0, true, 0.0, t2, 0); // Θ(x, X)·G·Σ(X, x')
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < m; j++) c[i * m + j] -= t2[i * m + j] + t2[j * m + i];
        }
      }
      for (int i = 0; i < c.length; i++) c[i] += sTT[i];
      KernelSpectrum.symmetrize(c, m);
      out[ti] = new Gaussian(m, outputs, means[ti], c);
    }
    return out;
  }

  /** Means on the training inputs (the targets are approached as 1 − r(λ) per eigendirection). */
  public double[][] trainMean(SpectralFunction... fs) { return mse.trainMean(fs); }

  /**
   * Gaussians on the training inputs themselves: mean (I − R)·Y and, when {@code covariance}, the covariance R·Σ·R
   * (NTK; R = r(Θ)) or Σ·R² (NNGP; R = r(Σ)), as nt. Each time costs two n×n products.
   */
  public Gaussian[] trainPredict(boolean covariance, SpectralFunction... fs) {
    double[][] means = mse.trainMean(fs);
    Gaussian[] out = new Gaussian[fs.length];
    double[] v = spectrum.vectorsRef();
    DenseLinalg la = DenseLinalg.get();
    for (int ti = 0; ti < fs.length; ti++) {
      double[] c = null;
      if (covariance) {
        double[] r = new double[n];
        for (int j = 0; j < n; j++) r[j] = fs[ti].residual(spectrum.value(j));
        double[] b = new double[n * n];
        if (dynamics == Dynamics.NNGP) {
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) b[i * n + j] = v[i * n + j] * spectrum.value(j) * r[j] * r[j]; // V·diag(λ r²)
          }
        } else {
          if (nngpTrain == null) throw new IllegalArgumentException("training NNGP is needed for NTK covariances but missing");
          double[] s = vtSigmaV();
          double[] m = new double[n * n];
          for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i * n + j] = r[i] * s[i * n + j] * r[j];
          la.gemm(n, n, n, 1.0, v, 0, m, 0, false, 0.0, b, 0); // V·diag(r)·VᵀΣV·diag(r)
        }
        c = new double[n * n];
        la.gemm(n, n, n, 1.0, b, 0, v, 0, true, 0.0, c, 0);
        KernelSpectrum.symmetrize(c, n);
      }
      out[ti] = new Gaussian(n, outputs, means[ti], c);
    }
    return out;
  }

  /** B = A·diag(f.inverse(λ)) with null directions dropped. */
  private void scaleColumns(double[] a, int m, SpectralFunction f, double[] b) {
    double[] g = new double[n];
    for (int j = 0; j < n; j++) {
      double l = spectrum.value(j);
      g[j] = l == 0 ? 0.0 : f.inverse(l);
    }
    for (int i = 0; i < m; i++) {
      int r = i * n;
      for (int j = 0; j < n; j++) b[r + j] = a[r + j] * g[j];
    }
  }

  private synchronized double[] vtSigmaV() {
    if (vtSigmaV == null) vtSigmaV = spectrum.similarity(nngpTrain);
    return vtSigmaV;
  }
}
