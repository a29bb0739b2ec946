package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpectralFunctionTest {
  @Test
  void flowFactorsAndLimits() {
    SpectralFunction f = SpectralFunction.flow(0.5);
    assertEquals(Math.exp(-1.5), f.residual(3), 1e-16);
    assertEquals((1 - Math.exp(-1.5)) / 3, f.inverse(3), 1e-16);
    assertEquals(0.5, f.inverse(0), 0.0); // limit a as λ → 0
    assertEquals(1.0, f.residual(0), 0.0);
    // tiny λ: the naive (1 − e^{−aλ})/λ loses every digit, expm1 keeps them: a·(1 − aλ/2)
    double l = 1e-17;
    assertEquals(0.5 * (1 - 0.25 * l), f.inverse(l), 1e-16);
    assertEquals(Math.exp(-3.0), f.squared().residual(3), 1e-16);
  }

  @Test
  void convergedFlowIsThePseudoInverse() {
    SpectralFunction f = SpectralFunction.flow(1, Double.POSITIVE_INFINITY, 4);
    assertEquals(0.25, f.inverse(4), 0.0);
    assertEquals(0.0, f.residual(4), 0.0);
    assertEquals(0.0, f.inverse(0), 0.0);
    assertEquals(1.0, f.residual(0), 0.0);
  }

  @Test
  void stepsFactorsAndLimits() {
    SpectralFunction s = SpectralFunction.steps(0.1, 3);
    assertEquals(Math.pow(0.7, 3), s.residual(3), 1e-15);
    assertEquals((1 - Math.pow(0.7, 3)) / 3, s.inverse(3), 1e-15);
    assertEquals(0.3, s.inverse(0), 1e-16); // limit k·c
    assertEquals(Math.pow(0.7, 6), s.squared().residual(3), 1e-15);
    // past the stability limit cλ > 2 the residual oscillates and grows: (1 − 2.5)^3
    assertEquals(-3.375, s.residual(25), 1e-12);
    assertEquals((1 + 3.375) / 25, s.inverse(25), 1e-14);
    // tiny cλ, many steps: −expm1(k·log1p(−x))/λ ≈ k·c·(1 − (k − 1)x/2)
    SpectralFunction many = SpectralFunction.steps(1e-3, 2000);
    double l = 1e-12;
    assertEquals(2.0 * (1 - 1999 * 1e-15 / 2), many.inverse(l), 1e-15);
  }

  @Test
  void refusals() {
    assertThrows(IllegalArgumentException.class, () -> SpectralFunction.flow(1, -1, 4));
    assertThrows(IllegalArgumentException.class, () -> SpectralFunction.flow(1, Double.NaN, 4));
    assertThrows(IllegalArgumentException.class, () -> SpectralFunction.flow(0, 1, 4));
    assertThrows(IllegalArgumentException.class, () -> SpectralFunction.flow(-1, 1, 4));
    assertThrows(IllegalArgumentException.class, () -> SpectralFunction.flow(Double.POSITIVE_INFINITY, 1, 4));
    assertThrows(IllegalArgumentException.class, () -> SpectralFunction.steps(1, -1, 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpectralFunction.flow(1, -2, 4));
    assertTrue(e.getMessage().contains("-2"), e.getMessage());
  }
}
