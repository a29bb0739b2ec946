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
  @CsvSource({"C4, 2, false", "D4, 4, false", "Z2, 3, false", "C4, 2, true", "D4, 6, true", "O, 3, true", "C6, 2, true", "D3, 4, false", "'P(1,2,0,3)', 4, true"})
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
    if (g.isExact()) assertEquals(0.0, fast.invariance().error(), "bitwise invariant kernel under an exact action");
    else assertTrue(fast.invariance().error() > 0 && fast.invariance().error() < 1e-14, "rounded rotations: " + fast.invariance());
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

  /** An involution (a, b) ↦ (2b, a/2) of ℝ²: a closed group of order 2, but no isometry, so Θ is not invariant. */
  static final Group SHEAR = new Group() {
    @Override public String name() { return "S"; }
    @Override public int order() { return 2; }
    @Override public void checkShape(Shape shape) {
      if (!shape.equals(Shape.flat(2))) throw new IllegalArgumentException("S acts on ℝ²");
    }
    @Override public void act(int g, Shape shape, double[] src, int so, double[] dst, int d) {
      dst[d] = g == 0 ? src[so] : 2 * src[so + 1];
      dst[d + 1] = g == 0 ? src[so + 1] : src[so] / 2;
    }
  };

  @Test
  void fallsBackToExplicitAugmentationWhenTheKernelIsNotInvariant() {
    Inputs x = gaussian(6, Shape.flat(2), 4);
    double[] y = targets(6, 1, 5);
    KernelFunction kf = kf(FC);
    AugmentedRegression auto = AugmentedRegression.fit(kf, x, y, 1, SHEAR, OutputAction.invariant(), null);
    assertFalse(auto.usedFastPath());
    assertTrue(auto.path().startsWith("explicit: kernel invariance error"), auto.path());
    assertTrue(auto.invariance().ntkError() > 1e-3, "the check sees the non-invariance: " + auto.invariance());
    assertEquals(12, auto.augmentedSize());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AugmentedRegression.fit(kf, x, y, 1, SHEAR,
        OutputAction.invariant(), new AugmentedRegression.Options().path(AugmentedRegression.Path.FAST)));
    assertTrue(e.getMessage().contains("S-invariant kernel"), e.getMessage());
    // explicit augmentation is still plain kernel regression on the 12 augmented points: it interpolates them at t = ∞
    double[] fit = auto.meanFlow(SHEAR.act(1, x), Double.POSITIVE_INFINITY);
    for (int i = 0; i < 6; i++) assertEquals(y[i], fit[i], 1e-8);
    // sampled rotations are no group: explicit, said so
    AugmentedRegression so2 = AugmentedRegression.fit(kf, x, y, 1, Groups.parse("SO2(5,seed=3)", Shape.flat(2)), OutputAction.invariant(), null);
    assertFalse(so2.usedFastPath());
    assertTrue(so2.path().contains("not a closed group"), so2.path());
  }

  @Test
  void fastPathHandlesSingularKernelsAndTimeZero() {
    Shape s = Shape.flat(2);
    Group d4 = Groups.parse("D4", s);
    // input 1 on a reflection axis (fixed by an element), input 2 a duplicate of input 0, input 3 the origin (fixed by all)
    Inputs x = Inputs.of(new double[][] {{0.3, -1.1}, {0.8, 0}, {0.3, -1.1}, {0, 0}, {-0.4, 0.9}});
    double[] y = {1, 2, 1, -1, 0.5};
    KernelFunction kf = kf(FC);
    AugmentedRegression fast = AugmentedRegression.fit(kf, x, y, 1, d4, OutputAction.invariant(), null);
    AugmentedRegression slow = AugmentedRegression.fit(kf, x, y, 1, d4, OutputAction.invariant(),
        new AugmentedRegression.Options().path(AugmentedRegression.Path.EXPLICIT));
    assertTrue(fast.usedFastPath());
    Inputs test = gaussian(4, s, 8);
    for (double t : TIMES) {
      double[] a = fast.meanFlow(test, t), b = slow.meanFlow(test, t);
      for (double v : a) assertTrue(Double.isFinite(v));
      assertTrue(relDiff(a, b) <= 1e-10, () -> "t=" + t + ": " + relDiff(a, b));
    }
    // converged: the training points (a consistent duplicate, fixed points) are interpolated
    double[] atTrain = fast.meanFlow(x, Double.POSITIVE_INFINITY);
    for (int i = 0; i < 5; i++) assertEquals(y[i], atTrain[i], 1e-9);
    for (double v : fast.meanFlow(test, 0)) assertEquals(0.0, v);
  }
}
