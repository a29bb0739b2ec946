package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.finite.MonteCarlo;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;

/**
 * The value of φ'(0) that each kernel rule assumes at zero variance is the one its finite twin uses. In the standard
 * parameterisation a first layer with W_std = 0 gives pre-activations that are exactly 0 at initialisation while their
 * NTK, x·x', is not; then Θ after φ is x·x'·φ'(0)², and the readout's Θ = 64·φ(0)² + 2.25·φ'(0)²·x·x'. For ReLU this
 * tells θ = π/2 with φ'(0) = 1/2 (factor 1/4) from θ = 0 (factor 1/2).
 */
class ZeroVarianceConventionTest {
  @Test
  void kernelsAtZeroVarianceMatchTheFiniteTwin() {
    Inputs x = Inputs.of(new double[][] {{1.0, -0.5, 0.3}, {-0.2, 0.9, 1.1}, {0.6, 0.6, -0.7}});
    StringBuilder report = new StringBuilder();
    boolean ok = true;
    for (String phi : MonteCarloNonlinearityTest.ALL) {
      Layer net = Layers.serial(Dense.of(64, 0.0, Double.NaN), ArchitectureParser.parse(phi), Dense.of(1.5));
      Kernels exact = KernelFunction.of(net).parameterization(Parameterization.STANDARD).threads(1).build().compute(x);
      Kernels mc = MonteCarlo.estimate(Layers.withWidths(net, 64, 4), Parameterization.STANDARD, x, x, 40, 7L, 2);
      double norm = 0;
      for (double v : exact.ntk()) norm += v * v;
      double et = norm > 0 ? MonteCarloNonlinearityTest.relFrobenius(mc.ntk(), exact.ntk()) : maxAbs(mc.ntk()); // Sign: Θ = 0
      report.append(String.format("%-24s ntk %.4f%n", phi, et));
      ok &= et <= 0.05;
    }
    assertTrue(ok, "relative Frobenius error of Θ, Monte Carlo vs analytic:\n" + report);
  }

  static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) m = Math.max(m, Math.abs(v));
    return m;
  }
}
