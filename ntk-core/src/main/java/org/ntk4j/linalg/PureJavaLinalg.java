package org.ntk4j.linalg;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/** Reference implementation without native code: blocked loops and commons-math's eigensolver. */
final class PureJavaLinalg implements DenseLinalg {

  @Override public void gemm(int m, int n, int k, double alpha, double[] a, int aOff, double[] b, int bOff,
                             boolean transB, double beta, double[] c, int cOff) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int l = 0; l < k; l++) {
          double bv = transB ? b[bOff + j * k + l] : b[bOff + l * n + j];
          s += a[aOff + i * k + l] * bv;
        }
        int ci = cOff + i * n + j;
        c[ci] = alpha * s + (beta == 0 ? 0 : beta * c[ci]);
      }
    }
  }

  @Override public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOff,
                              double[] b, int bOff, double beta, double[] c, int cOff) {
    double[] row = new double[n];
    for (int i = 0; i < m; i++) {
      java.util.Arrays.fill(row, 0.0);
      for (int l = 0; l < k; l++) {
        double av = transA ? a[aOff + l * m + i] : a[aOff + i * k + l];
        if (transB) {
          for (int j = 0; j < n; j++) row[j] += av * b[bOff + j * k + l];
        } else {
          int bo = bOff + l * n;
          for (int j = 0; j < n; j++) row[j] += av * b[bo + j];
        }
      }
      int co = cOff + i * n;
      for (int j = 0; j < n; j++) c[co + j] = alpha * row[j] + (beta == 0 ? 0 : beta * c[co + j]);
    }
  }

  @Override public void symmetricEigenRows(int n, double[] a, double[] w, EigenMethod method) {
    DenseLinalg.checkSquare(n, a, w);
    if (n == 0) return;
    EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(upper(n, a), false));
    double[] vals = e.getRealEigenvalues();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    java.util.Arrays.sort(order, (x, y) -> Double.compare(vals[x], vals[y]));
    RealMatrix v = e.getV();
    for (int j = 0; j < n; j++) {
      w[j] = vals[order[j]];
      for (int i = 0; i < n; i++) a[j * n + i] = v.getEntry(i, order[j]);
    }
  }

  @Override public void symmetricEigenvalues(int n, double[] a, double[] w) {
    DenseLinalg.checkSquare(n, a, w);
    if (n == 0) return;
    double[] vals = new EigenDecomposition(new Array2DRowRealMatrix(upper(n, a), false)).getRealEigenvalues();
    double[] s = vals.clone();
    java.util.Arrays.sort(s);
    System.arraycopy(s, 0, w, 0, n);
  }

  @Override public boolean choleskyFactor(int n, double[] a) {
    DenseLinalg.checkSquare(n, a, null);
    // upper factor U with A = UᵀU, stored in the upper triangle of a
    for (int j = 0; j < n; j++) {
      double d = a[j * n + j];
      for (int k = 0; k < j; k++) d -= a[k * n + j] * a[k * n + j];
      if (!(d > 0)) return false;
      double u = Math.sqrt(d);
      a[j * n + j] = u;
      for (int i = j + 1; i < n; i++) {
        double s = a[j * n + i];
        for (int k = 0; k < j; k++) s -= a[k * n + j] * a[k * n + i];
        a[j * n + i] = s / u;
      }
    }
    return true;
  }

  @Override public void choleskySolve(int n, double[] a, double[] b, int nrhs) {
    DenseLinalg.checkSquare(n, a, null);
    if (b.length != (long) n * nrhs) throw new IllegalArgumentException("right-hand side has " + b.length + " values, expected " + n + "·" + nrhs);
    for (int c = 0; c < nrhs; c++) {
      for (int i = 0; i < n; i++) { // Uᵀ z = b
        double s = b[i * nrhs + c];
        for (int k = 0; k < i; k++) s -= a[k * n + i] * b[k * nrhs + c];
        b[i * nrhs + c] = s / a[i * n + i];
      }
      for (int i = n - 1; i >= 0; i--) { // U x = z
        double s = b[i * nrhs + c];
        for (int k = i + 1; k < n; k++) s -= a[i * n + k] * b[k * nrhs + c];
        b[i * nrhs + c] = s / a[i * n + i];
      }
    }
  }

  /** The symmetric matrix given by the upper triangle of a, as rows. */
  private static double[][] upper(int n, double[] a) {
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        m[i][j] = a[i * n + j];
        m[j][i] = a[i * n + j];
      }
    }
    return m;
  }

  @Override public void setThreads(int threads) {}

  @Override public int threads() { return 1; }

  @Override public String name() { return "pure Java (commons-math3)"; }
}
