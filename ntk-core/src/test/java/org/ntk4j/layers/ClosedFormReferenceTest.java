package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Kernels against independent references: E[φ(u)φ(v)] and E[φ'(u)φ'(v)] computed separately with python3/scipy by
 * nested adaptive quadrature (scipy.integrate.quad over u ~ N(0, q11), inner over v | u, both split at the kinks,
 * epsrel 1e-13), at the pairs (q11, q22, q12) of {@link #PTS}.
 */
class ClosedFormReferenceTest {
  static final double[][] PTS = {{1.3, 0.7, 0.4}, {2.0, 0.5, -0.9}, {0.8, 0.8, 0.8}, {1.5, 0.6, 0.0}};

  static void check(Nonlinearity f, double[][] ref, double tol) {
    for (int p = 0; p < PTS.length; p++) {
      double[] k = K.pair(f, PTS[p][0], PTS[p][1], PTS[p][2]);
      for (int j = 0; j < 2; j++) {
        double want = ref[p][j];
        double err = Math.abs(k[j] - want) / Math.max(Math.abs(want), 1e-3);
        assertEquals(0.0, err, tol, f + " at " + java.util.Arrays.toString(PTS[p]) + (j == 0 ? " Σ" : " Σ̇") + ": " + k[j] + " vs " + want);
      }
    }
  }

  @Test
  void erf() {
    check(new Erf(2, 0.5, 0.1), new double[][] {{0.35227067717162375, 0.860867054817218},
        {-0.7248994825814868, 0.8400059428458115}, {0.7478466488453437, 0.9490167245562362},
        {0.010000000000000009, 0.84414959829272}}, 1e-10);
  }

  @Test
  void gelu() {
    check(new Gelu(), new double[][] {{0.18806067673499577, 0.3248172218043225},
        {-0.07938702042168555, 0.08549094864515622}, {0.328828857247078, 0.44140644252033023},
        {0.07161972439135292, 0.25}}, 1e-10);
  }

  @Test
  void rectifiedMonomials() {
    check(new RectifiedMonomial(2), new double[][] {{0.557602211691783, 1.0615123660757697},
        {0.0007619594069197923, 0.019076797689344144}, {0.96, 1.6}, {0.225, 0.6039505452538446}}, 1e-9);
    check(new RectifiedMonomial(3), new double[][] {{1.911338697940393, 5.018419905226046},
        {0.00019577422983632097, 0.00685763466227813}, {3.84, 8.64}, {0.54355549072846, 2.025}}, 1e-9);
  }

  @Test
  void sin() {
    check(new Sin(1, 2, 0.5), new double[][] {{0.044359994498305355, 0.18543183516442874},
        {-0.06652640122203247, 0.2668420280628003}, {0.4995511283869862, 2.001795486452056},
        {0.0034467160432753935, 0.046195443108809284}}, 1e-8);
  }

  @Test
  void polynomials() {
    check(new Polynomial(0, 1, 0.5), new double[][] {{0.7075, 1.4}, {-0.245, 0.1}, {1.28, 1.8}, {0.225, 1.0}}, 1e-12);
    check(new Polynomial(0.3, -1, 0, 0.2), new double[][] {{0.1564, 0.2428}, {0.04104, 0.4432}, {0.4292, 0.7312},
        {0.09, 0.064}}, 1e-12);
  }

  @Test
  void signAndLeakyRelu() {
    check(new Sign(), new double[][] {{0.2754586766349434, 0}, {-0.7128674137425878, 0}, {1, 0}, {0, 0}}, 1e-10);
    check(new LeakyRelu(0.1), new double[][] {{0.2549562541303434, 0.35828038201857615},
        {-0.08613694846790784, 0.1581443487171261}, {0.404, 0.505}, {0.12229998541390355, 0.3025}}, 1e-10);
  }

  @Test
  void quadratureNonlinearitiesAtDefaultOrder() {
    quadratureNonlinearities(NumericalNonlinearity.DEFAULT_ORDER, 2e-8);
  }

  @Test
  void quadratureNonlinearitiesAtHighOrderMatchToReferenceAccuracy() {
    quadratureNonlinearities(64, 2e-10);
  }

  static void quadratureNonlinearities(int order, double tol) {
    check(new Elu(1, order), new double[][] {{0.2632147652094555, 0.6139922734545467}, {-0.4693380072789187, 0.5248102440622179},
        {0.5287601160062341, 0.6823663697911126}, {0.023335577951805166, 0.5839369412784116}}, tol);
    check(new Elu(0.5, order), new double[][] {{0.24311499483760174, 0.4463302871225557},
        {-0.23307772490025416, 0.28782802218594083}, {0.43219002900155856, 0.5455915924477783},
        {0.07357483283365443, 0.3996829658299149}}, tol);
    check(new Tanh(order), new double[][] {{0.1509197641091418, 0.3852616105590184}, {-0.33007896856744007, 0.4095508347846934},
        {0.35408706819408614, 0.5048326649519546}, {0.0, 0.37009196526516847}}, tol);
    check(new Softplus(order), new double[][] {{0.7510699865891978, 0.26720527572300556},
        {0.47065324253085844, 0.21286213091344175}, {0.8309717443677096, 0.2867954543774926},
        {0.6533984125029508, 0.25}}, tol);
    check(new Silu(order), new double[][] {{0.14903677382355848, 0.3001532691477583},
        {-0.13684668373167713, 0.14280002979826845}, {0.2739246243546772, 0.3642945919739131},
        {0.038267536522276185, 0.25}}, tol);
  }

  @Test
  void monomialMatchesNeuralTangentsPolynomials() {
    // neural-tangents' Monomial: n=2: 2q12² + P; n=3: 6q12³ + 9q12·P; n=4: 3(8q12⁴ + 3P(8q12² + P));
    // n=5: 15q12(8q12⁴ + 5P(8q12² + 3P)), with P = q11 q22; Σ̇ = n²·(degree n−1 value)
    for (double[] q : PTS) {
      double c = q[2], p = q[0] * q[1];
      double[] want = {1, c, 2 * c * c + p, 6 * c * c * c + 9 * c * p, 3 * (8 * Math.pow(c, 4) + 3 * p * (8 * c * c + p)),
          15 * c * (8 * Math.pow(c, 4) + 5 * p * (8 * c * c + 3 * p))};
      for (int n = 0; n <= 5; n++) {
        double[] k = K.pair(new Monomial(n), q[0], q[1], q[2]);
        assertEquals(want[n], k[0], 1e-12 * Math.max(1, Math.abs(want[n])), "Monomial(" + n + ")");
        assertEquals(n == 0 ? 0 : n * n * want[n - 1], k[1], 1e-12 * Math.max(1, Math.abs(want[Math.max(n - 1, 0)]) * n * n));
      }
    }
  }

  @Test
  void rectifiedMonomialLowDegreesAreArcCosineKernels() {
    // Cho & Saul: J0 = π − θ, J1 = sin θ + (π − θ) cos θ, J2 = 3 sin θ cos θ + (π − θ)(1 + 2cos²θ); Σ' = P^{n/2} J_n / 2π
    for (double[] q : PTS) {
      double s = Math.sqrt(q[0] * q[1]);
      double t = Math.acos(q[2] / s);
      double j0 = Math.PI - t, j1 = Math.sin(t) + j0 * Math.cos(t);
      double j2 = 3 * Math.sin(t) * Math.cos(t) + j0 * (1 + 2 * Math.cos(t) * Math.cos(t));
      assertEquals(j0 / (2 * Math.PI), K.pair(new RectifiedMonomial(0), q[0], q[1], q[2])[0], 1e-14);
      assertEquals(0.0, K.pair(new RectifiedMonomial(0), q[0], q[1], q[2])[1], 0.0);
      assertEquals(s * j1 / (2 * Math.PI), K.pair(new RectifiedMonomial(1), q[0], q[1], q[2])[0], 1e-14);
      assertEquals(j0 / (2 * Math.PI), K.pair(new RectifiedMonomial(1), q[0], q[1], q[2])[1], 1e-14);
      assertEquals(s * s * j2 / (2 * Math.PI), K.pair(new RectifiedMonomial(2), q[0], q[1], q[2])[0], 1e-13);
      assertEquals(4 * s * j1 / (2 * Math.PI), K.pair(new RectifiedMonomial(2), q[0], q[1], q[2])[1], 1e-13);
    }
  }
}
