package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    try {
      GpuProgram.lower(parse("Conv(3, padding=SAME) -> Relu -> GlobalAvgPool -> Dense"), img, Parameterization.NTK, true);
      org.junit.jupiter.api.Assertions.fail("pooling lowered");
    } catch (GpuProgram.Unsupported e) {
      assertEquals("inputs of shape (4, 4, 2): pooling needs the full spatial covariance per pair, which the GPU does not"
          + " compute yet (convolutional networks with a Flatten readout run on it)", e.getMessage());
    }
    assertEquals("inputs of shape (200, 200, 1): 40000 positions per step exceed the GPU kernel's 1536 (48 KiB of shared"
            + " memory per pair)", GpuProgram.unsupportedReason(parse("Conv(3, padding=SAME) -> Relu -> Flatten -> Dense"),
        Shape.of(new int[] {200, 200}, 1), Parameterization.NTK));
    assertEquals("Tanh: no GPU kernel rule (the GPU lowers Dense, Relu, Erf and Identity chains)",
        GpuProgram.unsupportedReason(parse("Dense -> Tanh -> Dense"), Shape.flat(3), Parameterization.NTK));
    String r = GpuProgram.unsupportedReason(parse("Dense -> Residual(Dense -> Relu) -> Dense"), Shape.flat(3), Parameterization.NTK);
    assertEquals(true, r.startsWith("Residual("), r);
    assertNull(GpuProgram.unsupportedReason(parse("Dense -> Relu -> Dense"), Shape.flat(3), Parameterization.NTK));
  }
}
