package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.ntk4j.util.GaussQuadrature;

class GaussQuadratureTest {
  @Test
  void hermiteAndLegendreMatchScipy() {
    // scipy.special.roots_hermite(5), roots_legendre(4)
    double[] hx = {-2.020182870456085, -0.9585724646138185, 0.0, 0.9585724646138185, 2.020182870456085};
    double[] hw = {0.019953242059045882, 0.3936193231522411, 0.9453087204829417, 0.3936193231522411, 0.019953242059045882};
    GaussQuadrature.Rule h = GaussQuadrature.hermite(5);
    for (int i = 0; i < 5; i++) {
      assertEquals(hx[i], h.nodes[i], 1e-14);
      assertEquals(hw[i], h.weights[i], 1e-14);
    }
    double[] lx = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
    double[] lw = {0.3478548451374538, 0.6521451548625462, 0.6521451548625462, 0.3478548451374538};
    GaussQuadrature.Rule l = GaussQuadrature.legendre(4);
    for (int i = 0; i < 4; i++) {
      assertEquals(lx[i], l.nodes[i], 1e-15);
      assertEquals(lw[i], l.weights[i], 1e-15);
    }
  }

  @Test
  void radialRuleIntegratesMomentsExactly() {
    // ∫_0^∞ r^k · r e^{−r²/2} dr = 2^{k/2} Γ(k/2 + 1): exact for k ≤ 2n − 1
    for (int n : new int[] {3, 8, 16, 40}) {
      GaussQuadrature.Rule r = GaussQuadrature.radial(n);
      for (int k = 0; k <= 2 * n - 1 && k <= 40; k++) {
        double s = 0;
        for (int i = 0; i < n; i++) s += r.weights[i] * Math.pow(r.nodes[i], k);
        double want = Math.pow(2, k / 2.0) * gamma(k / 2.0 + 1);
        assertEquals(1.0, s / want, 1e-12, "n=" + n + " k=" + k);
      }
    }
  }

  @Test
  void hermiteIntegratesGaussianMomentsAtHighOrder() {
    GaussQuadrature.Rule h = GaussQuadrature.hermite(64);
    double s0 = 0, s2 = 0, s10 = 0;
    for (int i = 0; i < h.size(); i++) {
      double x = h.nodes[i];
      s0 += h.weights[i];
      s2 += h.weights[i] * x * x;
      s10 += h.weights[i] * Math.pow(x, 10);
    }
    assertEquals(Math.sqrt(Math.PI), s0, 1e-13);
    assertEquals(Math.sqrt(Math.PI) / 2, s2, 1e-13);
    assertEquals(Math.sqrt(Math.PI) * 945 / 32, s10, 1e-11); // (9)!!/2^5 √π
  }

  @Test
  void refusesBadOrder() {
    assertThrows(IllegalArgumentException.class, () -> GaussQuadrature.hermite(0));
    assertThrows(IllegalArgumentException.class, () -> GaussQuadrature.radial(100000));
  }

  /** Γ for half-integers and integers. */
  static double gamma(double x) {
    if (x == 1) return 1;
    if (x == 0.5) return Math.sqrt(Math.PI);
    return (x - 1) * gamma(x - 1);
  }
}
