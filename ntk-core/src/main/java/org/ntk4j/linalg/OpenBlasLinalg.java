package org.ntk4j.linalg;

import org.bytedeco.openblas.global.openblas;

/** OpenBLAS through the bytedeco JavaCPP preset: dgemm and LAPACKE dsyevd. */
final class OpenBlasLinalg implements DenseLinalg {
  private final String name;

  OpenBlasLinalg() {
    org.bytedeco.javacpp.Loader.load(openblas.class);
    name = "OpenBLAS (native, bytedeco preset, " + openblas.blas_get_num_threads() + " threads max)";
  }

  @Override public void gemm(int m, int n, int k, double alpha, double[] a, int aOff, double[] b, int bOff,
                             boolean transB, double beta, double[] c, int cOff) {
    if (m == 0 || n == 0) return;
    if (aOff == 0 && bOff == 0 && cOff == 0) {
      openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, transB ? openblas.CblasTrans : openblas.CblasNoTrans,
          m, n, k, alpha, a, Math.max(1, k), b, transB ? Math.max(1, k) : Math.max(1, n), beta, c, Math.max(1, n));
    } else {
      java.nio.DoubleBuffer ab = java.nio.DoubleBuffer.wrap(a, aOff, a.length - aOff).slice();
      java.nio.DoubleBuffer bb = java.nio.DoubleBuffer.wrap(b, bOff, b.length - bOff).slice();
      java.nio.DoubleBuffer cb = java.nio.DoubleBuffer.wrap(c, cOff, c.length - cOff).slice();
      openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, transB ? openblas.CblasTrans : openblas.CblasNoTrans,
          m, n, k, alpha, ab, Math.max(1, k), bb, transB ? Math.max(1, k) : Math.max(1, n), beta, cb, Math.max(1, n));
    }
  }

  @Override public void symmetricEigen(int n, double[] a, double[] w) {
    int info = openblas.LAPACKE_dsyevd(openblas.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, a, n, w);
    if (info != 0) throw new ArithmeticException("LAPACK dsyevd failed to converge (info = " + info + ")");
  }

  @Override public void setThreads(int threads) { openblas.blas_set_num_threads(threads); }

  @Override public int threads() { return openblas.blas_get_num_threads(); }

  @Override public String name() { return name; }
}
