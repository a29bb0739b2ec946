package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ntk4j.linalg.DenseLinalg;

/** The offset, transA/transB product used by the finite layers, native and pure Java, against a hand loop. */
class DgemmTest {
  @Test
  void handExample() {
    // A stored 3×2 (so Aᵀ is 2×3) at offset 1, B 3×2 at offset 2, C 2×2 at offset 3 with beta = 1
    double[] a = {9, 1, 2, 3, 4, 5, 6};
    double[] b = {9, 9, 1, 0, 0, 1, 1, 1};
    for (DenseLinalg la : new DenseLinalg[] {DenseLinalg.get(), DenseLinalg.pureJava()}) {
      double[] c = {7, 7, 7, 1, 1, 1, 1, 7};
      la.dgemm(true, false, 2, 2, 3, 2.0, a, 1, b, 2, 1.0, c, 3);
      // Aᵀ = [[1,3,5],[2,4,6]], B = [[1,0],[0,1],[1,1]]: AᵀB = [[6,8],[8,10]]; C = 1 + 2·AᵀB
      double[] want = {7, 7, 7, 13, 17, 17, 21, 7};
      for (int i = 0; i < want.length; i++) assertEquals(want[i], c[i], 0.0, la.name() + " entry " + i);
    }
  }

  @Test
  void everyTransposeCombinationAtOffsetsMatchesALoop() {
    SplittableRandom r = new SplittableRandom(5);
    int m = 7, n = 5, k = 9;
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        double[] a = new double[3 + m * k], b = new double[11 + k * n], c0 = new double[4 + m * n + 2];
        for (int i = 0; i < a.length; i++) a[i] = r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = r.nextGaussian();
        for (int i = 0; i < c0.length; i++) c0[i] = r.nextGaussian();
        double[] want = c0.clone();
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double s = 0;
            for (int l = 0; l < k; l++) {
              double av = ta ? a[3 + l * m + i] : a[3 + i * k + l];
              double bv = tb ? b[11 + j * k + l] : b[11 + l * n + j];
              s += av * bv;
            }
            want[4 + i * n + j] = 0.5 * s - 1.5 * c0[4 + i * n + j];
          }
        }
        for (DenseLinalg la : new DenseLinalg[] {DenseLinalg.get(), DenseLinalg.pureJava()}) {
          double[] c = c0.clone();
          la.dgemm(ta, tb, m, n, k, 0.5, a, 3, b, 11, -1.5, c, 4);
          for (int i = 0; i < c.length; i++) assertEquals(want[i], c[i], 1e-12, la.name() + " ta=" + ta + " tb=" + tb + " at " + i);
        }
      }
    }
  }
}
