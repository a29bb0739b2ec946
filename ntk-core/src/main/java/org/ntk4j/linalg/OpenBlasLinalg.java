package org.ntk4j.linalg;

import org.bytedeco.openblas.global.openblas;

/** OpenBLAS through the bytedeco JavaCPP preset: dgemm and LAPACKE dsyevd. */
final class OpenBlasLinalg implements DenseLinalg {
  private final String name;

  OpenBlasLinalg() {
    org.bytedeco.javacpp.Loader.load(openblas.class);
    name = "OpenBLAS (native, bytedeco preset)";
  }

  @Override public void gemm(int m, int n, int k, double alpha, double[] a, int aOff, double[] b, int bOff,
                             boolean transB, double beta, double[] c, int cOff) {
    if (m == 0 || n == 0) return;
    if (aOff == 0 && bOff == 0 && cOff == 0) {
      openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, transB ? openblas.CblasTrans : openblas.CblasNoTrans,
          m, n, k, alpha, a, Math.max(1, k), b, transB ? Math.max(1, k) : Math.max(1, n), beta, c, Math.max(1, n));
    } else {
      // JavaCPP mishandles sliced heap buffers, so operate on copies of the regions
      double[] ar = java.util.Arrays.copyOfRange(a, aOff, aOff + m * k);
      double[] br = java.util.Arrays.copyOfRange(b, bOff, bOff + n * k);
      double[] cr = beta == 0 ? new double[m * n] : java.util.Arrays.copyOfRange(c, cOff, cOff + m * n);
      gemm(m, n, k, alpha, ar, 0, br, 0, transB, beta, cr, 0);
      System.arraycopy(cr, 0, c, cOff, m * n);
    }
  }

  @Override public void symmetricEigen(int n, double[] a, double[] w) {
    int info = openblas.LAPACKE_dsyevd(openblas.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, a, n, w);
    if (info != 0) throw new ArithmeticException("LAPACK dsyevd failed to converge (info = " + info + ")");
  }

  @Override public void setThreads(int threads) { openblas.blas_set_num_threads(threads); }

  @Override public int threads() {
    int t = openblas.blas_get_num_threads();
    return t > 0 ? t : Runtime.getRuntime().availableProcessors();
  }

  @Override public String name() { return name; }
}
