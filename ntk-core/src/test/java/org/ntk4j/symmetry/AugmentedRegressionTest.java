package org.ntk4j.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;

class AugmentedRegressionTest {
  static final String FC = "Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5)";
  static final double[] TIMES = {0.5, 10, 1000, Double.POSITIVE_INFINITY};

  static Inputs gaussian(int n, Shape shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n * shape.size()];
    for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian();
    return new Inputs(n, shape, d);
  }

  static double[] targets(int n, int k, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] y = new double[n * k];
    for (int i = 0; i < y.length; i++) y[i] = r.nextGaussian();
    return y;
  }

  static double relDiff(double[] a, double[] b) {
    double m = 0, s = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
      s = Math.max(s, Math.abs(b[i]));
    }
    return m / s;
  }

  static KernelFunction kf(String arch) { return KernelFunction.of(ArchitectureParser.parse(arch)).threads(2).build(); }

  @ParameterizedTest(name = "{0} on {1}-dim inputs, equivariant={2}")
  @CsvSource({"C4, 2, false", "D4, 4, false", "Z2, 3, false", "C4, 2, true", "D4, 6, true", "O, 3, true", "'P(1,2,0,3)', 4, true"})
  void fastPathEqualsExplicitAugmentation(String name, int d, boolean equivariant) {
    Shape shape = Shape.flat(d);
    Group g = Groups.parse(name, shape);
    int k = equivariant ? (name.equals("O") ? 3 : name.startsWith("P") ? 4 : 2) : 2;
    OutputAction rho = equivariant ? OutputActions.sameAsInputs(g) : OutputAction.invariant();
    Inputs x = gaussian(7, shape, 1);
    double[] y = targets(7, k, 2);
    Inputs test = gaussian(5, shape, 3);
    KernelFunction kf = kf(FC);
    AugmentedRegression fast = AugmentedRegression.fit(kf, x, y, k, g, rho, new AugmentedRegression.Options().lr(0.7).diagReg(1e-3));
    AugmentedRegression slow = AugmentedRegression.fit(kf, x, y, k, g, rho,
        new AugmentedRegression.Options().lr(0.7).diagReg(1e-3).path(AugmentedRegression.Path.EXPLICIT));
    assertTrue(fast.usedFastPath(), fast.path());
    assertFalse(slow.usedFastPath());
    assertEquals(0.0, fast.invariance().error(), "bitwise invariant kernel under an exact action");
    for (double t : TIMES) {
      double[] a = fast.meanFlow(test, t), b = slow.meanFlow(test, t);
      assertTrue(relDiff(a, b) <= 1e-10, () -> name + " t=" + t + ": fast vs explicit " + relDiff(a, b));
      double[] at = fast.meanFlow(x, t), bt = slow.meanFlow(x, t);
      assertTrue(relDiff(at, bt) <= 1e-10, () -> name + " train t=" + t + ": " + relDiff(at, bt));
    }
    double[] a = fast.meanSteps(test, 37), b = slow.meanSteps(test, 37);
    assertTrue(relDiff(a, b) <= 1e-10, () -> "steps: " + relDiff(a, b));
    assertEquals(g.order() * 7, slow.augmentedSize());
  }
}
