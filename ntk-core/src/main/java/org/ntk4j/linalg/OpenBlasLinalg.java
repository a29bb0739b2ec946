package org.ntk4j.linalg;

import org.bytedeco.javacpp.DoublePointer;
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
