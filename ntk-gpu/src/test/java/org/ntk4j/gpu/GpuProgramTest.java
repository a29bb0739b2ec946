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
  void saysWhyOtherArchitecturesStayOnTheCpu() {
    assertEquals("inputs of shape (4, 4, 2): convolutional networks are not lowered to the GPU yet (only fully connected"
            + " networks on flat inputs)",
        GpuProgram.unsupportedReason(parse("Conv(3, padding=SAME) -> Relu -> Flatten -> Dense"), Shape.of(new int[] {4, 4}, 2),
            Parameterization.NTK));
    assertEquals("Tanh: no GPU kernel rule (the GPU lowers Dense, Relu, Erf and Identity chains)",
        GpuProgram.unsupportedReason(parse("Dense -> Tanh -> Dense"), Shape.flat(3), Parameterization.NTK));
    String r = GpuProgram.unsupportedReason(parse("Dense -> Residual(Dense -> Relu) -> Dense"), Shape.flat(3), Parameterization.NTK);
    assertEquals(true, r.startsWith("Residual("), r);
    assertNull(GpuProgram.unsupportedReason(parse("Dense -> Relu -> Dense"), Shape.flat(3), Parameterization.NTK));
  }
}
