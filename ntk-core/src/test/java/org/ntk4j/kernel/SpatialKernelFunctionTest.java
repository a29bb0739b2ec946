package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;

class SpatialKernelFunctionTest {
  static Inputs random(int n, int[] spatial, int c, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Shape s = Shape.of(spatial, c);
    double[] x = new double[n * s.size()];
    for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
    return new Inputs(n, s, x);
  }

  static Kernels kernels(String arch, Inputs x, SpatialMode mode) {
    return KernelFunction.of(ArchitectureParser.parse(arch)).spatialMode(mode).build().compute(x);
  }

  /** Two 1-D inputs of length 3 with one channel: x = (1, 2, −1), x' = (0.5, −1, 2). */
  static final Inputs TINY = new Inputs(2, Shape.fromDims(3, 1), new double[] {1, 2, -1, 0.5, -1, 2});

  @Test
  void tinyOneDimensionalConvByHand() {
    double w = 1.5, b = 0.2, w2 = w * w, b2 = b * b;
    // Σ₀(p, p') = x_p x'_p'. Products on the diagonal: x₀x₀' = 0.5, x₁x₁' = −2, x₂x₂' = −2; x·x: 1, 4, 1.
    // SAME (one zero on each side): Σ₁(q, q) = w²/3 · Σ_{t: 0 ≤ q+t−1 < 3} x_{q+t−1} x'_{q+t−1} + b²
    //   q = 0: (0.5 − 2)/3, q = 1: (0.5 − 2 − 2)/3, q = 2: (−2 − 2)/3; Flatten averages: (−1.5 − 3.5 − 4)/9 = −1.
    //   self pair: (1 + 4)/3, 6/3, 5/3 → mean 16/9. A Dense(W_std=1) readout keeps Σ, Θ = Σ_flat + Θ₁ = 2 Σ_flat.
    Kernels same = kernels("Conv(3, padding=SAME, W_std=1.5, b_std=0.2) -> Flatten -> Dense", TINY, SpatialMode.AUTO);
    assertEquals(w2 * -1 + b2, same.nngp(0, 1), 1e-15);
    assertEquals(2 * (w2 * -1 + b2), same.ntk(0, 1), 1e-15);
    assertEquals(w2 * 16.0 / 9 + b2, same.nngp(0, 0), 1e-15);
    // CIRCULAR with L = 3 = filter: every output position sees all three products: Σ₁(q, q) = w² (x·x')/3 + b².
    Kernels circ = kernels("Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.2) -> Flatten -> Dense", TINY, SpatialMode.AUTO);
    assertEquals(w2 * -3.5 / 3 + b2, circ.nngp(0, 1), 1e-15);
    assertEquals(w2 * 6.0 / 3 + b2, circ.nngp(0, 0), 1e-15);
    // Global average pooling needs the off-diagonal Σ₁(q, q'): the mean over q, q' of Σ_t x_{q+t−1} x'_{q'+t−1} / 3.
    // CIRCULAR: Σ_{q,q'} Σ_t x_{q+t} x'_{q'+t} = 3 (Σx)(Σx') = 3 · 2 · 1.5, so GAP Σ = w²/27 · 9 + b² = w²/3 + b².
    Kernels circGap = kernels("Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.2) -> GlobalAvgPool -> Dense", TINY,
        SpatialMode.AUTO);
    assertEquals(w2 / 3 + b2, circGap.nngp(0, 1), 1e-15);
    // SAME: tap t = 0 sees positions {0, 1} for q ∈ {1, 2}: (x₀ + x₁)(x₀' + x₁') = 3 · (−0.5); t = 1 all: 2 · 1.5;
    // t = 2 positions {1, 2}: (x₁ + x₂)(x₁' + x₂') = 1 · 1. Sum 2.5, GAP Σ = w²/(9·3) · 2.5 + b².
    Kernels sameGap = kernels("Conv(3, padding=SAME, W_std=1.5, b_std=0.2) -> GlobalAvgPool -> Dense", TINY,
        SpatialMode.AUTO);
    assertEquals(w2 * 2.5 / 27 + b2, sameGap.nngp(0, 1), 1e-15);
    assertEquals(2 * (w2 * 2.5 / 27 + b2), sameGap.ntk(0, 1), 1e-15);
    // VALID: one output position reading all three: Σ = w² (x·x')/3 + b².
    Kernels valid = kernels("Conv(3, W_std=1.5, b_std=0.2) -> Flatten -> Dense", TINY, SpatialMode.AUTO);
    assertEquals(w2 * -3.5 / 3 + b2, valid.nngp(0, 1), 1e-15);
  }

  @Test
  void stridesAndValidPaddingShrinkTheImage() {
    Shape in = Shape.fromDims(7, 6, 3);
    assertEquals(Shape.fromDims(5, 4, 0), ArchitectureParser.parse("Conv(3)").outputShape(in, Parameterization.NTK));
    assertEquals(Shape.fromDims(3, 2, 8),
        ArchitectureParser.parse("Conv(8, 3, stride=2)").outputShape(in, Parameterization.NTK));
    assertEquals(Shape.fromDims(4, 3, 8),
        ArchitectureParser.parse("Conv(8, 3, stride=2, padding=SAME)").outputShape(in, Parameterization.NTK));
    assertEquals(Shape.fromDims(7, 6, 3),
        ArchitectureParser.parse("AvgPool(3, padding=CIRCULAR)").outputShape(in, Parameterization.NTK));
    assertEquals(Shape.fromDims(3, 3, 3),
        ArchitectureParser.parse("AvgPool(2, stride=2)").outputShape(in, Parameterization.NTK));
    assertEquals(Shape.fromDims(7, 2, 3),
        ArchitectureParser.parse("AvgPool(1x3, stride=1x3)").outputShape(in, Parameterization.NTK));
    assertEquals(Shape.flat(7 * 6 * 3), ArchitectureParser.parse("Flatten").outputShape(in, Parameterization.NTK));
    assertEquals(Shape.flat(3), ArchitectureParser.parse("GlobalAvgPool").outputShape(in, Parameterization.NTK));
    // a strided VALID 1-D conv by hand: L = 5, filter 3, stride 2 → outputs at q = 0 (taps 0..2) and q = 1 (taps 2..4)
    Inputs x = new Inputs(1, Shape.fromDims(5, 1), new double[] {1, 2, 3, 4, 5});
    Kernels k = kernels("Conv(3, stride=2) -> Flatten -> Dense", x, SpatialMode.AUTO);
    assertEquals(((1 + 4 + 9) / 3.0 + (9 + 16 + 25) / 3.0) / 2, k.nngp(0, 0), 1e-14);
  }

  @Test
  void diagonalModeEqualsFullModeForConvolutionsThenFlatten() {
    Inputs x = random(6, new int[] {5, 4}, 2, 3);
    for (String arch : new String[] {
        "Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> Conv(3x2, stride=2, padding=CIRCULAR, W_std=1.3)"
            + " -> Relu -> Conv(2, W_std=1.2, b_std=0.3) -> Flatten -> Dense(W_std=1.5, b_std=0.1)",
        "Conv(3, padding=SAME) -> LayerNorm -> Relu -> Conv(3, padding=SAME) -> Relu -> Flatten -> Dense -> Relu -> Dense"}) {
      Kernels d = kernels(arch, x, SpatialMode.DIAGONAL);
      Kernels f = kernels(arch, x, SpatialMode.FULL);
      for (int i = 0; i < d.ntk().length; i++) {
        assertEquals(f.nngp()[i], d.nngp()[i], 1e-13 * Math.abs(f.nngp()[i]), arch);
        assertEquals(f.ntk()[i], d.ntk()[i], 1e-13 * Math.abs(f.ntk()[i]), arch);
      }
    }
    Inputs line = random(5, new int[] {9}, 3, 4);
    String arch1 = "Conv(3, stride=2, padding=SAME, W_std=1.5) -> Relu -> Conv(2, padding=CIRCULAR) -> Relu -> Flatten -> Dense";
    Kernels d = kernels(arch1, line, SpatialMode.DIAGONAL);
    Kernels f = kernels(arch1, line, SpatialMode.FULL);
    for (int i = 0; i < d.ntk().length; i++) assertEquals(f.ntk()[i], d.ntk()[i], 1e-13 * Math.abs(f.ntk()[i]));
  }

  @Test
  void autoPicksFullCovarianceOnlyForPooling() {
    Layer flatten = ArchitectureParser.parse("Conv(3) -> Relu -> Flatten -> Dense");
    Layer pooled = ArchitectureParser.parse("Conv(3) -> Relu -> Residual(Conv(3, padding=SAME) -> Relu -> Conv(3, padding=SAME))"
        + " -> AvgPool(2) -> Flatten -> Dense");
    Shape img = Shape.fromDims(6, 6, 1);
    assertTrue(!KernelFunction.of(flatten).build().usesFullCovariance(img));
    assertTrue(KernelFunction.of(pooled).build().usesFullCovariance(img));
    assertTrue(!KernelFunction.of(pooled).build().usesFullCovariance(Shape.flat(3)));
    ArchitectureException e = assertThrows(ArchitectureException.class,
        () -> KernelFunction.of(pooled).spatialMode(SpatialMode.DIAGONAL).build().validate(img));
    assertTrue(e.getMessage().contains("AvgPool(2)") && e.getMessage().contains("FULL"), e.getMessage());
  }

  @Test
  void bitwiseIdenticalForAnyThreadCountAndTileSize() {
    Inputs x = random(11, new int[] {4, 4}, 2, 5);
    for (String arch : new String[] {
        "Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> AvgPool(2, padding=SAME) -> Conv(3x3, stride=2,"
            + " padding=CIRCULAR) -> Relu -> GlobalAvgPool -> Dense(W_std=1.5, b_std=0.1)",
        "Conv(3, padding=SAME) -> Relu -> Conv(2) -> Relu -> Flatten -> Dense"}) {
      Layer l = ArchitectureParser.parse(arch);
      for (Summation sum : Summation.values()) {
        Kernels ref = KernelFunction.of(l).summation(sum).threads(1).maxTile(16).build().compute(x);
        for (int threads : new int[] {1, 2, 3}) {
          for (int tile : new int[] {1, 3, 7}) {
            Kernels k = KernelFunction.of(l).summation(sum).threads(threads).maxTile(tile).build().compute(x);
            assertArrayEquals(ref.nngp(), k.nngp(), 0.0, arch + " threads=" + threads + " tile=" + tile);
            assertArrayEquals(ref.ntk(), k.ntk(), 0.0, arch + " threads=" + threads + " tile=" + tile);
          }
        }
        // cross kernels are blocks of the joint kernel; the diagonal alone matches
        Inputs a = x.slice(0, 7), b = x.slice(7, 11);
        Kernels ab = KernelFunction.of(l).summation(sum).maxTile(2).build().compute(a, b);
        for (int i = 0; i < 7; i++) {
          for (int j = 0; j < 4; j++) assertEquals(ref.ntk(i, 7 + j), ab.ntk(i, j), 0.0);
        }
        double[][] diag = KernelFunction.of(l).summation(sum).build().diagonal(x);
        for (int i = 0; i < 11; i++) assertEquals(ref.ntk(i, i), diag[1][i], 0.0);
      }
    }
  }

  @Test
  void refusesArchitecturesThatCannotApplyNamingTheLayer() {
    assertRefused("Conv(3) -> Flatten -> Dense", Shape.flat(5), "Conv(3)", "flat");
    assertRefused("Conv(5) -> Flatten -> Dense", Shape.fromDims(4, 4, 1), "Conv(5)", "larger than the input size 4");
    assertRefused("Conv(3x3) -> Flatten -> Dense", Shape.fromDims(6, 1), "Conv(3x3)", "2 axes");
    assertRefused("Conv(3, padding=SAME) -> AvgPool(5) -> Flatten -> Dense", Shape.fromDims(4, 4, 1), "AvgPool(5)",
        "larger than the input size 4");
    assertRefused("Dense -> GlobalAvgPool -> Dense", Shape.flat(5), "GlobalAvgPool", "flat");
    assertRefused("Flatten -> Dense", Shape.flat(5), "Flatten", "flat");
    assertRefused("Conv(3) -> Relu -> Dense", Shape.fromDims(5, 5, 1), "Dense", "Flatten");
    assertRefused("Conv(3) -> Relu", Shape.fromDims(5, 5, 1), "spatial shape", "GlobalAvgPool");
    assertRefused("Conv(3) -> Relu -> LayerNorm -> Flatten -> Dense", Shape.fromDims(5, 5, 1), "LayerNorm", "after a Dense or Conv");
    assertRefused("LayerNorm -> Conv(3) -> Flatten -> Dense", Shape.fromDims(5, 5, 1), "LayerNorm", "Gaussian");
    IllegalArgumentException std = assertThrows(IllegalArgumentException.class, () -> KernelFunction
        .of(ArchitectureParser.parse("Conv(3, padding=SAME) -> Relu -> Conv(3) -> Flatten -> Dense"))
        .parameterization(Parameterization.STANDARD).build().validate(Shape.fromDims(5, 5, 1)));
    assertTrue(std.getMessage().contains("Conv(3)") && std.getMessage().contains("standard"), std.getMessage());
    // bad text
    for (String[] t : new String[][] {{"Conv(0)", "positive"}, {"Conv(3, padding=FULL)", "padding"},
        {"Conv(3x3x3)", "at most 2"}, {"Conv(3, stride=0)", "positive"}, {"AvgPool", "window"},
        {"Conv(3, W_std=-1)", "W_std"}, {"Conv(a)", "filter"}, {"Conv(2.5, 3)", "integer"}}) {
      ArchitectureException e = assertThrows(ArchitectureException.class, () -> ArchitectureParser.parse(t[0]), t[0]);
      assertTrue(e.getMessage().contains(t[1]), t[0] + ": " + e.getMessage());
    }
  }

  static void assertRefused(String arch, Shape in, String... words) {
    ArchitectureException e = assertThrows(ArchitectureException.class,
        () -> KernelFunction.of(ArchitectureParser.parse(arch)).build().validate(in), arch);
    for (String w : words) assertTrue(e.getMessage().contains(w), arch + ": " + e.getMessage());
  }
}
