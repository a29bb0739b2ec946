package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Relu;

class MsePredictorTest {
  /** K = [[2, 1], [1, 2]]: eigenvalues 1 ((1, −1)/√2) and 3 ((1, 1)/√2); Y = (1, 0); N = 2. */
  static final double[] K = {2, 1, 1, 2};
  static final double[] Y = {1, 0};

  /** By hand: VᵀY = (1/√2, 1/√2), so K⁻¹(I − R)Y = ((1, −1)·g(1) + (1, 1)·g(3))/2 with g(λ) = (1 − r(λ))/λ. */
  static double[] handMean(double p, double q, double g1, double g3) {
    double c0 = (g1 + g3) / 2, c1 = (g3 - g1) / 2;
    return new double[] {p * c0 + q * c1};
  }

  @Test
  void twoByTwoGradientFlowByHand() {
    double lr = 0.8;
    MsePredictor pr = MsePredictor.fit(K, 2, Y, 1, lr, 0.0);
    assertArrayEquals(new double[] {1, 3}, pr.eigenvalues(), 1e-14);
    double[] kt = {0.5, 1.5};
    double[] times = {0, 0.3, 2.5, 40, Double.POSITIVE_INFINITY};
    double[][] got = pr.meanFlow(kt, 1, times);
    double[][] train = pr.trainMeanFlow(times);
    for (int i = 0; i < times.length; i++) {
      double a = lr * times[i] / 2;
      double g1 = Double.isInfinite(a) ? 1 : (1 - Math.exp(-a)), g3 = Double.isInfinite(a) ? 1.0 / 3 : (1 - Math.exp(-3 * a)) / 3;
      assertArrayEquals(handMean(0.5, 1.5, g1, g3), got[i], 1e-14, "t = " + times[i]);
      // the single-time call gives the same numbers
      assertArrayEquals(got[i], pr.meanFlow(kt, 1, times[i]), 1e-15);
      // on the training inputs: (I − R)Y = ((1, −1)(1 − e^{−a}) + (1, 1)(1 − e^{−3a}))/2
      double r1 = Double.isInfinite(a) ? 0 : Math.exp(-a), r3 = Double.isInfinite(a) ? 0 : Math.exp(-3 * a);
      assertArrayEquals(new double[] {((1 - r1) + (1 - r3)) / 2, (-(1 - r1) + (1 - r3)) / 2}, train[i], 1e-14);
    }
    assertArrayEquals(new double[] {0}, got[0], 0.0); // t = 0: the prior mean
    assertArrayEquals(new double[] {0.5 * 2 / 3 - 1.5 / 3}, got[4], 1e-15); // t = ∞: K_tX K⁻¹ Y with K⁻¹Y = (2/3, −1/3)
    assertArrayEquals(Y, train[4], 1e-15); // training targets reached
    // test inputs equal to the training inputs reproduce the training means
    assertArrayEquals(train[2], pr.meanFlow(K, 2, times[2]), 1e-14);
  }

  @Test
  void twoByTwoDiscreteStepsByHand() {
    double lr = 0.5;
    MsePredictor pr = MsePredictor.fit(K, 2, Y, 1, lr, 0.0);
    long[] steps = {0, 1, 2, 3, 2000};
    double[][] got = pr.meanSteps(new double[] {0.5, 1.5}, 1, steps);
    double c = lr / 2;
    for (int i = 0; i < steps.length; i++) {
      double g1 = 1 - Math.pow(1 - c, steps[i]), g3 = (1 - Math.pow(1 - 3 * c, steps[i])) / 3;
      assertArrayEquals(handMean(0.5, 1.5, g1, g3), got[i], 1e-14, "steps = " + steps[i]);
    }
    // one step of gradient descent by hand: f₁ = −lr/N · K_tX · (f₀ − Y) = 0.25 · 0.5 · 1
    assertEquals(0.125, got[1][0], 1e-15);
    assertEquals(got[2][0], pr.meanSteps(new double[] {0.5, 1.5}, 1, 2)[0], 1e-15);
  }

  @Test
  void multipleOutputsShareTheKernelAndCountInN() {
    // outputs (1, 0) and (0, 1): each column alone with N = 2·2 = 4, i.e. like one output at half the learning rate
    double[] y2 = {1, 0, 0, 1};
    MsePredictor two = MsePredictor.fit(K, 2, y2, 2, 1.0, 0.0);
    MsePredictor first = MsePredictor.fit(K, 2, new double[] {1, 0}, 1, 0.5, 0.0);
    MsePredictor second = MsePredictor.fit(K, 2, new double[] {0, 1}, 1, 0.5, 0.0);
    double[] kt = {0.3, -0.7, 1.1, 0.2};
    double[] m = two.meanFlow(kt, 2, 1.7);
    double[] a = first.meanFlow(kt, 2, 1.7), b = second.meanFlow(kt, 2, 1.7);
    for (int i = 0; i < 2; i++) {
      assertEquals(a[i], m[i * 2], 1e-15);
      assertEquals(b[i], m[i * 2 + 1], 1e-15);
    }
  }

  @Test
  void convergedMeanOfARankDeficientGramIsThePseudoInverseSolution() {
    int n = 12, d = 5, m = 4;
    double[] phi = Ref.gaussian(n * d, 1), psi = Ref.gaussian(m * d, 2);
    double[] k = Ref.gram(phi, n, phi, n, d); // rank 5 < 12: seven null directions
    double[] kt = Ref.gram(psi, m, phi, n, d);
    double[] y = Ref.gaussian(n * 2, 3);
    MsePredictor pr = MsePredictor.fit(k, n, y, 2, 1.0, 0.0);
    assertEquals(7, pr.spectrum().nullity());
    RealMatrix expected = Ref.mat(kt, m, n).multiply(Ref.pinv(Ref.mat(k, n, n))).multiply(Ref.mat(y, n, 2));
    Ref.close(Ref.flat(expected), pr.meanFlow(kt, m, Double.POSITIVE_INFINITY), 1e-9, "t = inf vs SVD pseudo-inverse");
    // and a very long finite time approaches it continuously
    Ref.close(Ref.flat(expected), pr.meanFlow(kt, m, 1e9), 1e-9, "t = 1e9");
  }

  @Test
  void stepsConvergeToGradientFlowAsTheLearningRateShrinks() {
    int n = 8, d = 10;
    double[] phi = Ref.gaussian(n * d, 11);
    double[] k = Ref.gram(phi, n, phi, n, d);
    double[] kt = Ref.gram(Ref.gaussian(3 * d, 12), 3, phi, n, d);
    double[] y = Ref.gaussian(n, 13);
    double tau = 3.0; // lr · steps fixed
    double[] flow = MsePredictor.fit(k, n, y, 1, 1.0, 0).meanFlow(kt, 3, tau);
    double prev = Double.NaN;
    for (double lr : new double[] {1e-1, 1e-2, 1e-3}) {
      double[] st = MsePredictor.fit(k, n, y, 1, lr, 0).meanSteps(kt, 3, Math.round(tau / lr));
      double err = Ref.maxAbsDiff(flow, st);
      if (!Double.isNaN(prev)) {
        double ratio = prev / err;
        assertTrue(ratio > 8 && ratio < 12, "first-order convergence in lr: error ratio " + ratio); // O(lr)
      }
      prev = err;
    }
    assertTrue(prev < 1e-3 * Math.max(1, Ref.maxAbsDiff(flow, new double[flow.length])), "error at lr = 1e-3: " + prev);
  }

  /** Kernels of a ReLU network on inputs where input 1 is repeated as input 4 (and input 0 as input 5). */
  static Kernels reluKernels(Inputs a, Inputs b) {
    return KernelFunction.of(Layers.serial(Dense.of(1.5, 0.1), new Relu(), Dense.of(1.5, 0.1))).threads(1).build().compute(a, b);
  }

  @Test
  void duplicatedInputsAreFiniteAndEqualTheDeduplicatedProblem() {
    double[][] unique = {{1, 0.2, -0.3}, {0.4, 1.1, 0.5}, {-0.7, 0.3, 0.9}, {0.2, -1.0, 0.4}};
    double[][] dup = {unique[0], unique[1], unique[2], unique[3], unique[1], unique[0]};
    double[] yu = {1.0, -0.5, 0.25, 2.0};
    double[] yd = {1.0, -0.5, 0.25, 2.0, -0.5, 1.0};
    int[] mult = {2, 2, 1, 1};
    Inputs xu = Inputs.of(unique), xd = Inputs.of(dup);
    Inputs test = Inputs.of(new double[][] {{0.3, 0.3, 0.3}, {-1, 0.5, 0}, unique[1]});
    Kernels kd = reluKernels(xd, xd), ktd = reluKernels(test, xd), ku = reluKernels(xu, xu), ktu = reluKernels(test, xu);
    double lr = 2.0;
    MsePredictor pd = MsePredictor.fit(kd.ntk(), 6, yd, 1, lr, 0.0);
    MsePredictor pu = MsePredictor.fit(ku.ntk(), 4, yu, 1, lr, 0.0);
    assertEquals(2, pd.spectrum().nullity(), "two duplicated inputs, two exact null directions");
    double[] times = {0, 0.5, 3, 50, Double.POSITIVE_INFINITY};
    double[][] got = pd.meanFlow(ktd.ntk(), 3, times);
    // the duplicated problem is the deduplicated one with multiplicities D as weights in the loss:
    // μ_t = K_tX K⁻¹ (I − e^{−c t K D}) y = K_tX D^{1/2} S⁻¹ (I − e^{−c t S}) D^{1/2} y with S = D^{1/2} K D^{1/2}, c = lr/N
    RealMatrix dh = Ref.mat(new double[16], 4, 4);
    for (int i = 0; i < 4; i++) dh.setEntry(i, i, Math.sqrt(mult[i]));
    RealMatrix s = dh.multiply(Ref.mat(ku.ntk(), 4, 4)).multiply(dh);
    for (int ti = 0; ti < times.length; ti++) {
      double a = lr * times[ti] / 6;
      RealMatrix g = Ref.fun(s, l -> Double.isInfinite(a) ? 1 / l : -Math.expm1(-a * l) / l);
      RealMatrix ref = Ref.mat(ktu.ntk(), 3, 4).multiply(dh).multiply(g).multiply(dh).multiply(Ref.mat(yu, 4, 1));
      for (double v : got[ti]) assertTrue(Double.isFinite(v), "finite at t = " + times[ti]);
      Ref.close(Ref.flat(ref), got[ti], 1e-10, "t = " + times[ti]);
    }
    // at t = ∞ the weights no longer matter: the deduplicated interpolant
    Ref.close(pu.meanFlow(ktu.ntk(), 3, Double.POSITIVE_INFINITY), got[4], 1e-10, "t = inf vs deduplicated");
    // and the test input equal to training input 1 gets its target
    assertEquals(-0.5, got[4][2], 1e-10);
    // training means are finite too and reach the targets
    Ref.close(yd, pd.trainMeanFlow(Double.POSITIVE_INFINITY)[0], 1e-10, "train at t = inf");
    double[][] steps = pd.meanSteps(ktd.ntk(), 3, 1, 2, 3, 2000);
    for (double[] st : steps) for (double v : st) assertTrue(Double.isFinite(v));
  }

  @Test
  void conflictingDuplicatesConvergeToTheirAverage() {
    // the same input twice with targets 1 and 3: the least-squares (pseudo-inverse) fit predicts 2 there
    double[] k = {2, 2, 2, 2};
    MsePredictor pr = MsePredictor.fit(k, 2, new double[] {1, 3}, 1, 1.0, 0.0);
    assertArrayEquals(new double[] {2.0}, pr.meanFlow(new double[] {2, 2}, 1, Double.POSITIVE_INFINITY), 1e-14);
    assertArrayEquals(new double[] {2.0, 2.0}, pr.trainMeanFlow(Double.POSITIVE_INFINITY)[0], 1e-14);
    // finite time, by hand: one eigenvalue 4 along (1, 1)/√2 with VᵀY = 4/√2: μ_t = 4·(1 − e^{−4a})/4·... = 2(1 − e^{−4a})
    double a = 0.3 / 2;
    assertArrayEquals(new double[] {2 * (1 - Math.exp(-4 * a))}, pr.meanFlow(new double[] {2, 2}, 1, 0.3), 1e-14);
  }

  @Test
  void zeroKernelPredictsZero() {
    MsePredictor pr = MsePredictor.fit(new double[4], 2, new double[] {1, 2}, 1, 1.0, 0.0);
    assertArrayEquals(new double[] {0.0}, pr.meanFlow(new double[2], 1, Double.POSITIVE_INFINITY), 0.0);
  }

  @Test
  void regularizationRelativeToTheMeanTraceOrAbsolute() {
    // relative 0.5 with mean trace 2 adds 1: K + I = [[3, 1], [1, 3]], eigenvalues 2 and 4
    MsePredictor rel = MsePredictor.fit(K, 2, Y, 1, 1.0, Regularization.relative(0.5), null);
    assertArrayEquals(new double[] {2, 4}, rel.eigenvalues(), 1e-14);
    assertEquals(1.0, rel.spectrum().regularizer(), 1e-15);
    MsePredictor abs = MsePredictor.fit(K, 2, Y, 1, 1.0, 1.0);
    assertArrayEquals(rel.meanFlow(new double[] {1, 0}, 1, 2.0), abs.meanFlow(new double[] {1, 0}, 1, 2.0), 1e-15);
    // t = ∞: (K + I)⁻¹ Y = (3, −1)/8, against k_tX = (1, 0)
    assertArrayEquals(new double[] {3.0 / 8}, rel.meanFlow(new double[] {1, 0}, 1, Double.POSITIVE_INFINITY), 1e-15);
  }

  @Test
  void negativeEigenvaluesBeyondRoundOffAreReported() {
    List<String> warnings = new ArrayList<>();
    // [[1, 2], [2, 1]] has eigenvalues −1 and 3
    MsePredictor pr = MsePredictor.fit(new double[] {1, 2, 2, 1}, 2, Y, 1, 1.0, Regularization.none(), warnings::add);
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("not positive semi-definite") && warnings.get(0).contains("-1"), warnings.get(0));
    assertNotNull(pr.spectrum().warning());
    assertEquals(-1.0, pr.spectrum().rawMinEigenvalue(), 1e-14);
    assertArrayEquals(new double[] {0, 3}, pr.eigenvalues(), 1e-14);
    // round-off negatives are not: a rank-one Gram matrix
    List<String> none = new ArrayList<>();
    MsePredictor g = MsePredictor.fit(Ref.gram(new double[] {0.1, 0.7, 0.3}, 3, new double[] {0.1, 0.7, 0.3}, 3, 1), 3,
        new double[] {1, 2, 3}, 1, 1.0, Regularization.none(), none::add);
    assertTrue(none.isEmpty(), none.toString());
    assertNull(g.spectrum().warning());
    assertEquals(2, g.spectrum().nullity());
  }

  @Test
  void maxLearningRateAsNeuralTangents() {
    // 2·N/(λ_max + 1e-12) with λ_max = 3 and N = 2·outputs
    assertEquals(2 * 4 / (3 + 1e-12), MsePredictor.maxLearningRate(K, 2, 4), 1e-14);
    assertEquals(2 * 1.9 * 2 / (3 + 1e-12), MsePredictor.maxLearningRate(K, 2, 2, 0.9), 1e-14);
    // below it gradient descent converges, above it diverges
    double lrMax = MsePredictor.maxLearningRate(K, 2, 2);
    double[] kt = {0.5, 1.5};
    double limit = MsePredictor.fit(K, 2, Y, 1, 1, 0).meanFlow(kt, 1, Double.POSITIVE_INFINITY)[0];
    assertEquals(limit, MsePredictor.fit(K, 2, Y, 1, 0.95 * lrMax, 0).meanSteps(kt, 1, 2000)[0], 1e-10);
    assertTrue(Math.abs(MsePredictor.fit(K, 2, Y, 1, 1.05 * lrMax, 0).meanSteps(kt, 1, 2000)[0]) > 1e10);
  }

  @Test
  void refusalsSayWhat() {
    assertMessage(() -> MsePredictor.fit(K, 2, Y, 1, 0.0, 0.0), "learning rate");
    assertMessage(() -> MsePredictor.fit(K, 2, Y, 1, -1, 0.0), "learning rate");
    assertMessage(() -> MsePredictor.fit(K, 2, Y, 1, Double.NaN, 0.0), "learning rate");
    assertMessage(() -> MsePredictor.fit(K, 2, new double[] {1, Double.NaN}, 1, 1, 0.0), "training target 1", "NaN");
    assertMessage(() -> MsePredictor.fit(K, 2, new double[] {1, 2, 3}, 1, 1, 0.0), "targets have 3 values");
    assertMessage(() -> MsePredictor.fit(new double[] {1, 2, 3}, 2, Y, 1, 1, 0.0), "training kernel has 3 values");
    assertMessage(() -> MsePredictor.fit(new double[] {1, 0, Double.POSITIVE_INFINITY, 1}, 2, Y, 1, 1, 0.0), "non-finite", "[1, 0]");
    assertMessage(() -> MsePredictor.fit(new double[] {1, 0.5, 0.4, 1}, 2, Y, 1, 1, 0.0), "not symmetric", "[0, 1]");
    assertMessage(() -> MsePredictor.fit(K, 2, Y, 1, 1, -0.1), "diag_reg");
    MsePredictor pr = MsePredictor.fit(K, 2, Y, 1, 1, 0.0);
    assertMessage(() -> pr.meanFlow(new double[] {1, 2}, 1, -0.5), "training time", "-0.5");
    assertMessage(() -> pr.meanFlow(new double[] {1, 2}, 1, Double.NaN), "training time");
    assertMessage(() -> pr.meanSteps(new double[] {1, 2}, 1, -1), "steps", "-1");
    assertMessage(() -> pr.meanFlow(new double[] {1, 2, 3}, 1, 1.0), "test-train kernel has 3 values", "1·2");
    assertMessage(() -> pr.meanFlow(new double[] {1, Double.NaN}, 1, 1.0), "test-train kernel", "non-finite");
    assertMessage(() -> pr.meanFlow(new double[] {1, 2}, 1, new double[0]), "no training times");
  }

  static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks '" + p + "'");
  }
}
