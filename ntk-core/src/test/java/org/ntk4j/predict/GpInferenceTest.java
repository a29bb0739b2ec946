package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

class GpInferenceTest {
  @Test
  void posteriorsEqualDirectLinearSolves() {
    int n = 15, m = 5, d = 30;
    double[] phi = Ref.gaussian((n + m) * d, 21), chi = Ref.gaussian((n + m) * d, 22);
    double[] sj = Ref.gram(phi, n + m, phi, n + m, d), tj = Ref.gram(chi, n + m, chi, n + m, d);
    for (int i = 0; i < tj.length; i++) tj[i] += sj[i];
    RealMatrix s = Ref.mat(sj, n + m, n + m), t = Ref.mat(tj, n + m, n + m);
    RealMatrix sdd = s.getSubMatrix(0, n - 1, 0, n - 1), std = s.getSubMatrix(n, n + m - 1, 0, n - 1), stt = s.getSubMatrix(n, n + m - 1, n, n + m - 1);
    RealMatrix tdd = t.getSubMatrix(0, n - 1, 0, n - 1), ttd = t.getSubMatrix(n, n + m - 1, 0, n - 1);
    double[] y = Ref.gaussian(n * 3, 23);
    RealMatrix ym = Ref.mat(y, n, 3);
    GpInference gp = GpInference.fit(Ref.flat(sdd), Ref.flat(tdd), n, y, 3, Regularization.none());
    TestKernels tk = TestKernels.of(m, Ref.flat(std), Ref.flat(ttd), Ref.flat(stt));
    assertFalse(gp.usesPseudoInverse(Dynamics.NTK));
    // NNGP: Σ_tX Σ⁻¹ Y and Σ_tt − Σ_tX Σ⁻¹ Σ_Xt by LU
    Gaussian g = gp.posterior(Dynamics.NNGP, tk);
    Ref.close(Ref.flat(std.multiply(Ref.solve(sdd, ym))), g.mean(), 1e-10, "nngp mean");
    Ref.close(Ref.flat(stt.subtract(std.multiply(Ref.solve(sdd, std.transpose())))), g.covariance(), 1e-10, "nngp cov");
    // NTK: Θ_tX Θ⁻¹ Y and Σ_tt + Θ_tX Θ⁻¹ Σ Θ⁻¹ Θ_Xt − Θ_tX Θ⁻¹ Σ_Xt − Σ_tX Θ⁻¹ Θ_Xt
    Gaussian h = gp.posterior(Dynamics.NTK, tk);
    Ref.close(Ref.flat(ttd.multiply(Ref.solve(tdd, ym))), h.mean(), 1e-10, "ntk mean");
    RealMatrix a = Ref.solve(tdd, ttd.transpose());
    RealMatrix cov = stt.add(a.transpose().multiply(sdd).multiply(a)).subtract(ttd.multiply(Ref.solve(tdd, std.transpose())))
        .subtract(std.multiply(a));
    Ref.close(Ref.flat(cov), h.covariance(), 1e-10, "ntk cov");
  }

  @Test
  void regularizedPosteriorSolvesTheRegularizedKernel() {
    double[] k = {2, 1, 1, 2};
    double[] y = {1, 0};
    // relative 0.5: K + 1·I = [[3, 1], [1, 3]], inverse [[3, −1], [−1, 3]]/8: coefficients (3, −1)/8
    GpInference gp = GpInference.fit(k, null, 2, y, 1, Regularization.relative(0.5));
    Ref.close(new double[] {3.0 / 8, -1.0 / 8}, gp.coefficients(Dynamics.NNGP), 1e-15, "coefficients");
    // variance at training input 0: Σ_tt − kᵀ(K + I)⁻¹k with k = (2, 1): (K + I)⁻¹k = (5, 1)/8, kᵀ(K + I)⁻¹k = 11/8
    Gaussian g = gp.posterior(Dynamics.NNGP, TestKernels.of(1, new double[] {2, 1}, null, new double[] {2}));
    Ref.close(new double[] {2 - 11.0 / 8}, g.covariance(), 1e-15, "variance");
  }

  @Test
  void singularKernelFallsBackToThePseudoInverse() {
    double[] k = {1, 1, 0, 1, 1, 0, 0, 0, 2}; // inputs 0 and 1 identical
    double[] y = {1, 3, -2};
    GpInference gp = GpInference.fit(k, null, 3, y, 1, Regularization.none());
    assertTrue(gp.usesPseudoInverse(Dynamics.NNGP));
    RealMatrix expected = Ref.pinv(Ref.mat(k, 3, 3)).multiply(Ref.mat(y, 3, 1));
    Ref.close(Ref.flat(expected), gp.coefficients(Dynamics.NNGP), 1e-14, "pinv coefficients");
    Gaussian g = gp.posterior(Dynamics.NNGP, TestKernels.of(1, new double[] {1, 1, 0}, null, new double[] {1}));
    Ref.close(new double[] {2.0}, g.mean(), 1e-14, "average of the two targets");
    Ref.close(new double[] {0.0}, g.covariance(), 1e-14, "no variance left at a training input");
  }

  @Test
  void refusals() {
    MsePredictorTest.assertMessage(() -> GpInference.fit(null, null, 2, new double[] {1, 2}, 1, null), "no training kernel");
    GpInference gp = GpInference.fit(new double[] {2, 1, 1, 2}, null, 2, new double[] {1, 2}, 1, null);
    MsePredictorTest.assertMessage(() -> gp.posterior(Dynamics.NTK, TestKernels.of(1, new double[] {1, 1}, null, null)), "no training NTK");
    MsePredictorTest.assertMessage(() -> gp.posterior(Dynamics.NNGP, TestKernels.of(1, new double[] {1, 1, 1}, null, null)), "test-train NNGP has 3 values");
    MsePredictorTest.assertMessage(() -> gp.posterior(Dynamics.NNGP, TestKernels.of(1, new double[] {1, 1}, null, new double[] {1, 2})), "test-test NNGP has 2 values");
  }
}
