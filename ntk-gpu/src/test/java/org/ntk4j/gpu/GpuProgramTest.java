package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;

class GpuProgramTest {
  static Layer parse(String s) { return ArchitectureParser.parse(s); }

  @Test
  void lowersNtkChain() throws Exception {
    GpuProgram p = GpuProgram.lower(parse("Dense(W_std=1.5, b_std=0.1) -> Relu -> Identity -> Erf(a=2, b=3, c=0.5) -> Dense(W_std=2)"),
        Shape.flat(7), Parameterization.NTK);
    assertEquals(4, p.opCount()); // Identity lowers to nothing
    assertEquals(2, p.tapeSlots());
    assertEquals(7, p.inputDim());
    assertArrayEquals(new double[] {
        GpuProgram.DENSE_NTK, 2.25, 0.1 * 0.1, 0, 0,
        GpuProgram.RELU, 0, 0, 0, 0,
        GpuProgram.ERF, 2, 3, 0.5, 0,
        GpuProgram.DENSE_NTK, 4, 0, 0, 0}, p.packed(), 0.0);
  }

  @Test
  void standardParameterizationCarriesTheFanIn() throws Exception {
    GpuProgram p = GpuProgram.lower(parse("Dense(64, W_std=1.5) -> Relu -> Dense(8, W_std=1, b_std=0.2)"), Shape.flat(5),
        Parameterization.STANDARD);
    assertArrayEquals(new double[] {
        GpuProgram.DENSE_STD, 2.25, 0, 5, 0,
        GpuProgram.RELU, 0, 0, 0, 0,
        GpuProgram.DENSE_STD, 1, 0.2 * 0.2, 64, 1}, p.packed(), 0.0);
  }

  @Test
  void lowersConvolutionsWithTheirTapMaps() throws Exception {
    // 1 × 4 image (a 1-D input of length 4), filter 3, SAME: taps of output o read o−1, o, o+1, −1 outside
    GpuProgram p = GpuProgram.lower(parse("Conv(3, padding=SAME, W_std=2, b_std=0.5) -> Relu -> Flatten -> Dense(W_std=1)"),
        Shape.of(new int[] {4}, 3), Parameterization.NTK, false);
    assertArrayEquals(new double[] {
        GpuProgram.CONV_NTK, 4, 0.25, 0, 0,
        GpuProgram.RELU, 0, 0, 0, 0,
        GpuProgram.FLATTEN, 0, 0, 0, 0,
        GpuProgram.DENSE_NTK, 1, 0, 0, 0}, p.packed(), 0.0);
    assertArrayEquals(new int[] {1, 4, 1, 4, 1, 3, 0, -1, 0, 1, 0, 1, 2, 1, 2, 3, 2, 3, -1}, p.geometry());
    assertEquals(4, p.tapePerInput());
    assertEquals(4, p.positions());
    assertEquals(3, p.channels());
    // CIRCULAR wraps; a nonlinearity on 4 positions, then one on 2 after a VALID conv
    GpuProgram q = GpuProgram.lower(parse("Conv(3, padding=CIRCULAR) -> Relu -> Conv(3, padding=VALID) -> Erf -> Flatten"
        + " -> Dense"), Shape.of(new int[] {4}, 1), Parameterization.NTK, false);
    int[] g = q.geometry();
    assertArrayEquals(new int[] {1, 4, 1, 4, 1, 3, 0, 3, 0, 1, 0, 1, 2, 1, 2, 3, 2, 3, 0}, java.util.Arrays.copyOf(g, 19));
    assertArrayEquals(new int[] {1, 4, 1, 2, 1, 3, 0, 0, 1, 2, 1, 2, 3}, java.util.Arrays.copyOfRange(g, 19, g.length));
    assertEquals(19.0, q.packed()[2 * GpuProgram.STRIDE + 3], 0.0); // the second conv's geometry offset
    assertEquals(4.0, q.packed()[3 * GpuProgram.STRIDE + 4], 0.0);  // Erf's tape offset: after Relu's 4 positions
    assertEquals(6, q.tapePerInput());
  }

  @Test
  void saysWhyOtherArchitecturesStayOnTheCpu() {
    Shape img = Shape.of(new int[] {4, 4}, 2);
    assertNull(GpuProgram.unsupportedReason(parse("Conv(3, padding=SAME) -> Relu -> Flatten -> Dense"), img,
        Parameterization.NTK));
    assertEquals("inputs of shape (100, 100, 1): 10000 positions per step exceed the full-covariance GPU kernel's 4096"
        + " (P × P values per pair in device memory)", GpuProgram.unsupportedReason(parse("Conv(3, padding=SAME) -> Relu"
        + " -> GlobalAvgPool -> Dense"), Shape.of(new int[] {100, 100}, 1), Parameterization.NTK));
    assertEquals("LayerNorm", unsupportedFull("Conv(3, padding=SAME) -> LayerNorm -> Relu -> GlobalAvgPool -> Dense",
        img).substring(0, 9));
    assertEquals("inputs of shape (200, 200, 1): 40000 positions per step exceed the GPU kernel's 1536 (48 KiB of shared"
            + " memory per pair)", GpuProgram.unsupportedReason(parse("Conv(3, padding=SAME) -> Relu -> Flatten -> Dense"),
        Shape.of(new int[] {200, 200}, 1), Parameterization.NTK));
    assertEquals("Tanh: no GPU kernel rule (the GPU lowers Dense, Relu, Erf and Identity chains)",
        GpuProgram.unsupportedReason(parse("Dense -> Tanh -> Dense"), Shape.flat(3), Parameterization.NTK));
    String r = GpuProgram.unsupportedReason(parse("Dense -> Residual(Dense -> Relu) -> Dense"), Shape.flat(3), Parameterization.NTK);
    assertEquals(true, r.startsWith("Residual("), r);
    assertNull(GpuProgram.unsupportedReason(parse("Dense -> Relu -> Dense"), Shape.flat(3), Parameterization.NTK));
  }

  static String unsupportedFull(String arch, Shape s) {
    try {
      GpuProgram.lower(parse(arch), s, Parameterization.NTK, true);
      return null;
    } catch (GpuProgram.Unsupported e) {
      return e.getMessage();
    }
  }

  @Test
  void poolingLowersToAFullProgram() throws Exception {
    // Conv(3, SAME) on 4 × 4 -> Relu -> AvgPool(2, stride 2) -> 2 × 2 -> Erf -> GlobalAvgPool -> Dense
    GpuProgram p = GpuProgram.lower(parse("Conv(3, padding=SAME, W_std=2, b_std=0.5) -> Relu -> AvgPool(2, stride=2)"
        + " -> Erf -> GlobalAvgPool -> Dense(W_std=3)"), Shape.of(new int[] {4, 4}, 2), Parameterization.NTK, true);
    assertEquals(true, p.isSpatial() && p.isFull());
    double[] ops = p.packed();
    double[] codes = new double[p.opCount()];
    for (int o = 0; o < codes.length; o++) codes[o] = ops[o * GpuProgram.STRIDE];
    assertArrayEquals(new double[] {GpuProgram.CONV_NTK, GpuProgram.RELU, GpuProgram.AVGPOOL, GpuProgram.ERF,
        GpuProgram.GAP, GpuProgram.DENSE_NTK}, codes, 0.0);
    assertArrayEquals(new int[] {16, 16, 4, 4, 1, 1}, p.positionsAfter());
    assertEquals(4.0, ops[1], 0.0);
    assertEquals(0.25, ops[2], 0.0);
    int[] g = p.geometry();
    int pool = (int) ops[2 * GpuProgram.STRIDE + 3];
    // the window's geometry: 4 × 4 in, 2 × 2 out, 2 × 2 window, rows (0, 1), (2, 3)
    assertArrayEquals(new int[] {4, 4, 2, 2, 2, 2, 0, 1, 2, 3, 0, 1, 2, 3}, java.util.Arrays.copyOfRange(g, pool, pool + 14));
    assertEquals(16.0, ops[3 * GpuProgram.STRIDE + 4], 0.0); // Erf's tape offset: after Relu's 16 positions
    assertEquals(20, p.tapePerInput());
    assertEquals(16, p.maxPositions());
    assertEquals(9.0, ops[5 * GpuProgram.STRIDE + 1], 0.0);
    // the diagonal-mode lowering refuses pooling
    assertThrows(GpuProgram.Unsupported.class, () -> GpuProgram.lower(parse("Conv(3) -> Relu -> GlobalAvgPool"),
        Shape.of(new int[] {4, 4}, 2), Parameterization.NTK, false));
  }

  @Test
  void theTwentyOneLayerCnnWithGlobalAvgPoolLowers() throws Exception {
    org.ntk4j.layers.Layer cnn = GpuBench.cnnArchitecture(21, false);
    Shape s = Shape.fromDims(32, 32, 3);
    assertEquals(true, org.ntk4j.kernel.KernelFunction.of(cnn).build().usesFullCovariance(s));
    GpuProgram p = GpuProgram.lower(cnn, s, Parameterization.NTK, true);
    assertEquals(true, p.isFull());
    assertEquals(44, p.opCount());
    assertEquals(1024, p.maxPositions());
    assertEquals(21 * 1024, p.tapePerInput());
  }
}
