package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;
import org.ntk4j.linalg.DenseLinalg;

/** The eigen and solve kernels of {@link DenseLinalg} (native and pure Java) against commons-math. */
class EigenSolveTest {
  static double[] symmetric(int n, long seed) {
    double[] g = Ref.gaussian(n * n, seed);
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i * n + j] = g[i * n + j] + g[j * n + i];
    return a;
  }

  @Test
  void eigendecompositionsAgreeWithCommonsMathInEveryLayoutAndDriver() {
    int n = 60;
    double[] a = symmetric(n, 31);
    double[] ref = new EigenDecomposition(Ref.mat(a, n, n)).getRealEigenvalues();
    Arrays.sort(ref);
    for (DenseLinalg la : new DenseLinalg[] {DenseLinalg.get(), DenseLinalg.pureJava()}) {
      for (DenseLinalg.EigenMethod method : DenseLinalg.EigenMethod.values()) {
        double[] rows = a.clone(), w = new double[n];
        la.symmetricEigenRows(n, rows, w, method);
        assertArrayEquals(ref, w, 1e-11, la.name() + " " + method);
        for (int j = 0; j < n; j++) { // ‖A v_j − λ_j v_j‖ and ‖v_j‖ = 1, v_j = row j
          double norm = 0, res = 0;
          for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < n; k++) s += a[i * n + k] * rows[j * n + k];
            res = Math.max(res, Math.abs(s - w[j] * rows[j * n + i]));
            norm += rows[j * n + i] * rows[j * n + i];
          }
          assertEquals(1.0, norm, 1e-12);
          assertTrue(res < 1e-11, la.name() + " residual " + res);
        }
      }
      double[] cols = a.clone(), w = new double[n];
      la.symmetricEigen(n, cols, w);
      double[] rows = a.clone();
      la.symmetricEigenRows(n, rows, new double[n]);
      DenseLinalg.transposeSquare(n, rows);
      assertArrayEquals(rows, cols, 0.0, "columns = transposed rows");
      double[] vals = new double[n];
      la.symmetricEigenvalues(n, a.clone(), vals);
      assertArrayEquals(ref, vals, 1e-11, la.name() + " eigenvalues only");
    }
  }

  @Test
  void onlyTheUpperTriangleIsRead() {
    int n = 7;
    double[] a = symmetric(n, 32);
    double[] garbage = a.clone();
    for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) garbage[i * n + j] = 1e6 * (i + j);
    double[] w1 = new double[n], w2 = new double[n];
    DenseLinalg.get().symmetricEigen(n, a.clone(), w1);
    DenseLinalg.get().symmetricEigen(n, garbage, w2);
    assertArrayEquals(w1, w2, 0.0);
  }

  @Test
  void choleskySolvesAndRecognisesIndefiniteMatrices() {
    int n = 40, k = 3;
    double[] phi = Ref.gaussian(n * (n + 5), 33);
    double[] a = Ref.gram(phi, n, phi, n, n + 5);
    double[] b = Ref.gaussian(n * k, 34);
    double[] ref = Ref.flat(Ref.solve(Ref.mat(a, n, n), Ref.mat(b, n, k)));
    for (DenseLinalg la : new DenseLinalg[] {DenseLinalg.get(), DenseLinalg.pureJava()}) {
      double[] f = a.clone();
      assertTrue(la.choleskyFactor(n, f));
      for (int nrhs : new int[] {1, k}) {
        double[] x = nrhs == 1 ? column(b, n, k, 0) : b.clone();
        la.choleskySolve(n, f, x, nrhs);
        Ref.close(nrhs == 1 ? column(ref, n, k, 0) : ref, x, 1e-10, la.name() + " nrhs " + nrhs);
      }
      assertFalse(la.choleskyFactor(2, new double[] {1, 2, 2, 1}), la.name() + ": indefinite");
      assertFalse(la.choleskyFactor(2, new double[] {1, 1, 1, 1}), la.name() + ": singular");
    }
  }

  static double[] column(double[] b, int n, int k, int c) {
    double[] r = new double[n];
    for (int i = 0; i < n; i++) r[i] = b[i * k + c];
    return r;
  }

  @Test
  void eigenUsesAllCoresAndRestoresTheCallersThreadCount() {
    DenseLinalg la = DenseLinalg.get();
    int before = la.threads();
    try {
      la.setThreads(1);
      la.symmetricEigen(30, symmetric(30, 35), new double[30]);
      assertEquals(1, la.threads(), "thread count restored");
    } finally {
      la.setThreads(before);
    }
  }

  @Test
  void transposeSquareInPlace() {
    int n = 130; // more than two blocks
    double[] a = Ref.gaussian(n * n, 36), t = a.clone();
    DenseLinalg.transposeSquare(n, t);
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) assertEquals(a[i * n + j], t[j * n + i], 0.0);
  }
}
