package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.layers.Relu;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.OutputAction;

class EnsembleTest {
  static final Layer ARCH = Layers.serial(Dense.of(1.5, 0.1), new Relu(), Dense.of(1.5, 0.1));
  static final Layer DEEP = Layers.serial(Dense.of(1.5, 0.1), new Relu(), Dense.of(1.5, 0.1), new Relu(), Dense.of(1.5, 0.1));

  static Inputs gaussian(int n, int d, long seed) { return TrainingTest.gaussian(n, d, seed); }

  static EnsembleComparison.Spec spec(Layer arch, int[] widths, int members, Training t, Group g, OutputAction rho,
                                      Inputs x, double[] y, int k, Inputs xt, int threads) {
    return new EnsembleComparison.Spec(arch, x, y, k, xt, widths, members, t, g, rho, 7, threads, 0, 0);
  }

  /**
   * neural-tangents' check, sized for CI (Relu instead of Erf): a wide ensemble trained by full-batch GD matches the
   * analytic mean μ_s within Monte Carlo error, entry by entry, while the analytic mean is far from the untrained 0.
   */
  @Test
  void wideEnsembleMatchesTheAnalyticMeanWithinMonteCarloError() {
    Inputs x = gaussian(6, 4, 1), xt = gaussian(5, 4, 2);
    double[] y = TrainingTest.targets(6, 1, 3);
    int members = 512;
    EnsembleComparison.Report r = EnsembleComparison.run(spec(ARCH, new int[] {1024}, members,
        Training.fullBatch(1.0, 0, 3, 30), null, null, x, y, 1, xt, 2), null);
    for (int s = 0; s < 3; s++) {
      double[] mean = r.ensembleMean()[0][s], var = r.ensembleVariance()[0][s], mu = r.analyticSteps()[s];
      for (int i = 0; i < mean.length; i++) {
        double se = Math.sqrt(var[i] / members);
        assertTrue(Math.abs(mean[i] - mu[i]) < 4.5 * se + 0.02,
            "step " + r.steps()[s] + " input " + i + ": ensemble " + mean[i] + " ± " + se + " vs analytic " + mu[i]);
      }
    }
    double maxMu = 0;
    for (double v : r.analyticSteps()[2]) maxMu = Math.max(maxMu, Math.abs(v));
    assertTrue(maxMu > 0.3, "the test needs a prediction far from the untrained mean 0, got max |mu| = " + maxMu);
    // the RMS distance falls with the ensemble size
    double[] d = r.distSteps()[0][2];
    assertTrue(d[d.length - 1] < 0.3 * d[0], java.util.Arrays.toString(d));
  }

  @Test
  void distanceToTheAnalyticMeanShrinksWithWidthAndEnsembleSize() {
    Inputs x = gaussian(8, 4, 11), xt = gaussian(6, 4, 12);
    double[] y = TrainingTest.targets(8, 1, 13);
    EnsembleComparison.Spec s = new EnsembleComparison.Spec(DEEP, x, y, 1, xt, new int[] {8, 64, 512}, 64,
        Training.fullBatch(0.5, 0, 40), null, null, 5, 2, 6, 8);
    EnsembleComparison.Report r = EnsembleComparison.run(s, null);
    assertArrayEquals(new int[] {1, 2, 4, 8, 16, 32, 64}, r.ensembleSizes());
    double[][][] d = r.distFlow();
    int last = r.ensembleSizes().length - 1;
    // Monte Carlo error of the mean ~ M^(-1/2): fitted slope over M = 1 … 64 at width 512
    assertTrue(r.sizeSlopeFlow()[1] < -0.3 && r.sizeSlopeFlow()[1] > -0.8, "size slope " + r.sizeSlopeFlow()[1]);
    // at the full ensemble, the widest networks are closest to the infinite-width mean
    assertTrue(d[2][1][last] < d[0][1][last], "width 512: " + d[2][1][last] + ", width 8: " + d[0][1][last]);
    assertTrue(d[2][1][last] < 0.25 * d[0][1][0], "(512, 64) vs (8, 1)");
    // empirical NTK at initialisation: relative error ~ width^(-1/2)
    assertTrue(r.ntkError()[0] > r.ntkError()[1] && r.ntkError()[1] > r.ntkError()[2], java.util.Arrays.toString(r.ntkError()));
    assertTrue(r.widthSlopeNtk() < -0.35 && r.widthSlopeNtk() > -0.8, "NTK error slope " + r.widthSlopeNtk());
    assertEquals(EnsembleComparison.logLogSlope(new double[] {8, 64, 512}, r.ntkError()), r.widthSlopeNtk(), 0.0);
  }

  /**
   * Augmented ensembles become invariant as width and ensemble size grow (their analytic limit is exactly invariant);
   * un-augmented ones do not. Fails if augmentation were silently ignored.
   */
  @Test
  void augmentedEnsemblesBecomeInvariantUnaugmentedOnesDoNot() {
    Inputs x = gaussian(6, 4, 21), xt = gaussian(6, 4, 22);
    double[] y = TrainingTest.targets(6, 1, 23);
    Group z2 = TestGroups.signFlip();
    OutputAction inv = OutputAction.invariant();
    Training t = Training.fullBatch(0.5, 0, 80);
    int[] widths = {16, 512};
    EnsembleComparison.Report none = EnsembleComparison.run(spec(ARCH, widths, 128, t, z2, inv, x, y, 1, xt, 2), null);
    EnsembleComparison.Report full = EnsembleComparison.run(spec(ARCH, widths, 128,
        t.withAugmentation(Augmentation.fullOrbit(z2, inv)), null, null, x, y, 1, xt, 2), null);
    EnsembleComparison.Report rand = EnsembleComparison.run(spec(ARCH, widths, 128,
        t.withAugmentation(Augmentation.random(z2, inv)), null, null, x, y, 1, xt, 2), null);
    int last = 1, wide = 1;
    double noneMean = none.orbitDevMean()[wide][last], noneAnalytic = none.orbitDevAnalytic()[last];
    double fullMean = full.orbitDevMean()[wide][last], fullMember = full.orbitDevMember()[wide][last];
    double randMean = rand.orbitDevMean()[wide][last], randMember = rand.orbitDevMember()[wide][last];
    // the analytic limits: trained on the orbit the mean is invariant to round-off; without augmentation it is not
    assertTrue(full.orbitDevAnalytic()[last] < 1e-12, "analytic full-orbit mean deviation " + full.orbitDevAnalytic()[last]);
    assertTrue(noneAnalytic > 0.3, "un-augmented analytic mean should not be invariant: " + noneAnalytic);
    // un-augmented ensembles approach a non-invariant limit; augmented ones approach 0
    assertTrue(noneMean > 0.5 * noneAnalytic, "un-augmented ensemble deviation " + noneMean + " vs analytic " + noneAnalytic);
    assertTrue(fullMean < 0.3 * noneMean, "full orbit " + fullMean + " vs none " + noneMean);
    assertTrue(randMean < 0.4 * noneMean, "random augmentation " + randMean + " vs none " + noneMean);
    // more members: the mean of 128 is far more invariant than single members (whose initial function is not)
    assertTrue(fullMean < 0.4 * fullMember, "full-orbit ensemble mean " + fullMean + " vs single members " + fullMember);
    assertTrue(randMean < 0.4 * randMember, "random-augmentation ensemble mean " + randMean + " vs members " + randMember);
    // wider and larger: the full-orbit mean at (512, 128) is closer to invariance than a width-16 network alone
    assertTrue(fullMean < 0.4 * full.orbitDevMember()[0][last]);
  }

  @Test
  void bitwiseReproducibleWhateverTheThreadCount() {
    Inputs x = gaussian(10, 4, 31), xt = gaussian(3, 4, 32);
    double[] y = TrainingTest.targets(10, 2, 33);
    Group c4 = TestGroups.cyclicShift(4);
    FiniteNetwork net = new FiniteNetwork(Layers.withWidths(ARCH, 32, 2), Shape.flat(4), Parameterization.NTK);
    Training t = new Training(0.5, new long[] {0, 2, 9}, 4, Augmentation.random(c4, OutputAction.invariant()));
    List<Inputs> eval = List.of(xt, x);
    Ensemble.Result one = Ensemble.train(net, x, y, t, eval, 7, 99, 1, null);
    for (int threads : new int[] {2, 3, 8}) {
      Ensemble.Result r = Ensemble.train(net, x, y, t, eval, 7, 99, threads, null);
      for (int m = 0; m < 7; m++) for (int s = 0; s < 3; s++) for (int e = 0; e < 2; e++) {
        assertArrayEquals(one.member(m, s, e), r.member(m, s, e), "member " + m + " record " + s + " threads " + threads);
      }
      assertArrayEquals(one.mean(2, 0, 7), r.mean(2, 0, 7));
      assertArrayEquals(one.variance(2, 0, 7), r.variance(2, 0, 7));
    }
    // a member does not depend on the ensemble size; another seed gives another ensemble
    Ensemble.Result three = Ensemble.train(net, x, y, t, eval, 3, 99, 2, null);
    assertArrayEquals(one.member(2, 2, 0), three.member(2, 2, 0));
    Ensemble.Result other = Ensemble.train(net, x, y, t, eval, 3, 100, 2, null);
    assertTrue(EnsembleComparison.rms(one.member(0, 2, 0), other.member(0, 2, 0)) > 1e-3);
  }

  @Test
  void meanVarianceAndOspByHand() {
    // 3 members, one record, one batch of 2 inputs × 1 output: values 1, 2, 4 and 0, 0, 3
    double[][][][] p = {{{{1, 0}}}, {{{2, 0}}}, {{{4, 3}}}};
    Ensemble.Result r = new Ensemble.Result(new long[] {0}, new int[] {2}, 1, p);
    assertArrayEquals(new double[] {7.0 / 3, 1}, r.mean(0, 0, 3), 1e-15);
    assertArrayEquals(new double[] {1.5, 0}, r.mean(0, 0, 2), 1e-15);
    // unbiased: Σ(v − 7/3)² / 2 = (16/9 + 1/9 + 25/9) / 2 = 7/3; (1 + 1 + 4) / 2 = 3
    assertArrayEquals(new double[] {7.0 / 3, 3}, r.variance(0, 0, 3), 1e-15);
    assertArrayEquals(new double[] {0, 0}, r.variance(0, 0, 1), 0.0);
    // OSP over a group of order 4 with 3 outputs, 2 inputs: input 0 keeps its argmax under 3 of 4 elements, input 1 under 4
    double[][] fg = {
        {1, 5, 2, 9, 0, 0}, {0, 6, 1, 8, 1, 1}, {7, 1, 1, 9, 1, 2}, {0, 1, 0, 5, 4, 3}};
    assertEquals((0.75 + 1.0) / 2, EnsembleComparison.osp(fg, 2, 4, 3), 1e-15);
  }

  @Test
  void logLogSlopeIsTheLeastSquaresFit() {
    // y = 3·x^(-1/2) exactly, and a point with y = 0 that must be skipped
    assertEquals(-0.5, EnsembleComparison.logLogSlope(new double[] {1, 4, 16, 64}, new double[] {3, 1.5, 0.75, 0}), 1e-14);
    // hand least squares on (log 1, log 1), (log 2, log 8), (log 4, log 8): slope = 3·(Σ (lx − l̄x)(ly − l̄y)) / … = 1.5
    assertEquals(1.5, EnsembleComparison.logLogSlope(new double[] {1, 2, 4}, new double[] {1, 8, 8}), 1e-14);
    assertTrue(Double.isNaN(EnsembleComparison.logLogSlope(new double[] {1}, new double[] {1})));
  }

  @Tag("heavy")
  @Test
  void heavyNeuralTangentsSizedChecks() {
    // neural-tangents' own sizes (Relu instead of Erf): 1024 networks of width 128 trained 1000 steps, tolerance 0.08.
    // A well-conditioned training kernel (4 inputs in 8 dimensions, λ_min ≈ 1.2): with a nearly singular one (8 inputs in
    // 4 dimensions, λ_min ≈ 0.07) the finite-width ensemble is still 0.2–0.4 RMS away after 1000 steps at widths
    // 128–2048, since the O(1/√width) fluctuations of the empirical NTK exceed λ_min.
    Inputs x = gaussian(4, 8, 41), xt = gaussian(6, 8, 42);
    double[] y = TrainingTest.targets(4, 1, 43);
    int threads = Runtime.getRuntime().availableProcessors();
    EnsembleComparison.Report r = EnsembleComparison.run(spec(ARCH, new int[] {128}, 1024,
        Training.fullBatch(0.5, 0, 1000), null, null, x, y, 1, xt, threads), null);
    assertTrue(r.distSteps()[0][1][r.ensembleSizes().length - 1] < 0.08, "RMS " + r.distSteps()[0][1][r.ensembleSizes().length - 1]);
    for (int i = 0; i < 6; i++) {
      double se = Math.sqrt(r.ensembleVariance()[0][1][i] / 1024);
      assertEquals(r.analyticSteps()[1][i], r.ensembleMean()[0][1][i], 4.5 * se + 0.02, "width 128, 1000 steps, input " + i);
    }
    // and width 4096 for a few steps: within Monte Carlo error plus 0.01
    EnsembleComparison.Report w = EnsembleComparison.run(spec(ARCH, new int[] {4096}, 256,
        Training.fullBatch(0.5, 5), null, null, x, y, 1, xt, threads), null);
    for (int i = 0; i < 6; i++) {
      double se = Math.sqrt(w.ensembleVariance()[0][0][i] / 256);
      assertEquals(w.analyticSteps()[0][i], w.ensembleMean()[0][0][i], 4.5 * se + 0.01, "width 4096, 5 steps, input " + i);
    }
  }
}
