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

  @Override public void symmetricEigen(int n, double[] a, double[] w) {
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i][j] = 0.5 * (a[i * n + j] + a[j * n + i]);
    EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(m, false));
    double[] vals = e.getRealEigenvalues();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    java.util.Arrays.sort(order, (x, y) -> Double.compare(vals[x], vals[y]));
    RealMatrix v = e.getV();
    for (int j = 0; j < n; j++) {
      w[j] = vals[order[j]];
      for (int i = 0; i < n; i++) a[i * n + j] = v.getEntry(i, order[j]);
    }
  }

  @Override public void setThreads(int threads) {}

  @Override public int threads() { return 1; }

  @Override public String name() { return "pure Java (commons-math3)"; }
}
