package org.ntk4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/** Independent references for the predictor tests: commons-math matrices, built from plain arrays. */
final class Ref {
  private Ref() {}

  static RealMatrix mat(double[] a, int rows, int cols) {
    double[][] d = new double[rows][cols];
    for (int i = 0; i < rows; i++) System.arraycopy(a, i * cols, d[i], 0, cols);
    return new Array2DRowRealMatrix(d, false);
  }

  static double[] flat(RealMatrix m) {
    double[] r = new double[m.getRowDimension() * m.getColumnDimension()];
    for (int i = 0; i < m.getRowDimension(); i++) {
      for (int j = 0; j < m.getColumnDimension(); j++) r[i * m.getColumnDimension() + j] = m.getEntry(i, j);
    }
    return r;
  }

  static RealMatrix solve(RealMatrix a, RealMatrix b) { return new LUDecomposition(a).getSolver().solve(b); }

  static RealMatrix pinv(RealMatrix a) { return new SingularValueDecomposition(a).getSolver().getInverse(); }

  /** f(A) for a symmetric A through commons-math's eigendecomposition. */
  static RealMatrix fun(RealMatrix a, java.util.function.DoubleUnaryOperator f) {
    EigenDecomposition e = new EigenDecomposition(a);
    RealMatrix v = e.getV();
    double[] l = e.getRealEigenvalues();
    RealMatrix d = new Array2DRowRealMatrix(l.length, l.length);
    for (int i = 0; i < l.length; i++) d.setEntry(i, i, f.applyAsDouble(l[i]));
    return v.multiply(d).multiply(v.transpose());
  }

  /** Gram matrix Φ·Φᵀ/d of the rows of phi (n × d): positive semi-definite by construction. */
  static double[] gram(double[] phi, int n1, double[] psi, int n2, int d) {
    double[] k = new double[n1 * n2];
    for (int i = 0; i < n1; i++) {
      for (int j = 0; j < n2; j++) {
        double s = 0;
        for (int l = 0; l < d; l++) s += phi[i * d + l] * psi[j * d + l];
        k[i * n2 + j] = s / d;
      }
    }
    return k;
  }

  static double[] gaussian(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
    return v;
  }

  static void close(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 0;
    for (double e : expected) scale = Math.max(scale, Math.abs(e));
    for (int i = 0; i < expected.length; i++) {
      int ii = i;
      assertTrue(Double.isFinite(actual[i]), () -> what + ": non-finite at " + ii);
      assertEquals(expected[i], actual[i], tol * Math.max(1, scale), () -> what + " at flat index " + ii);
    }
  }

  static double maxAbsDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }
}
