package org.ntk4j.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;

/**
 * The paper's claim at float64: an infinite ensemble trained on the fully augmented set is equivariant on and off the
 * data at every time. Parameterised by architecture text and input shape so that convolutional architectures on
 * images (with C4/D4 acting on (H, W, C)) can be added as further rows.
 */
class CertificateTest {
  static final double[] TIMES = {1, 10, 1000, Double.POSITIVE_INFINITY};
  static final String FC = "Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5)";
  static final String CNN_FLATTEN = "Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> Conv(3, padding=SAME, W_std=1.5,"
      + " b_std=0.1) -> Relu -> Flatten -> Dense(W_std=1.5)";
  static final String CNN_GAP = "Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.1) -> Relu -> Conv(3, padding=CIRCULAR, W_std=1.5)"
      + " -> Relu -> GlobalAvgPool -> Dense(W_std=1.5, b_std=0.1)";
  static final String CNN_GAP_SAME = "Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Erf -> Conv(3, padding=SAME, W_std=1.5)"
      + " -> Relu -> AvgPool(3, stride=1, padding=SAME) -> GlobalAvgPool -> Dense(W_std=1.5)";
  static final String FC_RES = "Dense(W_std=1, b_std=0.2) -> Residual(Dense(W_std=1.4) -> Relu -> Dense) -> Relu -> Dense(b_std=0.05)";

  /**
   * architecture, input dims (without batch), group, equivariant outputs, singular (fixed points and duplicates), path.
   * Equivariant = true needs a group that also acts on flat k-vectors (the points/permutation groups).
   */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(FC, new int[] {2}, "C4", false, false, "AUTO"),
        Arguments.of(FC, new int[] {2}, "C4", false, true, "AUTO"),
        Arguments.of(FC, new int[] {2}, "C4", true, true, "AUTO"),
        Arguments.of(FC, new int[] {4}, "D4", false, true, "AUTO"),
        Arguments.of(FC, new int[] {4}, "D4", true, true, "AUTO"),
        Arguments.of(FC_RES, new int[] {6}, "D4", true, false, "AUTO"),
        Arguments.of(FC, new int[] {5}, "Z2", false, true, "AUTO"),
        Arguments.of(FC, new int[] {4}, "P(1,0,3,2;2,3,0,1)", true, true, "AUTO"),
        Arguments.of(FC, new int[] {2}, "C4", false, true, "EXPLICIT"),
        Arguments.of(FC, new int[] {4}, "D4", true, true, "EXPLICIT"),
        // convolutional networks on images, the groups acting on (H, W, C) by rotating and flipping the pixels
        Arguments.of(CNN_FLATTEN, new int[] {5, 5, 1}, "C4", false, true, "AUTO"),
        Arguments.of(CNN_FLATTEN, new int[] {5, 5, 2}, "D4", false, true, "AUTO"),
        Arguments.of(CNN_GAP, new int[] {4, 4, 1}, "C4", false, true, "AUTO"),
        Arguments.of(CNN_GAP, new int[] {4, 4, 2}, "D4", false, true, "AUTO"),
        Arguments.of(CNN_GAP_SAME, new int[] {5, 5, 1}, "D4", false, false, "AUTO"),
        Arguments.of(CNN_FLATTEN, new int[] {5, 5, 1}, "D4", false, true, "EXPLICIT"),
        Arguments.of(CNN_GAP, new int[] {4, 4, 1}, "C4", false, true, "EXPLICIT"));
  }

  static Inputs gaussian(int n, Shape shape, long seed, double scale) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n * shape.size()];
    for (int i = 0; i < d.length; i++) d[i] = scale * r.nextGaussian();
    return new Inputs(n, shape, d);
  }

  /**
   * Training inputs; singular: input 1 is fixed by a group element (all of its values equal, or zero in the second
   * half: a point on a reflection axis), and input 3 duplicates input 0, so the augmented kernel is singular.
   */
  static Inputs train(Shape shape, boolean singular) {
    Inputs x = gaussian(8, shape, 11, 1);
    if (!singular) return x;
    double[] d = x.data().clone();
    int s = shape.size();
    for (int i = 0; i < s; i++) d[s + i] = 0.7; // fixed by permutations of the features and positions
    if (shape.isFlat() && s % 2 == 0) for (int p = 0; p < s / 2; p++) d[s + 2 * p + 1] = 0; // (a, 0): on the reflection axis
    System.arraycopy(d, 0, d, 3 * s, s);
    return new Inputs(x.n(), shape, d);
  }

  static Certificate certify(String arch, int[] dims, String groupName, boolean equivariant, boolean singular, String path) {
    Shape shape = Shape.fromDims(dims);
    Group g = Groups.parse(groupName, shape);
    KernelFunction kf = KernelFunction.of(ArchitectureParser.parse(arch)).threads(2).build();
    Inputs x = train(shape, singular);
    int k = equivariant ? dims[dims.length - 1] : 3;
    OutputAction rho = equivariant ? OutputActions.sameAsInputs(g) : OutputAction.invariant();
    double[] y = new double[x.n() * k];
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < y.length; i++) y[i] = r.nextGaussian();
    if (singular) System.arraycopy(y, 0, y, 3 * k, k); // the duplicate keeps its label (consistent)
    AugmentedRegression reg = AugmentedRegression.fit(kf, x, y, k, g, rho,
        new AugmentedRegression.Options().path(AugmentedRegression.Path.valueOf(path)));
    Map<String, Inputs> splits = new LinkedHashMap<>();
    splits.put("train", x);
    splits.put("test", gaussian(6, shape, 21, 1));
    splits.put("ood", gaussian(4, shape, 31, 6)); // far outside the training distribution
    return Certificate.compute(reg, splits, TIMES, false);
  }

  @ParameterizedTest(name = "[{index}] {2} equivariant={3} singular={4} {5} on {1}: {0}")
  @MethodSource("cases")
  void fullyAugmentedEnsembleIsEquivariantAtEveryTime(String arch, int[] dims, String group, boolean equivariant, boolean singular,
                                                      String path) {
    Certificate c = certify(arch, dims, group, equivariant, singular, path);
    assertEquals(path.equals("AUTO"), c.fastPath(), c.path());
    assertEquals(0.0, c.kernelInvariance().ntkError(), "bitwise kernel invariance");
    assertEquals(TIMES.length, c.times().size());
    for (Certificate.AtTime a : c.times()) {
      for (Certificate.Split s : a.splits()) {
        // fast path: exactly equivariant (bitwise-invariant group-averaged kernel; round-off of the final products only).
        // Explicit augmentation: limited by the conditioning of the |G|n augmented system times round-off, measured
        // 1e-13 .. 2e-13 at t = inf for these rows; asserted with a margin for other BLAS kernels.
        double bound = path.equals("AUTO") ? 1e-12 : 1e-11;
        assertTrue(s.deviation().relative() <= bound, () -> group + " t=" + a.t() + " " + s.name() + ": " + s.deviation());
        if (path.equals("AUTO")) assertTrue(s.deviation().relative() <= 1e-14, () -> "fast path: " + s.deviation());
      }
      // the predictions are not trivially zero: the relative deviation is meaningful
      assertTrue(a.split("test").deviation().relative() >= 0);
    }
  }

  @Test
  void partialAugmentationByASubgroupIsCaughtByTheCertificate() {
    Shape shape = Shape.flat(2);
    Group c4 = Groups.parse("C4", shape);
    KernelFunction kf = KernelFunction.of(ArchitectureParser.parse(FC)).threads(2).build();
    Inputs x = train(shape, false);
    double[] y = new double[x.n()];
    for (int i = 0; i < y.length; i++) y[i] = x.get(i, 0) * x.get(i, 1); // xy: C2-invariant but not C4-invariant
    // augmented by C2 = {0, 2} only: certified against C4
    AugmentedRegression partial = AugmentedRegression.fit(kf, x, y, 1, c4, OutputAction.invariant(),
        new AugmentedRegression.Options().elements(0, 2));
    assertFalse(partial.usedFastPath());
    Map<String, Inputs> splits = new LinkedHashMap<>();
    splits.put("train", x);
    splits.put("test", gaussian(6, shape, 21, 1));
    Certificate c = Certificate.compute(partial, splits, TIMES, false);
    for (Certificate.AtTime a : c.times()) {
      assertTrue(a.split("test").deviation().relative() > 0.05, () -> "t=" + a.t() + ": " + a.split("test").deviation());
      assertTrue(a.split("train").deviation().relative() > 0.05, () -> "t=" + a.t() + ": " + a.split("train").deviation());
    }
    // a random subset of D4's elements (not a subgroup) on points in ℝ⁴ = two points in the plane
    Shape s4 = Shape.flat(4);
    Group d4 = Groups.parse("D4", s4);
    Inputs x4 = train(s4, false);
    double[] y4 = new double[x4.n()];
    for (int i = 0; i < y4.length; i++) y4[i] = x4.get(i, 0) + 0.5 * x4.get(i, 3) * x4.get(i, 3);
    int[] subset = new java.util.SplittableRandom(17).ints(1, 8).distinct().limit(3).toArray();
    int[] elements = {0, subset[0], subset[1], subset[2]};
    AugmentedRegression random = AugmentedRegression.fit(kf, x4, y4, 1, d4, OutputAction.invariant(),
        new AugmentedRegression.Options().elements(elements));
    Map<String, Inputs> splits4 = new LinkedHashMap<>();
    splits4.put("test", gaussian(6, s4, 22, 1));
    Certificate c4r = Certificate.compute(random, splits4, TIMES, false);
    for (Certificate.AtTime a : c4r.times()) {
      assertTrue(a.split("test").deviation().relative() > 0.05, () -> "random subset, t=" + a.t() + ": " + a.split("test").deviation());
    }
    // ... but it is C2-equivariant: certified against the subgroup it was augmented with, up to round-off
    Group c2 = Groups.parse("C2", shape);
    AugmentedRegression full2 = AugmentedRegression.fit(kf, x, y, 1, c2, OutputAction.invariant(), null);
    Certificate c2c = Certificate.compute(full2, splits, TIMES, false);
    assertTrue(c2c.maxRelative() <= 1e-12, c2c.table());
  }
}
