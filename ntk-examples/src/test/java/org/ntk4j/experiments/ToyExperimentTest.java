package org.ntk4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ToyExperimentTest {
  private static final String ARCH = "Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5, b_std=0.1)";

  private static ToyExperiment.Config config(int k, int[] widths, int members, long[] steps) {
    return new ToyExperiment.Config(k, 4, widths, members, steps, 0.5, 3, 1.5, 60, ARCH, 2);
  }

  /** The paper's claim at toy size: NTK exactly invariant, single networks not, ensemble means in between. */
  @Test void ntkIsInvariantSingleNetworksAreNotEnsemblesInBetween() {
    long[] steps = {0, 1, 2, 3, 300};
    ToyExperiment.Result r = ToyExperiment.run(config(4, new int[] {16, 256}, 24, steps), null);
    assertEquals("C4", r.group());
    for (int i = 0; i < steps.length; i++) {
      assertTrue(r.devNtkRelative()[i] <= 1e-12, "NTK relative orbit deviation at step " + steps[i] + ": " + r.devNtkRelative()[i]);
      for (int w = 0; w < 2; w++) {
        // every finite network is visibly not invariant, at every step
        assertTrue(r.devMembers()[w][i] > 0.05, "single-network deviation " + r.devMembers()[w][i]);
        assertTrue(r.devSingle()[w][i] > 1e6 * Math.max(r.devNtk()[i], 1e-16), "member 0 vs NTK");
        // the ensemble mean is much closer to invariance than its members, but not exact
        assertTrue(r.devEnsemble()[w][i] < 0.5 * r.devMembers()[w][i],
            "width " + r.config().widths()[w] + " step " + steps[i] + ": ensemble " + r.devEnsemble()[w][i] + " vs members " + r.devMembers()[w][i]);
        assertTrue(r.devEnsemble()[w][i] > 1e3 * Math.max(r.devNtk()[i], 1e-16), "ensemble mean is not exactly invariant");
        // and closer to the NTK prediction than a single network
        assertTrue(r.rmsEnsembleToNtk()[w][i] < r.rmsSingleToNtk()[w][i], "ensemble closer to the NTK than member 0");
      }
    }
    // and it learns: on the unit circle the NTK prediction after 300 steps is closer to r cos(4 phi) than the prior 0 (4 points: no perfect fit)
    int last = steps.length - 1;
    double fit = org.ntk4j.finite.EnsembleComparison.rms(r.ntk()[last][0], r.truth()[0]);
    double prior = org.ntk4j.finite.EnsembleComparison.rms(new double[r.truth()[0].length], r.truth()[0]);
    assertTrue(fit < 0.6 * prior, "NTK fits the target: rms " + fit + " vs " + prior);
  }

  /**
   * The NTK curve after one step of gradient descent from the zero-mean prior: μ₁(x) = lr/N · Σ_j Θ(x, x_j) y_j over the
   * N = n·k augmented samples, with Θ of Dense -> Relu -> Dense written out by hand (arc-cosine kernels, NTK
   * parameterisation): Σ₁ = σw²·x·x'/2 + σb², Σ₂ = σw²·κ₁(Σ₁) + σb², Θ = Σ₂ + σw²·κ₀·Σ₁, with
   * κ₁ = √(q q')(sin θ + (π − θ) cos θ)/(2π), κ₀ = (π − θ)/(2π), cos θ = Σ₁(x,x')/√(q q').
   */
  @Test void firstStepMatchesTheHandWrittenNtk() {
    ToyExperiment.Result r = ToyExperiment.run(config(4, new int[] {8}, 1, new long[] {1}), null);
    double sw2 = 1.5 * 1.5, sb2 = 0.01, lr = 0.5;
    int n = r.trainAngles().length, k = 4, big = n * k;
    for (int ci = 0; ci < 2; ci++) {
      double rad = r.radii()[ci];
      for (int a = 0; a < r.angles().length; a += 7) {
        double x0 = rad * Math.cos(r.angles()[a]), x1 = rad * Math.sin(r.angles()[a]);
        double mu = 0;
        for (int j = 0; j < n; j++) {
          for (int g = 0; g < k; g++) {
            double phi = r.trainAngles()[j] + g * Math.PI / 2;
            double y0 = r.trainRadii()[j] * Math.cos(phi), y1 = r.trainRadii()[j] * Math.sin(phi);
            double q = sw2 * (x0 * x0 + x1 * x1) / 2 + sb2, qq = sw2 * (y0 * y0 + y1 * y1) / 2 + sb2;
            double s = sw2 * (x0 * y0 + x1 * y1) / 2 + sb2;
            double c = Math.max(-1, Math.min(1, s / Math.sqrt(q * qq)));
            double th = Math.acos(c);
            double k1 = Math.sqrt(q * qq) * (Math.sin(th) + (Math.PI - th) * Math.cos(th)) / (2 * Math.PI);
            double k0 = (Math.PI - th) / (2 * Math.PI);
            double theta = sw2 * k1 + sb2 + sw2 * k0 * s;
            mu += theta * r.trainTargets()[j];
          }
        }
        mu *= lr / big;
        assertEquals(mu, r.ntk()[0][ci][a], 1e-12 * Math.max(1, Math.abs(mu)), "circle " + ci + " angle " + a);
      }
    }
  }

  /** For k outside {1, 2, 4} the rotations are rounded matrices; the NTK stays invariant to round-off. */
  @Test void roundedRotationsC6StayInvariantToRoundOff() {
    ToyExperiment.Result r = ToyExperiment.run(config(6, new int[] {16}, 4, new long[] {0, 1, 300}), null);
    assertEquals(false, r.exactGroup());
    for (int i = 0; i < 3; i++) assertTrue(r.devNtkRelative()[i] <= 1e-12, "C6 NTK deviation " + r.devNtkRelative()[i]);
    assertTrue(r.devMembers()[0][2] > 0.01, "a finite network is not C6-invariant");
  }

  @Test void resultsDoNotDependOnTheThreadCount() {
    long[] steps = {0, 5};
    ToyExperiment.Config one = new ToyExperiment.Config(4, 3, new int[] {8}, 3, steps, 0.5, 5, 1.5, 24, ARCH, 1);
    ToyExperiment.Config two = new ToyExperiment.Config(4, 3, new int[] {8}, 3, steps, 0.5, 5, 1.5, 24, ARCH, 2);
    ToyExperiment.Result a = ToyExperiment.run(one, null), b = ToyExperiment.run(two, null);
    for (int i = 0; i < steps.length; i++) {
      for (int ci = 0; ci < 2; ci++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.ntk()[i][ci], b.ntk()[i][ci], 0.0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.ensembleMean()[0][i][ci], b.ensembleMean()[0][i][ci], 0.0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.single()[0][i][ci], b.single()[0][i][ci], 0.0);
      }
    }
  }

  @Test void badConfigurationsAreRefusedWithTheReason() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> config(0, new int[] {8}, 1, new long[] {1}))
        .getMessage().contains("k (order of C_k)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> config(4, new int[] {0}, 1, new long[] {1}))
        .getMessage().contains("widths"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToyExperiment.run(
        new ToyExperiment.Config(4, 4, new int[] {8}, 1, new long[] {1}, 50.0, 0, 1.5, 60, ARCH, 1), null));
    assertTrue(e.getMessage().contains("learning rate 50.0 is too large"), e.getMessage());
  }
}
