package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.linalg.DenseLinalg;

class IdentitiesTest {
  /** (q11, q22, correlation) grid including correlations ±1 and 0. */
  static List<double[]> grid() { return grid(6.0); }

  static List<double[]> grid(double maxVar) {
    double[] vars = java.util.Arrays.stream(new double[] {0.05, 0.4, 1.0, 2.5, 6.0}).filter(v -> v <= maxVar).toArray();
    double[] corr = {-1, -0.999, -0.9, -0.5, 0, 0.3, 0.7, 0.99, 0.99999, 1};
    List<double[]> g = new ArrayList<>();
    for (double a : vars) for (double b : vars) for (double c : corr) g.add(new double[] {a, b, c * Math.sqrt(a * b)});
    return g;
  }

  static void sameKernels(Nonlinearity want, Nonlinearity got, double tol) { sameKernels(want, got, tol, 6.0); }

  static void sameKernels(Nonlinearity want, Nonlinearity got, double tol, double maxVar) {
    for (double[] q : grid(maxVar)) {
      double[] w = K.pair(want, q[0], q[1], q[2]);
      double[] g = K.pair(got, q[0], q[1], q[2]);
      for (int j = 0; j < 2; j++) {
        // Σ scales with the variances, Σ̇ is dimensionless
        double scale = Math.max(Math.abs(w[j]), j == 0 ? 1e-3 * Math.max(1, Math.sqrt(q[0] * q[1])) : 1e-3);
        assertEquals(0.0, Math.abs(g[j] - w[j]) / scale, tol,
            got + " vs " + want + " at " + java.util.Arrays.toString(q) + (j == 0 ? " Σ" : " Σ̇") + ": " + g[j] + " vs " + w[j]);
      }
    }
  }

  @Test
  void abReluFamily() {
    sameKernels(new Relu(), new ABRelu(0, 1), 1e-13); // (π − θ)/2π vs 1/2 − θ/2π: rounding near θ = π
    sameKernels(new ABRelu(0.1, 1), new LeakyRelu(0.1), 0.0);
    sameKernels(new ABRelu(-0.3, 1), new LeakyRelu(-0.3), 0.0);
    sameKernels(new ABRelu(-1, 1), new Abs(), 0.0);
    sameKernels(new Identity(), new ABRelu(1, 1), 1e-14);
    sameKernels(new RectifiedMonomial(1), new Relu(), 1e-13);
    sameKernels(new Cos(1.5, 0.7, 0.2 + Math.PI / 2), new Sin(1.5, 0.7, 0.2 + Math.PI), 1e-12);
    sameKernels(new Monomial(3), new Polynomial(0, 0, 0, 1), 0.0);
    sameKernels(new Erf(0.5, 1 / 2.4020563531719796, 0.5), new SigmoidLike(), 0.0);
  }

  @Test
  void quadratureMatchesClosedFormsWithinOneInAMillion() {
    int order = NumericalNonlinearity.DEFAULT_ORDER;
    for (Nonlinearity exact : new Nonlinearity[] {new Relu(), new Erf(), new Erf(2, 0.5, 0.1), new Sin(), new Sin(1, 1.5, 0.5),
        new LeakyRelu(0.2), new Abs(), new Gelu(), new RectifiedMonomial(2), new RectifiedMonomial(0), new Sign()}) {
      Nonlinearity q = Nonlinearities.custom("quad " + exact, exact::phi, exact::dphi, NumericalNonlinearity.Scheme.POLAR, order);
      sameKernels(exact, q, 1e-6);
    }
    // Gauss–Hermite (neural-tangents' rule) is fine for smooth φ at moderate variance
    Nonlinearity erf = new Erf();
    sameKernels(erf, Nonlinearities.custom("gh erf", erf::phi, erf::dphi, NumericalNonlinearity.Scheme.HERMITE, 64), 1e-6, 1.0);
  }

  @Test
  void selfPairsAndZeroInputsAreExactAndFinite() {
    Nonlinearity[] all = TextFormTest.everyNonlinearity();
    for (Nonlinearity f : all) {
      // exactly correlated: q12 == q11 == q22 bitwise, Σ' = E[φ(u)²]
      for (double q : new double[] {1e-300, 1e-8, 0.7, 3.0}) {
        double[] k = K.pair(f, q, q, q);
        assertTrue(Double.isFinite(k[0]) && Double.isFinite(k[1]), f + " at q=" + q);
      }
      // zero inputs: u = v = 0 gives φ(0)² and φ'(0)²; one zero side gives φ(0)·E[φ(v)]
      double[] z = K.pair(f, 0, 0, 0);
      double f0 = f.phi(0), d0 = f.dphi(0);
      if (!(f instanceof Sign)) assertEquals(d0 * d0, z[1], 1e-15 * Math.max(1, d0 * d0), f + " Σ̇ at zero");
      assertEquals(f0 * f0, z[0], 1e-15 * Math.max(1, f0 * f0), f + " Σ at zero");
      double[] h = K.pair(f, 0, 1.7, 0);
      assertTrue(Double.isFinite(h[0]) && Double.isFinite(h[1]), f.toString());
    }
    // ReLU at exact correlation: Σ' = q/2, Σ̇ = 1/2 (θ = 0 exactly)
    assertEquals(0.35, K.pair(new Relu(), 0.7, 0.7, 0.7)[0], 0.0);
    assertEquals(0.5, K.pair(new Relu(), 0.7, 0.7, 0.7)[1], 0.0);
    // one zero side for ReLU: E[φ'(0)φ'(v)] = 1/2 · 1/2
    assertEquals(0.25, K.pair(new Relu(), 0, 1.3, 0)[1], 1e-16);
    assertEquals(0.0, K.pair(new Relu(), 0, 1.3, 0)[0], 0.0);
  }

  @Test
  void oneZeroSideMatchesTheLiteralExpectation() {
    // u ≡ 0: E[φ(0)φ(v)] = φ(0)·E[φ(v)], E[φ'(0)φ'(v)] = φ'(0)·E[φ'(v)], E over v ~ N(0, 1.7) by 1-D Gauss–Legendre
    // of 400 nodes on ±12 standard deviations
    org.ntk4j.util.GaussQuadrature.Rule h = org.ntk4j.util.GaussQuadrature.legendre(400);
    double sd = Math.sqrt(1.7);
    for (Nonlinearity f : TextFormTest.everyNonlinearity()) {
      if (f instanceof Sign || f instanceof RectifiedMonomial || f instanceof PiecewiseLinear || f instanceof Relu
          || f instanceof Elu) {
        continue; // kinked: the plain 1-D rule is too inaccurate; these are checked by hand below
      }
      double m = 0, md = 0;
      for (int i = 0; i < h.size(); i++) {
        double z = 12 * h.nodes[i];
        double wz = 12 * h.weights[i] * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
        m += wz * f.phi(sd * z);
        md += wz * f.dphi(sd * z);
      }
      double[] k = K.pair(f, 0, 1.7, 0);
      double tol = f instanceof NumericalNonlinearity q && q.order() < 32 ? 1e-3 : 1e-8;
      assertEquals(f.phi(0) * m, k[0], tol, f + " Σ");
      assertEquals(f.dphi(0) * md, k[1], tol, f + " Σ̇");
    }
    assertEquals(0.5, K.pair(new RectifiedMonomial(0), 0, 1.7, 0)[0], 0.0); // Θ(0)·P(v ≥ 0) = 1·1/2
    assertEquals(1.0, K.pair(new RectifiedMonomial(0), 0, 0, 0)[0], 0.0); // (0 ≥ 0)·0⁰ = 1
    assertEquals(0.55 * 0.55, K.pair(new LeakyRelu(0.1), 0, 1.7, 0)[1], 1e-15); // φ'(0) = (a+b)/2 = E[φ'(v)]
  }

  @Test
  void rbfIsTheGaussianKernelOfTheInputs() {
    Inputs x = randomInputs(7, 5, 3);
    double gamma = 0.5;
    Kernels k = KernelFunction.of(new Rbf(gamma)).build().compute(x);
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 7; j++) {
        double d2 = 0;
        for (int c = 0; c < 5; c++) d2 += (x.get(i, c) - x.get(j, c)) * (x.get(i, c) - x.get(j, c));
        assertEquals(Math.exp(-gamma * d2 / 5), k.nngp(i, j), 1e-14);
      }
    }
  }

  @Test
  void identityLeavesTheKernelsUnchanged() {
    Inputs x = randomInputs(6, 4, 5);
    Layer plain = Layers.serial(Dense.of(1.5, 0.1), Dense.of(1.2, 0.2));
    Layer withId = Layers.serial(Dense.of(1.5, 0.1), new Identity(), Dense.of(1.2, 0.2));
    Kernels a = KernelFunction.of(plain).build().compute(x);
    Kernels b = KernelFunction.of(withId).build().compute(x);
    org.junit.jupiter.api.Assertions.assertArrayEquals(a.nngp(), b.nngp(), 0.0);
    org.junit.jupiter.api.Assertions.assertArrayEquals(a.ntk(), b.ntk(), 0.0);
  }

  @Test
  void kernelsAreSymmetricAndPositiveSemidefinite() {
    Inputs x = randomInputs(12, 4, 9);
    Inputs y = Inputs.of(rows(x));
    for (Nonlinearity f : TextFormTest.everyNonlinearity()) {
      Layer net = Layers.serial(Dense.of(1.5, 0.1), f, Dense.of(1.5, 0.1));
      Kernels k = KernelFunction.of(net).build().compute(x, y); // different objects: the full matrix is computed
      for (double[] m : new double[][] {k.nngp(), k.ntk()}) {
        double max = 0;
        for (int i = 0; i < 12; i++) {
          for (int j = 0; j < 12; j++) {
            assertEquals(m[i * 12 + j], m[j * 12 + i], 1e-14 * Math.max(1, Math.abs(m[i * 12 + j])), f + " symmetric");
            max = Math.max(max, Math.abs(m[i * 12 + j]));
          }
        }
        double[] a = m.clone();
        double[] w = new double[12];
        DenseLinalg.get().symmetricEigen(12, a, w);
        assertTrue(w[0] >= -1e-12 * max, f + ": smallest eigenvalue " + w[0] + " of max " + max);
      }
    }
  }

  static double[][] rows(Inputs x) {
    double[][] r = new double[x.n()][];
    for (int i = 0; i < x.n(); i++) r[i] = x.row(i);
    return r;
  }

  static Inputs randomInputs(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] rows = new double[n][d];
    for (double[] row : rows) for (int c = 0; c < d; c++) row[c] = r.nextGaussian();
    return Inputs.of(rows);
  }
}
