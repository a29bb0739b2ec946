package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.finite.MonteCarlo;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;

/**
 * Every nonlinearity's kernel rule against its finite-width twin: the Monte Carlo average of the empirical NNGP and NTK
 * of {@code Dense(W_std=1.5, b_std=0.1) -> φ -> Dense(W_std=1.5)} over independently initialised networks (the readout
 * has several outputs, which the empirical kernels average, so the NNGP needs fewer networks). Relative Frobenius errors
 * as in neural-tangents' tests (width 1024, 100–800 samples, rtol 0.02–0.06).
 */
class MonteCarloNonlinearityTest {
  static final List<String> ALL = List.of("Relu", "LeakyRelu(0.1)", "ABRelu(-0.5, 1)", "Abs", "Identity", "Erf",
      "Erf(a=2, b=0.5, c=0.1)", "SigmoidLike", "Gelu", "Sin(a=1, b=2, c=0.5)", "Cos", "Sign", "Rbf(0.5)", "Monomial(2)",
      "RectifiedMonomial(3)", "Polynomial(0, 1, 0.5)", "Tanh", "Softplus", "Silu", "Elu", "Elu(0.5)");

  static final Inputs X = Inputs.of(new double[][] {{1.0, -0.5, 0.3, 0.8}, {-0.2, 0.9, 1.1, -0.4}, {0.6, 0.6, -0.7, 0.1}});

  static double relFrobenius(double[] got, double[] want) {
    double d = 0, n = 0;
    for (int i = 0; i < got.length; i++) {
      d += (got[i] - want[i]) * (got[i] - want[i]);
      n += want[i] * want[i];
    }
    return Math.sqrt(d / n);
  }

  static void check(int width, int outputs, int samples, double tolNngp, double tolNtk) {
    StringBuilder report = new StringBuilder();
    boolean ok = true;
    for (String phi : ALL) {
      Layer net = Layers.serial(Dense.of(1.5, 0.1), ArchitectureParser.parse(phi), Dense.of(1.5));
      Kernels exact = KernelFunction.of(net).threads(1).build().compute(X);
      Kernels mc = MonteCarlo.estimate(Layers.withWidths(net, width, outputs), org.ntk4j.layers.Parameterization.NTK, X, X,
          samples, 20261201L + phi.hashCode(), 2);
      double en = relFrobenius(mc.nngp(), exact.nngp());
      double et = relFrobenius(mc.ntk(), exact.ntk());
      report.append(String.format("%-24s nngp %.4f ntk %.4f%n", phi, en, et));
      ok &= en <= tolNngp && et <= tolNtk;
    }
    assertTrue(ok, "Monte Carlo vs analytic, relative Frobenius errors (tolerance " + tolNngp + ", " + tolNtk + "):\n" + report);
  }

  @Test
  void everyNonlinearityMatchesItsFiniteWidthTwin() {
    check(256, 8, 800, 0.06, 0.015);
  }

  @Tag("heavy")
  @Test
  void everyNonlinearityMatchesItsFiniteWidthTwinHeavy() {
    check(1024, 8, 2400, 0.03, 0.006);
  }
}
