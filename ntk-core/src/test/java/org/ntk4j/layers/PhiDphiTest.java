package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PhiDphiTest {
  static final double[] XS = {-3.1, -1.7, -0.9, -0.31, -0.04, 0.03, 0.27, 0.8, 1.3, 2.2, 4.5};

  @Test
  void dphiIsTheDerivativeOfPhiAwayFromKinks() {
    for (Nonlinearity f : TextFormTest.everyNonlinearity()) {
      for (double x : XS) {
        double h = 1e-5;
        double fd = (f.phi(x + h) - f.phi(x - h)) / (2 * h);
        assertEquals(fd, f.dphi(x), 1e-7 * Math.max(1, Math.abs(fd)), f + " at " + x);
      }
    }
  }

  @Test
  void phiHasTheDefinedValues() {
    assertEquals(0.0, new Relu().phi(-2), 0.0);
    assertEquals(-0.2, new LeakyRelu(0.1).phi(-2), 0.0);
    assertEquals(1.0, new ABRelu(-0.5, 2).phi(0.5), 0.0);
    assertEquals(0.25, new ABRelu(-0.5, 2).phi(-0.5), 0.0);
    assertEquals(2.0, new Abs().phi(-2), 0.0);
    assertEquals(-1.0, new Sign().phi(-0.1), 0.0);
    assertEquals(0.0, new Sign().phi(0), 0.0);
    assertEquals(1.0, new Monomial(0).phi(0), 0.0);
    assertEquals(-8.0, new Monomial(3).phi(-2), 0.0);
    assertEquals(0.0, new RectifiedMonomial(3).phi(-2), 0.0);
    assertEquals(1.0, new RectifiedMonomial(0).phi(0), 0.0); // (0 ≥ 0)·0⁰
    assertEquals(0.0, new RectifiedMonomial(0).phi(-1e-300), 0.0);
    assertEquals(0.0 + 1 * 2 + 0.5 * 4, new Polynomial(0, 1, 0.5).phi(2), 0.0);
    assertEquals(Math.sqrt(2) * Math.sin(Math.sqrt(2 * 0.5) * 0.3 + Math.PI / 4), new Rbf(0.5).phi(0.3), 1e-16);
    assertEquals(2 * Math.cos(0.5 * 0.3 - 0.2), new Cos(2, 0.5, -0.2).phi(0.3), 1e-16);
    assertEquals(0.5 * Math.expm1(-1), new Elu(0.5).phi(-1), 0.0);
    assertEquals(Math.log1p(Math.exp(-40)) + 40, new Softplus().phi(40), 0.0);
    assertEquals(Math.exp(-40), new Softplus().phi(-40), 1e-30);
  }

  @Test
  void derivativesAtKinksFollowTheKernelConvention() {
    assertEquals(0.5, new Relu().dphi(0), 0.0);
    assertEquals(0.55, new LeakyRelu(0.1).dphi(0), 0.0);
    assertEquals(0.0, new Abs().dphi(0), 0.0);
    assertEquals(0.0, new Sign().dphi(0), 0.0);
    assertEquals(0.0, new Sign().dphi(1), 0.0);
    assertEquals(0.5, new Elu(0.5).dphi(0), 0.0);
    assertEquals(1.0, new RectifiedMonomial(1).dphi(0), 0.0);
    assertEquals(0.0, new RectifiedMonomial(0).dphi(0), 0.0);
  }

  @Test
  void erfAndGeluMatchScipy() {
    // scipy.special.erf / erfc / x·ndtr(x)
    double[][] erf = {{0.5, 0.5204998778130465}, {1.9, 0.9927904292352575}, {2.0, 0.9953222650189527},
        {2.5, 0.999593047982555}, {-3.0, -0.9999779095030014}, {0.01, 0.011283415555849616}, {6.0, 1.0}};
    for (double[] e : erf) assertEquals(e[1], SpecialFunctions.erf(e[0]), 5e-16 * Math.abs(e[1]), "erf " + e[0]);
    double[][] erfc = {{5.0, 1.5374597944280347e-12}, {3.0, 2.2090496998585445e-05}, {10.0, 2.0884875837625446e-45}};
    for (double[] e : erfc) assertEquals(e[1], SpecialFunctions.erfc(e[0]), 1e-14 * e[1], "erfc " + e[0]);
    double[][] gelu = {{-5.0, -1.4332578593959663e-06}, {-1.0, -0.15865525393145707}, {0.7, 0.5306254434438489},
        {3.0, 2.99595030590511}, {-12.0, -2.1317785344931838e-32}};
    for (double[] e : gelu) assertEquals(e[1], new Gelu().phi(e[0]), 1e-14 * Math.abs(e[1]), "gelu " + e[0]);
    assertEquals(2 * SpecialFunctions.erf(0.5 * 1.3) + 0.1, new Erf(2, 0.5, 0.1).phi(1.3), 0.0);
  }

  @Test
  void fastQuadratureFormsAgreeWithPhi() {
    Tanh t = new Tanh();
    Softplus s = new Softplus();
    for (double x = -30; x <= 30; x += 0.0137) {
      assertEquals(t.phi(x), t.quadraturePhi(x), 4e-16, "tanh " + x);
      assertEquals(s.phi(x), s.quadraturePhi(x), 4e-16 * Math.max(1, Math.abs(x)), "softplus " + x);
      assertEquals(t.dphi(x), t.dphi(x, t.quadraturePhi(x)), 1e-15, "tanh' " + x);
      assertEquals(s.dphi(x), s.dphi(x, s.quadraturePhi(x)), 1e-15, "softplus' " + x);
    }
  }
}
