package org.ntk4j.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;

/**
 * OpenBLAS through the bytedeco JavaCPP preset: dgemm and LAPACK (dsyevd/dsyevr, dpotrf/dpotrs).
 *
 * <p>LAPACK calls are made in column-major order on our row-major buffers. For a symmetric matrix the two orders hold
 * the same matrix (row-major 'U' is column-major 'L'), so LAPACKE's row-major path, which transposes the whole n×n
 * matrix in and out, is avoided. Eigenvalue calls use all cores: the thread count is raised for the call when a caller
 * (e.g. a kernel computation) left it lower, and restored afterwards.
 */
final class OpenBlasLinalg implements DenseLinalg {
  private final String name;

  OpenBlasLinalg() {
    org.bytedeco.javacpp.Loader.load(openblas.class);
    name = "OpenBLAS (native, bytedeco preset)";
  }

  @Override public void gemm(int m, int n, int k, double alpha, double[] a, int aOff, double[] b, int bOff,
                             boolean transB, double beta, double[] c, int cOff) {
    dgemm(false, transB, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff);
  }

  /**
   * Operands are staged into per-thread native buffers, region by region ({@code DoublePointer.put(array, off, len)}: one
   * copy of exactly the block that is used). JavaCPP's {@code double[]} overloads copy the <em>whole</em> Java array in and
   * out on every call (JNI Get/ReleaseDoubleArrayElements), which for a block of a large parameter vector costs far more
   * than the product.
   */
  @Override public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOff,
                              double[] b, int bOff, double beta, double[] c, int cOff) {
    if (m == 0 || n == 0) return;
    Staging s = STAGING.get();
    long la = (long) m * k, lb = (long) k * n, lc = (long) m * n;
    DoublePointer pa = s.a(la), pb = s.b(lb), pc = s.c(lc);
    if (la > 0) pa.position(0).put(a, aOff, (int) la);
    if (lb > 0) pb.position(0).put(b, bOff, (int) lb);
    if (beta != 0) pc.position(0).put(c, cOff, (int) lc);
    if (k == 0) { // C = beta·C
      for (int i = 0; i < lc; i++) c[cOff + i] = beta == 0 ? 0.0 : beta * c[cOff + i];
      return;
    }
    int lda = transA ? Math.max(1, m) : Math.max(1, k);
    int ldb = transB ? Math.max(1, k) : Math.max(1, n);
    openblas.cblas_dgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
        transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, alpha, pa.position(0), lda, pb.position(0), ldb,
        beta, pc.position(0), Math.max(1, n));
    pc.position(0).get(c, cOff, (int) lc);
  }

  private static final ThreadLocal<Staging> STAGING = ThreadLocal.withInitial(Staging::new);

  /** Native scratch buffers of one thread, grown on demand (freed with the thread's Staging by the GC). */
  private static final class Staging {
    private DoublePointer a, b, c;

    private static DoublePointer fit(DoublePointer p, long len) {
      if (p != null && p.capacity() >= len) return p;
      if (p != null) p.close();
      return new DoublePointer(Math.max(1, len));
    }

    DoublePointer a(long len) { return a = fit(a, len); }
    DoublePointer b(long len) { return b = fit(b, len); }
    DoublePointer c(long len) { return c = fit(c, len); }
  }

  @Override public void symmetricEigenRows(int n, double[] a, double[] w, EigenMethod method) {
    DenseLinalg.checkSquare(n, a, w);
    if (n == 0) return;
    int before = raiseThreads();
    try {
      int info;
      if (method == EigenMethod.MRRR) {
        double[] z = new double[n * n];
        int[] isuppz = new int[2 * n];
        int[] found = new int[1];
        // column-major 'L' on the row-major upper triangle: eigenvectors come back as columns of the column-major z,
        // i.e. as rows of the row-major z
        info = openblas.LAPACKE_dsyevr(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'A', (byte) 'L', n, a, n,
            0.0, 0.0, 0, 0, 0.0, found, w, z, n, isuppz);
        if (info == 0) System.arraycopy(z, 0, a, 0, n * n);
      } else {
        info = openblas.LAPACKE_dsyevd(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'L', n, a, n, w);
      }
      if (info != 0) {
        throw new ArithmeticException("LAPACK " + (method == EigenMethod.MRRR ? "dsyevr" : "dsyevd")
            + " failed (info = " + info + ") on a " + n + " x " + n + " matrix");
      }
    } finally {
      restoreThreads(before);
    }
  }

  @Override public void symmetricEigenvalues(int n, double[] a, double[] w) {
    DenseLinalg.checkSquare(n, a, w);
    if (n == 0) return;
    int before = raiseThreads();
    try {
      int info = openblas.LAPACKE_dsyevd(openblas.LAPACK_COL_MAJOR, (byte) 'N', (byte) 'L', n, a, n, w);
      if (info != 0) throw new ArithmeticException("LAPACK dsyevd failed (info = " + info + ") on a " + n + " x " + n + " matrix");
    } finally {
      restoreThreads(before);
    }
  }

  @Override public boolean choleskyFactor(int n, double[] a) {
    DenseLinalg.checkSquare(n, a, null);
    if (n == 0) return true;
    int before = raiseThreads();
    try {
      // column-major 'L' on the row-major upper triangle: the row-major view of the factor is U with A = UᵀU
      int info = openblas.LAPACKE_dpotrf(openblas.LAPACK_COL_MAJOR, (byte) 'L', n, a, n);
      if (info < 0) throw new ArithmeticException("LAPACK dpotrf: illegal argument " + (-info));
      return info == 0;
    } finally {
      restoreThreads(before);
    }
  }

  @Override public void choleskySolve(int n, double[] factor, double[] b, int nrhs) {
    DenseLinalg.checkSquare(n, factor, null);
    if (b.length != (long) n * nrhs) throw new IllegalArgumentException("right-hand side has " + b.length + " values, expected " + n + "·" + nrhs);
    if (n == 0 || nrhs == 0) return;
    // b is n × nrhs row-major; LAPACK wants it column-major: solve on its transpose
    double[] bt = nrhs == 1 ? b : transpose(b, n, nrhs);
    int info = openblas.LAPACKE_dpotrs(openblas.LAPACK_COL_MAJOR, (byte) 'L', n, nrhs, factor, n, bt, n);
    if (info != 0) throw new ArithmeticException("LAPACK dpotrs failed (info = " + info + ")");
    if (bt != b) {
      for (int i = 0; i < n; i++) for (int j = 0; j < nrhs; j++) b[i * nrhs + j] = bt[j * n + i];
    }
  }

  private static double[] transpose(double[] b, int rows, int cols) {
    double[] t = new double[rows * cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = b[i * cols + j];
    return t;
  }

  /** Sets the OpenBLAS thread count to all cores for a LAPACK call; returns the previous count. */
  private int raiseThreads() {
    int before = openblas.blas_get_num_threads();
    int all = Runtime.getRuntime().availableProcessors();
    if (before < all) openblas.blas_set_num_threads(all);
    return before;
  }

  private void restoreThreads(int before) {
    if (before > 0 && openblas.blas_get_num_threads() != before) openblas.blas_set_num_threads(before);
  }

  @Override public void setThreads(int threads) { openblas.blas_set_num_threads(threads); }

  @Override public int threads() {
    int t = openblas.blas_get_num_threads();
    return t > 0 ? t : Runtime.getRuntime().availableProcessors();
  }

  @Override public String name() { return name; }
}
