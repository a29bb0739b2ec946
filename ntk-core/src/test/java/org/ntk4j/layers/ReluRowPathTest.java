package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;
import org.ntk4j.kernel.Summation;

/**
 * The row loops of {@link Nonlinearity#applyKernel} (Relu's inlined {@code pairRow}) give the values of the per-pair
 * rule {@link Relu#pair} bitwise, on flat cross tiles and full spatial blocks, including the special entries: q12 = ±0
 * (θ = π/2), an input paired with itself (q12 == q11 == q22, θ = 0), exact anticorrelation (θ = π), a determinant that
 * rounds negative (clamped to 0), tiny and huge scales.
 */
class ReluRowPathTest {
  /** A mix of random and special (q11, q22, q12) triples. */
  private static double[][] triples(int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] t = new double[count][];
    for (int i = 0; i < count; i++) {
      double q11 = Math.exp(r.nextDouble(-3, 3)), q22 = Math.exp(r.nextDouble(-3, 3));
      double rho = r.nextDouble(-1, 1);
      double q12 = rho * Math.sqrt(q11 * q22);
      switch (i % 11) {
        case 0 -> q12 = 0.0;
        case 1 -> q12 = -0.0;
        case 2 -> { q22 = q11; q12 = q11; } // self pair
        case 3 -> q12 = Math.sqrt(q11 * q22) * (1 + 1e-16); // determinant rounds negative
        case 4 -> q12 = -Math.sqrt(q11 * q22); // anticorrelated
        case 5 -> { q11 *= 1e-150; q22 *= 1e-150; q12 *= 1e-150; }
        case 6 -> { q11 *= 1e140; q22 *= 1e140; q12 *= 1e140; }
        case 7 -> q12 = 1e-300; // ratio sin/cos beyond 2^900
        default -> { }
      }
      t[i] = new double[] {q11, q22, q12};
    }
    return t;
  }

  private static double[] expected(double[] tri) {
    double[] nngp = {tri[2]}, ntk = {0.75};
    new Relu().pair(tri[0], tri[1], tri[2], nngp, ntk, 0);
    return new double[] {nngp[0], ntk[0]};
  }

  @Test
  void flatCrossTileEqualsPerPairRuleBitwise() {
    int rows = 7, cols = 33;
    SplittableRandom r = new SplittableRandom(5);
    double[] v1 = new double[rows], v2 = new double[cols];
    for (int i = 0; i < rows; i++) v1[i] = Math.exp(r.nextDouble(-2, 2));
    for (int j = 0; j < cols; j++) v2[j] = Math.exp(r.nextDouble(-2, 2));
    KernelState s = KernelState.cross(rows, cols, new int[0], 0, false, Parameterization.NTK, Summation.EXACT);
    s.var1 = v1;
    s.var2 = v2;
    double[][] special = triples(rows * cols, 9);
    for (int k = 0; k < rows * cols; k++) {
      double q11 = v1[k / cols], q22 = v2[k % cols];
      // the special correlations at this pair's variances
      double[] t = special[k];
      double rho = t[2] / Math.sqrt(t[0] * t[1]);
      s.nngp[k] = k % 11 == 2 && q11 == q22 ? q11 : Double.isFinite(rho) ? rho * Math.sqrt(q11 * q22) : t[2];
      if (k % 11 <= 1) s.nngp[k] = t[2];
      s.ntk[k] = 0.75;
    }
    double[] in = s.nngp.clone();
    new Relu().applyKernel(s, KernelContext.standalone(rows * cols));
    for (int k = 0; k < rows * cols; k++) {
      double[] e = expected(new double[] {v1[k / cols], v2[k % cols], in[k]});
      assertEquals(Double.doubleToRawLongBits(e[0]), Double.doubleToRawLongBits(s.nngp[k]), "nngp at pair " + k);
      assertEquals(Double.doubleToRawLongBits(e[1]), Double.doubleToRawLongBits(s.ntk[k]), "ntk at pair " + k);
    }
  }

  @Test
  void fullSpatialBlockEqualsPerPairRuleBitwise() {
    int pairs = 3, side = 3, p = side * side;
    KernelState s = KernelState.self(pairs, new int[] {side, side}, 4, true, Parameterization.NTK, Summation.EXACT);
    double[][] t = triples(pairs * p * p, 11);
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < s.var1.length; i++) s.var1[i] = Math.exp(r.nextDouble(-2, 2));
    for (int k = 0; k < pairs; k++) {
      for (int a = 0; a < p; a++) {
        for (int b = 0; b < p; b++) {
          int i = (k * p + a) * p + b;
          double q11 = s.var1[k * p + a], q22 = s.var1[k * p + b];
          double rho = t[i][2] / Math.sqrt(t[i][0] * t[i][1]);
          s.nngp[i] = a == b ? q11 : i % 11 <= 1 ? t[i][2] : rho * Math.sqrt(q11 * q22);
          s.ntk[i] = 0.75;
        }
      }
    }
    double[] in = s.nngp.clone();
    new Relu().applyKernel(s, KernelContext.standalone(pairs));
    for (int k = 0; k < pairs; k++) {
      for (int a = 0; a < p; a++) {
        for (int b = 0; b < p; b++) {
          int i = (k * p + a) * p + b;
          double[] e = expected(new double[] {s.var1[k * p + a], s.var1[k * p + b], in[i]});
          assertEquals(Double.doubleToRawLongBits(e[0]), Double.doubleToRawLongBits(s.nngp[i]), "nngp at " + i);
          assertEquals(Double.doubleToRawLongBits(e[1]), Double.doubleToRawLongBits(s.ntk[i]), "ntk at " + i);
        }
      }
    }
  }

  @Test
  void specialEntriesHaveTheirClosedFormValues() {
    // independent of pair(): q12 = 0 gives Σ' = √(q11 q22)/(2π), Θ' = Θ/4; the self pair gives Σ' = q/2, Θ' = Θ/2
    int rows = 1, cols = 2;
    KernelState s = KernelState.cross(rows, cols, new int[0], 0, false, Parameterization.NTK, Summation.EXACT);
    s.var1 = new double[] {4.0};
    s.var2 = new double[] {9.0, 4.0};
    s.nngp[0] = 0.0;
    s.nngp[1] = 4.0;
    s.ntk[0] = 1.0;
    s.ntk[1] = 1.0;
    new Relu().applyKernel(s, KernelContext.standalone(2));
    assertEquals(6.0 / (2 * Math.PI), s.nngp[0], 1e-15);
    assertEquals(0.25, s.ntk[0], 1e-16);
    assertEquals(2.0, s.nngp[1], 0.0);
    assertEquals(0.5, s.ntk[1], 0.0);
  }
}
