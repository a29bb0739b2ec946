package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

class EnsemblePredictorTest {
  // Joint kernels over 3 training inputs (0..2) and 2 test inputs (3, 4): Σ = A·Aᵀ/4, Θ = Σ + B·Bᵀ/2 with
  // A = [[1,0,2,1],[0,1,1,-1],[2,1,0,1],[1,-1,1,0],[0,2,1,1]], B = [[1,1,0,0],[0,1,1,0],[1,0,0,1],[1,0,1,1],[0,1,0,1]].
  static final double[] S = {1.5, 0.25, 0.75, 0.75, 0.75, 0.25, 0.75, 0.0, 0.0, 0.5, 0.75, 0.0, 1.5, 0.25, 0.75, 0.75,
      0.0, 0.25, 0.75, -0.25, 0.75, 0.5, 0.75, -0.25, 1.5};
  static final double[] T = {2.5, 0.75, 1.25, 1.25, 1.25, 0.75, 1.75, 0.0, 0.5, 1.0, 1.25, 0.0, 2.5, 1.25, 1.25, 1.25,
      0.5, 1.25, 2.25, 0.25, 1.25, 1.0, 1.25, 0.25, 2.5};
  static final double[] Y = {1, -1, 0.5, 2, -1, 0};
  static final double LR = 0.9;

  static double[] block(double[] k, int r0, int r1, int c0, int c1) {
    double[] b = new double[(r1 - r0) * (c1 - c0)];
    for (int i = r0; i < r1; i++) for (int j = c0; j < c1; j++) b[(i - r0) * (c1 - c0) + j - c0] = k[i * 5 + j];
    return b;
  }

  static TestKernels test(boolean cov) {
    return TestKernels.of(2, block(S, 3, 5, 0, 3), block(T, 3, 5, 0, 3), cov ? block(S, 3, 5, 3, 5) : null);
  }

  static EnsemblePredictor fit(Dynamics d) {
    return EnsemblePredictor.fit(d, block(S, 0, 3, 0, 3), block(T, 0, 3, 0, 3), 3, Y, 2, LR, Regularization.none(), null);
  }

  @Test
  void ntkFlowMatchesScipyExpm() {
    // python3 numpy/scipy: R = scipy.linalg.expm(−lr·t·Θ/N) (N = 6, t = 0.7), G = solve(Θ, I − R), mean = Θ_tX·G·Y,
    // cov = Σ_tt + Θ_tX·G·Σ·Gᵀ·Θ_Xt − Θ_tX·G·Σ_Xt − Σ_tX·Gᵀ·Θ_Xt; train mean (I − R)·Y
    Gaussian g = fit(Dynamics.NTK).predictFlow(test(true), 0.7)[0];
    Ref.close(new double[] {0.020113623556465912, -0.0193624936858241, 0.042252850133869244, 0.07843575766247937}, g.mean(), 1e-14, "mean");
    Ref.close(new double[] {0.5914523438144877, -0.48094836769069077, -0.4809483676906908, 1.150259707880749}, g.covariance(), 1e-14, "cov");
    Ref.close(new double[] {0.15206799420597822, -0.09526195985832281, 0.15001814743739803, 0.26741472461107185,
        -0.12493596340268545, -0.10952289822160471}, fit(Dynamics.NTK).trainMean(fit(Dynamics.NTK).flow(0.7))[0], 1e-14, "train");
  }

  @Test
  void nngpFlowMatchesScipyExpm() {
    // python3 numpy/scipy: Σ as training kernel, cov = Σ_tt − Σ_tX·solve(Σ, I − expm(−2·lr·t·Σ/N))·Σ_Xt
    Gaussian g = fit(Dynamics.NNGP).predictFlow(test(true), 0.7)[0];
    Ref.close(new double[] {0.05002026248805841, -0.07390673054760283, 0.02413416318307944, 0.029610325413193125}, g.mean(), 1e-14, "mean");
    Ref.close(new double[] {0.6419895677316133, -0.3738182783324676, -0.3738182783324676, 1.2664524924549188}, g.covariance(), 1e-14, "cov");
    Ref.close(new double[] {0.08709747532362733, -0.09605493311480767, 0.061974155437864754, 0.12747952437864826,
        -0.07617456286091218, -0.06916600647758571}, fit(Dynamics.NNGP).trainMean(fit(Dynamics.NNGP).flow(0.7))[0], 1e-14, "train");
  }

  @Test
  void ntkStepsMatchNumpyMatrixPower() {
    // python3 numpy: R = matrix_power(I − lr·Θ/N, 3), then as for the flow
    Gaussian g = fit(Dynamics.NTK).predictSteps(test(true), 3)[0];
    Ref.close(new double[] {0.043945312500000056, -0.03550781250000007, 0.10845703125, 0.32853515624999985}, g.mean(), 1e-14, "mean");
    Ref.close(new double[] {0.5930405615558625, -0.593085427658081, -0.5930854276580811, 0.8181916149959562}, g.covariance(), 1e-14, "cov");
  }

  @Test
  void trainingSetCovariancesMatchScipyExpm() {
    // python3 numpy/scipy, t = 0.7: NTK e^{−aΘ}·Σ·e^{−aΘ}, NNGP Σ·e^{−2aΣ} with a = lr·t/N (nt's train-set formulas)
    Gaussian ntk = fit(Dynamics.NTK).trainPredict(true, fit(Dynamics.NTK).flow(0.7))[0];
    Ref.close(new double[] {0.7839240582230297, 0.05651505656083053, 0.22646091069604757, 0.05651505656083054, 0.5017355121285633,
        -0.041394095184223136, 0.22646091069604762, -0.041394095184223136, 0.799997039620219}, ntk.covariance(), 1e-14, "ntk");
    Gaussian nngp = fit(Dynamics.NNGP).trainPredict(true, fit(Dynamics.NNGP).flow(0.7))[0];
    Ref.close(new double[] {1.012862233011158, 0.15372102835275958, 0.3817344127871764, 0.15372102835275958, 0.6311278202239816,
        -0.02647622409036743, 0.38173441278717646, -0.026476224090367425, 1.0216876410412805}, nngp.covariance(), 1e-14, "nngp");
    // t = 0: the prior Σ; t = ∞: no variance left on the training inputs
    for (Dynamics d : Dynamics.values()) {
      Gaussian[] g = fit(d).trainPredict(true, fit(d).flow(0), fit(d).flow(Double.POSITIVE_INFINITY));
      Ref.close(block(S, 0, 3, 0, 3), g[0].covariance(), 1e-14, d + " prior");
      Ref.close(new double[9], g[1].covariance(), 1e-14, d + " converged");
      Ref.close(Y, g[1].mean(), 1e-14, d + " converged mean");
    }
  }

  @Test
  void timeZeroIsThePriorAndInfinityThePosterior() {
    for (Dynamics d : Dynamics.values()) {
      Gaussian[] g = fit(d).predictFlow(test(true), 0, Double.POSITIVE_INFINITY);
      assertArrayEquals(new double[4], g[0].mean(), 0.0, d + " prior mean");
      assertArrayEquals(block(S, 3, 5, 3, 5), g[0].covariance(), 1e-15, d + " prior covariance Σ_tt");
      Gaussian post = GpInference.fit(block(S, 0, 3, 0, 3), block(T, 0, 3, 0, 3), 3, Y, 2, Regularization.none()).posterior(d, test(true));
      Ref.close(post.mean(), g[1].mean(), 1e-13, d + " mean at t = inf");
      Ref.close(post.covariance(), g[1].covariance(), 1e-13, d + " cov at t = inf");
    }
  }

  @Test
  void covariancesAreSymmetricAndPositiveSemiDefinite() {
    int n = 20, m = 6, d = 9;
    double[] phi = Ref.gaussian((n + m) * d, 5), chi = Ref.gaussian((n + m) * d, 6);
    double[] sj = Ref.gram(phi, n + m, phi, n + m, d);
    double[] tj = sj.clone();
    double[] extra = Ref.gram(chi, n + m, chi, n + m, d);
    for (int i = 0; i < tj.length; i++) tj[i] += 2 * extra[i];
    double[] sTrain = sub(sj, n + m, 0, n, 0, n), tTrain = sub(tj, n + m, 0, n, 0, n);
    TestKernels tk = TestKernels.of(m, sub(sj, n + m, n, n + m, 0, n), sub(tj, n + m, n, n + m, 0, n), sub(sj, n + m, n, n + m, n, n + m));
    double[] y = Ref.gaussian(n, 7);
    for (Dynamics dyn : Dynamics.values()) {
      EnsemblePredictor ep = EnsemblePredictor.fit(dyn, sTrain, tTrain, n, y, 1, 1.0, Regularization.none(), null);
      Gaussian[] gs = ep.predictFlow(tk, 0, 0.1, 1, 10, 100, 1e4, Double.POSITIVE_INFINITY);
      Gaussian[] st = ep.predictSteps(tk, 1, 2, 3, 2000);
      for (Gaussian[] list : new Gaussian[][] {gs, st}) {
        for (Gaussian g : list) {
          double[] c = g.covariance();
          for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) assertTrue(c[i * m + j] == c[j * m + i], "symmetric");
          double[] ev = new EigenDecomposition(Ref.mat(c, m, m)).getRealEigenvalues();
          double max = 0;
          for (double v : ev) max = Math.max(max, Math.abs(v));
          for (double v : ev) assertTrue(v > -1e-10 * Math.max(1, max), dyn + ": eigenvalue " + v);
        }
      }
    }
  }

  static double[] sub(double[] k, int stride, int r0, int r1, int c0, int c1) {
    double[] b = new double[(r1 - r0) * (c1 - c0)];
    for (int i = r0; i < r1; i++) for (int j = c0; j < c1; j++) b[(i - r0) * (c1 - c0) + j - c0] = k[i * stride + j];
    return b;
  }

  @Test
  void nngpFedNtkPredictorEqualsTheNngpPredictor() {
    double[] sTrain = block(S, 0, 3, 0, 3);
    EnsemblePredictor ntkOnSigma = EnsemblePredictor.fit(Dynamics.NTK, sTrain, sTrain, 3, Y, 2, LR, Regularization.none(), null);
    EnsemblePredictor nngp = fit(Dynamics.NNGP);
    TestKernels sigmaOnly = TestKernels.of(2, block(S, 3, 5, 0, 3), block(S, 3, 5, 0, 3), block(S, 3, 5, 3, 5));
    double[] times = {0, 0.3, 4, Double.POSITIVE_INFINITY};
    Gaussian[] a = ntkOnSigma.predictFlow(sigmaOnly, times), b = nngp.predictFlow(sigmaOnly, times);
    for (int i = 0; i < times.length; i++) {
      Ref.close(b[i].mean(), a[i].mean(), 1e-14, "mean t = " + times[i]);
      Ref.close(b[i].covariance(), a[i].covariance(), 1e-13, "cov t = " + times[i]);
    }
    Gaussian[] sa = ntkOnSigma.predictSteps(sigmaOnly, 1, 2000), sb = nngp.predictSteps(sigmaOnly, 1, 2000);
    for (int i = 0; i < 2; i++) Ref.close(sb[i].covariance(), sa[i].covariance(), 1e-13, "steps cov");
  }

  @Test
  void meansOnlyWithoutTheTestTestKernel() {
    Gaussian g = fit(Dynamics.NTK).predictFlow(test(false), 0.7)[0];
    assertNull(g.covariance());
    Ref.close(fit(Dynamics.NTK).predictFlow(test(true), 0.7)[0].mean(), g.mean(), 0.0, "mean");
  }

  @Test
  void singularKernelsGiveFiniteCovariances() {
    // training inputs 0 and 1 identical: the first two rows of both joint kernels equal
    double[] phi = {1, 0.5, -0.2, 1, 0.5, -0.2, 0.3, -1, 0.8, 0.1, 0.2, 0.3, -0.4, 0.6, 0.9};
    double[] sj = Ref.gram(phi, 5, phi, 5, 3);
    double[] tj = sj.clone();
    for (int i = 0; i < tj.length; i++) tj[i] = 2 * tj[i] + 0.5;
    TestKernels tk = TestKernels.of(2, sub(sj, 5, 3, 5, 0, 3), sub(tj, 5, 3, 5, 0, 3), sub(sj, 5, 3, 5, 3, 5));
    double[] y = {1, 1, -1};
    for (Dynamics d : Dynamics.values()) {
      EnsemblePredictor ep = EnsemblePredictor.fit(d, sub(sj, 5, 0, 3, 0, 3), sub(tj, 5, 0, 3, 0, 3), 3, y, 1, 1.0, Regularization.none(), null);
      for (Gaussian g : ep.predictFlow(tk, 0, 1, Double.POSITIVE_INFINITY)) {
        for (double v : g.mean()) assertTrue(Double.isFinite(v));
        for (double v : g.covariance()) assertTrue(Double.isFinite(v));
      }
      // t = ∞ equals the pseudo-inverse posterior, computed independently
      RealMatrix k = Ref.mat(d == Dynamics.NTK ? sub(tj, 5, 0, 3, 0, 3) : sub(sj, 5, 0, 3, 0, 3), 3, 3);
      RealMatrix kt = Ref.mat(d == Dynamics.NTK ? tk.ntkTestTrain() : tk.nngpTestTrain(), 2, 3);
      RealMatrix mean = kt.multiply(Ref.pinv(k)).multiply(Ref.mat(y, 3, 1));
      Ref.close(Ref.flat(mean), ep.predictFlow(tk, Double.POSITIVE_INFINITY)[0].mean(), 1e-10, d + " mean");
    }
  }
}
