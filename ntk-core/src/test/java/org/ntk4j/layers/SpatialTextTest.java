package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.ntk4j.io.ArchitectureParser;

class SpatialTextTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.1)", "Conv(3, padding=SAME, W_std=1.5, b_std=0.1)",
      "Conv(16, 3x3, stride=2, padding=VALID)", "Conv(3)", "Conv(3x3, padding=CIRCULAR)", "Conv(8, 3, padding=SAME)",
      "AvgPool(2)", "AvgPool(2, stride=1, padding=SAME)", "AvgPool(3x1, stride=2x1, padding=CIRCULAR)", "GlobalAvgPool",
      "Flatten", "LayerNorm", "LayerNorm(eps=0.001)",
      "Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.1) -> Relu -> Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu"
          + " -> GlobalAvgPool -> Dense(W_std=1.5, b_std=0.1)",
      "Conv(16, 3x3, stride=2, padding=VALID) -> Relu -> AvgPool(2) -> Flatten -> Dense",
      "Conv(3) -> LayerNorm -> Relu -> Flatten -> Dense",
      "Conv(3x3, padding=CIRCULAR) -> Residual(Conv(3x3, padding=SAME) -> Relu -> Conv(3x3, padding=SAME)) -> GlobalAvgPool"
          + " -> Dense"})
  void textRoundTrips(String text) {
    Layer a = ArchitectureParser.parse(text);
    Layer b = ArchitectureParser.parse(a.toString());
    assertEquals(a, b, a.toString());
    assertEquals(a.toString(), b.toString());
  }

  @Test
  void parsedValues() {
    Conv c = (Conv) ArchitectureParser.parse("conv(16, 5x3, stride=2, padding=same, w_std=1.5, b_std=0.1)");
    assertEquals(16, c.width());
    assertArrayEquals(new int[] {5, 3}, c.filter());
    assertArrayEquals(new int[] {2}, c.stride());
    assertEquals(Padding.SAME, c.padding());
    assertEquals(1.5, c.wStd());
    assertEquals(0.1, c.bStd());
    assertEquals("Conv(16, 5x3, stride=2, padding=SAME, W_std=1.5, b_std=0.1)", c.toString());
    Conv d = (Conv) ArchitectureParser.parse("Conv(3)");
    assertEquals(0, d.width());
    assertEquals(Padding.VALID, d.padding()); // neural-tangents' default
    assertEquals(1.0, d.wStd());
    assertEquals(false, d.hasBias());
    AvgPool p = (AvgPool) ArchitectureParser.parse("AvgPool(2, stride=1, padding=SAME)");
    assertEquals("AvgPool(2, padding=SAME)", p.toString()); // stride 1 is the default, as in neural-tangents
    assertNotEquals(ArchitectureParser.parse("Conv(3)"), ArchitectureParser.parse("Conv(3x3)")); // kept as written
    assertEquals(new LayerNorm(), ArchitectureParser.parse("LayerNorm"));
  }
}
