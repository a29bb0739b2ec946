package org.ntk4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.symmetry.Certificate;

class DemoExperimentTest {
  static DemoExperiment.Config tiny() {
    return new DemoExperiment.Config(6, 8, 8, new int[] {16, 128}, 16, new long[] {0, 10, 100}, 1.0, 1, 2);
  }

  /** The demo's claims at a tiny size: augmented NTK exact, members not, ensembles in between; no augmentation: not. */
  @Test void augmentedInfiniteEnsembleIsExactlyInvariantFiniteEnsemblesApproachIt() {
    DemoExperiment.Result r = DemoExperiment.run(tiny(), null);
    DemoExperiment.Regime a = r.augmented(), p = r.plain();
    assertEquals(8 * 4, a.trainSize());
    assertEquals(8, p.trainSize());
    long[] st = r.steps();
    for (int i = 0; i < st.length; i++) {
      assertTrue(a.devNtkRelative()[i] <= 1e-12, "augmented NTK relative deviation at step " + st[i] + ": " + a.devNtkRelative()[i]);
      assertEquals(4.0, a.ospNtk()[i], 0.0, "OSP of the augmented NTK = |G|");
      for (int w = 0; w < 2; w++) {
        assertTrue(a.devMembers()[w][i] > 0.1, "single networks are not invariant: " + a.devMembers()[w][i]);
        assertTrue(a.devEnsemble()[w][i] < 0.5 * a.devMembers()[w][i],
            "ensemble of 16 vs its members, width index " + w + " step " + st[i] + ": " + a.devEnsemble()[w][i] + " vs " + a.devMembers()[w][i]);
        assertTrue(a.devEnsemble()[w][i] > 1e6 * Math.max(a.devNtk()[i], 1e-17), "a finite ensemble is not exactly invariant");
        assertTrue(a.rmsEnsembleToNtk()[w][i] < a.rmsMembersToNtk()[w][i], "the ensemble mean is closer to mu_t than members");
      }
    }
    int last = st.length - 1;
    // emergence with the ensemble size: 1 → 16 members (1/sqrt(16) = 1/4 expected for averaging noise)
    assertEquals(1, a.ensembleSizes()[0]);
    assertEquals(16, a.ensembleSizes()[a.ensembleSizes().length - 1]);
    assertTrue(a.devBySize()[a.devBySize().length - 1] < 0.5 * a.devBySize()[0], "M = 16 vs M = 1");
    // without augmentation even the infinite ensemble is not invariant once trained (its prior mean, 0, is)
    assertEquals(0.0, p.devNtk()[0], 0.0);
    assertTrue(p.devNtkRelative()[last] > 1e-2, "un-augmented NTK deviation " + p.devNtkRelative()[last]);
    // the certificate, also at t = infinity
    Certificate c = r.certificate();
    assertEquals(st.length + 1, c.times().size());
    assertTrue(Double.isInfinite(c.times().get(st.length).t()));
    for (Certificate.AtTime t : c.times()) {
      assertTrue(t.maxRelative() <= 1e-12, "certificate at t = " + t.t() + ": " + t.maxRelative());
      assertEquals(1.0, t.split("test").osp(), 0.0);
    }
  }

  /**
   * Θ(x, x) of Flatten -> Dense(1.5, 0.1) -> Relu -> Dense(1.5, 0.1) by hand: q = ‖x‖²/(H·W·C), Σ₁ = σw² q + σb²;
   * at θ = 0 the ReLU maps give κ₁ = Σ₁/2, κ₀ = 1/2, so Θ = σw²·Σ₁/2 + σb² + σw²·Σ₁/2 = σw²·Σ₁ + σb².
   */
  @Test void ntkDiagonalMatchesTheHandFormula() {
    DemoExperiment.Config c = new DemoExperiment.Config(6, 5, 2, new int[] {4}, 1, new long[] {0}, 1.0, 7, 1);
    DemoExperiment.Result r = DemoExperiment.run(c, null);
    Inputs x = DemoExperiment.images(5, 6, new SplittableRandom(7)); // the training images: the first draws of the seed
    for (int i = 0; i < 5; i++) {
      double q = 0;
      for (double v : x.row(i)) q += v * v;
      q /= 36;
      double s1 = 2.25 * q + 0.01;
      assertEquals(2.25 * s1 + 0.01, r.ntkDiagonal()[i], 1e-13 * s1, "image " + i);
    }
  }

  /** The labels are the rule stated: centre brighter than border, and invariant under the 90° rotations. */
  @Test void labelsFollowTheCentreRule() {
    double[] img = new double[16]; // 4x4: centre = rows/cols 1..2
    img[5] = 1; // inside
    double[] out = new double[16];
    out[0] = 1; // corner
    Inputs x = new Inputs(2, org.ntk4j.Shape.of(new int[] {4, 4}, 1), concat(img, out));
    double[] y = DemoExperiment.labels(x);
    assertEquals(0.0, y[0]);
    assertEquals(1.0, y[1]);
    assertEquals(1.0, y[2]);
    assertEquals(0.0, y[3]);
  }

  @Test void badConfigurationsAreRefused() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new DemoExperiment.Config(1, 8, 8, new int[] {4}, 1,
        new long[] {0}, 1.0, 0, 1)).getMessage().contains("image side"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DemoExperiment.run(
        new DemoExperiment.Config(4, 4, 2, new int[] {4}, 1, new long[] {1}, 100.0, 0, 1), null));
    assertTrue(e.getMessage().contains("learning rate 100.0 is too large"), e.getMessage());
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = new double[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
