package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.finite.GradientCheck;
import org.ntk4j.finite.MonteCarlo;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;

/** FanOut → parallel branches → FanInSum as one layer. */
class ParallelSumTest {
  static Inputs gaussian(int n, Shape shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n * shape.size()];
    for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian();
    return new Inputs(n, shape, d);
  }

  static Kernels kernels(String arch, Inputs x) { return KernelFunction.of(ArchitectureParser.parse(arch)).build().compute(x); }

  @Test
  void kernelIsTheSumOfTheBranchKernels() {
    Inputs x = gaussian(6, Shape.fromDims(5, 5, 2), 1);
    String a = "Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> Conv(3, padding=SAME)";
    String b = "Conv(3, padding=CIRCULAR, W_std=0.7) -> Erf";
    String tail = " -> Relu -> GlobalAvgPool -> Dense(W_std=1.2)";
    // the summed kernel equals the sum of the branches' kernels, taken before the common tail
    Kernels ka = kernels(a + " -> Flatten -> Dense(W_std=1)", x), kb = kernels(b + " -> Conv(1) -> Flatten -> Dense(W_std=1)", x);
    Kernels sum = kernels("ParallelSum(" + a + ", " + b + " -> Conv(1)) -> Flatten -> Dense(W_std=1)", x);
    for (int i = 0; i < sum.ntk().length; i++) {
      assertEquals(ka.nngp()[i] + kb.nngp()[i], sum.nngp()[i], 1e-13 * Math.abs(sum.nngp()[i]));
      assertEquals(ka.ntk()[i] + kb.ntk()[i], sum.ntk()[i], 1e-13 * Math.abs(sum.ntk()[i]));
    }
    Kernels k = kernels("ParallelSum(" + a + ", " + b + " -> Conv(1))" + tail, x);
    for (double v : k.ntk()) assertTrue(Double.isFinite(v) && v > 0);
  }

  @Test
  void residualIsTheSumWithAnIdentityBranchBitwise() {
    Inputs x = gaussian(7, Shape.flat(4), 2);
    String branch = "Dense(W_std=1.4, b_std=0.1) -> Relu -> Dense";
    Kernels r = kernels("Dense(W_std=1.2) -> Residual(" + branch + ") -> Relu -> Dense", x);
    Kernels p = kernels("Dense(W_std=1.2) -> ParallelSum(Identity, " + branch + ") -> Relu -> Dense", x);
    assertArrayEquals(r.ntk(), p.ntk());
    assertArrayEquals(r.nngp(), p.nngp());
  }

  @Test
  void finiteEnsembleAgreesWithTheKernel() {
    Inputs x = gaussian(4, Shape.flat(3), 3);
    Layer net = ArchitectureParser.parse(
        "Dense(W_std=1.3, b_std=0.2) -> ParallelSum(Dense(W_std=1.1) -> Relu -> Dense, Dense(W_std=0.8), Identity) -> Erf -> Dense");
    Kernels analytic = KernelFunction.of(net).build().compute(x);
    Kernels mc = MonteCarlo.estimate(Layers.withWidths(net, 256, 1), Parameterization.NTK, x, x, 300, 7, 2);
    double num = 0, den = 0;
    for (int i = 0; i < analytic.ntk().length; i++) {
      num += Math.pow(mc.ntk()[i] - analytic.ntk()[i], 2);
      den += analytic.ntk()[i] * analytic.ntk()[i];
    }
    assertTrue(Math.sqrt(num / den) < 0.05, "relative Frobenius error of Θ " + Math.sqrt(num / den));
    for (Parameterization p : Parameterization.values()) {
      assertTrue(GradientCheck.check(ArchitectureParser.parse("ParallelSum(Dense(4) -> Tanh -> Dense(4), Dense(4), Identity)"),
          Shape.flat(4), p) < 1e-6);
    }
  }

  @Test
  void refusesCorrelatedBranchesAndShapeMismatchesAndRoundTrips() {
    ArchitectureException e = assertThrows(ArchitectureException.class, () -> ArchitectureParser.parse("ParallelSum(Identity, Relu)"));
    assertTrue(e.getMessage().contains("correlated"), e.getMessage());
    assertThrows(ArchitectureException.class, () -> ArchitectureParser.parse("ParallelSum(Dense)"));
    ArchitectureException s = assertThrows(ArchitectureException.class, () -> KernelFunction.of(ArchitectureParser.parse(
        "ParallelSum(Conv(3, padding=VALID), Conv(3, padding=SAME)) -> Flatten -> Dense")).build().validate(Shape.fromDims(5, 5, 1)));
    assertTrue(s.getMessage().contains("different shapes"), s.getMessage());
    for (String t : new String[] {"ParallelSum(Dense -> Relu -> Dense, Identity)", "ParallelSum(Conv(3), Conv(3x3, padding=VALID) -> Erf) -> Flatten -> Dense"}) {
      Layer l = ArchitectureParser.parse(t);
      assertEquals(l, ArchitectureParser.parse(l.toString()));
    }
    assertEquals(ArchitectureParser.parse("ParallelSum(Dense, Dense(W_std=2))"), Layers.parallelSum(Dense.of(1.0), Dense.of(2.0)));
  }
}
