package org.ntk4j.symmetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;

/**
 * The fast path's training blocks Θ(x_i, g x_j) computed from half the pairs (block g⁻¹ = transpose of block g,
 * involutions as mirrored upper triangles) are bitwise the blocks computed directly.
 */
class BlockSymmetryTest {
  static Inputs gaussian(int n, Shape shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n * shape.size()];
    for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian();
    return new Inputs(n, shape, d);
  }

  @ParameterizedTest(name = "{1} on {2}: {0}")
  @CsvSource(delimiter = ';', value = {
      "Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5); C4; 2",
      "Dense(W_std=1.5, b_std=0.1) -> Erf -> Dense; D4; 4",
      "Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.1) -> Relu -> GlobalAvgPool -> Dense; D4; 4x4x1",
      "Conv(3, padding=SAME, W_std=1.5) -> Relu -> Flatten -> Dense; C4; 5x5x2",
      "Conv(3, padding=CIRCULAR) -> Relu -> Flatten -> Dense; TxZ2; 4x4x1"})
  void halfThePairsGiveBitwiseTheDirectBlocks(String arch, String group, String dims) {
    String[] p = dims.split("x");
    int[] d = new int[p.length];
    for (int i = 0; i < p.length; i++) d[i] = Integer.parseInt(p[i]);
    Shape shape = Shape.fromDims(d);
    Group g = Groups.parse(group, shape);
    Inputs x = gaussian(7, shape, 3);
    KernelFunction kf = KernelFunction.of(ArchitectureParser.parse(arch)).threads(2).maxTile(3).build();
    double[] direct = kf.compute(x, Augmentation.orbitInputs(x, g)).ntk();
    assertArrayEquals(direct, AugmentedRegression.trainBlocks(kf, x, g));
  }

  @Test
  void inversesOfSignedPermutationGroupsAndNoneForRoundedRotations() {
    Shape img = Shape.fromDims(4, 4, 1);
    Inputs x = gaussian(1, img, 5);
    for (String name : new String[] {"C4", "D4", "TxD4xZ2", "T"}) {
      Group g = Groups.parse(name, img);
      int[] inv = GroupTable.signedPermutationInverses(g, img);
      for (int e = 0; e < g.order(); e++) assertArrayEquals(x.data(), g.act(inv[e], g.act(e, x)).data(), name + " element " + e);
    }
    assertNull(GroupTable.signedPermutationInverses(Groups.parse("C6", Shape.flat(2)), Shape.flat(2)));
  }

  @Test
  void mirroredKernelEqualsTheDirectOneForAnInvolutionAndRefusesOtherSizes() {
    Shape img = Shape.fromDims(5, 5, 1);
    Group d4 = Groups.parse("D4", img);
    Inputs x = gaussian(6, img, 9);
    KernelFunction kf = KernelFunction.of(ArchitectureParser.parse(
        "Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> AvgPool(3, stride=1, padding=SAME) -> GlobalAvgPool -> Dense"))
        .maxTile(4).build();
    int[] inv = GroupTable.signedPermutationInverses(d4, img);
    for (int g = 1; g < d4.order(); g++) {
      if (inv[g] != g) continue;
      Inputs gx = d4.act(g, x);
      Kernels a = kf.compute(x, gx), b = kf.computeMirrored(x, gx, null);
      assertArrayEquals(a.ntk(), b.ntk(), "element " + g);
      assertArrayEquals(a.nngp(), b.nngp(), "element " + g);
    }
    assertThrows(IllegalArgumentException.class, () -> kf.computeMirrored(x, x.slice(0, 3), null));
  }
}
